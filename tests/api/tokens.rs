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

/// An HS256 signature over any header and claims: what an attacker holding
/// the key material would make (used to announce another algorithm).
fn sign_raw(header: &serde_json::Value, claims: &serde_json::Value, secret: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let b64 = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let input = format!("{}.{}", b64(header), b64(claims));
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

#[rocket::async_test]
async fn algorithm_confusion_and_claims_of_the_wrong_type_are_rejected() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let now = chrono::Utc::now().timestamp();
    let secret = JWT_SECRET.as_bytes();
    // The control: the same hand-made signature with the honest header passes,
    // so the refusals below are about the header and the claims alone.
    let honest = sign_raw(
        &json!({"alg": "HS256", "typ": "JWT"}),
        &claims(account.id, now),
        secret,
    );
    assert_eq!(me_with(&app, &honest).await, Status::Ok);

    // HS/RS confusion: an HMAC made with the key, announced as RS256.
    let rs_confusion = sign_raw(
        &json!({"alg": "RS256", "typ": "JWT"}),
        &claims(account.id, now),
        secret,
    );
    let none_upper = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "NONE"}).to_string()),
        URL_SAFE_NO_PAD.encode(claims(account.id, now).to_string())
    );
    let mut nbf_string = claims(account.id, now);
    nbf_string["nbf"] = json!(now.to_string());
    let mut no_nbf = claims(account.id, now);
    no_nbf.as_object_mut().unwrap().remove("nbf");
    let mut ver_string = claims(account.id, now);
    ver_string["ver"] = json!("0");
    let mut sub_number = claims(account.id, now);
    sub_number["sub"] = json!(account.id);
    let mut aud_list = claims(account.id, now);
    aud_list["aud"] = json!(["someone-else"]);
    for (name, token) in [
        ("RS256 header over an HMAC", rs_confusion),
        ("alg NONE", none_upper),
        (
            "nbf as a string",
            sign(&nbf_string, secret, Algorithm::HS256),
        ),
        ("missing nbf", sign(&no_nbf, secret, Algorithm::HS256)),
        (
            "ver as a string",
            sign(&ver_string, secret, Algorithm::HS256),
        ),
        (
            "sub as a number",
            sign(&sub_number, secret, Algorithm::HS256),
        ),
        (
            "audience list without ours",
            sign(&aud_list, secret, Algorithm::HS256),
        ),
    ] {
        assert_eq!(me_with(&app, &token).await, Status::Unauthorized, "{name}");
    }
}

async fn staff_only(app: &TestApp, token: String) -> Status {
    app.client
        .get("/api/v1/payments/report")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch()
        .await
        .status()
}

#[rocket::async_test]
async fn a_role_claim_in_the_token_grants_nothing_and_an_edited_one_breaks_the_signature() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let now = chrono::Utc::now().timestamp();
    let secret = JWT_SECRET.as_bytes();
    // Signed with the real key but claiming admin: the role comes from the
    // account, so the trainee is still a trainee.
    let mut admin_claim = claims(account.id, now);
    admin_claim["role"] = json!("admin");
    let signed = sign(&admin_claim, secret, Algorithm::HS256);
    assert_eq!(me_with(&app, &signed).await, Status::Ok);
    assert_eq!(staff_only(&app, signed).await, Status::Forbidden);
    // The app's own token with a role claim pasted into its payload.
    let issued = app.bearer(&account).await;
    let issued = issued.value().trim_start_matches("Bearer ").to_string();
    let parts: Vec<&str> = issued.split('.').collect();
    let mut payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["role"] = json!("admin");
    let edited = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    assert_eq!(staff_only(&app, edited.clone()).await, Status::Unauthorized);
    assert_eq!(me_with(&app, &edited).await, Status::Unauthorized);
}

#[rocket::async_test]
async fn a_copied_session_cookie_stops_working_after_logout_but_other_sessions_go_on() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let bearer = app.bearer(&account).await;
    app.login_page(&account).await;
    let copied = app
        .client
        .cookies()
        .get("kouza_session")
        .expect("a session cookie")
        .value()
        .to_string();
    // A second browser of the same person, logged in separately.
    let elsewhere = rocket::local::asynchronous::Client::untracked(kouza::rocket_from(
        app.client.rocket().figment().clone(),
    ))
    .await
    .unwrap();
    let state = app.state();
    let other_session = state.tokens.issue(account.id, 0, state.clock.now());
    let account_page = |token: String| {
        elsewhere
            .get("/account")
            .cookie(rocket::http::Cookie::new("kouza_session", token))
            .dispatch()
    };
    assert_eq!(account_page(copied.clone()).await.status(), Status::Ok);

    let csrf = app.csrf().await;
    let response = app.post_form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(response.status(), Status::SeeOther);
    assert!(app.client.cookies().get("kouza_session").is_none());

    assert_eq!(
        account_page(copied.clone()).await.status(),
        Status::Unauthorized,
        "the copied cookie still works after logout"
    );
    // Nor does the copy work as a Bearer token on the API.
    assert_eq!(me_with(&app, &copied).await, Status::Unauthorized);
    // Logging out here ends this session only.
    assert_eq!(account_page(other_session).await.status(), Status::Ok);
    let me = app.client.get("/api/v1/me").header(bearer).dispatch().await;
    assert_eq!(me.status(), Status::Ok);
    // And the person can log in again.
    app.login_page(&account).await;
    assert_eq!(
        app.client.get("/account").dispatch().await.status(),
        Status::Ok
    );
}

#[rocket::async_test]
async fn a_page_session_from_before_a_password_change_elsewhere_is_refused() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let state = app.state();
    let old_session = state.tokens.issue(account.id, 0, state.clock.now());
    let bearer = app.bearer(&account).await;
    // The password is changed on another device (the service the page calls).
    kouza::services::accounts::change_password(
        &state.db,
        account.id,
        PASSWORD,
        "a brand new passphrase",
        state.clock.now(),
    )
    .await
    .unwrap();
    let page = app
        .client
        .get("/account")
        .cookie(rocket::http::Cookie::new("kouza_session", old_session))
        .dispatch()
        .await;
    assert_eq!(page.status(), Status::Unauthorized);
    let me = app.client.get("/api/v1/me").header(bearer).dispatch().await;
    assert_eq!(me.status(), Status::Unauthorized);
}
