//! The staff dashboard (`/staff/dashboard`): what needs attention today,
//! each part a count or a short list that links to the full list behind it.
use rocket::{get, routes, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::catalog_pages::{date_range, kind_label};
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::StaffUser;
use crate::i18n::format_datetime;
use crate::reports::course_matrix;
use crate::services::dashboard;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![dashboard_page]
}

#[derive(Serialize)]
struct Upcoming {
    id: i64,
    title: String,
    kind: String,
    dates: String,
    seats_taken: i32,
    capacity: i32,
    full: bool,
    waitlisted: i64,
    pending_approval: i64,
    pending_payment: i64,
}

#[derive(Serialize)]
struct Approval {
    id: i64,
    name: String,
    kana: String,
    course: String,
    applied_at: String,
}

#[derive(Serialize)]
struct AtRisk {
    enrollment_id: i64,
    name: String,
    kana: String,
    course_id: i64,
    course: String,
    reason: String,
}

#[get("/staff/dashboard")]
async fn dashboard_page(
    shell: Shell,
    _staff: StaffUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let now = state.clock.now();
    let o = dashboard::overview(&state.db, now).await?;
    let upcoming: Vec<Upcoming> = o
        .upcoming
        .iter()
        .map(|(c, w)| Upcoming {
            id: c.id,
            title: c.title.clone(),
            kind: kind_label(lang, &c.kind),
            dates: date_range(lang, c.starts_on, c.ends_on),
            seats_taken: c.seats_taken,
            capacity: c.capacity,
            full: c.seats_taken >= c.capacity,
            waitlisted: w.waitlisted,
            pending_approval: w.pending_approval,
            pending_payment: w.pending_payment,
        })
        .collect();
    let approvals: Vec<Approval> = o
        .approvals
        .iter()
        .map(|(e, c)| Approval {
            id: e.id,
            name: format!("{} {}", e.family_name, e.given_name),
            kana: format!("{} {}", e.family_name_kana, e.given_name_kana),
            course: c.title.clone(),
            applied_at: format_datetime(lang, e.created_at),
        })
        .collect();
    // The matrix is the one place that decides who is at risk; the dashboard
    // asks it for each course under way rather than repeating the rule.
    let mut at_risk = vec![];
    for c in &o.running {
        let m = course_matrix::build(&state.db, lang, c, now).await?;
        at_risk.extend(m.at_risk.into_iter().map(|l| AtRisk {
            enrollment_id: l.id,
            name: l.name,
            kana: l.kana,
            course_id: c.id,
            course: c.title.clone(),
            reason: l.risk,
        }));
    }
    Ok(Template::render(
        "staff/dashboard",
        context! {
            s: &shell,
            upcoming,
            upcoming_days: dashboard::UPCOMING_DAYS,
            approvals,
            approvals_total: o.approvals_total,
            approvals_more: o.approvals_total > approvals_len(&o),
            at_risk,
            open_bank_lines: o.open_bank_lines,
            failed_mail: o.failed_mail,
        },
    ))
}

fn approvals_len(o: &dashboard::Overview) -> u64 {
    o.approvals.len() as u64
}
