//! Sign-up and tokens through the JSON API.
use rocket::http::{ContentType, Header, Status};
use serde_json::json;

use crate::helpers::{spawn, PASSWORD};

fn valid() -> serde_json::Value {
    json!({
        "email": "hanako@example.jp", "password": PASSWORD,
        "family_name": "山田", "given_name": "花子",
        "family_name_kana": "ヤマダ", "given_name_kana": "ハナコ"
    })
}

#[rocket::async_test]
async fn sign_up_creates_a_trainee_and_returns_it() {
    let app = spawn().await;
    let response = app.signup_api(valid()).await;
    assert_eq!(response.status(), Status::Created);
    let user = app.json(response).await;
    assert_eq!(user["email"], "hanako@example.jp");
    assert_eq!(user["family_name_kana"], "ヤマダ");
    assert_eq!(user["role"], "trainee");
    assert!(user.get("password_hash").is_none());
}

#[rocket::async_test]
async fn sign_up_lists_every_invalid_field_in_japanese_by_default() {
    let app = spawn().await;
    let mut body = valid();
    body["given_name_kana"] = json!("はなこ");
    body["password"] = json!("short");
    body["email"] = json!("no-at-sign");
    let response = app.signup_api(body).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert_eq!(
        response.content_type().unwrap().to_string(),
        "application/problem+json"
    );
    let problem = app.json(response).await;
    let errors = problem["errors"].as_array().unwrap();
    let fields: Vec<_> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password", "given_name_kana"]);
    let kana = errors[2]["message"].as_str().unwrap();
    assert!(kana.contains("全角カタカナ"), "{kana}");
    assert_eq!(problem["title"], "入力内容に誤りがあります");
}

#[rocket::async_test]
async fn sign_up_errors_follow_accept_language() {
    let app = spawn().await;
    let mut body = valid();
    body["family_name_kana"] = json!("ﾔﾏﾀﾞ");
    let response = app
        .client
        .post("/api/v1/auth/signup")
        .header(ContentType::JSON)
        .header(Header::new("Accept-Language", "en"))
        .body(body.to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let problem = app.json(response).await;
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.to_lowercase().contains("katakana"), "{message}");
    assert_eq!(problem["title"], "Invalid input");
}

#[rocket::async_test]
async fn missing_fields_are_each_reported_by_name() {
    let app = spawn().await;
    let response = app.signup_api(json!({})).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let problem = app.json(response).await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 6);
}

#[rocket::async_test]
async fn a_malformed_body_is_a_problem_not_a_crash() {
    let app = spawn().await;
    let response = app
        .client
        .post("/api/v1/auth/signup")
        .header(ContentType::JSON)
        .body("{not json")
        .dispatch()
        .await;
    assert!(response.status().code == 400 || response.status().code == 422);
    assert_eq!(
        response.content_type().unwrap().to_string(),
        "application/problem+json"
    );
}

#[rocket::async_test]
async fn the_same_email_cannot_sign_up_twice_even_with_a_different_domain_case() {
    let app = spawn().await;
    assert_eq!(app.signup_api(valid()).await.status(), Status::Created);
    let mut again = valid();
    again["email"] = json!("hanako@EXAMPLE.jp");
    let response = app.signup_api(again).await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let problem = app.json(response).await;
    assert_eq!(problem["errors"][0]["field"], "email");
}

#[rocket::async_test]
async fn twenty_simultaneous_sign_ups_with_one_email_create_one_account() {
    let app = spawn().await;
    let requests = (0..20).map(|_| app.signup_api(valid()));
    let responses = futures_join_all(requests).await;
    let created = responses
        .iter()
        .filter(|status| **status == Status::Created)
        .count();
    assert_eq!(created, 1);
    assert!(responses
        .iter()
        .all(|s| *s == Status::Created || *s == Status::UnprocessableEntity));
}

async fn futures_join_all<'a, F>(futures: impl Iterator<Item = F>) -> Vec<Status>
where
    F: std::future::Future<Output = rocket::local::asynchronous::LocalResponse<'a>>,
{
    let mut handles = vec![];
    for future in futures {
        handles.push(future);
    }
    let mut statuses = vec![];
    let results = rocket::futures::future::join_all(handles).await;
    for response in results {
        statuses.push(response.status());
    }
    statuses
}

