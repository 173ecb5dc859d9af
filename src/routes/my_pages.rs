//! My page (マイページ): the logged-in person's enrollments, with accepting
//! an offered seat, cancelling (after a confirmation page) and the schedule
//! as a calendar file.
use chrono::{DateTime, Utc};
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::catalog_pages::{
    calendar, date, date_range, day_with_weekday, ics_file, kind_label, lines, status_label,
    IcsFile,
};
use super::forms::FormResponse;
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::CurrentUser;
use crate::domain::course::{self as rules, CourseStatus, EnrollmentStatus};
use crate::entities::{course, enrollment as row};
use crate::error::Error;
use crate::i18n::{format_datetime, t, t_args, Lang};
use crate::services::enrollment::{self, Actor};
use crate::services::{catalog, public_views};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![my_page, accept, cancel, enrollment_ics]
}

#[derive(Debug, Serialize)]
struct EnrollmentCard {
    id: i64,
    course_id: i64,
    course_title: String,
    /// Only public courses have a page to link to.
    course_link: bool,
    kind: String,
    dates: String,
    status: String,
    status_label: String,
    applied_on: String,
    next_session: Option<String>,
    waitlist_position: Option<u64>,
    offer_deadline: Option<String>,
    can_accept: bool,
    can_cancel: bool,
    cancel_until: String,
    cancel_closed: bool,
    calendar: bool,
    /// A fee was charged: the payment page shows what is due, paid and refunded, with receipts.
    payments: bool,
    pay_now: bool,
    /// Attendance and, for helper courses, hours per subject.
    progress: bool,
}

fn status_of(row: &row::Model) -> Option<EnrollmentStatus> {
    EnrollmentStatus::parse(&row.status)
}

fn offer_open(row: &row::Model, now: DateTime<Utc>) -> bool {
    status_of(row) == Some(EnrollmentStatus::Offered)
        && row.offer_expires_at.is_some_and(|at| at > now)
}

/// The owner may cancel an active enrollment until the course's deadline
/// (the same rule `enrollment::cancel` applies).
fn may_cancel(row: &row::Model, course: &course::Model, now: DateTime<Utc>) -> bool {
    status_of(row).is_some_and(EnrollmentStatus::is_active)
        && rules::may_self_cancel(now, course.starts_on, course.cancellation_deadline_days)
}

#[get("/my")]
async fn my_page(
    shell: Shell,
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let now = state.clock.now();
    let rows = enrollment::for_user(&state.db, user.id).await?;
    let course_ids: Vec<i64> = rows.iter().map(|(_, c)| c.id).collect();
    let next = public_views::next_sessions(&state.db, &course_ids, now).await?;
    let mut current = vec![];
    let mut past = vec![];
    for (e, c) in rows {
        let status = status_of(&e);
        let active = status.is_some_and(EnrollmentStatus::is_active);
        let deadline = rules::cancellation_deadline(c.starts_on, c.cancellation_deadline_days);
        let can_cancel = may_cancel(&e, &c, now);
        let card = EnrollmentCard {
            id: e.id,
            course_id: c.id,
            course_link: CourseStatus::parse(&c.status).is_some_and(CourseStatus::is_public),
            kind: kind_label(lang, &c.kind),
            dates: date_range(lang, c.starts_on, c.ends_on),
            status_label: status_label(lang, &e.status),
            applied_on: format_datetime(lang, e.created_at),
            next_session: next.get(&c.id).map(|s| {
                format!(
                    "{} {}",
                    day_with_weekday(lang, s.starts_at),
                    hm(s.starts_at)
                )
            }),
            waitlist_position: enrollment::waitlist_rank(&state.db, &e).await?,
            offer_deadline: e
                .offer_expires_at
                .filter(|_| status == Some(EnrollmentStatus::Offered))
                .map(|at| format_datetime(lang, at)),
            can_accept: offer_open(&e, now),
            can_cancel,
            cancel_until: date(lang, deadline),
            cancel_closed: active && !can_cancel,
            calendar: active || status == Some(EnrollmentStatus::Completed),
            payments: e.amount_due_yen > 0,
            pay_now: status == Some(EnrollmentStatus::PendingPayment),
            progress: active || status == Some(EnrollmentStatus::Completed),
            course_title: c.title,
            status: e.status,
        };
        if active {
            current.push(card);
        } else {
            past.push(card);
        }
    }
    Ok(Template::render(
        "my/index",
        context! { s: &shell, current, past },
    ))
}

