//! The audit trail for staff (`/staff/audit`): who did what to which record,
//! searchable by action, record, person and period. Read-only: no route
//! changes or deletes an entry.
use chrono::{DateTime, Duration, Utc};
use rocket::{get, routes, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::paging::{query_string, Pager};
use super::respond::PageError;
use super::shell::Shell;
use super::staff_courses::{errors_of, Choice};
use crate::auth::StaffUser;
use crate::domain::course::jst_midnight;
use crate::domain::course_draft::parse_date;
use crate::domain::DomainError;
use crate::i18n::{format_datetime, t};
use crate::services::audit::{self, Search};
use crate::services::staff_views;
use crate::state::AppState;

const PER_PAGE: u64 = 50;
/// Longer than any identifier or action name; longer input is a typo or abuse.
const MAX_FIELD: usize = 64;

pub fn routes() -> Vec<Route> {
    routes![audit_page]
}

/// The search form as typed.
#[derive(Debug, Default, Serialize)]
pub struct RawSearch {
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub actor: String,
    pub from: String,
    pub to: String,
}

fn id_field(field: &'static str, raw: &str) -> Result<Option<i64>, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(Some)
        .ok_or_else(|| DomainError::new(field, "err-audit-id"))
}

fn word_field(field: &'static str, raw: &str) -> Result<Option<String>, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let ok = raw.len() <= MAX_FIELD
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(Some(raw.to_string()))
    } else {
        Err(DomainError::new(field, "err-audit-word"))
    }
}

/// The value of a field, or nothing with its error noted.
fn keep<T>(errors: &mut Vec<DomainError>, r: Result<Option<T>, DomainError>) -> Option<T> {
    r.unwrap_or_else(|e| {
        errors.push(e);
        None
    })
}

/// The form parsed: dates are whole days in Japan, `to` included.
pub fn parse_search(raw: &RawSearch) -> Result<Search, Vec<DomainError>> {
    let mut errors = vec![];
    let action = keep(&mut errors, word_field("action", &raw.action));
    let target_type = keep(&mut errors, word_field("target_type", &raw.target_type));
    let target_id = keep(&mut errors, id_field("target_id", &raw.target_id));
    let actor_id = keep(&mut errors, id_field("actor", &raw.actor));
    let day = |field: &'static str, value: &str| -> Result<Option<DateTime<Utc>>, DomainError> {
        if value.trim().is_empty() {
            return Ok(None);
        }
        parse_date(field, value).map(|d| Some(jst_midnight(d)))
    };
    let from = keep(&mut errors, day("from", &raw.from));
    let until = keep(&mut errors, day("to", &raw.to)).map(|d| d + Duration::days(1));
    if let (Some(from), Some(until)) = (from, until) {
        if until <= from {
            errors.push(DomainError::new("to", "err-audit-period"));
        }
    }
    if errors.is_empty() {
        Ok(Search {
            action,
            target_type,
            target_id,
            actor_id,
            from,
            until,
        })
    } else {
        Err(errors)
    }
}

#[derive(Serialize)]
struct Entry {
    at: String,
    actor_id: Option<i64>,
    actor: String,
    action: String,
    target_type: String,
    target_id: Option<i64>,
    /// A staff page for the record, when there is one.
    target_link: Option<String>,
    detail: String,
}

fn target_link(target_type: &str, id: Option<i64>) -> Option<String> {
    let id = id?;
    match target_type {
        "enrollment" => Some(format!("/staff/enrollments/{id}")),
        "course" => Some(format!("/staff/courses/{id}")),
        _ => None,
    }
}

/// The JSON detail as indented text; anything unreadable as it was stored.
fn detail_text(raw: &str) -> String {
    serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| raw.to_string())
}

#[allow(clippy::too_many_arguments)]
#[get("/staff/audit?<action>&<target_type>&<target_id>&<actor>&<from>&<to>&<page>")]
async fn audit_page(
    shell: Shell,
    _staff: StaffUser,
    action: Option<String>,
    target_type: Option<String>,
    target_id: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u64>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let raw = RawSearch {
        action: action.unwrap_or_default(),
        target_type: target_type.unwrap_or_default(),
        target_id: target_id.unwrap_or_default(),
        actor: actor.unwrap_or_default(),
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
    };
    let page = page.unwrap_or(1).clamp(1, 100_000);
    let actions: Vec<Choice> = audit::actions(&state.db)
        .await?
        .into_iter()
        .map(|a| Choice::new(a.clone(), a))
        .collect();
    let (entries, pager, errors) = match parse_search(&raw) {
        Ok(search) => {
            let (rows, total) = audit::search(&state.db, &search, page, PER_PAGE).await?;
            let actor_ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
            let names = staff_views::names(&state.db, &actor_ids).await?;
            let entries: Vec<Entry> = rows
                .into_iter()
                .map(|r| Entry {
                    at: format_datetime(lang, r.at),
                    actor: match r.actor_id {
                        Some(id) => names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
                        None => t(lang, "audit-system"),
                    },
                    actor_id: r.actor_id,
                    target_link: target_link(&r.target_type, r.target_id),
                    detail: detail_text(&r.detail),
                    action: r.action,
                    target_type: r.target_type,
                    target_id: r.target_id,
                })
                .collect();
            (
                entries,
                Pager::new(page, total, PER_PAGE),
                Default::default(),
            )
        }
        Err(errors) => (
            vec![],
            Pager::new(1, 0, PER_PAGE),
            errors_of(lang, &errors, ""),
        ),
    };
    let pager_base = query_string(&[
        ("action", raw.action.as_str()),
        ("target_type", raw.target_type.as_str()),
        ("target_id", raw.target_id.as_str()),
        ("actor", raw.actor.as_str()),
        ("from", raw.from.as_str()),
        ("to", raw.to.as_str()),
    ]);
    Ok(Template::render(
        "staff/audit",
        context! { s: &shell, f: &raw, actions, entries, pager, pager_base, errors },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> RawSearch {
        let mut r = RawSearch::default();
        for (k, v) in pairs {
            let v = v.to_string();
            match *k {
                "action" => r.action = v,
                "target_type" => r.target_type = v,
                "target_id" => r.target_id = v,
                "actor" => r.actor = v,
                "from" => r.from = v,
                "to" => r.to = v,
                _ => unreachable!(),
            }
        }
        r
    }

    #[test]
    fn an_empty_form_searches_everything() {
        let s = parse_search(&RawSearch::default()).unwrap();
        assert!(s.action.is_none() && s.target_id.is_none() && s.from.is_none());
    }

    #[test]
    fn the_period_is_whole_days_in_japan_with_the_last_day_included() {
        let s = parse_search(&raw(&[("from", "2026-04-01"), ("to", "2026-04-01")])).unwrap();
        assert_eq!(s.from.unwrap().to_rfc3339(), "2026-03-31T15:00:00+00:00");
        assert_eq!(s.until.unwrap().to_rfc3339(), "2026-04-01T15:00:00+00:00");
    }

    #[test]
    fn each_bad_field_is_named() {
        let errors = parse_search(&raw(&[
            ("action", "<script>"),
            ("target_id", "-3"),
            ("actor", "abc"),
            ("from", "2026-13-01"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["action", "target_id", "actor", "from"]);
    }

    #[test]
    fn a_period_ending_before_it_starts_is_refused() {
        let errors =
            parse_search(&raw(&[("from", "2026-04-02"), ("to", "2026-04-01")])).unwrap_err();
        assert_eq!(errors[0].key, "err-audit-period");
    }
}
