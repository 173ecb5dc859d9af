//! Payment mails, through the outbox in the caller's transaction, in the
//! recipient's language (the office footer is added when they are sent):
//! payment instructions with the bank details when a payment becomes due,
//! payment received, the reminder the day before the payment deadline (once,
//! claimed by a unique row so several instances never both send it) and
//! refund made.
use chrono::{DateTime, Duration, Utc};
use rocket::fairing::AdHoc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TryInsertResult,
};

use super::notifications::{lang_of, queue};
use super::payment_rows::{ledger_entry, payment_mail_claim, payment_setting};
use super::{accounts, catalog, enrollment as enrollments};
use crate::domain::course::{jst_date, EnrollmentStatus};
use crate::domain::yen::grouped;
use crate::entities::{course, enrollment};
use crate::error::Error;
use crate::i18n::{format_datetime, t, Lang};
use crate::state::AppState;

const BANK_DETAILS: &str = "bank_transfer_details";

/// Mirrors the settings the mails need from the configuration into the
/// database at start, so that services read them inside their transactions.
pub fn fairing() -> AdHoc {
    AdHoc::try_on_ignite("payment settings", |rocket| {
        Box::pin(async move {
            let Some(state) = rocket.state::<AppState>() else {
                return Ok(rocket);
            };
            let result = store_setting(
                &state.db,
                BANK_DETAILS,
                state.config.bank_transfer_details.trim(),
                Utc::now(),
            )
            .await;
            match result {
                Ok(()) => Ok(rocket),
                Err(e) => {
                    tracing::error!(error = %e, "cannot store the payment settings");
                    Err(rocket)
                }
            }
        })
    })
}

