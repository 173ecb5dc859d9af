//! Login throttling, counted in the database so every instance sees the same
//! numbers. Failures are counted per client address (credential stuffing: one
//! address, many accounts) and per account *from that address* (guessing one
//! password). The account count is per address on purpose: counted over all
//! addresses, anyone could keep a real user locked out by failing against
//! their address from elsewhere; this way the real user, from their own
//! address, still gets in.
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

/// One account's failures from one address (`acct:<email>|ip:<addr>`).
pub fn account_from_address_key(email: &str, address: &str) -> String {
    format!("{}|{}", account_key(email), address_key(address))
}

/// Every key counting one account's failures, from any address: the key
/// itself and `<key>|…`, with `%`, `_` and `\` in the e-mail escaped so that
/// they cannot match other accounts (a LIKE, not a range: collations order
/// punctuation differently).
pub fn all_keys_of_account(email: &str) -> sea_orm::Condition {
    use sea_orm::sea_query::{Expr, LikeExpr};
    use sea_orm::{ColumnTrait, ExprTrait};
    let key = account_key(email);
    let mut escaped = String::with_capacity(key.len() + 2);
    for c in key.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    sea_orm::Condition::any()
        .add(login_failure::Column::Key.eq(key.as_str()))
        .add(
            Expr::col(login_failure::Column::Key)
                .like(LikeExpr::new(format!("{escaped}|%")).escape('\\')),
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_accounts_failures_from_an_address_are_counted_apart_from_other_addresses() {
        let here = account_from_address_key("Hanako@Example.jp", "198.51.100.7");
        let there = account_from_address_key("hanako@example.jp", "203.0.113.9");
        assert_eq!(here, "acct:hanako@example.jp|ip:198.51.100.7");
        assert_ne!(here, there);
        assert!(here.starts_with(&format!("{}|", account_key("hanako@example.jp"))));
    }
}
