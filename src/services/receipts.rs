//! 領収書 — one numbered receipt per payment received. Numbers come from a
//! counter row updated inside the paying transaction (the row lock orders
//! concurrent payments), so they are sequential and never reused. A reissue
//! gets a new number and points at the original (再発行).
use chrono::{DateTime, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, Set,
};

use super::payment_rows::{ledger_entry, payment_counter, receipt};
use super::{audit, enrollment as enrollments};
use crate::entities::course_fee;
use crate::error::Error;

async fn next_number(conn: &impl ConnectionTrait) -> Result<i64, Error> {
    payment_counter::Entity::update_many()
        .col_expr(
            payment_counter::Column::Last,
            Expr::col(payment_counter::Column::Last).add(1),
        )
        .filter(payment_counter::COLUMN.name.eq("receipt"))
        .exec(conn)
        .await?;
    let row = payment_counter::Entity::find_by_id("receipt".to_string())
        .one(conn)
        .await?
        .ok_or_else(|| Error::Internal("receipt counter missing".into()))?;
    Ok(row.last)
}

/// Issues the receipt for a payment entry (inside the caller's transaction).
pub async fn issue_for_payment(
    conn: &impl ConnectionTrait,
    entry: &ledger_entry::Model,
    issued_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<receipt::Model, Error> {
    let row = enrollments::find(conn, entry.enrollment_id).await?;
    let lines = course_fee::Entity::find()
        .filter(course_fee::COLUMN.course_id.eq(row.course_id))
        .filter(course_fee::COLUMN.category.eq(row.price_category.as_str()))
        .order_by_asc(course_fee::Column::Id)
        .all(conn)
        .await?;
    let breakdown: Vec<(String, i64)> = if entry.amount_yen == row.amount_due_yen
        && lines.iter().map(|l| l.amount_yen).sum::<i64>() == entry.amount_yen
    {
        lines
            .iter()
            .filter(|l| l.amount_yen > 0)
            .map(|l| (l.component.clone(), l.amount_yen))
            .collect()
    } else {
        vec![("payment".to_string(), entry.amount_yen)]
    };
    let payer = if entry.payer_name.trim().is_empty() {
        format!("{} {}", row.family_name, row.given_name)
    } else {
        entry.payer_name.clone()
    };
    let number = next_number(conn).await?;
    Ok(receipt::ActiveModel {
        number: Set(number),
        enrollment_id: Set(row.id),
        ledger_entry_id: Set(Some(entry.id)),
        payer_name: Set(payer),
        amount_yen: Set(entry.amount_yen),
        method: Set(entry.method.clone()),
        breakdown: Set(serde_json::to_string(&breakdown).unwrap_or_else(|_| "[]".into())),
        reissue_of: Set(None),
        issued_by: Set(issued_by),
        issued_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Staff reissue a receipt (lost, or a different payer name): a new number,
/// marked as a reissue of the original.
pub async fn reissue(
    db: &DatabaseConnection,
    receipt_id: i64,
    staff_id: i64,
    payer_name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<receipt::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let original = receipt::Entity::find_by_id(receipt_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let number = next_number(&txn).await?;
    let payer = payer_name
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map_or(original.payer_name.clone(), str::to_string);
    let reissued = receipt::ActiveModel {
        number: Set(number),
        enrollment_id: Set(original.enrollment_id),
        ledger_entry_id: Set(original.ledger_entry_id),
        payer_name: Set(payer),
        amount_yen: Set(original.amount_yen),
        method: Set(original.method.clone()),
        breakdown: Set(original.breakdown.clone()),
        reissue_of: Set(Some(original.id)),
        issued_by: Set(Some(staff_id)),
        issued_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(staff_id),
        "receipt.reissue",
        ("enrollment", Some(original.enrollment_id)),
        serde_json::json!({"original": original.number, "number": number}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(reissued)
}

pub async fn for_enrollment(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
) -> Result<Vec<receipt::Model>, Error> {
    Ok(receipt::Entity::find()
        .filter(receipt::COLUMN.enrollment_id.eq(enrollment_id))
        .order_by_asc(receipt::Column::Number)
        .all(conn)
        .await?)
}

/// A receipt its enrollment's owner (or staff) may see; others get "not found".
pub async fn find_visible(
    conn: &impl ConnectionTrait,
    receipt_id: i64,
    viewer_id: i64,
    viewer_is_staff: bool,
) -> Result<receipt::Model, Error> {
    let found = receipt::Entity::find_by_id(receipt_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    enrollments::find_visible(conn, found.enrollment_id, viewer_id, viewer_is_staff).await?;
    Ok(found)
}

/// The original receipt's number, for printing "reissue of No. …".
pub async fn number_of(conn: &impl ConnectionTrait, receipt_id: i64) -> Result<i64, Error> {
    Ok(receipt::Entity::find_by_id(receipt_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?
        .number)
}
