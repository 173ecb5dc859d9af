//! The application as the page form and the API both send it, turned into
//! what the enrollment service takes.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::domain::application::{self, ApplicationInput, Question, QuestionKind};
use crate::domain::course::{self as rules, CourseKind};
use crate::domain::DomainError;
use crate::entities::{course, course_question};
use crate::error::Error;
use crate::services::enrollment::Applicant;

/// Raw application fields, as typed.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFields {
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: String,
    pub postal_code: String,
    pub prefecture: String,
    pub address: String,
    pub phone: String,
    pub price_category: String,
    pub member_number: String,
    pub support_scheme: String,
    pub qualifications: String,
    pub accessibility: Vec<String>,
    pub companions: String,
    pub special_care_notes: String,
    pub special_care_consent: bool,
    pub consent: bool,
    pub answers: BTreeMap<i64, String>,
}

fn question(row: &course_question::Model) -> Question {
    let kind = match row.kind.as_str() {
        "choice" => QuestionKind::Choice(serde_json::from_str(&row.choices).unwrap_or_default()),
        "yes_no" => QuestionKind::YesNo,
        _ => QuestionKind::Text,
    };
    Question {
        id: row.id,
        kind,
        required: row.required,
    }
}

/// Checks every field for the course's kind and its own questions; all
/// problems come back together.
pub fn applicant(
    user_id: i64,
    course: &course::Model,
    questions: &[course_question::Model],
    fields: &ApplicationFields,
    now: DateTime<Utc>,
) -> Result<Applicant, Error> {
    let kind = CourseKind::parse("kind", &course.kind)?;
    let input = ApplicationInput {
        family_name: &fields.family_name,
        given_name: &fields.given_name,
        family_name_kana: &fields.family_name_kana,
        given_name_kana: &fields.given_name_kana,
        birth_date: &fields.birth_date,
        postal_code: &fields.postal_code,
        prefecture: &fields.prefecture,
        address: &fields.address,
        phone: &fields.phone,
        price_category: &fields.price_category,
        member_number: &fields.member_number,
        support_scheme: &fields.support_scheme,
        qualifications: &fields.qualifications,
        accessibility: &fields.accessibility,
        companions: &fields.companions,
        special_care_notes: &fields.special_care_notes,
        special_care_consent: fields.special_care_consent,
        consent: fields.consent,
    };
    let parsed = application::parse(kind.form_level(), &input, rules::jst_date(now));
    let questions: Vec<Question> = questions.iter().map(question).collect();
    let answers = application::parse_answers(&questions, &fields.answers);
    match (parsed, answers) {
        (Ok(app), Ok(answers)) => Ok(Applicant {
            user_id,
            family_name: app.family_name().as_str().to_string(),
            given_name: app.given_name().as_str().to_string(),
            family_name_kana: app.family_name_kana().as_str().to_string(),
            given_name_kana: app.given_name_kana().as_str().to_string(),
            price_category: app.price_category().to_string(),
            member_number: app.member_number().map(str::to_string),
            form: app.to_json(),
            answers,
            special_care_notes: app.special_care_notes().map(str::to_string),
        }),
        (parsed, answers) => {
            let mut errors: Vec<DomainError> = parsed.err().unwrap_or_default();
            if let Err(answer_errors) = answers {
                errors.extend(
                    answer_errors
                        .into_iter()
                        .map(|(_, key)| DomainError::new("answers", key)),
                );
            }
            Err(Error::Validation(errors))
        }
    }
}

/// Which answers failed, by question id (for showing the error at the question).
pub fn answer_errors(
    questions: &[course_question::Model],
    raw: &BTreeMap<i64, String>,
) -> BTreeMap<i64, &'static str> {
    let questions: Vec<Question> = questions.iter().map(question).collect();
    match application::parse_answers(&questions, raw) {
        Ok(_) => BTreeMap::new(),
        Err(errors) => errors.into_iter().collect(),
    }
}
