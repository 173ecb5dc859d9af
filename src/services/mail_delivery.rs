//! Delivery of the mail outbox over SMTP.
//!
//! A worker claims one due row at a time with a conditional update (the
//! lease), sends it, and marks it sent straight away. Several workers (one
//! per instance) therefore never hold the same row, and a row whose worker
//! died is retried once its lease has run out.
//!
//! Delivery is at least once, and the window is narrow: a worker that dies
//! after the SMTP server accepted the message but before the row was marked
//! sent leaves a row that is sent again after the lease. That copy carries
//! the same Message-ID (from the row's id and creation time) and Date, so
//! mail systems that deduplicate by Message-ID show it once. Everything
//! else, such as two workers at once, a crash before the server accepted the
//! message or a failure, is sent exactly once.
//!
//! A failure is recorded on the row (`last_error`, `attempts`) and retried
//! after a back-off that doubles each time; after `mail_max_attempts` the row
//! is marked `failed` and staff see it (and can queue it again) on the
//! delivery page. Without `smtp_host` nothing is sent: the outbox is read on
//! its page.
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::prelude::Expr;
use sea_orm::{
    Condition, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use crate::config::AppConfig;
use crate::entities::{mail_outbox, user};
use crate::error::Error;
use crate::i18n::{t_args, Lang};

const PENDING: &str = "pending";
const SENT: &str = "sent";
const FAILED: &str = "failed";

/// What one delivery pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    /// Attempts that failed and will be retried.
    pub retrying: usize,
    /// Rows marked failed in this pass.
    pub failed: usize,
    /// Due rows another worker claimed first.
    pub claimed_elsewhere: usize,
}

type Transport = AsyncSmtpTransport<Tokio1Executor>;

fn transport(config: &AppConfig) -> Result<Transport, Error> {
    let host = config.smtp_host.trim();
    let builder = match config.smtp_tls.as_str() {
        "none" => Transport::builder_dangerous(host),
        "tls" => {
            Transport::relay(host).map_err(|e| Error::Internal(format!("smtp tls setup: {e}")))?
        }
        _ => Transport::starttls_relay(host)
            .map_err(|e| Error::Internal(format!("smtp starttls setup: {e}")))?,
    };
    let mut builder = builder
        .port(config.smtp_port)
        .timeout(Some(Duration::from_secs(config.smtp_timeout_secs)));
    if let Some(username) = config.smtp_username.as_deref().filter(|u| !u.is_empty()) {
        builder = builder.credentials(Credentials::new(
            username.to_string(),
            config.smtp_password.clone().unwrap_or_default(),
        ));
    }
    Ok(builder.build())
}

/// Stable for the row, whichever worker sends it and however often.
pub fn message_id(row: &mail_outbox::Model, domain: &str) -> String {
    format!(
        "<kouza.outbox.{}.{}@{domain}>",
        row.id,
        row.created_at.timestamp()
    )
}

/// Who sent the mail and how to reach the office, in the recipient's language.
pub fn footer(config: &AppConfig, lang: Lang) -> String {
    let contact = if config.office_contact.trim().is_empty() {
        t_args(
            lang,
            "mail-footer-contact-web",
            &[("url", config.public_base_url.clone())],
        )
    } else {
        config.office_contact.trim().to_string()
    };
    t_args(
        lang,
        "mail-footer",
        &[("office", config.office_name.clone()), ("contact", contact)],
    )
}

async fn recipient_lang(conn: &impl ConnectionTrait, address: &str) -> Result<Lang, Error> {
    let person = user::Entity::find()
        .filter(user::COLUMN.email.eq(address))
        .one(conn)
        .await?;
    Ok(person
        .and_then(|p| Lang::from_code(&p.locale))
        .unwrap_or_default())
}

/// The message as it goes on the wire. Subjects with Japanese become
/// RFC 2047 encoded-words; the body is UTF-8 text.
async fn build_message(
    conn: &impl ConnectionTrait,
    config: &AppConfig,
    from: &Mailbox,
    row: &mail_outbox::Model,
) -> Result<Message, String> {
    let to: Mailbox = row
        .to_address
        .parse()
        .map_err(|e| format!("recipient address: {e}"))?;
    let lang = recipient_lang(conn, &row.to_address)
        .await
        .map_err(|e| format!("recipient language: {e}"))?;
    let body = format!("{}\n\n{}\n", row.body_text.trim_end(), footer(config, lang));
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(message_id(row, from.email.domain())))
        .date(row.created_at.into())
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| format!("building the message: {e}"))
}

