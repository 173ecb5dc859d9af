//! 補講 offered by staff from the course matrix: pick a subject, see the
//! trainees short in it and the sessions that could make it up, and offer
//! one (through `services::makeup_offers`).
use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::attendance_staff_pages::{parse_number, problem_of};
use super::catalog_pages::day_with_weekday;
use super::forms::FormResponse;
use super::instructor_pages::time_range;
use super::respond::PageError;
use super::shell::Shell;
use super::staff_courses::{course_head, Choice};
use crate::auth::csrf::CsrfToken;
use crate::auth::StaffUser;
use crate::domain::course::CourseKind;
use crate::entities::course;
use crate::error::Error;
use crate::i18n::{t, t_args};
use crate::reports::attendance_sheet::{kana_of, name_of};
use crate::services::{catalog, makeup_offers};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![makeup_page, offer_makeup]
}

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
