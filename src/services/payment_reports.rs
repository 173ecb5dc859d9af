//! Paid / unpaid / refunded per course and per period, for staff, with CSV
//! (UTF-8 with BOM, formula cells neutralised — see `reports::csv`).
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::payment_rows::ledger_entry;
use super::payments::summarize;
use crate::entities::{course, enrollment};
use crate::error::Error;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    pub enrollment_id: i64,
    pub course_id: i64,
    pub course_code: String,
    pub name: String,
    pub name_kana: String,
    pub status: String,
    pub due_yen: i64,
    pub paid_yen: i64,
    pub refunded_yen: i64,
    pub balance_yen: i64,
    /// `unpaid | partial | paid | overpaid | refunded | none`
    pub payment_state: String,
}

/// Enrollments of a course (or all courses) created in the period (Japan
/// dates, inclusive), with their money.
pub async fn report(
    conn: &impl ConnectionTrait,
    course_id: Option<i64>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<ReportRow>, Error> {
    let mut query = enrollment::Entity::find().order_by_asc(enrollment::Column::Id);
    if let Some(course_id) = course_id {
        query = query.filter(enrollment::COLUMN.course_id.eq(course_id));
    }
    let jst_midnight = |d: NaiveDate| -> DateTime<Utc> {
        d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - Duration::hours(9)
    };
    if let Some(from) = from {
        query = query.filter(enrollment::COLUMN.created_at.gte(jst_midnight(from)));
    }
    if let Some(to) = to {
        query = query.filter(
            enrollment::COLUMN
                .created_at
                .lt(jst_midnight(to + Duration::days(1))),
        );
    }
    let rows = query.all(conn).await?;
    let courses: std::collections::HashMap<i64, course::Model> = course::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut out = vec![];
    for row in rows {
        let entries = ledger_entry::Entity::find()
            .filter(ledger_entry::COLUMN.enrollment_id.eq(row.id))
            .all(conn)
            .await?;
        let balance = summarize(&row, &entries);
        if balance.state() == "none" {
            continue;
        }
        out.push(ReportRow {
            enrollment_id: row.id,
            course_id: row.course_id,
            course_code: courses
                .get(&row.course_id)
                .map(|c| c.code.clone())
                .unwrap_or_default(),
            name: format!("{} {}", row.family_name, row.given_name),
            name_kana: format!("{} {}", row.family_name_kana, row.given_name_kana),
            status: row.status.clone(),
            due_yen: balance.due_yen,
            paid_yen: balance.paid_yen,
            refunded_yen: balance.refunded_yen,
            balance_yen: balance.balance_yen,
            payment_state: balance.state().to_string(),
        });
    }
    Ok(out)
}

/// The report as a CSV file for spreadsheets.
pub fn to_csv(rows: &[ReportRow], header: &[String]) -> Result<Vec<u8>, Error> {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.enrollment_id.to_string(),
                r.course_code.clone(),
                r.name.clone(),
                r.name_kana.clone(),
                r.status.clone(),
                r.due_yen.to_string(),
                r.paid_yen.to_string(),
                r.refunded_yen.to_string(),
                r.balance_yen.to_string(),
                r.payment_state.clone(),
            ]
        })
        .collect();
    crate::reports::csv::write(header, &body).map_err(|e| Error::Internal(e.to_string()))
}
