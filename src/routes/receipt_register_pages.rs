//! The receipt register for staff (`/staff/receipts`): every receipt issued,
//! how often it was printed again (再発行) and by whom, by period and
//! course, paged, and as a CSV download (audited: it holds payers' names).
use chrono::Duration;
use rocket::{get, routes, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::downloads::{csv_file, CsvFile};
use super::paging::{query_string, Pager};
use super::respond::PageError;
use super::shell::Shell;
use super::staff_courses::{errors_of, Choice};
use crate::auth::StaffUser;
use crate::domain::course::jst_midnight;
use crate::domain::course_draft::parse_date;
use crate::domain::yen::format_yen;
use crate::domain::DomainError;
use crate::error::Error;
use crate::i18n::{format_datetime, t};
use crate::services::receipt_register::{self, Filter};
use crate::state::AppState;

const PER_PAGE: u64 = 50;

pub fn routes() -> Vec<Route> {
    routes![register_page, register_csv]
}

/// The filter form as typed.
#[derive(Debug, Default, Serialize)]
pub struct RawFilter {
    pub course_id: String,
    pub from: String,
    pub to: String,
}

/// The form parsed: dates are whole days in Japan, `to` included.
pub fn parse_filter(raw: &RawFilter) -> Result<Filter, Vec<DomainError>> {
    let mut errors = vec![];
    let course_id = match raw.course_id.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.push(DomainError::new("course_id", "err-receipts-course"));
                None
            }
        },
    };
    let mut day = |field: &'static str, value: &str| {
        if value.trim().is_empty() {
            return None;
        }
        match parse_date(field, value) {
            Ok(d) => Some(jst_midnight(d)),
            Err(e) => {
                errors.push(e);
                None
            }
        }
    };
    let from = day("from", &raw.from);
    let until = day("to", &raw.to).map(|d| d + Duration::days(1));
    if let (Some(from), Some(until)) = (from, until) {
        if until <= from {
            errors.push(DomainError::new("to", "err-audit-period"));
        }
    }
    if errors.is_empty() {
        Ok(Filter {
            course_id,
            from,
            until,
        })
    } else {
        Err(errors)
    }
}

#[derive(Serialize)]
struct Line {
    receipt_id: i64,
    number: String,
    reissue_of: Option<String>,
    enrollment_id: i64,
    course_code: String,
    payer_name: String,
    amount: String,
    method: String,
    issued_at: String,
    prints: u64,
    reissued_prints: u64,
    printed_by: String,
}

fn raw_of(course_id: Option<String>, from: Option<String>, to: Option<String>) -> RawFilter {
    RawFilter {
        course_id: course_id.unwrap_or_default(),
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
    }
}

#[get("/staff/receipts?<course_id>&<from>&<to>&<page>")]
async fn register_page(
    shell: Shell,
    _staff: StaffUser,
    course_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u64>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let raw = raw_of(course_id, from, to);
    let page = page.unwrap_or(1).clamp(1, 100_000);
    let courses: Vec<Choice> = receipt_register::courses(&state.db)
        .await?
        .into_iter()
        .map(|(id, code, title)| Choice::new(id.to_string(), format!("{code} {title}")))
        .collect();
    let (lines, pager, errors) = match parse_filter(&raw) {
        Ok(filter) => {
            let (rows, total) =
                receipt_register::search(&state.db, &filter, page, Some(PER_PAGE)).await?;
            let lines: Vec<Line> = rows
                .into_iter()
                .map(|r| Line {
                    receipt_id: r.receipt_id,
                    number: format!("{:06}", r.number),
                    reissue_of: r.reissue_of.map(|n| format!("{n:06}")),
                    enrollment_id: r.enrollment_id,
                    course_code: r.course_code,
                    payer_name: r.payer_name,
                    amount: format_yen(r.amount_yen),
                    method: t(lang, &format!("pay-method-{}", r.method.replace('_', "-"))),
                    issued_at: format_datetime(lang, r.issued_at),
                    prints: r.prints,
                    reissued_prints: r.reissued_prints,
                    printed_by: r.printed_by.join("、"),
                })
                .collect();
            (lines, Pager::new(page, total, PER_PAGE), Default::default())
        }
        Err(errors) => (
            vec![],
            Pager::new(1, 0, PER_PAGE),
            errors_of(lang, &errors, ""),
        ),
    };
    let pager_base = query_string(&[
        ("course_id", raw.course_id.as_str()),
        ("from", raw.from.as_str()),
        ("to", raw.to.as_str()),
    ]);
    Ok(Template::render(
        "payments/receipts",
        context! { s: &shell, f: &raw, courses, lines, pager, pager_base, errors },
    ))
}

/// The whole register for the filter as CSV (UTF-8 with BOM).
#[get("/staff/receipts.csv?<course_id>&<from>&<to>")]
async fn register_csv(
    shell: Shell,
    staff: StaffUser,
    course_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    state: &State<AppState>,
) -> Result<CsvFile, PageError> {
    let raw = raw_of(course_id, from, to);
    let filter = parse_filter(&raw).map_err(|errors| {
        let e = &errors[0];
        Error::invalid(e.field, e.key)
    })?;
    let (rows, _) = receipt_register::search(&state.db, &filter, 1, None).await?;
    crate::services::audit::personal_data_export(
        &state.db,
        staff.0.id,
        "receipts",
        filter.course_id,
        state.clock.now(),
    )
    .await?;
    let header: Vec<String> = [
        "receipts-col-number",
        "receipts-col-reissue-of",
        "pay-col-course",
        "pay-col-enrollment",
        "receipts-col-payer",
        "pay-col-amount",
        "pay-col-method",
        "receipts-col-issued-at",
        "receipts-col-prints",
        "receipts-col-reissues",
        "receipts-col-printed-by",
    ]
    .iter()
    .map(|k| shell.t(k))
    .collect();
    let body = receipt_register::to_csv(&rows, &header)?;
    Ok(csv_file(body, "receipts.csv".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(course_id: &str, from: &str, to: &str) -> RawFilter {
        RawFilter {
            course_id: course_id.into(),
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn the_period_is_whole_days_in_japan_and_each_bad_field_is_named() {
        let f = parse_filter(&raw("7", "2026-04-01", "2026-04-01")).unwrap();
        assert_eq!(f.course_id, Some(7));
        assert_eq!(f.from.unwrap().to_rfc3339(), "2026-03-31T15:00:00+00:00");
        assert_eq!(f.until.unwrap().to_rfc3339(), "2026-04-01T15:00:00+00:00");
        let errors = parse_filter(&raw("x", "2026-13-01", "")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["course_id", "from"]);
        let errors = parse_filter(&raw("", "2026-04-02", "2026-04-01")).unwrap_err();
        assert_eq!(errors[0].key, "err-audit-period");
    }
}