fn hm(at: DateTime<Utc>) -> String {
    at.with_timezone(&crate::i18n::jst())
        .format("%H:%M")
        .to_string()
}

#[derive(FromForm)]
struct CsrfOnly {
    csrf_token: String,
}

fn back_with_error(lang: Lang, key: &str) -> Flash<Redirect> {
    Flash::error(Redirect::to("/my"), t(lang, key))
}

#[post("/my/enrollments/<id>/accept", data = "<form>")]
async fn accept(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    let lang = shell.language;
    match enrollment::accept_offer(&state.db, id, user.id, state.clock.now()).await {
        Ok(row) => Ok(Flash::success(
            Redirect::to("/my"),
            t_args(
                lang,
                "pub-flash-accepted",
                &[("status", status_label(lang, &row.status))],
            ),
        )),
        Err(Error::Conflict(key)) => Ok(back_with_error(lang, key)),
        Err(e) => Err(e.into()),
    }
}

#[derive(FromForm)]
struct CancelForm {
    csrf_token: String,
    confirm: Option<String>,
}

/// The first POST shows what cancelling means; the second, with
/// `confirm=yes`, cancels. Works without JavaScript.
#[post("/my/enrollments/<id>/cancel", data = "<form>")]
async fn cancel(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CancelForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let now = state.clock.now();
    if form.confirm.as_deref() == Some("yes") {
        let actor = Actor {
            id: user.id,
            is_staff: false,
        };
        return match enrollment::cancel(&state.db, id, actor, None, now).await {
            Ok(_) => FormResponse::Done(Flash::success(
                Redirect::to("/my"),
                t(lang, "pub-flash-cancelled"),
            )),
            Err(Error::Conflict(key)) => FormResponse::Done(back_with_error(lang, key)),
            Err(e) => e.into(),
        };
    }
    let row = match enrollment::find_visible(&state.db, id, user.id, false).await {
        Ok(row) => row,
        Err(e) => return e.into(),
    };
    let course = match catalog::find(&state.db, row.course_id).await {
        Ok(course) => course,
        Err(e) => return e.into(),
    };
    let status = status_of(&row);
    if !status.is_some_and(EnrollmentStatus::is_active) {
        return FormResponse::Done(back_with_error(lang, "err-enrollment-not-active"));
    }
    if !may_cancel(&row, &course, now) {
        return FormResponse::Done(back_with_error(lang, "err-cancel-deadline-passed"));
    }
    let template = Template::render(
        "my/cancel",
        context! {
            s: &shell,
            id,
            course_title: &course.title,
            dates: date_range(lang, course.starts_on, course.ends_on),
            status_label: status_label(lang, &row.status),
            holds_seat: status.is_some_and(EnrollmentStatus::holds_seat),
            waitlisted: status == Some(EnrollmentStatus::Waitlisted),
            cancellation_policy: lines(&course.cancellation_policy),
        },
    );
    FormResponse::Redo((Status::Ok, template))
}

#[get("/my/enrollments/<id>/schedule.ics")]
async fn enrollment_ics(
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<IcsFile, PageError> {
    let row = enrollment::find_visible(&state.db, id, user.id, false).await?;
    let course = catalog::find(&state.db, row.course_id).await?;
    let details = catalog::details(&state.db, course).await?;
    let status = status_of(&row);
    let attending = status.is_some_and(EnrollmentStatus::is_active)
        || status == Some(EnrollmentStatus::Completed);
    Ok(ics_file(
        calendar(&details, !attending),
        format!("enrollment-{id}.ics"),
        true,
    ))
}
