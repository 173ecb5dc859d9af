//! Course cancelled by us (講座中止) → everything paid goes back in full.
//! When staff cancel a course, each paid seat gets a `course_cancelled`
//! refund review in the same transaction (nothing can be lost between the
//! two); card payments are then refunded through the gateway right after the
//! cancellation commits and, for whatever that attempt could not do, by the
//! background pass — both with one idempotency key per review and amount —, while
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

/// A trainee who had cancelled (and kept only the policy's refund) before we
/// cancelled the course: staff decide whether to give back the rest.
pub const TOP_UP_REASON: &str = "course_cancelled_top_up";

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
    refund_open_by_card(db, gateway, None, now).await
}

/// Cancels a course (see `enrollment::cancel_course`) and then at once
/// refunds its card payments, so trainees need not wait for the background
/// pass. A failed attempt is only logged: the cancellation stands and the
/// background pass retries with the same idempotency key.
pub async fn cancel_course_and_refund(
    db: &DatabaseConnection,
    config: &crate::config::AppConfig,
    course_id: i64,
    staff_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<crate::entities::course::Model, Error> {
    let course = super::enrollment::cancel_course(db, course_id, staff_id, reason, now).await?;
    let gateway = crate::payments::gateway(config);
    match refund_open_by_card(db, gateway.as_deref(), Some(course_id), now).await {
        Ok(n) => tracing::info!(
            course_id,
            refunded = n,
            "card refunds after course cancellation"
        ),
        Err(e) => {
            tracing::warn!(course_id, error = %e, "card refunds after course cancellation failed; retried in the background")
        }
    }
    Ok(course)
}

async fn refund_open_by_card(
    db: &DatabaseConnection,
    gateway: Option<&dyn PaymentGateway>,
    course_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<usize, Error> {
    let Some(gateway) = gateway else {
        return Ok(0);
    };
    let mut query = refund_review::Entity::find()
        .filter(refund_review::COLUMN.reason.eq(REASON))
        .filter(refund_review::COLUMN.status.eq("open"));
    if let Some(course_id) = course_id {
        let seats: Vec<i64> = enrollment::Entity::find()
            .filter(enrollment::COLUMN.course_id.eq(course_id))
            .all(db)
            .await?
            .into_iter()
            .map(|e| e.id)
            .collect();
        query = query.filter(refund_review::COLUMN.enrollment_id.is_in(seats));
    }
    let open = query
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

/// When we cancel a course, trainees who had already cancelled and kept a
/// cancellation charge by policy are owed that charge too. Nothing is paid
/// automatically: each gets a top-up review proposing the rest, for staff to
/// approve or dismiss. Runs in the course cancellation's transaction.
pub async fn open_top_up_reviews(
    conn: &impl ConnectionTrait,
    course_id: i64,
    now: DateTime<Utc>,
) -> Result<usize, Error> {
    let cancelled = enrollment::Entity::find()
        .filter(enrollment::COLUMN.course_id.eq(course_id))
        .filter(enrollment::COLUMN.status.eq("cancelled"))
        .order_by_asc(enrollment::Column::Id)
        .all(conn)
        .await?;
    let mut opened = 0;
    for row in cancelled {
        let entries = payments::entries(conn, row.id).await?;
        let kept = crate::domain::refund_policy::kept_by_cancellation(
            &entries
                .iter()
                .map(|e| (e.kind.as_str(), e.note.as_str(), e.amount_yen))
                .collect::<Vec<_>>(),
            payments::CANCELLATION_NOTE,
            TOP_UP_NOTE,
        );
        if kept <= 0 {
            continue;
        }
        let has_card = entries
            .iter()
            .any(|e| e.kind == "payment" && e.method == "card");
        let detail = if has_card { "card" } else { "offline" };
        open_review(conn, row.id, TOP_UP_REASON, kept, detail, now).await?;
        opened += 1;
    }
    Ok(opened)
}

/// The ledger note of the adjustment that gives back a cancellation charge.
pub const TOP_UP_NOTE: &str = "cancellation charge returned: course cancelled";

/// Staff approve a top-up: the cancellation charge is reversed (an
/// adjustment, so the ledger keeps both), the review closes as approved and
/// the whole amount now owed back becomes a course-cancellation refund —
/// by card through the gateway at once (and the background pass), or paid
/// back by hand. Audited. Approving twice changes nothing.
pub async fn approve_top_up(
    db: &DatabaseConnection,
    config: &crate::config::AppConfig,
    review_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    let txn = crate::db::begin_write(db).await?;
    let review = refund_review::Entity::find_by_id(review_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if review.reason != TOP_UP_REASON {
        return Err(Error::NotFound);
    }
    if review.status != "open" {
        return Err(Error::Conflict("err-review-closed"));
    }
    let closed = refund_review::Entity::update_many()
        .col_expr(refund_review::Column::Status, Expr::value("approved"))
        .col_expr(refund_review::Column::ResolvedAt, Expr::value(now))
        .col_expr(refund_review::Column::ResolvedBy, Expr::value(staff_id))
        .filter(refund_review::COLUMN.id.eq(review.id))
        .filter(refund_review::COLUMN.status.eq("open"))
        .exec(&txn)
        .await?;
    if closed.rows_affected == 0 {
        return Err(Error::Conflict("err-review-closed"));
    }
    append(
        &txn,
        NewEntry {
            enrollment_id: review.enrollment_id,
            kind: "adjustment",
            amount_yen: -review.amount_yen,
            method: "",
            external_id: Some(format!("top-up:{}", review.id)),
            payer_name: "",
            paid_on: None,
            note: TOP_UP_NOTE,
            recorded_by: Some(staff_id),
        },
        now,
    )
    .await?;
    // The policy refund, if not yet paid, is now part of the full refund.
    refund_review::Entity::update_many()
        .col_expr(refund_review::Column::Status, Expr::value("superseded"))
        .col_expr(refund_review::Column::ResolvedAt, Expr::value(now))
        .col_expr(refund_review::Column::ResolvedBy, Expr::value(staff_id))
        .filter(refund_review::COLUMN.enrollment_id.eq(review.enrollment_id))
        .filter(refund_review::COLUMN.reason.eq("cancelled_after_payment"))
        .filter(refund_review::COLUMN.status.eq("open"))
        .exec(&txn)
        .await?;
    let row = super::enrollment::find(&txn, review.enrollment_id).await?;
    let owed_back = -payments::balance(&txn, &row).await?.balance_yen;
    if owed_back > 0 {
        open_review(&txn, row.id, REASON, owed_back, &review.detail, now).await?;
    }
    super::audit::record(
        &txn,
        Some(staff_id),
        "refund_review.approve_top_up",
        ("enrollment", Some(review.enrollment_id)),
        serde_json::json!({"review": review.id, "top_up_yen": review.amount_yen, "owed_back_yen": owed_back}),
        now,
    )
    .await?;
    txn.commit().await?;
    let gateway = crate::payments::gateway(config);
    if let Err(e) = refund_open_by_card(db, gateway.as_deref(), Some(row.course_id), now).await {
        tracing::warn!(review = review.id, error = %e, "top-up card refund failed; retried in the background");
    }
    Ok(owed_back)
}
