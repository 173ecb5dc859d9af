//! First administrator without a default password: while no admin exists, a
//! one-time, expiring setup link is printed to the log at start.
use chrono::{DateTime, Duration, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::{accounts, hash_secret, new_secret};
use crate::domain::signup::NewAccount;
use crate::domain::Role;
use crate::entities::{setup_token, user};
use crate::error::Error;
use crate::i18n::Lang;

/// A fresh setup token when the installation has no admin yet, else `None`.
pub async fn issue_token_if_needed(
    db: &DatabaseConnection,
    ttl_hours: i64,
    now: DateTime<Utc>,
) -> Result<Option<String>, Error> {
    if accounts::admin_exists(db).await? {
        return Ok(None);
    }
    let (token, token_hash) = new_secret();
    setup_token::ActiveModel {
        token_hash: Set(token_hash),
        expires_at: Set(now + Duration::hours(ttl_hours)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Some(token))
}

pub async fn token_is_live(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    Ok(setup_token::Entity::find()
        .filter(setup_token::COLUMN.token_hash.eq(hash_secret(token)))
        .filter(setup_token::COLUMN.used_at.is_null())
        .filter(setup_token::COLUMN.expires_at.gt(now))
        .one(db)
        .await?
        .is_some()
        && !accounts::admin_exists(db).await?)
}

/// Creates the first admin and spends every setup token, in one transaction
/// that holds the write lock, so two people using the link at once get one admin.
pub async fn create_first_admin(
    db: &DatabaseConnection,
    token: &str,
    account: &NewAccount,
    locale: Lang,
    now: DateTime<Utc>,
) -> Result<user::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let claimed = setup_token::Entity::update_many()
        .col_expr(setup_token::Column::UsedAt, Expr::value(now))
        .filter(setup_token::COLUMN.token_hash.eq(hash_secret(token)))
        .filter(setup_token::COLUMN.used_at.is_null())
        .filter(setup_token::COLUMN.expires_at.gt(now))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 || accounts::admin_exists(&txn).await? {
        return Err(Error::NotFound);
    }
    setup_token::Entity::update_many()
        .col_expr(setup_token::Column::UsedAt, Expr::value(now))
        .filter(setup_token::COLUMN.used_at.is_null())
        .exec(&txn)
        .await?;
    let admin = accounts::create(&txn, account, Role::Admin, locale, now).await?;
    super::audit::record(
        &txn,
        Some(admin.id),
        "first_admin_created",
        ("user", Some(admin.id)),
        serde_json::json!({"via": "setup_link"}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(admin)
}
