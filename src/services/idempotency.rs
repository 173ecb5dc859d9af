//! Idempotency keys: the first request with a key claims it (a unique row),
//! runs, and stores its answer; a retry with the same key gets that answer.
use chrono::{DateTime, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::is_unique_violation;
use crate::entities::idempotency_key;
use crate::error::Error;

pub enum Claim {
    /// Ours to run.
    Fresh,
    /// Already answered: replay this.
    Done {
        status: u16,
        body: String,
        content_type: String,
    },
    /// The first request with this key is still running.
    Running,
}

/// A claim still without an answer after this long belongs to a request
/// whose instance died between claiming and answering (a live request ends
/// well within it: every statement is cut off after 30 s). A retry with the
/// same key then takes the claim over and runs, instead of hearing "still
/// running" for ever.
pub const ABANDONED_AFTER_SECS: i64 = 120;

pub async fn claim(
    conn: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Claim, Error> {
    let inserted = idempotency_key::ActiveModel {
        scope: Set(scope.to_string()),
        key: Set(key.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await;
    match inserted {
        Ok(_) => Ok(Claim::Fresh),
        Err(e) if is_unique_violation(&e) => {
            let row = idempotency_key::Entity::find()
                .filter(idempotency_key::COLUMN.scope.eq(scope))
                .filter(idempotency_key::COLUMN.key.eq(key))
                .one(conn)
                .await?
                .ok_or(Error::Conflict("err-idempotency-running"))?;
            Ok(match (row.status_code, row.response_body) {
                (Some(status), Some(body)) => Claim::Done {
                    status: status as u16,
                    body,
                    content_type: row
                        .content_type
                        .unwrap_or_else(|| "application/json".into()),
                },
                _ if row.created_at < abandoned_before(now) => take_over(conn, row.id, now).await?,
                _ => Claim::Running,
            })
        }
        Err(e) => Err(e.into()),
    }
}

fn abandoned_before(now: DateTime<Utc>) -> DateTime<Utc> {
    now - chrono::Duration::seconds(ABANDONED_AFTER_SECS)
}

/// Renews an abandoned claim for this request. The database decides: of two
/// retries at once, exactly one update matches.
async fn take_over(
    conn: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Claim, Error> {
    let renewed = idempotency_key::Entity::update_many()
        .col_expr(idempotency_key::Column::CreatedAt, Expr::value(now))
        .filter(idempotency_key::COLUMN.id.eq(id))
        .filter(idempotency_key::COLUMN.status_code.is_null())
        .filter(idempotency_key::COLUMN.created_at.lt(abandoned_before(now)))
        .exec(conn)
        .await?;
    Ok(if renewed.rows_affected == 1 {
        Claim::Fresh
    } else {
        Claim::Running
    })
}

pub async fn complete(
    conn: &impl ConnectionTrait,
    scope: &str,
    key: &str,
    status: u16,
    body: &str,
    content_type: &str,
) -> Result<(), Error> {
    idempotency_key::Entity::update_many()
        .col_expr(
            idempotency_key::Column::StatusCode,
            Expr::value(status as i32),
        )
        .col_expr(idempotency_key::Column::ResponseBody, Expr::value(body))
        .col_expr(
            idempotency_key::Column::ContentType,
            Expr::value(content_type),
        )
        .filter(idempotency_key::COLUMN.scope.eq(scope))
        .filter(idempotency_key::COLUMN.key.eq(key))
        .exec(conn)
        .await?;
    Ok(())
}

/// Forgets a claim whose request failed on our side, so a retry can run.
pub async fn release(conn: &impl ConnectionTrait, scope: &str, key: &str) -> Result<(), Error> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::COLUMN.scope.eq(scope))
        .filter(idempotency_key::COLUMN.key.eq(key))
        .exec(conn)
        .await?;
    Ok(())
}
