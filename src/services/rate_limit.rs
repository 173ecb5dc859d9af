//! Login throttling, counted in the database so every instance sees the same
//! numbers. Failures are counted per account and per client address.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};

use crate::entities::login_failure;

pub struct Limit {
    pub key: String,
    pub max_failures: u64,
}

pub fn account_key(email: &str) -> String {
    format!("acct:{}", email.trim().to_lowercase())
}

pub fn address_key(address: &str) -> String {
    format!("ip:{address}")
}

/// `Some(seconds)` to wait when any limit is reached.
pub async fn blocked_for(
    conn: &impl ConnectionTrait,
    limits: &[Limit],
    window: Duration,
    now: DateTime<Utc>,
) -> Result<Option<u64>, DbErr> {
    for limit in limits {
        let failures = login_failure::Entity::find()
            .filter(login_failure::Column::Key.eq(limit.key.as_str()))
            .filter(login_failure::Column::At.gt(now - window))
            .count(conn)
            .await?;
        if failures >= limit.max_failures {
            return Ok(Some(window.num_seconds().max(1) as u64));
        }
    }
    Ok(None)
}

pub async fn record_failure(
    conn: &impl ConnectionTrait,
    limits: &[Limit],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for limit in limits {
        login_failure::ActiveModel {
            key: Set(limit.key.clone()),
            at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}
