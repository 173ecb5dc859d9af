//! The per-instance cache of public anonymous pages: nothing personal passes
//! through it, and this instance's own writes show at once.
use kouza::domain::Role;
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
async fn cached_pages_carry_each_visitors_own_csrf_token_and_no_ones_menu() {
    let app = cached_app().await;
    let staff = staff(&app).await;
    let first = course(
        &app,
        staff.id,
        Spec {
            title: "最初の講座",
            ..Default::default()
        },
    )
    .await;
    let trainee = app.account(Role::Trainee).await;
    app.login_page(&trainee).await;
    let a = "a".repeat(64);
    let b = "b".repeat(64);
    for path in ["/courses".to_string(), format!("/courses/{}", first.id)] {
        // A logged-in visitor first: their page has their name and must not be kept.
        let (status, mine) = crate::catalog_pages::get(&app, &path).await;
        assert_eq!(status, Status::Ok);
        assert!(mine.contains("山田"), "{path}: the menu names the trainee");

        let (status, page_a) = anonymous(&app, &path, &a).await;
        assert_eq!(status, Status::Ok);
        assert!(page_a.contains(&a), "{path}: visitor A's own token");
        assert!(!page_a.contains("山田"), "{path}: no one else's menu");
        assert!(!page_a.contains("csrf-marker"), "{path}: no marker left");

        let (_, page_b) = anonymous(&app, &path, &b).await;
        assert!(page_b.contains(&b), "{path}: visitor B's own token");
        assert!(!page_b.contains(&a), "{path}: never A's token");
        assert!(!page_b.contains("山田"), "{path}: no one else's menu");

        // And the logged-in visitor still gets their own page, not the cached one.
        let (_, mine_again) = crate::catalog_pages::get(&app, &path).await;
        assert!(mine_again.contains("山田"), "{path}: still personal");
    }

    // The anonymous catalog really came from the cache: a course added behind
    // this instance's back (as another instance would) is not on it yet, while
    // the logged-in visitor, who is never served from the cache, sees it.
    course(
        &app,
        staff.id,
        Spec {
            title: "後から来た講座",
            ..Default::default()
        },
    )
    .await;
    let (_, cached) = anonymous(&app, "/courses", &a).await;
    assert!(!cached.contains("後から来た講座"));
    let (_, fresh) = crate::catalog_pages::get(&app, "/courses").await;
    assert!(fresh.contains("後から来た講座"));
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