pub async fn store_setting(
    conn: &impl ConnectionTrait,
    name: &str,
    value: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    payment_setting::Entity::insert(payment_setting::ActiveModel {
        name: Set(name.to_string()),
        value: Set(value.to_string()),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(payment_setting::Column::Name)
            .update_columns([
                payment_setting::Column::Value,
                payment_setting::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The bank transfer (振込) details as configured, or the office's
/// "ask us" line when none are.
async fn bank_details(conn: &impl ConnectionTrait, lang: Lang) -> Result<String, Error> {
    Ok(bank_text(stored_bank_details(conn).await?.as_deref(), lang))
}

/// The bank details as stored, if any are.
pub(crate) async fn stored_bank_details(
    conn: &impl ConnectionTrait,
) -> Result<Option<String>, Error> {
    Ok(
        payment_setting::Entity::find_by_id(BANK_DETAILS.to_string())
            .one(conn)
            .await?
            .map(|s| s.value)
            .filter(|v| !v.trim().is_empty()),
    )
}

/// The stored bank details, or the "ask us" line in `lang`.
pub(crate) fn bank_text(stored: Option<&str>, lang: Lang) -> String {
    stored.map_or_else(|| t(lang, "pay-bank-ask-office"), str::to_string)
}

/// Payment instructions when a payment becomes due: amount, deadline and
/// the bank details (`mail-payment-requested-*`).
pub async fn payment_requested(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
    course: &course::Model,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let person = accounts::find(conn, row.user_id).await?;
    let lang = lang_of(&person);
    let bank = bank_details(conn, lang).await?;
    let args = requested_args(row, course, deadline, lang, bank);
    queue(conn, &person, "payment-requested", &args, now).await
}

/// The arguments of the payment instructions (`mail-payment-requested-*`).
pub(crate) fn requested_args(
    row: &enrollment::Model,
    course: &course::Model,
    deadline: DateTime<Utc>,
    lang: Lang,
    bank: String,
) -> [(&'static str, String); 4] {
    [
        ("course", course.title.clone()),
        ("amount", grouped(row.amount_due_yen)),
        ("deadline", format_datetime(lang, deadline)),
        ("bank", bank),
    ]
}

/// A payment came in and its receipt was numbered.
pub async fn payment_received(
    conn: &impl ConnectionTrait,
    entry: &ledger_entry::Model,
    receipt_number: i64,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let row = enrollments::find(conn, entry.enrollment_id).await?;
    let course = catalog::find(conn, row.course_id).await?;
    let person = accounts::find(conn, row.user_id).await?;
    let lang = lang_of(&person);
    let args = [
        ("course", course.title.clone()),
        ("amount", grouped(entry.amount_yen)),
        (
            "method",
            t(
                lang,
                &format!("pay-method-{}", entry.method.replace('_', "-")),
            ),
        ),
        ("receipt", format!("{receipt_number:06}")),
    ];
    queue(conn, &person, "payment-received", &args, now).await
}

/// Money went back to the trainee (card or by hand).
pub async fn refund_made(
    conn: &impl ConnectionTrait,
    entry: &ledger_entry::Model,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let row = enrollments::find(conn, entry.enrollment_id).await?;
    let course = catalog::find(conn, row.course_id).await?;
    let person = accounts::find(conn, row.user_id).await?;
    let lang = lang_of(&person);
    let args = [
        ("course", course.title.clone()),
        ("amount", grouped(entry.amount_yen)),
        (
            "method",
            t(
                lang,
                &format!("pay-method-{}", entry.method.replace('_', "-")),
            ),
        ),
    ];
    queue(conn, &person, "refund-made", &args, now).await
}

pub const DEADLINE_REMINDER: &str = "deadline-reminder";

/// The reminder the day before a payment deadline (Japan time), to everyone
/// still owing. Each is claimed by inserting its unique claim row in the
/// transaction that queues the mail: a second pass or another instance
/// finds the claim and sends nothing. Returns the mails queued.
pub async fn send_deadline_reminders(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<usize, Error> {
    let tomorrow = jst_date(now) + Duration::days(1);
    let candidates = enrollment::Entity::find()
        .filter(
            enrollment::COLUMN
                .status
                .eq(EnrollmentStatus::PendingPayment.as_str()),
        )
        .filter(enrollment::COLUMN.payment_due_at.gt(now))
        .filter(
            enrollment::COLUMN
                .payment_due_at
                .lte(now + Duration::days(2)),
        )
        .order_by_asc(enrollment::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    let mut queued = 0;
    for row in candidates {
        let Some(deadline) = row.payment_due_at else {
            continue;
        };
        if jst_date(deadline) != tomorrow {
            continue;
        }
        let txn = crate::db::begin_write(db).await?;
        let claim = payment_mail_claim::Entity::insert(payment_mail_claim::ActiveModel {
            enrollment_id: Set(row.id),
            kind: Set(DEADLINE_REMINDER.to_string()),
            claimed_at: Set(now),
            ..Default::default()
        })
        .on_conflict_do_nothing_on([
            payment_mail_claim::Column::EnrollmentId,
            payment_mail_claim::Column::Kind,
        ])
        .exec(&txn)
        .await?;
        if !matches!(claim, TryInsertResult::Inserted(_)) {
            continue;
        }
        let current = enrollments::find(&txn, row.id).await?;
        let owing = super::payments::balance(&txn, &current).await?.balance_yen;
        if current.status != EnrollmentStatus::PendingPayment.as_str() || owing <= 0 {
            // Paid meanwhile: keep the claim, send nothing.
            txn.commit().await?;
            continue;
        }
        let course = catalog::find(&txn, current.course_id).await?;
        let person = accounts::find(&txn, current.user_id).await?;
        let lang = lang_of(&person);
        let args = [
            ("course", course.title.clone()),
            ("amount", grouped(owing)),
            ("deadline", format_datetime(lang, deadline)),
            ("bank", bank_details(&txn, lang).await?),
        ];
        queue(&txn, &person, "payment-reminder", &args, now).await?;
        txn.commit().await?;
        queued += 1;
    }
    Ok(queued)
}
