//! The receipt register (領収書発行台帳) for staff: every receipt issued,
//! with who printed it and how often it was printed again (再発行), by
//! period and course. Read-only.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Select};
use serde::Serialize;

use super::payment_rows::{receipt, receipt_print};
use crate::entities::{course, enrollment};
use crate::error::Error;

/// Which receipts: issued in `[from, until)`, for one course or all.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub course_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub receipt_id: i64,
    pub number: i64,
    pub enrollment_id: i64,
    pub course_code: String,
    pub payer_name: String,
    pub amount_yen: i64,
    pub method: String,
    pub issued_at: DateTime<Utc>,
    /// The number of the receipt this one was reissued from.
    pub reissue_of: Option<i64>,
    pub prints: u64,
    /// Prints marked 再発行.
    pub reissued_prints: u64,
    /// Who printed it, in the order of their first print.
    pub printed_by: Vec<String>,
}

async fn filtered(
    conn: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<Select<receipt::Entity>, Error> {
    let mut query = receipt::Entity::find();
    if let Some(course_id) = filter.course_id {
        let seats: Vec<i64> = enrollment::Entity::find()
            .filter(enrollment::COLUMN.course_id.eq(course_id))
            .all(conn)
            .await?
            .into_iter()
            .map(|e| e.id)
            .collect();
        query = query.filter(receipt::COLUMN.enrollment_id.is_in(seats));
    }
    if let Some(from) = filter.from {
        query = query.filter(receipt::COLUMN.issued_at.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(receipt::COLUMN.issued_at.lt(until));
    }
    Ok(query)
}

/// One page of the register (newest number first) and the total count.
/// `per_page = None` gives everything (for the CSV).
pub async fn search(
    conn: &impl ConnectionTrait,
    filter: &Filter,
    page: u64,
    per_page: Option<u64>,
) -> Result<(Vec<Row>, u64), Error> {
    let total = filtered(conn, filter).await?.count(conn).await?;
    let ordered = filtered(conn, filter)
        .await?
        .order_by_desc(receipt::Column::Number);
    let receipts = match per_page {
        Some(per_page) => {
            ordered
                .paginate(conn, per_page)
                .fetch_page(page.saturating_sub(1))
                .await?
        }
        None => ordered.all(conn).await?,
    };
    let ids: Vec<i64> = receipts.iter().map(|r| r.id).collect();
    let prints = receipt_print::Entity::find()
        .filter(receipt_print::COLUMN.receipt_id.is_in(ids.clone()))
        .order_by_asc(receipt_print::Column::Id)
        .all(conn)
        .await?;
    let originals: Vec<i64> = receipts.iter().filter_map(|r| r.reissue_of).collect();
    let original_numbers: HashMap<i64, i64> = receipt::Entity::find()
        .filter(receipt::COLUMN.id.is_in(originals))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.number))
        .collect();
    let seats: HashMap<i64, i64> = enrollment::Entity::find()
        .filter(
            enrollment::COLUMN
                .id
                .is_in(receipts.iter().map(|r| r.enrollment_id)),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|e| (e.id, e.course_id))
        .collect();
    let courses: HashMap<i64, String> = course::Entity::find()
        .filter(course::COLUMN.id.is_in(seats.values().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.code))
        .collect();
    let printer_ids: Vec<i64> = prints.iter().filter_map(|p| p.printed_by).collect();
    let names = super::staff_views::names(conn, &printer_ids).await?;
    let rows = receipts
        .into_iter()
        .map(|r| {
            let mine: Vec<&receipt_print::Model> =
                prints.iter().filter(|p| p.receipt_id == r.id).collect();
            let mut printed_by: Vec<String> = vec![];
            for p in &mine {
                let name = p
                    .printed_by
                    .map(|id| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))
                    .unwrap_or_default();
                if !name.is_empty() && !printed_by.contains(&name) {
                    printed_by.push(name);
                }
            }
            Row {
                receipt_id: r.id,
                number: r.number,
                enrollment_id: r.enrollment_id,
                course_code: seats
                    .get(&r.enrollment_id)
                    .and_then(|c| courses.get(c))
                    .cloned()
                    .unwrap_or_default(),
                payer_name: r.payer_name,
                amount_yen: r.amount_yen,
                method: r.method,
                issued_at: r.issued_at,
                reissue_of: r
                    .reissue_of
                    .and_then(|id| original_numbers.get(&id).copied()),
                prints: mine.len() as u64,
                reissued_prints: mine.iter().filter(|p| p.reissue).count() as u64,
                printed_by,
            }
        })
        .collect();
    Ok((rows, total))
}

/// The register as CSV (UTF-8 with BOM, formula cells neutralised).
pub fn to_csv(rows: &[Row], header: &[String]) -> Result<Vec<u8>, Error> {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                format!("{:06}", r.number),
                r.reissue_of.map(|n| format!("{n:06}")).unwrap_or_default(),
                r.course_code.clone(),
                r.enrollment_id.to_string(),
                r.payer_name.clone(),
                r.amount_yen.to_string(),
                r.method.clone(),
                (r.issued_at + chrono::Duration::hours(9))
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                r.prints.to_string(),
                r.reissued_prints.to_string(),
                r.printed_by.join(" / "),
            ]
        })
        .collect();
    crate::reports::csv::write(header, &body).map_err(|e| Error::Internal(e.to_string()))
}

/// The courses to filter by: (id, code, title), newest first.
pub async fn courses(conn: &impl ConnectionTrait) -> Result<Vec<(i64, String, String)>, Error> {
    Ok(course::Entity::find()
        .order_by_desc(course::Column::StartsOn)
        .order_by_desc(course::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.code, c.title))
        .collect())
}
