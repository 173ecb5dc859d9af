//! Staff forms on one trainee's attendance record: a make-up done at another
//! provider (or correspondence credit) and 修了評価 results, through
//! `services::attendance`. Offering a 補講 is in `makeup_pages`.
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{post, routes, FromForm, Route, State};
use serde::Serialize;

use super::forms::FormResponse;
use super::progress_pages::record_template;
use super::shell::Shell;
use super::staff_courses::{date_text, errors_of, Choice, Errors};
use crate::auth::csrf::CsrfToken;
use crate::auth::StaffUser;
use crate::domain::course::{jst_date, CourseKind};
use crate::domain::course_draft::parse_date;
use crate::domain::DomainError;
use crate::entities::{course, enrollment};
use crate::error::Error;
use crate::i18n::{t, Lang};
use crate::services::{assessments, attendance, attendance_views, catalog};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![record_outside_credit, record_assessment]
}

/// A refusal shown at the top of the form, and per-field messages.
pub(super) fn problem_of(lang: Lang, error: &Error) -> Option<(Status, Errors, String)> {
    match error {
        Error::Validation(errors) => Some((
            Status::UnprocessableEntity,
            errors_of(lang, errors, ""),
            errors
                .iter()
                .map(|e| t(lang, e.key))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        Error::Conflict(key) => Some((Status::Conflict, Errors::new(), t(lang, key))),
        _ => None,
    }
}

pub(super) fn parse_number<T: std::str::FromStr>(
    field: &'static str,
    raw: &str,
    key: &'static str,
) -> Result<T, DomainError> {
    raw.trim().parse().map_err(|_| DomainError::new(field, key))
}

// ---------------------------------------------------------------------------
// One trainee's record: outside credit and 修了評価.

#[derive(Debug, Default, Clone, Serialize, FromForm)]
pub struct CreditForm {
    #[serde(skip)]
    csrf_token: String,
    #[field(default = String::new())]
    subject_no: String,
    #[field(default = String::new())]
    kind: String,
    #[field(default = String::new())]
    minutes: String,
    #[field(default = String::new())]
    provider: String,
    #[field(default = String::new())]
    confirmed_on: String,
}

#[derive(Debug, Default, Clone, Serialize, FromForm)]
pub struct AssessmentForm {
    #[serde(skip)]
    csrf_token: String,
    #[field(default = String::new())]
    score: String,
    #[field(default = String::new())]
    pass_mark: String,
    #[field(default = String::new())]
    taken_on: String,
}

/// The record page's two forms as typed, with their errors.
#[derive(Default)]
pub struct RecordForms {
    credit: Option<(CreditForm, Errors, String)>,
    assessment: Option<(AssessmentForm, Errors, String)>,
}

#[derive(Serialize)]
struct AssessmentRow {
    attempt: i32,
    score: i32,
    pass_mark: i32,
    taken_on: String,
    passed: bool,
}

#[derive(Serialize)]
struct CreditRow {
    subject: String,
    kind: String,
    minutes: i32,
    provider: String,
    confirmed_on: String,
}

/// What the record page shows below the sessions: the forms and what they recorded.
#[derive(Serialize)]
pub struct RecordExtras {
    shown: bool,
    subjects: Vec<Choice>,
    kinds: Vec<Choice>,
    credit: CreditForm,
    credit_errors: Errors,
    credit_problem: String,
    assessment: AssessmentForm,
    assessment_errors: Errors,
    assessment_problem: String,
    assessments: Vec<AssessmentRow>,
    credits: Vec<CreditRow>,
    default_pass_mark: i32,
}

const CREDIT_KINDS: [&str; 2] = ["external_makeup", "correspondence"];

pub async fn record_extras(
    state: &AppState,
    lang: Lang,
    row: &enrollment::Model,
    c: &course::Model,
    forms: RecordForms,
) -> Result<RecordExtras, Error> {
    let shown = c.kind == CourseKind::Helper.as_str();
    let course_subjects = if shown {
        catalog::subjects(&state.db, c.id).await?
    } else {
        vec![]
    };
    let subject_name = |no: i32| {
        course_subjects
            .iter()
            .find(|s| s.no == no)
            .map(|s| format!("{}. {}", s.no, s.name))
            .unwrap_or_else(|| no.to_string())
    };
    let kind_label = |kind: &str| t(lang, &format!("att-credit-kind-{}", kind.replace('_', "-")));
    let assessments = attendance_views::assessments_of(&state.db, row.id)
        .await?
        .into_iter()
        .map(|a| AssessmentRow {
            attempt: a.attempt,
            score: a.score,
            pass_mark: a.pass_mark,
            taken_on: date_text(lang, a.taken_on),
            passed: a.score >= a.pass_mark,
        })
        .collect();
    let credits = attendance_views::outside_credits_of(&state.db, row.id)
        .await?
        .into_iter()
        .map(|x| CreditRow {
            subject: subject_name(x.subject_no),
            kind: kind_label(&x.kind),
            minutes: x.minutes,
            provider: x.provider.unwrap_or_default(),
            confirmed_on: x
                .confirmed_on
                .map(|d| date_text(lang, d))
                .unwrap_or_default(),
        })
        .collect();
    let today = jst_date(state.clock.now()).format("%Y-%m-%d").to_string();
    let (credit, credit_errors, credit_problem) = forms.credit.unwrap_or_else(|| {
        (
            CreditForm {
                kind: "external_makeup".into(),
                ..Default::default()
            },
            Errors::new(),
            String::new(),
        )
    });
    let (assessment, assessment_errors, assessment_problem) =
        forms.assessment.unwrap_or_else(|| {
            (
                AssessmentForm {
                    pass_mark: c.assessment_pass_mark.to_string(),
                    taken_on: today.clone(),
                    ..Default::default()
                },
                Errors::new(),
                String::new(),
            )
        });
    Ok(RecordExtras {
        shown,
        subjects: course_subjects
            .iter()
            .map(|s| Choice::new(s.no.to_string(), format!("{}. {}", s.no, s.name)))
            .collect(),
        kinds: CREDIT_KINDS
            .iter()
            .map(|k| Choice::new(*k, kind_label(k)))
            .collect(),
        credit,
        credit_errors,
        credit_problem,
        assessment,
        assessment_errors,
        assessment_problem,
        assessments,
        credits,
        default_pass_mark: c.assessment_pass_mark,
    })
}

fn record_path(id: i64) -> String {
    format!("/staff/enrollments/{id}/attendance")
}

/// Success: back to the record with a flash. Refused: the record again with
/// the form's errors (nothing was saved).
async fn after_record_form<T>(
    shell: &Shell,
    state: &AppState,
    id: i64,
    result: Result<T, Error>,
    success_key: &str,
    redo: impl FnOnce(Errors, String) -> RecordForms,
) -> FormResponse {
    let lang = shell.language;
    match result {
        Ok(_) => FormResponse::Done(Flash::success(
            Redirect::to(record_path(id)),
            t(lang, success_key),
        )),
        Err(e) => match problem_of(lang, &e) {
            Some((status, errors, problem)) => {
                match record_template(shell, state, id, redo(errors, problem)).await {
                    Ok(template) => FormResponse::Redo((status, template)),
                    Err(e) => e.into(),
                }
            }
            None => e.into(),
        },
    }
}

#[post("/staff/enrollments/<id>/outside-credits", data = "<form>")]
async fn record_outside_credit(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CreditForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let f = form.into_inner();
    let result = async {
        let mut errors = vec![];
        let subject_no = parse_number::<i32>("subject_no", &f.subject_no, "err-subject-unknown")
            .map_err(|e| errors.push(e))
            .ok();
        let minutes = parse_number::<i32>("minutes", &f.minutes, "err-minutes-invalid")
            .map_err(|e| errors.push(e))
            .ok();
        let confirmed_on = match f.confirmed_on.trim() {
            "" => None,
            raw => parse_date("confirmed_on", raw)
                .map_err(|e| errors.push(e))
                .ok(),
        };
        let (Some(subject_no), Some(minutes)) = (subject_no, minutes) else {
            return Err(Error::Validation(errors));
        };
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let provider = Some(f.provider.as_str()).filter(|p| !p.trim().is_empty());
        attendance::record_outside_credit(
            &state.db,
            id,
            staff.0.id,
            subject_no,
            f.kind.trim(),
            minutes,
            provider,
            confirmed_on,
            state.clock.now(),
        )
        .await
    }
    .await;
    after_record_form(
        &shell,
        state,
        id,
        result,
        "flash-outside-credit-recorded",
        |errors, problem| RecordForms {
            credit: Some((f, errors, problem)),
            assessment: None,
        },
    )
    .await
}

#[post("/staff/enrollments/<id>/assessments", data = "<form>")]
async fn record_assessment(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<AssessmentForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let f = form.into_inner();
    let result = async {
        let mut errors = vec![];
        let score = parse_number::<i32>("score", &f.score, "err-score-invalid")
            .map_err(|e| errors.push(e))
            .ok()
            .filter(|s| {
                let ok = (0..=100).contains(s);
                if !ok {
                    errors.push(DomainError::new("score", "err-score-invalid"));
                }
                ok
            });
        let pass_mark = match f.pass_mark.trim() {
            "" => None,
            raw => parse_number::<i32>("pass_mark", raw, "err-pass-mark-invalid")
                .map_err(|e| errors.push(e))
                .ok()
                .filter(|p| {
                    let ok = (0..=100).contains(p);
                    if !ok {
                        errors.push(DomainError::new("pass_mark", "err-pass-mark-invalid"));
                    }
                    ok
                }),
        };
        let taken_on = match f.taken_on.trim() {
            "" => {
                errors.push(DomainError::new("taken_on", "err-assessment-date-required"));
                None
            }
            raw => parse_date("taken_on", raw).map_err(|e| errors.push(e)).ok(),
        };
        let (Some(score), Some(taken_on)) = (score, taken_on) else {
            return Err(Error::Validation(errors));
        };
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        assessments::record(
            &state.db,
            id,
            attendance::Viewer {
                id: staff.0.id,
                is_staff: true,
            },
            score,
            pass_mark,
            taken_on,
            state.clock.now(),
        )
        .await
    }
    .await;
    after_record_form(
        &shell,
        state,
        id,
        result,
        "flash-assessment-recorded",
        |errors, problem| RecordForms {
            credit: None,
            assessment: Some((f, errors, problem)),
        },
    )
    .await
}
