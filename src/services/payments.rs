//! The money ledger of an enrollment: every movement is an append-only entry;
//! what is owed, paid and refunded is derived from the entries, never edited.
//! Offline payments (振込, 現金) are recorded here by staff.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set, TryInsertResult,
};
use serde::Serialize;

use super::payment_rows::{ledger_entry, refund_review};
use super::{audit, catalog, enrollment as enrollments};
use crate::domain::course::EnrollmentStatus;
use crate::domain::refund_policy::{days_before_start, refund_due, RefundInput};
use crate::entities::{course_fee, enrollment};
use crate::error::Error;

pub const METHODS: [&str; 4] = ["card", "bank_transfer", "cash", "waived"];
pub const OFFLINE_METHODS: [&str; 3] = ["bank_transfer", "cash", "waived"];

/// What an enrollment owes and has paid, derived from its ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Balance {
    /// The fee (when active) plus charges and adjustments.
    pub due_yen: i64,
    /// Payments received, net of reversals.
    pub paid_yen: i64,
    pub refunded_yen: i64,
    /// Positive: still owed by the trainee; negative: owed back to them.
    pub balance_yen: i64,
}

impl Balance {
    /// `unpaid | partial | paid | overpaid | refunded | none`
    pub fn state(&self) -> &'static str {
        if self.due_yen == 0 && self.paid_yen == 0 {
            "none"
        } else if self.refunded_yen > 0 && self.balance_yen >= 0 {
            "refunded"
        } else if self.balance_yen < 0 {
            "overpaid"
        } else if self.balance_yen == 0 {
            "paid"
        } else if self.paid_yen - self.refunded_yen > 0 {
            "partial"
        } else {
            "unpaid"
        }
    }
}

/// The balance from an enrollment and its entries (pure).
pub fn summarize(row: &enrollment::Model, entries: &[ledger_entry::Model]) -> Balance {
    let sum = |kind: &str| -> i64 {
        entries
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.amount_yen)
            .sum()
    };
    let base = if row.status == EnrollmentStatus::Cancelled.as_str() {
        0
    } else {
        row.amount_due_yen
    };
    let due = base + sum("charge") + sum("adjustment");
    let paid = sum("payment");
    let refunded = sum("refund");
    Balance {
        due_yen: due,
        paid_yen: paid,
        refunded_yen: refunded,
        balance_yen: due - paid + refunded,
    }
}

pub async fn entries(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
) -> Result<Vec<ledger_entry::Model>, Error> {
    Ok(ledger_entry::Entity::find()
        .filter(ledger_entry::COLUMN.enrollment_id.eq(enrollment_id))
        .order_by_asc(ledger_entry::Column::Id)
        .all(conn)
        .await?)
}

pub async fn balance(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
) -> Result<Balance, Error> {
    Ok(summarize(row, &entries(conn, row.id).await?))
}

/// A new entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub enrollment_id: i64,
    pub kind: &'static str,
    pub amount_yen: i64,
    pub method: &'a str,
    pub external_id: Option<String>,
    pub payer_name: &'a str,
    pub paid_on: Option<NaiveDate>,
    pub note: &'a str,
    pub recorded_by: Option<i64>,
}

/// Appends an entry. With an external id, a second entry of the same kind
/// and id is not added (`Ok(None)`): the database decides, so two racing
/// webhooks or retries cannot record one payment twice.
pub async fn append(
    conn: &impl ConnectionTrait,
    entry: NewEntry<'_>,
    now: DateTime<Utc>,
) -> Result<Option<ledger_entry::Model>, Error> {
    let external = entry.external_id.clone();
    let model = ledger_entry::ActiveModel {
        enrollment_id: Set(entry.enrollment_id),
        kind: Set(entry.kind.to_string()),
        amount_yen: Set(entry.amount_yen),
        method: Set(entry.method.to_string()),
        external_id: Set(entry.external_id),
        payer_name: Set(entry.payer_name.to_string()),
        paid_on: Set(entry.paid_on),
        note: Set(entry.note.to_string()),
        recorded_by: Set(entry.recorded_by),
        created_at: Set(now),
        ..Default::default()
    };
    if external.is_none() {
        return Ok(Some(model.insert(conn).await?));
    }
    let result = ledger_entry::Entity::insert(model)
        .on_conflict_do_nothing_on([ledger_entry::Column::Kind, ledger_entry::Column::ExternalId])
        .exec(conn)
        .await?;
    match result {
        TryInsertResult::Inserted(r) => Ok(ledger_entry::Entity::find_by_id(r.last_insert_id)
            .one(conn)
            .await?),
        _ => Ok(None),
    }
}

