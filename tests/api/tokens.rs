//! Bearer tokens at the HTTP boundary: every forged, stale or revoked token is refused.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header as JwtHeader};
use kouza::domain::Role;
use rocket::http::{Header, Status};
use serde_json::json;

use crate::helpers::{spawn, TestApp, JWT_SECRET, PASSWORD};

async fn me_with(app: &TestApp, token: &str) -> Status {
    app.client
        .get("/api/v1/me")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch()
        .await
        .status()
}

fn claims(user_id: i64, now: i64) -> serde_json::Value {
    json!({"sub": user_id.to_string(), "ver": 0, "iat": now, "nbf": now, "exp": now + 600, "iss": "kouza", "aud": "kouza"})
}

fn sign(claims: &serde_json::Value, secret: &[u8], alg: Algorithm) -> String {
    encode(
        &JwtHeader::new(alg),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

#[rocket::async_test]
async fn a_correctly_signed_token_is_accepted_as_the_control_case() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let now = chrono::Utc::now().timestamp();
    let token = sign(
        &claims(account.id, now),
        JWT_SECRET.as_bytes(),
        Algorithm::HS256,
    );
    assert_eq!(me_with(&app, &token).await, Status::Ok);
}

#[rocket::async_test]
async fn forged_and_malformed_tokens_are_rejected() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let now = chrono::Utc::now().timestamp();
    let secret = JWT_SECRET.as_bytes();
    let b64 = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());

    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&claims(account.id, now))
    );
    let wrong_key = sign(
        &claims(account.id, now),
        b"another-secret-another-secret-0000",
        Algorithm::HS256,
    );
    let other_alg = sign(&claims(account.id, now), secret, Algorithm::HS512);
    let valid = sign(&claims(account.id, now), secret, Algorithm::HS256);
    let parts: Vec<&str> = valid.split('.').collect();
    let mut elevated = claims(account.id + 1, now);
    elevated["sub"] = json!((account.id + 1).to_string());
    let tampered = format!("{}.{}.{}", parts[0], b64(&elevated), parts[2]);
    let mut expired_claims = claims(account.id, now - 7200);
    expired_claims["exp"] = json!(now - 3600);
    let expired = sign(&expired_claims, secret, Algorithm::HS256);
    let mut no_exp = claims(account.id, now);
    no_exp.as_object_mut().unwrap().remove("exp");
    let missing_exp = sign(&no_exp, secret, Algorithm::HS256);
    let mut string_exp = claims(account.id, now);
    string_exp["exp"] = json!((now + 600).to_string());
    let exp_as_string = sign(&string_exp, secret, Algorithm::HS256);
    let mut aud = claims(account.id, now);
    aud["aud"] = json!("someone-else");
    let wrong_aud = sign(&aud, secret, Algorithm::HS256);
    let mut iss = claims(account.id, now);
    iss["iss"] = json!("someone-else");
    let wrong_iss = sign(&iss, secret, Algorithm::HS256);
    let mut future = claims(account.id, now + 3600);
    future["exp"] = json!(now + 7200);
    let not_yet = sign(&future, secret, Algorithm::HS256);

    for (name, token) in [
        ("alg none", alg_none),
        ("wrong key", wrong_key),
        ("HS512 instead of HS256", other_alg),
        ("tampered payload", tampered),
        ("expired", expired),
        ("missing exp", missing_exp),
        ("exp as a string", exp_as_string),
        ("wrong audience", wrong_aud),
        ("wrong issuer", wrong_iss),
        ("not yet valid", not_yet),
        ("garbage", "abc.def.ghi".to_string()),
    ] {
        assert_eq!(me_with(&app, &token).await, Status::Unauthorized, "{name}");
    }
}

#[rocket::async_test]
async fn the_api_ignores_the_page_session_cookie() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    app.login_page(&account).await;
    // The browser now holds a session cookie; the API must not accept it.
    let response = app.client.get("/api/v1/me").dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
    // And the page side does not accept a Bearer header in place of the cookie.
    let bearer = app.bearer(&account).await;
    let fresh = rocket::local::asynchronous::Client::untracked(kouza::rocket_from(
        app.client.rocket().figment().clone(),
    ))
    .await
    .unwrap();
    let page = fresh.get("/account").header(bearer).dispatch().await;
    assert_eq!(page.status(), Status::Unauthorized);
}

#[rocket::async_test]
async fn logging_out_everywhere_revokes_earlier_tokens() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let bearer = app.bearer(&account).await;
    app.login_page(&account).await;
    let csrf = app.csrf().await;
    let response = app
        .post_form("/account/logout-everywhere", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let me = app.client.get("/api/v1/me").header(bearer).dispatch().await;
    assert_eq!(me.status(), Status::Unauthorized);
    // A new login works again.
    assert_eq!(
        app.token(&account.email, PASSWORD).await.status(),
        Status::Ok
    );
}

#[rocket::async_test]
async fn a_password_change_revokes_other_sessions_but_keeps_this_one() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let old_bearer = app.bearer(&account).await;
    app.login_page(&account).await;
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("new_password_confirm", "a brand new passphrase"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let me = app
        .client
        .get("/api/v1/me")
        .header(old_bearer)
        .dispatch()
        .await;
    assert_eq!(me.status(), Status::Unauthorized);
    assert_eq!(
        app.client.get("/account").dispatch().await.status(),
        Status::Ok
    );
    assert_eq!(
        app.token(&account.email, PASSWORD).await.status(),
        Status::Unauthorized
    );
    assert_eq!(
        app.token(&account.email, "a brand new passphrase")
            .await
            .status(),
        Status::Ok
    );
}

#[rocket::async_test]
async fn a_token_for_a_deleted_or_unknown_user_is_rejected() {
    let app = spawn().await;
    let now = chrono::Utc::now().timestamp();
    let token = sign(
        &claims(999_999, now),
        JWT_SECRET.as_bytes(),
        Algorithm::HS256,
    );
    assert_eq!(me_with(&app, &token).await, Status::Unauthorized);
}
