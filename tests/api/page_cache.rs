//! The per-instance cache of public anonymous pages: nothing personal passes
//! through it, and this instance's own writes show at once.
use rocket::http::{ContentType, Cookie, Status};
use serde_json::json;

use crate::catalog_pages::{course, staff, Spec};
use crate::helpers::{spawn_with, test_figment, TestApp};

/// An app whose cache keeps entries long enough that a test can tell a
/// cached answer from a fresh one.
async fn cached_app() -> TestApp {
    let (figment, data_dir) = test_figment().await;
    spawn_with(figment.merge(("catalog_cache_ttl_ms", 60_000)), data_dir).await
}

/// A page as a visitor with this CSRF cookie and no session sees it.
async fn anonymous(app: &TestApp, path: &str, csrf: &str) -> (Status, String) {
    let response = app
        .client
        .get(path.to_string())
        .cookie(Cookie::new("kouza_csrf", csrf.to_string()))
        .cookie(Cookie::new("kouza_session", "none"))
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn a_write_in_this_instance_shows_at_once_on_cached_pages_and_json() {
    let app = cached_app().await;
    let staff_account = staff(&app).await;
    let c = course(&app, staff_account.id, Spec::default()).await;
    let token = "c".repeat(64);
    let page = format!("/courses/{}", c.id);
    let (_, before) = anonymous(&app, &page, &token).await;
    assert!(before.contains("20名"));
    let list = |body: serde_json::Value| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"].as_i64() == Some(c.id))
            .map(|i| i["capacity"].as_i64().unwrap())
    };
    let response = app.client.get("/api/v1/courses").dispatch().await;
    assert_eq!(list(app.json(response).await), Some(20));

    let bearer = app.bearer(&staff_account).await;
    let response = app
        .client
        .post(format!("/api/v1/courses/{}/capacity", c.id))
        .header(bearer)
        .header(ContentType::JSON)
        .body(json!({"capacity": 35}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);

    let (_, after) = anonymous(&app, &page, &token).await;
    assert!(
        after.contains("35名"),
        "the course page shows the new capacity"
    );
    let response = app.client.get("/api/v1/courses").dispatch().await;
    assert_eq!(list(app.json(response).await), Some(35));
}