/// After money came in: confirms a seat waiting for payment once nothing is
/// owed, or (for a cancelled enrollment) asks staff to refund.
pub async fn settle(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Balance, Error> {
    let row = enrollments::find(conn, enrollment_id).await?;
    let balance = balance(conn, &row).await?;
    let paid_for = balance.balance_yen <= 0
        || crate::domain::support::seat_paid(&price_of(conn, &row).await?, balance.balance_yen);
    if row.status == EnrollmentStatus::PendingPayment.as_str() && paid_for {
        enrollments::mark_paid(conn, enrollment_id, actor_id, now).await?;
    } else if balance.balance_yen < 0 {
        let reason = if row.status == EnrollmentStatus::Cancelled.as_str() {
            "paid_after_cancel"
        } else {
            "overpaid"
        };
        open_review(conn, enrollment_id, reason, -balance.balance_yen, "", now).await?;
    }
    Ok(balance)
}

/// The enrollment's price under the support scheme named on its application.
pub async fn price_of(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
) -> Result<crate::domain::support::Price, Error> {
    let form: serde_json::Value = serde_json::from_str(&row.form).unwrap_or_default();
    let scheme = crate::domain::support::Scheme::of_form(&form);
    enrollments::price_for(conn, row.course_id, &row.price_category, scheme).await
}

/// What the trainee still owes themselves (a municipality pays its share
/// separately). Card payments and payments in the trainee's name (or no
/// name) count as theirs.
pub async fn trainee_owes(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
) -> Result<i64, Error> {
    let entries = entries(conn, row.id).await?;
    let balance = summarize(row, &entries);
    let price = price_of(conn, row).await?;
    if price.subsidy_yen == 0 {
        return Ok(balance.balance_yen.max(0));
    }
    let name = format!("{} {}", row.family_name, row.given_name);
    let theirs = |e: &&ledger_entry::Model| {
        e.method == "card" || e.payer_name.trim().is_empty() || e.payer_name.trim() == name
    };
    let paid: i64 = entries
        .iter()
        .filter(|e| e.kind == "payment")
        .filter(theirs)
        .map(|e| e.amount_yen)
        .sum();
    let refunded: i64 = entries
        .iter()
        .filter(|e| e.kind == "refund")
        .filter(theirs)
        .map(|e| e.amount_yen)
        .sum();
    Ok(crate::domain::support::trainee_owes(
        &price,
        balance.balance_yen,
        paid - refunded,
    ))
}

/// Opens a review for staff unless the same one is already open.
pub async fn open_review(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
    reason: &str,
    amount_yen: i64,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let open = refund_review::Entity::find()
        .filter(refund_review::COLUMN.enrollment_id.eq(enrollment_id))
        .filter(refund_review::COLUMN.reason.eq(reason))
        .filter(refund_review::COLUMN.status.eq("open"))
        .one(conn)
        .await?;
    if let Some(open) = open {
        let mut open: refund_review::ActiveModel = open.into();
        open.amount_yen = Set(amount_yen);
        open.update(conn).await?;
        return Ok(());
    }
    refund_review::ActiveModel {
        enrollment_id: Set(enrollment_id),
        reason: Set(reason.to_string()),
        amount_yen: Set(amount_yen),
        detail: Set(detail.to_string()),
        status: Set("open".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// An offline payment as staff type it.
#[derive(Debug, Clone)]
pub struct OfflinePayment {
    pub method: String,
    pub amount_yen: i64,
    pub paid_on: NaiveDate,
    pub payer_name: String,
    pub note: String,
}

/// Staff record a bank transfer or cash payment: one transaction that appends
/// the entry, confirms the seat when paid in full and issues the receipt.
pub async fn record_offline(
    db: &DatabaseConnection,
    enrollment_id: i64,
    staff_id: i64,
    payment: &OfflinePayment,
    now: DateTime<Utc>,
) -> Result<(ledger_entry::Model, Balance), Error> {
    if !OFFLINE_METHODS.contains(&payment.method.as_str()) {
        return Err(Error::invalid("method", "err-payment-method-invalid"));
    }
    if payment.amount_yen <= 0 || payment.amount_yen > 10_000_000 {
        return Err(Error::invalid("amount_yen", "err-amount-invalid"));
    }
    let payer = payment.payer_name.trim();
    if payer.is_empty() || payer.chars().count() > 200 {
        return Err(Error::invalid("payer_name", "err-payer-name-required"));
    }
    if payment.note.chars().count() > 1000 {
        return Err(Error::invalid("note", "err-note-too-long"));
    }
    let txn = crate::db::begin_write(db).await?;
    let row = enrollments::find(&txn, enrollment_id).await?;
    let entry = append(
        &txn,
        NewEntry {
            enrollment_id,
            kind: "payment",
            amount_yen: payment.amount_yen,
            method: &payment.method,
            external_id: None,
            payer_name: payer,
            paid_on: Some(payment.paid_on),
            note: &payment.note,
            recorded_by: Some(staff_id),
        },
        now,
    )
    .await?
    .ok_or_else(|| Error::Internal("entry not recorded".into()))?;
    let balance = settle(&txn, row.id, Some(staff_id), now).await?;
    if payment.method != "waived" {
        super::receipts::issue_for_payment(&txn, &entry, Some(staff_id), now).await?;
    }
    audit::record(
        &txn,
        Some(staff_id),
        "payment.record",
        ("enrollment", Some(enrollment_id)),
        serde_json::json!({"method": payment.method, "amount_yen": payment.amount_yen}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((entry, balance))
}

/// The part of the fee in components the course's policy does not refund.
async fn non_refundable_yen(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
    components: &[String],
) -> Result<i64, Error> {
    if components.is_empty() {
        return Ok(0);
    }
    let lines = course_fee::Entity::find()
        .filter(course_fee::COLUMN.course_id.eq(row.course_id))
        .filter(course_fee::COLUMN.category.eq(row.price_category.as_str()))
        .all(conn)
        .await?;
    Ok(lines
        .iter()
        .filter(|l| components.contains(&l.component))
        .map(|l| l.amount_yen.max(0))
        .sum())
}

/// What a cancellation now would give back, by the course's policy: shown to
/// the trainee before they confirm, and returned by the API's cancel.
pub async fn refund_preview(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    let row = enrollments::find(conn, enrollment_id).await?;
    let course = catalog::find(conn, row.course_id).await?;
    let policy = super::refunds::policy_for(conn, course.id).await?;
    let entries = entries(conn, row.id).await?;
    let balance = summarize(&row, &entries);
    if entries
        .iter()
        .any(|e| e.kind == "charge" && e.note == CANCELLATION_NOTE)
    {
        // Already cancelled: what is still owed back.
        return Ok((-balance.balance_yen).max(0));
    }
    let input = RefundInput {
        paid_yen: balance.paid_yen - balance.refunded_yen,
        non_refundable_yen: non_refundable_yen(conn, &row, &policy.non_refundable_components)
            .await?,
        days_before: days_before_start(now, course.starts_on),
        cancelled_by_provider: course.status == "cancelled",
    };
    Ok(refund_due(&policy, input))
}

pub(crate) const CANCELLATION_NOTE: &str = "cancellation charge";

/// After a cancellation: keeps the cancellation charge in the ledger and, when
/// money is owed back, opens a refund review for staff. Returns the refund
/// due. Safe to call twice (the charge has a fixed external id).
pub async fn after_cancel(
    db: &DatabaseConnection,
    enrollment_id: i64,
    actor_id: Option<i64>,
    refund_yen: i64,
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    let txn = crate::db::begin_write(db).await?;
    let row = enrollments::find(&txn, enrollment_id).await?;
    let balance = balance(&txn, &row).await?;
    let net_paid = balance.paid_yen - balance.refunded_yen;
    let refund = refund_yen.clamp(0, net_paid.max(0));
    let kept = net_paid - refund;
    if net_paid > 0 {
        append(
            &txn,
            NewEntry {
                enrollment_id,
                kind: "charge",
                amount_yen: kept.max(0),
                method: "",
                external_id: Some(format!("cancel:{enrollment_id}")),
                payer_name: "",
                paid_on: None,
                note: CANCELLATION_NOTE,
                recorded_by: actor_id,
            },
            now,
        )
        .await?;
        if refund > 0 {
            open_review(
                &txn,
                enrollment_id,
                "cancelled_after_payment",
                refund,
                "",
                now,
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(refund)
}

/// Charges an on-demand fee (補講料, 再交付手数料, …) for one use, in the
/// enrollment's price category, in the caller's transaction. `reference`
/// names the use (a make-up booking, a reissued certificate) so the same use
/// is never charged twice. Returns the amount charged (0 when the course does
/// not charge for it).
pub async fn charge_on_demand(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
    component: &str,
    reference: &str,
    note: &str,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    let lines: Vec<crate::domain::fees::FeeLine> = course_fee::Entity::find()
        .filter(course_fee::COLUMN.course_id.eq(row.course_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.category, f.component, f.amount_yen))
        .collect();
    let fee = crate::domain::fees::on_demand_fee(&lines, &row.price_category, component);
    if fee == 0 {
        return Ok(0);
    }
    let charged = append(
        conn,
        NewEntry {
            enrollment_id: row.id,
            kind: "charge",
            amount_yen: fee,
            method: "",
            external_id: Some(format!("{component}:{reference}")),
            payer_name: "",
            paid_on: None,
            note,
            recorded_by: actor_id,
        },
        now,
    )
    .await?;
    Ok(if charged.is_some() { fee } else { 0 })
}
