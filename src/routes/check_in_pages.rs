//! Check-in pages: staff at the door (scan or type a trainee's QR code, or
//! find them by name in 50音 order) and trainees checking themselves in with
//! the instructor's rotating code. Both go through `services::check_in`.
use chrono::{DateTime, Duration, Utc};
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::forms::FormResponse;
use super::instructor_pages::{hm, time_range};
use super::paging::query_string;
use super::respond::PageError;
use super::shell::Shell;
use super::staff_courses::course_head;
use super::walk_in_pages::WalkInView;
use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, StaffUser};
use crate::domain::course::{jst_date, EnrollmentStatus};
use crate::entities::{course, enrollment, session};
use crate::error::Error;
use crate::i18n::{t, t_args, Lang};
use crate::reports::attendance_sheet::{kana_of, name_of};
use crate::services::{attendance_views, catalog, check_in, enrollment as enrollments, schedule};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![door_page, door_check_in, self_page, self_check_in]
}

// ---------------------------------------------------------------------------
// At the door (staff).

/// Who may come in: the seats check-in accepts.
const AT_THE_DOOR: [EnrollmentStatus; 3] = [
    EnrollmentStatus::Confirmed,
    EnrollmentStatus::PendingPayment,
    EnrollmentStatus::Completed,
];

/// The course's session going on now (from a little before its start), if any.
pub(super) async fn session_now(
    state: &AppState,
    course_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<session::Model>, Error> {
    Ok(schedule::for_course(&state.db, course_id)
        .await?
        .into_iter()
        .find(|s| {
            s.cancelled_at.is_none()
                && now >= s.starts_at - Duration::minutes(check_in::EARLY_MINUTES)
                && now <= s.ends_at
        }))
}

#[derive(Serialize)]
struct Person {
    id: i64,
    name: String,
    kana: String,
    checked_in: Option<String>,
}

pub(super) async fn door_template(
    shell: &Shell,
    state: &AppState,
    c: &course::Model,
    q: &str,
    code: &str,
    problem: &str,
    walk_in: &WalkInView,
) -> Result<Template, Error> {
    let lang = shell.language;
    let now = state.clock.now();
    let head = course_head(state, lang, c).await?;
    let everyone = attendance_views::enrollments_in(&state.db, c.id, &AT_THE_DOOR).await?;
    let checked_in = everyone
        .iter()
        .filter(|e| e.checked_in_at.is_some())
        .count();
    let found: Vec<enrollment::Model> = if q.trim().is_empty() {
        everyone.clone()
    } else {
        enrollments::for_course(&state.db, c.id, None, Some(q))
            .await?
            .into_iter()
            .filter(|e| everyone.iter().any(|x| x.id == e.id))
            .collect()
    };
    let people: Vec<Person> = found
        .iter()
        .map(|e| Person {
            id: e.id,
            name: name_of(e),
            kana: kana_of(e),
            checked_in: e.checked_in_at.map(hm),
        })
        .collect();
    let current = session_now(state, c.id, now)
        .await?
        .map(|s| time_range(lang, s.starts_at, s.ends_at));
    Ok(Template::render(
        "check_in/door",
        context! {
            s: shell,
            c: head,
            q,
            code,
            problem,
            people,
            enrolled: everyone.len(),
            checked_in,
            current,
            walk_in,
        },
    ))
}

#[get("/staff/courses/<id>/check-in?<q>")]
async fn door_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    q: Option<String>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let c = catalog::find(&state.db, id).await?;
    let walk_in = WalkInView::fresh(shell.language, &c);
    Ok(door_template(
        &shell,
        state,
        &c,
        q.as_deref().unwrap_or(""),
        "",
        "",
        &walk_in,
    )
    .await?)
}

#[derive(FromForm)]
struct DoorForm {
    csrf_token: String,
    code: Option<String>,
    enrollment_id: Option<i64>,
    /// The name search to come back to.
    q: Option<String>,
}

/// The code to check in with, or why there is none for this course.
async fn code_for_course(
    state: &AppState,
    course_id: i64,
    form: &DoorForm,
) -> Result<String, Error> {
    if let Some(enrollment_id) = form.enrollment_id {
        let row = enrollments::find(&state.db, enrollment_id).await?;
        if row.course_id != course_id {
            return Err(Error::Conflict("err-check-in-other-course"));
        }
        return check_in::code_for(&state.db, row.id).await;
    }
    let code = form.code.clone().unwrap_or_default();
    if code.trim().is_empty() {
        return Err(Error::invalid("code", "err-check-in-code-required"));
    }
    // Without a session going on, the service cannot tell another course's
    // code from this one's; the page can.
    if let Some(row) = attendance_views::enrollment_by_door_code(&state.db, &code).await? {
        if row.course_id != course_id {
            return Err(Error::Conflict("err-check-in-other-course"));
        }
    }
    Ok(code)
}