/// The wait before attempt `attempts + 1`: base, 2×base, 4×base, … up to max.
pub fn backoff(config: &AppConfig, attempts: i32) -> chrono::Duration {
    let doublings = std::cmp::min(u32::try_from(attempts.saturating_sub(1)).unwrap_or(0), 30);
    let secs = std::cmp::min(
        config
            .mail_retry_base_secs
            .saturating_mul(1_i64 << doublings),
        config.mail_retry_max_secs,
    );
    chrono::Duration::seconds(secs)
}

/// Whole seconds, so the lease compares equal on every database (PostgreSQL
/// keeps microseconds, chrono nanoseconds).
fn lease_end(config: &AppConfig, now: DateTime<Utc>) -> DateTime<Utc> {
    let end = now + chrono::Duration::seconds(config.mail_lease_secs);
    DateTime::from_timestamp(end.timestamp(), 0).unwrap_or(end)
}

fn due(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(mail_outbox::COLUMN.status.eq(PENDING))
        .add(mail_outbox::COLUMN.next_attempt_at.lte(now))
        .add(
            Condition::any()
                .add(mail_outbox::COLUMN.lease_until.is_null())
                .add(mail_outbox::COLUMN.lease_until.lt(now)),
        )
}

/// Claims a row for this worker until `lease`. The database decides: of two
/// workers, exactly one update matches.
async fn claim(
    db: &DatabaseConnection,
    id: i64,
    lease: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let result = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::LeaseUntil, Expr::value(lease))
        .filter(mail_outbox::COLUMN.id.eq(id))
        .filter(due(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// One pass: sends up to `mail_batch_size` due mails. `now` is read before
/// each claim, so a long pass never works on an old idea of the time.
pub async fn deliver_due(
    db: &DatabaseConnection,
    config: &AppConfig,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<Report, Error> {
    let mut report = Report::default();
    if config.smtp_host.trim().is_empty() {
        return Ok(report);
    }
    let from: Mailbox = config
        .mail_from
        .parse()
        .map_err(|e| Error::Internal(format!("mail_from is not an address: {e}")))?;
    let candidates: Vec<i64> = mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::Id)
        .filter(due(now()))
        .order_by_asc(mail_outbox::COLUMN.next_attempt_at)
        .order_by_asc(mail_outbox::COLUMN.id)
        .limit(config.mail_batch_size)
        .into_tuple()
        .all(db)
        .await?;
    if candidates.is_empty() {
        return Ok(report);
    }
    let transport = transport(config)?;
    let overall = Duration::from_secs(config.smtp_timeout_secs);
    for id in candidates {
        let claimed_at = now();
        let lease = lease_end(config, claimed_at);
        if !claim(db, id, lease, claimed_at).await? {
            report.claimed_elsewhere += 1;
            continue;
        }
        let Some(row) = mail_outbox::Entity::find_by_id(id).one(db).await? else {
            continue;
        };
        let outcome = match build_message(db, config, &from, &row).await {
            Ok(message) => {
                match rocket::tokio::time::timeout(overall, transport.send(message)).await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) => Err(format!("smtp: {e}")),
                    Err(_) => Err(format!("smtp: no answer within {}s", overall.as_secs())),
                }
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(()) => {
                mark_sent(db, &row, now()).await?;
                tracing::info!(mail = row.id, kind = %row.kind, "mail sent");
                report.sent += 1;
            }
            Err(error) => {
                let gave_up = record_failure(db, config, &row, lease, &error, now()).await?;
                tracing::warn!(mail = row.id, kind = %row.kind, attempts = row.attempts + 1, %error, "mail delivery failed");
                if gave_up {
                    report.failed += 1;
                } else {
                    report.retrying += 1;
                }
            }
        }
    }
    Ok(report)
}

/// Success is always recorded, even if the lease ran out meanwhile: the
/// message left, and a second worker must not send it again.
async fn mark_sent(
    db: &DatabaseConnection,
    row: &mail_outbox::Model,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value(SENT))
        .col_expr(mail_outbox::Column::SentAt, Expr::value(now))
        .col_expr(
            mail_outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            mail_outbox::Column::Attempts,
            Expr::col(mail_outbox::Column::Attempts).add(1),
        )
        .col_expr(
            mail_outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(mail_outbox::COLUMN.id.eq(row.id))
        .filter(mail_outbox::COLUMN.status.eq(PENDING))
        .exec(db)
        .await?;
    Ok(())
}

/// A failure counts only while this worker still holds the lease; otherwise
/// another worker has the row and its outcome decides. True when the row
/// was marked failed for good.
async fn record_failure(
    db: &DatabaseConnection,
    config: &AppConfig,
    row: &mail_outbox::Model,
    lease: DateTime<Utc>,
    error: &str,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let attempts = row.attempts + 1;
    let give_up = attempts >= config.mail_max_attempts;
    let error: String = error.chars().take(1000).collect();
    let result = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Attempts, Expr::value(attempts))
        .col_expr(mail_outbox::Column::LastError, Expr::value(Some(error)))
        .col_expr(
            mail_outbox::Column::NextAttemptAt,
            Expr::value(now + backoff(config, attempts)),
        )
        .col_expr(
            mail_outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            mail_outbox::Column::Status,
            Expr::value(if give_up { FAILED } else { PENDING }),
        )
        .filter(mail_outbox::COLUMN.id.eq(row.id))
        .filter(mail_outbox::COLUMN.status.eq(PENDING))
        .filter(mail_outbox::COLUMN.lease_until.eq(lease))
        .exec(db)
        .await?;
    Ok(give_up && result.rows_affected == 1)
}

