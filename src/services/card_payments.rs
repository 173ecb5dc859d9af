//! Card payment through Stripe Checkout: one session per payment attempt,
//! and the webhook events that settle it. Every event is applied at most
//! once (its id is stored in the same transaction as its effect), in any
//! order, and a payment is recorded at most once (unique payment intent).
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set, TryInsertResult,
};
use serde_json::Value;

use super::enrollment as enrollments;
use super::payment_rows::{checkout_attempt, ledger_entry, stripe_event};
use super::payments::{self, append, open_review, NewEntry};
use crate::domain::course::EnrollmentStatus;
use crate::error::Error;
use crate::payments::webhook::Event;
use crate::payments::{CheckoutRequest, GatewayError, PaymentGateway};

/// Starts (or reuses) a Checkout Session for what the owner still owes and
/// returns the hosted page's URL.
pub async fn start_checkout(
    db: &DatabaseConnection,
    gateway: &dyn PaymentGateway,
    public_base_url: &str,
    enrollment_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let row = enrollments::find_visible(db, enrollment_id, user_id, false).await?;
    if row.status != EnrollmentStatus::PendingPayment.as_str() {
        return Err(Error::Conflict("err-not-awaiting-payment"));
    }
    // With a municipal subsidy, only the trainee's share is theirs to pay.
    let owed = payments::trainee_owes(db, &row).await?;
    if owed <= 0 {
        return Err(Error::Conflict("err-not-awaiting-payment"));
    }
    let reusable = checkout_attempt::Entity::find()
        .filter(checkout_attempt::COLUMN.enrollment_id.eq(enrollment_id))
        .filter(checkout_attempt::COLUMN.status.eq("open"))
        .filter(checkout_attempt::COLUMN.amount_yen.eq(owed))
        .filter(
            checkout_attempt::COLUMN
                .created_at
                .gt(now - Duration::hours(23)),
        )
        .order_by_desc(checkout_attempt::Column::Id)
        .one(db)
        .await?;
    if let Some(url) = reusable.and_then(|a| a.url) {
        return Ok(url);
    }
    let key = format!(
        "kouza-checkout-{enrollment_id}-{}",
        hex::encode(rand::random::<[u8; 12]>())
    );
    let attempt = checkout_attempt::ActiveModel {
        enrollment_id: Set(enrollment_id),
        idempotency_key: Set(key.clone()),
        session_id: Set(None),
        url: Set(None),
        amount_yen: Set(owed),
        currency: Set("jpy".into()),
        status: Set("creating".into()),
        payment_intent: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let course = super::catalog::find(db, row.course_id).await?;
    let person = super::accounts::find(db, row.user_id).await?;
    let expires_at = row
        .payment_due_at
        .filter(|due| *due > now + Duration::minutes(31))
        .map(|due| due.min(now + Duration::hours(23)).timestamp());
    let base = public_base_url.trim_end_matches('/');
    let request = CheckoutRequest {
        enrollment_id,
        amount_yen: owed,
        description: course.title.clone(),
        customer_email: Some(person.email.clone()),
        success_url: format!(
            "{base}/payments/{enrollment_id}/success?session_id={{CHECKOUT_SESSION_ID}}"
        ),
        cancel_url: format!("{base}/payments/{enrollment_id}/cancelled"),
        idempotency_key: key,
        expires_at,
    };
    let mut active: checkout_attempt::ActiveModel = attempt.into();
    active.updated_at = Set(now);
    match gateway.create_checkout_session(&request).await {
        Ok(session) => {
            active.session_id = Set(Some(session.id));
            active.url = Set(Some(session.url.clone()));
            active.status = Set("open".into());
            active.update(db).await?;
            Ok(session.url)
        }
        Err(e) => {
            tracing::warn!(error = %e, enrollment_id, "cannot create a Checkout Session");
            active.status = Set("failed".into());
            active.update(db).await?;
            // Unreachable after the gateway's retries: 503, ask again later
            // (a later try makes one new session under a new key: the old
            // key's parameters, e.g. `expires_at`, would no longer match).
            Err(match e {
                GatewayError::Unavailable(_) => Error::Unavailable("err-card-provider"),
                GatewayError::Refused(_) => Error::Conflict("err-card-provider"),
            })
        }
    }
}

/// The outcome of an event about a payment or refund not recorded yet:
/// answered non-2xx so that Stripe delivers it again (see `apply_event`).
pub const NOT_YET_KNOWN: &str = "not_yet_known";

/// How long an event may wait for the event it depends on. Stripe
/// redelivers for up to three days; a day is far beyond any reordering, and
/// an event older than that (a payment made outside the service) is kept as
/// not applicable instead of failing for days.
const REDELIVERY_WINDOW_SECS: i64 = 24 * 3600;

fn is_recent(event: &Event, now: DateTime<Utc>) -> bool {
    event
        .created
        .is_none_or(|created| now.timestamp() - created < REDELIVERY_WINDOW_SECS)
}

/// Applies one verified event. Returns what happened (for the log and the
/// stored event). A replayed event id returns `"duplicate"` and changes nothing.
pub async fn apply_event(
    db: &DatabaseConnection,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<&'static str, Error> {
    let txn = crate::db::begin_write(db).await?;
    let inserted = stripe_event::Entity::insert(stripe_event::ActiveModel {
        event_id: Set(event.id.clone()),
        event_type: Set(event.kind.chars().take(100).collect()),
        outcome: Set(String::new()),
        received_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([stripe_event::Column::EventId])
    .exec(&txn)
    .await?;
    let TryInsertResult::Inserted(inserted) = inserted else {
        return Ok("duplicate");
    };
    let outcome = match event.kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            session_paid(&txn, &event.object, now).await?
        }
        "checkout.session.expired" | "checkout.session.async_payment_failed" => {
            session_closed(&txn, &event.object, now).await?
        }
        "refund.created" | "refund.updated" | "charge.refund.updated" => {
            refund_changed(&txn, &event.object, now).await?
        }
        "charge.refunded" => {
            let mut outcome = "ignored";
            let refunds = event.object["refunds"]["data"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for refund in refunds {
                let mut refund = refund;
                if refund["payment_intent"].is_null() {
                    refund["payment_intent"] = event.object["payment_intent"].clone();
                }
                outcome = refund_changed(&txn, &refund, now).await?;
                if outcome == NOT_YET_KNOWN {
                    break;
                }
            }
            outcome
        }
        _ => "ignored",
    };
    if outcome == NOT_YET_KNOWN && is_recent(event, now) {
        // Stripe does not keep order: a refund may arrive before the payment
        // it refunds, a refund's failure before its creation. Neither the
        // event id nor any change is kept (the transaction is dropped), and
        // the non-2xx answer makes Stripe deliver it again later, by when
        // the earlier event has come.
        return Ok(NOT_YET_KNOWN);
    }
    stripe_event::Entity::update_many()
        .col_expr(
            stripe_event::Column::Outcome,
            sea_orm::prelude::Expr::value(outcome),
        )
        .filter(stripe_event::COLUMN.id.eq(inserted.last_insert_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(outcome)
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

async fn attempt_by_session(
    conn: &impl ConnectionTrait,
    session_id: &str,
) -> Result<Option<checkout_attempt::Model>, Error> {
    Ok(checkout_attempt::Entity::find()
        .filter(checkout_attempt::COLUMN.session_id.eq(session_id))
        .one(conn)
        .await?)
}

async fn session_paid(
    conn: &impl ConnectionTrait,
    session: &Value,
    now: DateTime<Utc>,
) -> Result<&'static str, Error> {
    let Some(session_id) = text(session, "id") else {
        return Ok("malformed");
    };
    let Some(attempt) = attempt_by_session(conn, &session_id).await? else {
        tracing::warn!(session_id, "a paid Checkout Session we did not create");
        return Ok("unknown_session");
    };
    if text(session, "payment_status").as_deref() != Some("paid") {
        // Paid later (konbini, bank): `async_payment_succeeded` follows.
        return Ok("awaiting_payment");
    }
    let amount = session.get("amount_total").and_then(Value::as_i64);
    let currency = text(session, "currency").unwrap_or_default();
    let intent = text(session, "payment_intent").unwrap_or_else(|| session_id.clone());
    let mut active: checkout_attempt::ActiveModel = attempt.clone().into();
    active.payment_intent = Set(Some(intent.clone()));
    active.updated_at = Set(now);
    if amount != Some(attempt.amount_yen) || currency != "jpy" {
        active.status = Set("mismatch".into());
        active.update(conn).await?;
        let detail = serde_json::json!({
            "session": session_id, "payment_intent": intent,
            "expected_yen": attempt.amount_yen, "amount_total": amount, "currency": currency,
        })
        .to_string();
        open_review(
            conn,
            attempt.enrollment_id,
            "amount_mismatch",
            amount.unwrap_or(0),
            &detail,
            now,
        )
        .await?;
        return Ok("amount_mismatch");
    }
    active.status = Set("completed".into());
    active.update(conn).await?;
    let payer = session["customer_details"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let entry = append(
        conn,
        NewEntry {
            enrollment_id: attempt.enrollment_id,
            kind: "payment",
            amount_yen: attempt.amount_yen,
            method: "card",
            external_id: Some(intent),
            payer_name: &payer,
            paid_on: Some((now + Duration::hours(9)).date_naive()),
            note: "",
            recorded_by: None,
        },
        now,
    )
    .await?;
    let Some(entry) = entry else {
        return Ok("duplicate_payment");
    };
    super::receipts::issue_for_payment(conn, &entry, None, now).await?;
    payments::settle(conn, attempt.enrollment_id, None, now).await?;
    Ok("paid")
}

async fn session_closed(
    conn: &impl ConnectionTrait,
    session: &Value,
    now: DateTime<Utc>,
) -> Result<&'static str, Error> {
    let Some(session_id) = text(session, "id") else {
        return Ok("malformed");
    };
    let Some(attempt) = attempt_by_session(conn, &session_id).await? else {
        return Ok("unknown_session");
    };
    // Only an open attempt closes: an expiry arriving after the payment
    // (out of order) changes nothing.
    if attempt.status != "open" {
        return Ok("ignored");
    }
    let mut active: checkout_attempt::ActiveModel = attempt.into();
    active.status = Set("expired".into());
    active.updated_at = Set(now);
    active.update(conn).await?;
    Ok("expired")
}

async fn refund_changed(
    conn: &impl ConnectionTrait,
    refund: &Value,
    now: DateTime<Utc>,
) -> Result<&'static str, Error> {
    let (Some(refund_id), Some(amount)) = (
        text(refund, "id"),
        refund.get("amount").and_then(Value::as_i64),
    ) else {
        return Ok("malformed");
    };
    let Some(intent) = text(refund, "payment_intent") else {
        return Ok("malformed");
    };
    let Some(payment) = ledger_entry::Entity::find()
        .filter(ledger_entry::COLUMN.kind.eq("payment"))
        .filter(ledger_entry::COLUMN.external_id.eq(intent.as_str()))
        .one(conn)
        .await?
    else {
        return Ok(NOT_YET_KNOWN);
    };
    let status = text(refund, "status").unwrap_or_default();
    let enrollment_id = payment.enrollment_id;
    if matches!(status.as_str(), "failed" | "canceled") {
        let recorded = ledger_entry::Entity::find()
            .filter(ledger_entry::COLUMN.kind.eq("refund"))
            .filter(ledger_entry::COLUMN.external_id.eq(refund_id.as_str()))
            .one(conn)
            .await?;
        if let Some(recorded) = recorded {
            append(
                conn,
                NewEntry {
                    enrollment_id,
                    kind: "refund",
                    amount_yen: -recorded.amount_yen,
                    method: "card",
                    external_id: Some(format!("{refund_id}:reversed")),
                    payer_name: "",
                    paid_on: None,
                    note: "refund failed",
                    recorded_by: None,
                },
                now,
            )
            .await?;
            open_review(
                conn,
                enrollment_id,
                "refund_failed",
                amount,
                &refund_id,
                now,
            )
            .await?;
            return Ok("refund_failed");
        }
        // The failure came before the refund itself: wait for it, or the
        // refund would be recorded afterwards with nothing to reverse it.
        return Ok(NOT_YET_KNOWN);
    }
    let added = append(
        conn,
        NewEntry {
            enrollment_id,
            kind: "refund",
            amount_yen: amount,
            method: "card",
            external_id: Some(refund_id),
            payer_name: "",
            paid_on: Some((now + Duration::hours(9)).date_naive()),
            note: "",
            recorded_by: None,
        },
        now,
    )
    .await?;
    if let Some(entry) = &added {
        super::payment_mails::refund_made(conn, entry, now).await?;
    }
    Ok(if added.is_some() {
        "refund_recorded"
    } else {
        "refund_known"
    })
}

/// The latest attempt of an enrollment (for the success page).
pub async fn latest_attempt(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
) -> Result<Option<checkout_attempt::Model>, Error> {
    Ok(checkout_attempt::Entity::find()
        .filter(checkout_attempt::COLUMN.enrollment_id.eq(enrollment_id))
        .order_by_desc(checkout_attempt::Column::Id)
        .one(conn)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(created: Option<i64>) -> Event {
        Event {
            id: "evt_1".into(),
            kind: "refund.updated".into(),
            object: Value::Null,
            created,
        }
    }

    #[test]
    fn an_event_waits_for_the_one_it_depends_on_for_a_day_at_most() {
        let now: DateTime<Utc> = "2026-05-01T00:00:00Z".parse().unwrap();
        let t = now.timestamp();
        assert!(is_recent(&event(Some(t)), now));
        assert!(is_recent(&event(Some(t - REDELIVERY_WINDOW_SECS + 1)), now));
        assert!(!is_recent(&event(Some(t - REDELIVERY_WINDOW_SECS)), now));
        // Without a creation time Stripe's own retry schedule bounds it.
        assert!(is_recent(&event(None), now));
    }
}
