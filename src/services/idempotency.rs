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
                _ => Claim::Running,
            })
        }
        Err(e) => Err(e.into()),
    }
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