fn message_of(lang: Lang, error: &Error) -> Option<String> {
    match error {
        Error::Validation(errors) => errors.first().map(|e| t(lang, e.key)),
        Error::Conflict(key) => Some(t(lang, key)),
        _ => None,
    }
}

#[post("/staff/courses/<id>/check-in", data = "<form>")]
async fn door_check_in(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<DoorForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let now = state.clock.now();
    let c = match catalog::find(&state.db, id).await {
        Ok(c) => c,
        Err(e) => return e.into(),
    };
    let q = form.q.clone().unwrap_or_default();
    let result = match code_for_course(state, c.id, &form).await {
        Ok(code) => {
            let current = match session_now(state, c.id, now).await {
                Ok(s) => s.map(|s| s.id),
                Err(e) => return e.into(),
            };
            check_in::at_the_door(&state.db, staff.0.id, &code, current, now).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(done) => {
            let e = &done.enrollment;
            let at = e.checked_in_at.map(hm).unwrap_or_default();
            let args = [("name", name_of(e)), ("time", at)];
            let message = if done.already {
                t_args(lang, "flash-checked-in-already", &args)
            } else {
                t_args(lang, "flash-checked-in", &args)
            };
            let to = format!(
                "/staff/courses/{id}/check-in?{}",
                query_string(&[("q", q.as_str())])
            );
            let to = to.trim_end_matches(['?', '&']).to_string();
            FormResponse::Done(Flash::success(Redirect::to(to), message))
        }
        Err(e) => {
            let Some(problem) = message_of(lang, &e) else {
                return e.into();
            };
            let code = form.code.clone().unwrap_or_default();
            let walk_in = WalkInView::fresh(lang, &c);
            match door_template(&shell, state, &c, &q, &code, &problem, &walk_in).await {
                Ok(template) => FormResponse::Redo((e.status(), template)),
                Err(e) => e.into(),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Self check-in (trainees).

#[derive(Serialize)]
struct SessionChoice {
    id: i64,
    label: String,
    selected: bool,
}

async fn self_template(
    shell: &Shell,
    state: &AppState,
    user: &CurrentUser,
    chosen: Option<i64>,
    problem: &str,
    code_error: &str,
) -> Result<Template, Error> {
    let lang = shell.language;
    let now = state.clock.now();
    let today = attendance_views::sessions_of_trainee_on(&state.db, user.id, jst_date(now))
        .await?
        .into_iter()
        .filter(|(_, c)| c.self_check_in)
        .collect::<Vec<_>>();
    // Preselect the session going on now, else the first.
    let current = today
        .iter()
        .find(|(s, _)| s.starts_at <= now && now <= s.ends_at)
        .or(today.first())
        .map(|(s, _)| s.id);
    let chosen = chosen.or(current);
    let sessions: Vec<SessionChoice> = today
        .iter()
        .map(|(s, c)| SessionChoice {
            id: s.id,
            label: format!("{} {}", time_range(lang, s.starts_at, s.ends_at), c.title),
            selected: Some(s.id) == chosen,
        })
        .collect();
    Ok(Template::render(
        "check_in/self",
        context! { s: shell, sessions, problem, code_error },
    ))
}

#[get("/my/check-in")]
async fn self_page(
    shell: Shell,
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    Ok(self_template(&shell, state, &user, None, "", "").await?)
}

#[derive(FromForm)]
struct SelfForm {
    csrf_token: String,
    session_id: Option<i64>,
    code: Option<String>,
}

#[post("/my/check-in", data = "<form>")]
async fn self_check_in(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    form: Form<SelfForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let code = form.code.clone().unwrap_or_default();
    let result = match form.session_id {
        None => Err(Error::Conflict("err-check-in-choose-session")),
        Some(session_id) => {
            check_in::self_check_in(&state.db, user.id, session_id, &code, state.clock.now()).await
        }
    };
    let (status, problem, code_error) = match result {
        Ok(marked) => {
            let key = if marked {
                "flash-self-checked-in"
            } else {
                "flash-self-check-in-already"
            };
            return FormResponse::Done(Flash::success(Redirect::to("/my/check-in"), t(lang, key)));
        }
        Err(Error::Validation(errors)) => {
            let message = errors.first().map(|e| t(lang, e.key)).unwrap_or_default();
            (Status::UnprocessableEntity, message.clone(), message)
        }
        Err(Error::Conflict(key)) => (Status::Conflict, t(lang, key), String::new()),
        // A session of somebody else's course: the service says "not found".
        Err(Error::NotFound) => (
            Status::UnprocessableEntity,
            t(lang, "err-self-check-in-not-yours"),
            String::new(),
        ),
        Err(e) => return e.into(),
    };
    match self_template(&shell, state, &user, form.session_id, &problem, &code_error).await {
        Ok(template) => FormResponse::Redo((status, template)),
        Err(e) => e.into(),
    }
}
