//! Refunds: the course's cancellation policy, refunds by card (through the
//! gateway, with an idempotency key) or offline, and the reviews staff work
//! through (refund owed, payment after cancellation, amount mismatch).
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::payment_rows::{course_refund_policy, ledger_entry, refund_review};
use super::payments::{self, append, Balance, NewEntry};
use super::{audit, catalog, enrollment as enrollments};
use crate::domain::refund_policy::RefundPolicy;
use crate::error::Error;
use crate::payments::{GatewayError, PaymentGateway, RefundRequest};

pub async fn policy_for(
    conn: &impl ConnectionTrait,
    course_id: i64,
) -> Result<RefundPolicy, Error> {
    let row = course_refund_policy::Entity::find_by_id(course_id)
        .one(conn)
        .await?;
    Ok(row
        .and_then(|r| RefundPolicy::parse(&r.policy).ok())
        .unwrap_or_default())
}

/// Staff set a course's policy (JSON of `RefundPolicy`).
pub async fn set_policy(
    db: &DatabaseConnection,
    course_id: i64,
    staff_id: i64,
    json: &str,
    now: DateTime<Utc>,
) -> Result<RefundPolicy, Error> {
    let policy = RefundPolicy::parse(json)?;
    let stored = serde_json::to_string(&policy).map_err(|e| Error::Internal(e.to_string()))?;
    let txn = crate::db::begin_write(db).await?;
    catalog::find(&txn, course_id).await?;
    course_refund_policy::Entity::delete_by_id(course_id)
        .exec(&txn)
        .await?;
    course_refund_policy::ActiveModel {
        course_id: Set(course_id),
        policy: Set(stored.clone()),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(staff_id),
        "refund_policy.set",
        ("course", Some(course_id)),
        serde_json::json!({ "policy": stored }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(policy)
}

/// A refund as staff ask for it.
#[derive(Debug, Clone)]
pub struct RefundOrder {
    /// `card` (back through Stripe) or `bank_transfer | cash` (paid back by hand).
    pub method: String,
    pub amount_yen: i64,
    pub paid_on: Option<NaiveDate>,
    pub note: String,
    /// Makes a retried card refund the same refund at Stripe.
    pub idempotency_key: Option<String>,
}

/// The card payment (payment intent) to refund from, and how much of it is left.
pub(crate) async fn refundable_card_payment(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
) -> Result<Option<(String, i64)>, Error> {
    let entries = payments::entries(conn, enrollment_id).await?;
    let card_refunded: i64 = entries
        .iter()
        .filter(|e| e.kind == "refund" && e.method == "card")
        .map(|e| e.amount_yen)
        .sum();
    let mut left_to_skip = card_refunded;
    for e in entries
        .iter()
        .filter(|e| e.kind == "payment" && e.method == "card" && e.amount_yen > 0)
    {
        let Some(intent) = &e.external_id else {
            continue;
        };
        let remaining = e.amount_yen - left_to_skip;
        if remaining > 0 {
            return Ok(Some((intent.clone(), remaining)));
        }
        left_to_skip = -remaining;
    }
    Ok(None)
}

/// Refunds money to the trainee and records it. A card refund goes through
/// the gateway first; the ledger entry carries Stripe's refund id, so the
/// webhook that follows (`refund.updated`, `charge.refunded`) adds nothing.
pub async fn refund(
    db: &DatabaseConnection,
    gateway: Option<&dyn PaymentGateway>,
    enrollment_id: i64,
    staff_id: i64,
    order: &RefundOrder,
    now: DateTime<Utc>,
) -> Result<(ledger_entry::Model, Balance), Error> {
    let row = enrollments::find(db, enrollment_id).await?;
    let before = payments::balance(db, &row).await?;
    let net_paid = before.paid_yen - before.refunded_yen;
    if order.amount_yen <= 0 {
        return Err(Error::invalid("amount_yen", "err-amount-invalid"));
    }
    if order.amount_yen > net_paid {
        return Err(Error::invalid("amount_yen", "err-refund-exceeds-paid"));
    }
    if order.note.chars().count() > 1000 {
        return Err(Error::invalid("note", "err-note-too-long"));
    }
    let (external_id, method) = match order.method.as_str() {
        "card" => {
            let gateway = gateway.ok_or(Error::Conflict("err-card-unavailable"))?;
            let (intent, remaining) = refundable_card_payment(db, enrollment_id)
                .await?
                .ok_or(Error::Conflict("err-no-card-payment"))?;
            if order.amount_yen > remaining {
                return Err(Error::invalid("amount_yen", "err-refund-exceeds-paid"));
            }
            let key = order.idempotency_key.clone().unwrap_or_else(|| {
                format!(
                    "kouza-refund-{enrollment_id}-{}-{}",
                    before.refunded_yen, order.amount_yen
                )
            });
            let result = gateway
                .create_refund(&RefundRequest {
                    enrollment_id,
                    payment_intent: intent,
                    amount_yen: order.amount_yen,
                    idempotency_key: key,
                })
                .await
                .map_err(|e| {
                    tracing::warn!(error = %e, enrollment_id, "card refund failed");
                    // Unreachable: nothing is recorded; the same order later
                    // sends the same key, so Stripe refunds at most once.
                    match e {
                        GatewayError::Unavailable(_) => Error::Unavailable("err-refund-provider"),
                        GatewayError::Refused(_) => Error::Conflict("err-refund-provider"),
                    }
                })?;
            if matches!(result.status.as_str(), "failed" | "canceled") {
                return Err(Error::Conflict("err-refund-provider"));
            }
            (Some(result.id), "card")
        }
        "bank_transfer" => (None, "bank_transfer"),
        "cash" => (None, "cash"),
        _ => return Err(Error::invalid("method", "err-payment-method-invalid")),
    };
    let txn = crate::db::begin_write(db).await?;
    let entry = append(
        &txn,
        NewEntry {
            enrollment_id,
            kind: "refund",
            amount_yen: order.amount_yen,
            method,
            external_id: external_id.clone(),
            payer_name: "",
            paid_on: Some(order.paid_on.unwrap_or_else(|| now.date_naive())),
            note: &order.note,
            recorded_by: Some(staff_id),
        },
        now,
    )
    .await?;
    let entry = match entry {
        Some(entry) => {
            super::payment_mails::refund_made(&txn, &entry, now).await?;
            entry
        }
        // A retry of a card refund Stripe already made (same key): the
        // entry is there (from the first try or its webhook).
        None => ledger_entry::Entity::find()
            .filter(ledger_entry::COLUMN.kind.eq("refund"))
            .filter(
                ledger_entry::COLUMN
                    .external_id
                    .eq(external_id.unwrap_or_default()),
            )
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?,
    };
    let balance = payments::balance(&txn, &row).await?;
    if balance.balance_yen >= 0 {
        resolve_open(&txn, enrollment_id, staff_id, "refunded", now).await?;
    }
    audit::record(
        &txn,
        Some(staff_id),
        "payment.refund",
        ("enrollment", Some(enrollment_id)),
        serde_json::json!({"method": method, "amount_yen": order.amount_yen}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((entry, balance))
}

async fn resolve_open(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
    staff_id: i64,
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    use sea_orm::prelude::Expr;
    refund_review::Entity::update_many()
        .col_expr(refund_review::Column::Status, Expr::value(status))
        .col_expr(refund_review::Column::ResolvedAt, Expr::value(now))
        .col_expr(refund_review::Column::ResolvedBy, Expr::value(staff_id))
        .filter(refund_review::COLUMN.enrollment_id.eq(enrollment_id))
        .filter(refund_review::COLUMN.status.eq("open"))
        .filter(refund_review::COLUMN.reason.ne("amount_mismatch"))
        .exec(conn)
        .await?;
    Ok(())
}

/// Open reviews, oldest first.
pub async fn open_reviews(conn: &impl ConnectionTrait) -> Result<Vec<refund_review::Model>, Error> {
    Ok(refund_review::Entity::find()
        .filter(refund_review::COLUMN.status.eq("open"))
        .order_by_asc(refund_review::Column::Id)
        .all(conn)
        .await?)
}

pub async fn reviews_for(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
) -> Result<Vec<refund_review::Model>, Error> {
    Ok(refund_review::Entity::find()
        .filter(refund_review::COLUMN.enrollment_id.eq(enrollment_id))
        .order_by_asc(refund_review::Column::Id)
        .all(conn)
        .await?)
}

/// Staff close a review without a refund (e.g. the mismatch was explained).
pub async fn dismiss_review(
    db: &DatabaseConnection,
    review_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let txn = crate::db::begin_write(db).await?;
    let review = refund_review::Entity::find_by_id(review_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut active: refund_review::ActiveModel = review.clone().into();
    active.status = Set("dismissed".into());
    active.resolved_at = Set(Some(now));
    active.resolved_by = Set(Some(staff_id));
    active.update(&txn).await?;
    audit::record(
        &txn,
        Some(staff_id),
        "refund_review.dismiss",
        ("enrollment", Some(review.enrollment_id)),
        serde_json::json!({"review": review_id}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
