//! Staff pages for what the classroom roll does not cover: offering a 補講
//! to the trainees short in a subject (from the course matrix), and, on one
//! trainee's record, a make-up done at another provider (or correspondence
//! credit) and 修了評価 results. Every write goes through the existing
//! services (`makeup_offers`, `attendance`).
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::catalog_pages::day_with_weekday;
use super::forms::FormResponse;
use super::instructor_pages::time_range;
use super::progress_pages::record_template;
use super::respond::PageError;
use super::shell::Shell;
use super::staff_courses::{course_head, date_text, errors_of, Choice, Errors};
use crate::auth::csrf::CsrfToken;
use crate::auth::StaffUser;
use crate::domain::course::{jst_date, CourseKind};
use crate::domain::course_draft::parse_date;
use crate::domain::DomainError;
use crate::entities::{course, enrollment};
use crate::error::Error;
use crate::i18n::{t, t_args, Lang};
use crate::reports::attendance_sheet::{kana_of, name_of};
use crate::services::{attendance, attendance_views, catalog, makeup_offers};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        makeup_page,
        offer_makeup,
        record_outside_credit,
        record_assessment
    ]
}

/// A refusal shown at the top of the form, and per-field messages.
fn problem_of(lang: Lang, error: &Error) -> Option<(Status, Errors, String)> {
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

fn parse_number<T: std::str::FromStr>(
    field: &'static str,
    raw: &str,
    key: &'static str,
) -> Result<T, DomainError> {
    raw.trim().parse().map_err(|_| DomainError::new(field, key))
}

// ---------------------------------------------------------------------------
// 補講: one subject's short trainees, and the sessions that could make it up.

#[derive(Serialize)]
struct ShortRow {
    id: i64,
    name: String,
    kana: String,
    missing_minutes: i32,
}

#[derive(Serialize)]
struct SessionRow {
    id: i64,
    label: String,
    course: Option<String>,
    free_seats: Option<i64>,
    selected: bool,
}

async fn makeup_template(
    shell: &Shell,
    state: &AppState,
    c: &course::Model,
    subject: Option<&str>,
    chosen_session: Option<i64>,
    mut problem: String,
) -> Result<Template, Error> {
    let lang = shell.language;
    let now = state.clock.now();
    let head = course_head(state, lang, c).await?;
    let is_helper = c.kind == CourseKind::Helper.as_str();
    let course_subjects = if is_helper {
        catalog::subjects(&state.db, c.id).await?
    } else {
        vec![]
    };
    let subjects: Vec<Choice> = course_subjects
        .iter()
        .map(|s| Choice::new(s.no.to_string(), format!("{}. {}", s.no, s.name)))
        .collect();
    let raw = subject.map(str::trim).unwrap_or("");
    let mut chosen = None;
    if !raw.is_empty() {
        let found = raw
            .parse::<i32>()
            .ok()
            .and_then(|no| course_subjects.iter().find(|s| s.no == no));
        match found {
            Some(s) => chosen = Some(s.clone()),
            None if problem.is_empty() => problem = t(lang, "err-subject-unknown"),
            None => {}
        }
    }
    let mut short = vec![];
    let mut sessions = vec![];
    if let Some(s) = &chosen {
        for x in makeup_offers::short_trainees(&state.db, c.id, s.no, now).await? {
            short.push(ShortRow {
                id: x.enrollment.id,
                name: name_of(&x.enrollment),
                kana: kana_of(&x.enrollment),
                missing_minutes: x.subject.missing_minutes,
            });
        }
        for x in makeup_offers::candidates(&state.db, c, s.no, now).await? {
            let at = &x.session;
            let mut label = format!(
                "{} {}",
                day_with_weekday(lang, at.starts_at),
                time_range(lang, at.starts_at, at.ends_at)
            );
            if !at.room.is_empty() {
                label = format!("{label} {}", at.room);
            }
            sessions.push(SessionRow {
                id: at.id,
                label,
                course: (x.course.id != c.id)
                    .then(|| format!("{} {}", x.course.code, x.course.title)),
                free_seats: x.free_seats,
                selected: Some(at.id) == chosen_session,
            });
        }
    }
    Ok(Template::render(
        "progress/makeup",
        context! {
            s: shell,
            c: head,
            is_helper,
            subjects,
            subject: chosen.as_ref().map(|s| s.no.to_string()).unwrap_or_default(),
            subject_name: chosen.as_ref().map(|s| format!("{}. {}", s.no, s.name)),
            short,
            sessions,
            problem,
        },
    ))
}

#[get("/staff/courses/<id>/makeup?<subject>")]
async fn makeup_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    subject: Option<&str>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let c = catalog::find(&state.db, id).await?;
    Ok(makeup_template(&shell, state, &c, subject, None, String::new()).await?)
}

#[derive(FromForm)]
struct MakeupForm {
    csrf_token: String,
    #[field(default = String::new())]
    subject_no: String,
    session_id: Option<String>,
}

#[post("/staff/courses/<id>/makeup", data = "<form>")]
async fn offer_makeup(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<MakeupForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let c = match catalog::find(&state.db, id).await {
        Ok(c) => c,
        Err(e) => return e.into(),
    };
    let session_id = form
        .session_id
        .as_deref()
        .and_then(|s| s.trim().parse::<i64>().ok());
    let result: Result<usize, Error> = async {
        let subject_no: i32 = parse_number("subject_no", &form.subject_no, "err-subject-unknown")?;
        let session_id =
            session_id.ok_or(Error::invalid("session_id", "err-makeup-choose-session"))?;
        makeup_offers::offer(
            &state.db,
            c.id,
            subject_no,
            session_id,
            staff.0.id,
            state.clock.now(),
        )
        .await
    }
    .await;
    let (status, problem) = match result {
        Ok(offered) => {
            let key = if offered == 0 {
                "flash-makeup-offered-none"
            } else {
                "flash-makeup-offered"
            };
            let message = t_args(lang, key, &[("count", offered.to_string())]);
            let to = format!(
                "/staff/courses/{id}/makeup?subject={}",
                form.subject_no.trim()
            );
            return FormResponse::Done(Flash::success(Redirect::to(to), message));
        }
        Err(e) => match problem_of(lang, &e) {
            Some((status, _, problem)) => (status, problem),
            None => return e.into(),
        },
    };
    let subject = Some(form.subject_no.as_str());
    match makeup_template(&shell, state, &c, subject, session_id, problem).await {
        Ok(template) => FormResponse::Redo((status, template)),
        Err(e) => e.into(),
    }
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
        // Only for courses that have subjects and an assessment.
        let row = crate::services::enrollment::find(&state.db, id).await?;
        let c = catalog::find(&state.db, row.course_id).await?;
        if c.kind != CourseKind::Helper.as_str() {
            return Err(Error::Conflict("err-assessment-helper-only"));
        }
        attendance::record_assessment(
            &state.db,
            id,
            staff.0.id,
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
