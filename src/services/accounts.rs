//! Accounts: sign-up, login, password change and reset, roles, language.
use chrono::{DateTime, Duration, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};

use super::outbox::{self, Mail};
use super::rate_limit::{self, Limit};
use super::{audit, hash_secret, is_unique_violation, new_secret};
use crate::auth::password;
use crate::config::AppConfig;
use crate::domain::signup::NewAccount;
use crate::domain::{Email, Password, Role};
use crate::entities::{password_reset, user};
use crate::error::Error;
use crate::i18n::{t_args, Lang};

pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<user::Model, Error> {
    user::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn find_by_email(
    conn: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<user::Model>, Error> {
    Ok(user::Entity::find()
        .filter(user::COLUMN.email.eq(email.as_str()))
        .one(conn)
        .await?)
}

pub async fn create(
    conn: &impl ConnectionTrait,
    account: &NewAccount,
    role: Role,
    locale: Lang,
    now: DateTime<Utc>,
) -> Result<user::Model, Error> {
    let password_hash = password::hash(&account.password).await?;
    let row = user::ActiveModel {
        email: Set(account.email.as_str().to_string()),
        password_hash: Set(password_hash),
        family_name: Set(account.family_name.as_str().to_string()),
        given_name: Set(account.given_name.as_str().to_string()),
        family_name_kana: Set(account.family_name_kana.as_str().to_string()),
        given_name_kana: Set(account.given_name_kana.as_str().to_string()),
        locale: Set(locale.code().to_string()),
        role: Set(role.as_str().to_string()),
        token_version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await;
    match row {
        Ok(row) => Ok(row),
        Err(e) if is_unique_violation(&e) => Err(Error::invalid("email", "err-email-taken")),
        Err(e) => Err(e.into()),
    }
}

/// Someone signs up as a trainee: the account and the mail saying it was
/// created commit together, so nobody gets an account without knowing it.
pub async fn sign_up(
    db: &DatabaseConnection,
    account: &NewAccount,
    locale: Lang,
    now: DateTime<Utc>,
) -> Result<user::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let user = create(&txn, account, Role::Trainee, locale, now).await?;
    let args = [("name", format!("{} {}", user.family_name, user.given_name))];
    outbox::enqueue(
        &txn,
        Mail {
            kind: "account_created",
            to: &user.email,
            subject: t_args(locale, "mail-account-created-subject", &args),
            body: t_args(locale, "mail-account-created-body", &args),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}

/// Checks a login. Unknown account and wrong password answer the same, after
/// the same work; repeated failures are throttled per account and per address.
pub async fn authenticate(
    db: &DatabaseConnection,
    config: &AppConfig,
    email_raw: &str,
    password_raw: &str,
    address: Option<String>,
    now: DateTime<Utc>,
) -> Result<user::Model, Error> {
    let limits = match address {
        Some(address) => vec![
            Limit {
                key: rate_limit::account_from_address_key(email_raw, &address),
                max_failures: config.login_max_failures_per_account,
            },
            Limit {
                key: rate_limit::address_key(&address),
                max_failures: config.login_max_failures_per_address,
            },
        ],
        // No address known (a local client): the account alone is counted.
        None => vec![Limit {
            key: rate_limit::account_key(email_raw),
            max_failures: config.login_max_failures_per_account,
        }],
    };
    let window = Duration::minutes(config.login_window_minutes);
    if let Some(retry_after_secs) = rate_limit::blocked_for(db, &limits, window, now).await? {
        return Err(Error::RateLimited { retry_after_secs });
    }
    let found = match Email::parse("email", email_raw) {
        Ok(email) => find_by_email(db, &email).await?,
        Err(_) => None,
    };
    let hash = found.as_ref().map(|u| u.password_hash.clone());
    if password::verify(hash, password_raw).await {
        if let Some(user) = found {
            return Ok(user);
        }
    }
    rate_limit::record_failure(db, &limits, now).await?;
    Err(Error::Unauthorized)
}

/// Moves the token version on, which ends every session issued before.
pub async fn end_all_sessions(
    conn: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<i32, Error> {
    user::Entity::update_many()
        .col_expr(
            user::Column::TokenVersion,
            Expr::col(user::Column::TokenVersion).add(1),
        )
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::COLUMN.id.eq(user_id))
        .exec(conn)
        .await?;
    Ok(find(conn, user_id).await?.token_version)
}

/// Returns the new token version so the caller can keep its own session alive.
pub async fn change_password(
    db: &DatabaseConnection,
    user_id: i64,
    current: &str,
    new_raw: &str,
    now: DateTime<Utc>,
) -> Result<i32, Error> {
    let user = find(db, user_id).await?;
    if !password::verify(Some(user.password_hash.clone()), current).await {
        return Err(Error::invalid("current_password", "err-current-password"));
    }
    let new_password = Password::parse("new_password", new_raw)?;
    let hash = password::hash(&new_password).await?;
    let txn = db.begin().await?;
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .filter(user::COLUMN.id.eq(user_id))
        .exec(&txn)
        .await?;
    let version = end_all_sessions(&txn, user_id, now).await?;
    audit::record(
        &txn,
        Some(user_id),
        "password_change",
        ("user", Some(user_id)),
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(version)
}

/// Always succeeds for a well-formed address, whether or not it has an account,
/// so the form cannot be used to find out who is registered.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    config: &AppConfig,
    email_raw: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let email = Email::parse("email", email_raw)?;
    let Some(user) = find_by_email(db, &email).await? else {
        return Ok(());
    };
    let (token, token_hash) = new_secret();
    let minutes = config.password_reset_ttl_minutes;
    let lang = Lang::from_code(&user.locale).unwrap_or_default();
    let link = format!("{}/password/reset/{token}", config.public_base_url);
    let txn = db.begin().await?;
    password_reset::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(token_hash),
        expires_at: Set(now + Duration::minutes(minutes)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let args = [
        ("name", format!("{} {}", user.family_name, user.given_name)),
        ("link", link),
        ("minutes", minutes.to_string()),
    ];
    outbox::enqueue(
        &txn,
        Mail {
            kind: "password_reset",
            to: &user.email,
            subject: t_args(lang, "mail-reset-subject", &args),
            body: t_args(lang, "mail-reset-body", &args),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Whether a reset link is still usable (for showing the form or an error).
pub async fn reset_token_is_live(
    conn: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    Ok(password_reset::Entity::find()
        .filter(password_reset::COLUMN.token_hash.eq(hash_secret(token)))
        .filter(password_reset::COLUMN.used_at.is_null())
        .filter(password_reset::COLUMN.expires_at.gt(now))
        .one(conn)
        .await?
        .is_some())
}

pub async fn reset_password(
    db: &DatabaseConnection,
    token: &str,
    new_raw: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let new_password = Password::parse("new_password", new_raw)?;
    let hash = password::hash(&new_password).await?;
    let txn = db.begin().await?;
    let Some(reset) = password_reset::Entity::find()
        .filter(password_reset::COLUMN.token_hash.eq(hash_secret(token)))
        .one(&txn)
        .await?
    else {
        return Err(Error::NotFound);
    };
    // Conditional update: of two simultaneous uses of one link, only one wins.
    let claimed = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::COLUMN.id.eq(reset.id))
        .filter(password_reset::COLUMN.used_at.is_null())
        .filter(password_reset::COLUMN.expires_at.gt(now))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(Error::Conflict("err-reset-link-expired"));
    }
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .filter(user::COLUMN.id.eq(reset.user_id))
        .exec(&txn)
        .await?;
    end_all_sessions(&txn, reset.user_id, now).await?;
    audit::record(
        &txn,
        Some(reset.user_id),
        "password_reset",
        ("user", Some(reset.user_id)),
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn set_locale(
    conn: &impl ConnectionTrait,
    user_id: i64,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    user::Entity::update_many()
        .col_expr(user::Column::Locale, Expr::value(lang.code()))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::COLUMN.id.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Changes a role, recorded in the audit trail. The last administrator cannot
/// be demoted, or nobody could manage the installation any more.
pub async fn set_role(
    db: &DatabaseConnection,
    actor_id: i64,
    target_id: i64,
    role: Role,
    now: DateTime<Utc>,
) -> Result<user::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let target = find(&txn, target_id).await?;
    let before = target.role.clone();
    if before == Role::Admin.as_str() && role != Role::Admin {
        let admins = user::Entity::find()
            .filter(user::COLUMN.role.eq(Role::Admin.as_str()))
            .count(&txn)
            .await?;
        if admins <= 1 {
            return Err(Error::Conflict("err-last-admin"));
        }
    }
    let mut active: user::ActiveModel = target.into();
    active.role = Set(role.as_str().to_string());
    active.updated_at = Set(now);
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor_id),
        "role_change",
        ("user", Some(target_id)),
        serde_json::json!({"before": before, "after": role.as_str()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn list(
    conn: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<user::Model>, u64), Error> {
    let paginator = user::Entity::find()
        .order_by_asc(user::COLUMN.family_name_kana)
        .order_by_asc(user::COLUMN.given_name_kana)
        .order_by_asc(user::COLUMN.id)
        .paginate(conn, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.saturating_sub(1)).await?;
    Ok((items, total))
}

pub async fn admin_exists(conn: &impl ConnectionTrait) -> Result<bool, Error> {
    Ok(user::Entity::find()
        .filter(user::COLUMN.role.eq(Role::Admin.as_str()))
        .count(conn)
        .await?
        > 0)
}
