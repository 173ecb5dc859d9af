//! Ending one page session on the server. The session token is a signed JWT,
//! valid until it expires wherever a copy of it is kept; logging out lists its
//! hash here so that the copy stops working too. Chosen over moving the user's
//! token version on (which ends every session and API token of the user, the
//! job of "log out everywhere") because logging out on one device should not
//! log the others out. Rows go once their token has expired.
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};

use super::hash_secret;
use crate::entities::{revoked_session, user};
use crate::error::Error;

/// Lists `token` as ended; `expires_at` is the token's own `exp`.
pub async fn revoke(
    conn: &impl ConnectionTrait,
    token: &str,
    expires_at: i64,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    revoked_session::Entity::delete_many()
        .filter(revoked_session::COLUMN.expires_at.lt(now))
        .exec(conn)
        .await?;
    let expires_at = Utc.timestamp_opt(expires_at, 0).single().unwrap_or(now);
    let row = revoked_session::ActiveModel {
        token_hash: sea_orm::Set(hash_secret(token)),
        expires_at: sea_orm::Set(expires_at),
    };
    // A second logout with the same token (another tab) finds it listed already.
    revoked_session::Entity::insert(row)
        .on_conflict_do_nothing_on([revoked_session::Column::TokenHash])
        .exec(conn)
        .await?;
    Ok(())
}

/// The token's user, unless the token was revoked: one statement for both,
/// as every authenticated request asks both.
pub async fn user_unless_revoked(
    conn: &impl ConnectionTrait,
    user_id: i64,
    token: &str,
) -> Result<Option<user::Model>, Error> {
    let revoked = Query::select()
        .expr(Expr::val(1))
        .from(revoked_session::Entity)
        .and_where(Expr::col(revoked_session::Column::TokenHash).eq(hash_secret(token)))
        .to_owned();
    Ok(user::Entity::find_by_id(user_id)
        .filter(Expr::exists(revoked).not())
        .one(conn)
        .await?)
}