#[rocket::async_test]
async fn a_token_is_issued_for_the_right_password_and_identifies_the_caller() {
    let app = spawn().await;
    app.signup_api(valid()).await;
    let response = app.token("hanako@example.jp", PASSWORD).await;
    assert_eq!(response.status(), Status::Ok);
    let body = app.json(response).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    let me = app
        .client
        .get("/api/v1/me")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch()
        .await;
    assert_eq!(me.status(), Status::Ok);
    let me = app.json(me).await;
    assert_eq!(me["email"], "hanako@example.jp");
    assert_eq!(me["locale"], "ja");
    for field in [
        "id",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "role",
    ] {
        assert!(me.get(field).is_some(), "{field}");
    }
}

#[rocket::async_test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = spawn().await;
    app.signup_api(valid()).await;
    let wrong = app.token("hanako@example.jp", "wrong password!!").await;
    let wrong_status = wrong.status();
    let wrong_body = app.json(wrong).await;
    let unknown = app.token("nobody@example.jp", "wrong password!!").await;
    assert_eq!(wrong_status, Status::Unauthorized);
    assert_eq!(unknown.status(), Status::Unauthorized);
    assert_eq!(wrong_body, app.json(unknown).await);
}

#[rocket::async_test]
async fn repeated_failures_for_one_account_are_throttled_without_blocking_others() {
    let app = spawn().await;
    app.signup_api(valid()).await;
    let mut other = valid();
    other["email"] = json!("taro@example.jp");
    app.signup_api(other).await;
    for _ in 0..10 {
        let response = app.token("hanako@example.jp", "wrong password!!").await;
        assert_eq!(response.status(), Status::Unauthorized);
    }
    let blocked = app.token("hanako@example.jp", PASSWORD).await;
    assert_eq!(blocked.status(), Status::TooManyRequests);
    assert!(blocked.headers().get_one("Retry-After").is_some());
    assert_eq!(
        app.token("taro@example.jp", PASSWORD).await.status(),
        Status::Ok
    );
    // The window passes and the real user gets in again.
    app.state().clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        app.token("hanako@example.jp", PASSWORD).await.status(),
        Status::Ok
    );
}

#[rocket::async_test]
async fn many_failures_from_one_address_are_throttled_across_accounts() {
    let app = spawn().await;
    let from = |email: &str| {
        app.client
            .post("/api/v1/auth/token")
            .remote("203.0.113.9:4000".parse().unwrap())
            .header(ContentType::JSON)
            .body(json!({"email": email, "password": "wrong password!!"}).to_string())
    };
    for i in 0..50 {
        let response = from(&format!("guess{i}@example.jp")).dispatch().await;
        assert_eq!(response.status(), Status::Unauthorized);
    }
    let response = from("guess-next@example.jp").dispatch().await;
    assert_eq!(response.status(), Status::TooManyRequests);
}

#[rocket::async_test]
async fn a_retried_sign_up_with_the_same_idempotency_key_returns_the_first_answer() {
    let app = spawn().await;
    let send = |body: serde_json::Value| {
        app.client
            .post("/api/v1/auth/signup")
            .header(ContentType::JSON)
            .header(Header::new("Idempotency-Key", "signup-0001"))
            .body(body.to_string())
            .dispatch()
    };
    let first = send(valid()).await;
    assert_eq!(first.status(), Status::Created);
    let first = app.json(first).await;
    let retry = send(valid()).await;
    assert_eq!(
        retry.status(),
        Status::Created,
        "not a duplicate-email error"
    );
    assert_eq!(app.json(retry).await, first);
    // The same key with another body is another request.
    let mut other = valid();
    other["email"] = json!("other@example.jp");
    let second = send(other).await;
    assert_eq!(second.status(), Status::Created);
    assert_ne!(app.json(second).await["id"], first["id"]);
}

#[rocket::async_test]
async fn a_malformed_idempotency_key_is_a_bad_request() {
    let app = spawn().await;
    let response = app
        .client
        .post("/api/v1/auth/signup")
        .header(ContentType::JSON)
        .header(Header::new("Idempotency-Key", "x".repeat(300)))
        .body(valid().to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::BadRequest);
}