/// Queues a failed mail again (staff, after fixing the cause).
pub async fn retry(db: &DatabaseConnection, id: i64, now: DateTime<Utc>) -> Result<(), Error> {
    let result = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Status, Expr::value(PENDING))
        .col_expr(mail_outbox::Column::Attempts, Expr::value(0))
        .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(now))
        .col_expr(
            mail_outbox::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(mail_outbox::COLUMN.id.eq(id))
        .filter(mail_outbox::COLUMN.status.eq(FAILED))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// What staff see on the delivery page.
#[derive(Debug, Serialize)]
pub struct Overview {
    pub smtp_configured: bool,
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// Failed rows and pending rows that have failed at least once, newest first.
    #[serde(skip)]
    pub troubled: Vec<mail_outbox::Model>,
}

pub async fn overview(conn: &impl ConnectionTrait, config: &AppConfig) -> Result<Overview, Error> {
    let count = |status: &'static str| {
        mail_outbox::Entity::find()
            .filter(mail_outbox::COLUMN.status.eq(status))
            .count(conn)
    };
    let troubled = mail_outbox::Entity::find()
        .filter(
            Condition::any()
                .add(mail_outbox::COLUMN.status.eq(FAILED))
                .add(
                    Condition::all()
                        .add(mail_outbox::COLUMN.status.eq(PENDING))
                        .add(mail_outbox::COLUMN.last_error.is_not_null()),
                ),
        )
        .order_by_desc(mail_outbox::COLUMN.id)
        .limit(100)
        .all(conn)
        .await?;
    Ok(Overview {
        smtp_configured: !config.smtp_host.trim().is_empty(),
        pending: count(PENDING).await?,
        sent: count(SENT).await?,
        failed: count(FAILED).await?,
        troubled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_back_off_doubles_up_to_its_maximum() {
        let config = AppConfig {
            mail_retry_base_secs: 60,
            mail_retry_max_secs: 600,
            ..AppConfig::default()
        };
        let waits: Vec<i64> = (1..=6).map(|n| backoff(&config, n).num_seconds()).collect();
        assert_eq!(waits, [60, 120, 240, 480, 600, 600]);
        assert_eq!(backoff(&config, 1000).num_seconds(), 600);
    }

    #[test]
    fn a_lease_ends_on_a_whole_second() {
        let config = AppConfig::default();
        let now = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        let end = lease_end(&config, now);
        assert_eq!(end.timestamp_subsec_nanos(), 0);
        assert_eq!(end.timestamp(), 1_700_000_000 + config.mail_lease_secs);
    }

    #[test]
    fn the_footer_names_the_office_and_how_to_reach_it_in_both_languages() {
        let config = AppConfig {
            office_contact: "03-1234-5678".into(),
            ..AppConfig::default()
        };
        for lang in Lang::ALL {
            let text = footer(&config, lang);
            assert!(text.contains(&config.office_name), "{text}");
            assert!(text.contains("03-1234-5678"), "{text}");
        }
        let web = footer(&AppConfig::default(), Lang::En);
        assert!(web.contains("http://127.0.0.1:8000"), "{web}");
    }

    #[test]
    fn the_message_id_is_the_same_for_every_attempt_of_a_row() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let row = mail_outbox::Model {
            id: 42,
            kind: "confirmed".into(),
            to_address: "a@example.jp".into(),
            subject: "件名".into(),
            body_text: "本文".into(),
            status: PENDING.into(),
            attempts: 3,
            next_attempt_at: at,
            lease_until: None,
            last_error: None,
            created_at: at,
            sent_at: None,
        };
        let first = message_id(&row, "example.jp");
        let again = message_id(
            &mail_outbox::Model {
                attempts: 4,
                ..row.clone()
            },
            "example.jp",
        );
        assert_eq!(first, "<kouza.outbox.42.1700000000@example.jp>");
        assert_eq!(first, again);
    }
}
