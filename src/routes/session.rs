//! The session cookie that carries a page visitor's token.
use chrono::{DateTime, Utc};
use rocket::http::{Cookie, CookieJar, SameSite};

use crate::auth::guards::SESSION_COOKIE;
use crate::error::Error;
use crate::state::AppState;

pub fn start(
    cookies: &CookieJar<'_>,
    state: &AppState,
    user_id: i64,
    version: i32,
    now: DateTime<Utc>,
) {
    let token = state.tokens.issue(user_id, version, now);
    cookies.add(
        Cookie::build((SESSION_COOKIE, token))
            .http_only(true)
            // Lax so that a link from a mail opens logged in; state changes
            // are protected by the CSRF token, not by SameSite alone.
            .same_site(SameSite::Lax)
            .secure(state.config.secure_cookies)
            .path("/")
            .max_age(rocket::time::Duration::seconds(state.tokens.ttl_seconds())),
    );
}

/// Removes the cookie and ends its token on the server, so that a copy of the
/// cookie kept elsewhere stops working too.
pub async fn end(state: &AppState, cookies: &CookieJar<'_>) -> Result<(), Error> {
    let token = cookies.get(SESSION_COOKIE).map(|c| c.value().to_string());
    if let Some(token) = token {
        let now = state.clock.now();
        if let Some(claims) = state.tokens.verify(&token, now) {
            crate::services::sessions::revoke(&state.db, &token, claims.exp, now).await?;
        }
    }
    cookies.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok(())
}
