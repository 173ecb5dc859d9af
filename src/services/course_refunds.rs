//! Course cancelled by us (講座中止) → everything paid goes back in full.
//! When staff cancel a course, each paid seat gets a `course_cancelled`
//! refund review in the same transaction (nothing can be lost between the
//! two); card payments are then refunded through the gateway by the
//! background pass, with an idempotency key per review and amount, while
//! offline payments stay listed for staff to pay back by hand
//! (`refunds::refund` closes the review). Retrying any step refunds nothing
//! twice: the review is reused while open, the gateway returns the same
//! refund for the same key, and the ledger keeps one entry per refund id.
use chrono::{DateTime, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::payment_rows::refund_review;
use super::payments::{self, append, open_review, NewEntry};
use super::refunds::refundable_card_payment;
use crate::entities::enrollment;
use crate::error::Error;
use crate::payments::{PaymentGateway, RefundRequest};

pub const REASON: &str = "course_cancelled";

/// For a seat cancelled because its course was: marks the cancellation in
/// the ledger (nothing kept) and opens a full-refund review for what was
/// paid. Returns the amount owed back. Runs in the caller's transaction.
pub async fn open_full_refund(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    let entries = payments::entries(conn, row.id).await?;
    let balance = payments::summarize(row, &entries);
    let net_paid = balance.paid_yen - balance.refunded_yen;
    if net_paid <= 0 {
        return Ok(0);
    }
    append(
        conn,
        NewEntry {
            enrollment_id: row.id,
            kind: "charge",
            amount_yen: 0,
            method: "",
            external_id: Some(format!("cancel:{}", row.id)),
            payer_name: "",
            paid_on: None,
            note: payments::CANCELLATION_NOTE,
            recorded_by: actor_id,
        },
        now,
    )
    .await?;
    let has_card = entries
        .iter()
        .any(|e| e.kind == "payment" && e.method == "card");
    let detail = if has_card { "card" } else { "offline" };
    open_review(conn, row.id, REASON, net_paid, detail, now).await?;
    Ok(net_paid)
}

/// Refunds the card part of every open course-cancellation review through
/// the gateway. Safe to run on several instances at once and to repeat.
/// Returns the refunds recorded.
pub async fn refund_by_card(
    db: &DatabaseConnection,
    gateway: Option<&dyn PaymentGateway>,
    now: DateTime<Utc>,
) -> Result<usize, Error> {
    let Some(gateway) = gateway else {
        return Ok(0);
    };
    let open = refund_review::Entity::find()
        .filter(refund_review::COLUMN.reason.eq(REASON))
        .filter(refund_review::COLUMN.status.eq("open"))
        .order_by_asc(refund_review::Column::Id)
        .all(db)
        .await?;
    let mut recorded = 0;
    for review in open {
        let Some((intent, remaining)) = refundable_card_payment(db, review.enrollment_id).await?
        else {
            continue; // Paid offline: staff pay it back by hand.
        };
        let amount = review.amount_yen.min(remaining);
        if amount <= 0 {
            continue;
        }
        let result = gateway
            .create_refund(&RefundRequest {
                enrollment_id: review.enrollment_id,
                payment_intent: intent,
                amount_yen: amount,
                idempotency_key: format!("kouza-course-cancelled-{}-{amount}", review.id),
            })
            .await;
        let result = match result {
            Ok(r) if !matches!(r.status.as_str(), "failed" | "canceled") => r,
            Ok(r) => {
                tracing::warn!(review = review.id, status = %r.status, "course refund refused");
                continue;
            }
            Err(e) => {
                tracing::warn!(review = review.id, error = %e, "course refund failed; retried on the next pass");
                continue;
            }
        };
        let txn = crate::db::begin_write(db).await?;
        let added = append(
            &txn,
            NewEntry {
                enrollment_id: review.enrollment_id,
                kind: "refund",
                amount_yen: amount,
                method: "card",
                external_id: Some(result.id),
                payer_name: "",
                paid_on: Some(crate::domain::course::jst_date(now)),
                note: "course cancelled",
                recorded_by: None,
            },
            now,
        )
        .await?;
        if let Some(entry) = &added {
            super::payment_mails::refund_made(&txn, entry, now).await?;
            recorded += 1;
        }
        let row = super::enrollment::find(&txn, review.enrollment_id).await?;
        let owed_back = -payments::balance(&txn, &row).await?.balance_yen;
        let update = refund_review::Entity::update_many()
            .filter(refund_review::COLUMN.id.eq(review.id))
            .filter(refund_review::COLUMN.status.eq("open"));
        if owed_back <= 0 {
            update
                .col_expr(refund_review::Column::Status, Expr::value("refunded"))
                .col_expr(refund_review::Column::ResolvedAt, Expr::value(now))
                .exec(&txn)
                .await?;
        } else {
            update
                .col_expr(refund_review::Column::AmountYen, Expr::value(owed_back))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
    }
    Ok(recorded)
}
