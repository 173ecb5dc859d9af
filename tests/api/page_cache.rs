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

/// The parts of the header only a logged-in visitor has.
fn has_personal_menu(body: &str) -> bool {
    body.contains("action=\"/logout\"") || body.contains("href=\"/my\"")
}

fn has_staff_menu(body: &str) -> bool {
    body.contains("href=\"/staff/dashboard\"")
}

async fn log_out(app: &TestApp) {
    let csrf = app.csrf().await;
    let response = app.post_form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(response.status(), Status::SeeOther, "logout redirects");
}

#[rocket::async_test]
async fn each_anonymous_visitor_gets_their_own_csrf_token_from_a_cached_page() {
    let app = cached_app().await;
    let staff_account = staff(&app).await;
    let c = course(&app, staff_account.id, Spec::default()).await;
    let page = format!("/courses/{}", c.id);
    let first = "a".repeat(64);
    let second = "b".repeat(64);
    for path in ["/courses", page.as_str()] {
        let (status, one) = anonymous(&app, path, &first).await;
        assert_eq!(status, Status::Ok);
        let (_, two) = anonymous(&app, path, &second).await;
        assert!(one.contains(&first) && !one.contains(&second), "{path}");
        assert!(two.contains(&second) && !two.contains(&first), "{path}");
        assert!(
            !two.contains("csrf-marker-"),
            "{path}: the marker never leaks"
        );
    }
}

#[rocket::async_test]
async fn no_one_is_served_another_visitors_menu_or_enrollment_from_the_cache() {
    let app = cached_app().await;
    let staff_account = staff(&app).await;
    let c = course(&app, staff_account.id, Spec::default()).await;
    let page = format!("/courses/{}", c.id);
    let filtered = "/courses?kind=community";

    // An anonymous visit fills the cache; a logged-in staff member is not served it.
    let (_, anonymous_catalog) = crate::catalog_pages::get(&app, "/courses").await;
    assert!(!has_personal_menu(&anonymous_catalog));
    app.login_page(&staff_account).await;
    for path in ["/courses", page.as_str()] {
        let (status, body) = crate::catalog_pages::get(&app, path).await;
        assert_eq!(status, Status::Ok, "{path}");
        assert!(has_staff_menu(&body), "{path}: staff see their own menu");
    }
    // Pages first seen by staff are not stored for the anonymous visitors after them.
    let (_, staff_view) = crate::catalog_pages::get(&app, filtered).await;
    assert!(has_staff_menu(&staff_view));
    log_out(&app).await;
    for path in ["/courses", page.as_str(), filtered] {
        let (status, body) = crate::catalog_pages::get(&app, path).await;
        assert_eq!(status, Status::Ok, "{path}");
        assert!(
            !has_personal_menu(&body) && !has_staff_menu(&body),
            "{path}: an anonymous visitor after staff sees no one's menu"
        );
        assert!(body.contains("href=\"/login\""), "{path}");
    }

    // A trainee's own enrollment shows to them only, never through the cache.
    let trainee = app.account(kouza::domain::Role::Trainee).await;
    crate::catalog_pages::enroll_directly(&app, c.id, trainee.id).await;
    app.login_page(&trainee).await;
    let (_, mine) = crate::catalog_pages::get(&app, &page).await;
    assert!(
        mine.contains("お申し込み済み"),
        "the trainee sees their status"
    );
    assert!(has_personal_menu(&mine) && !has_staff_menu(&mine));
    log_out(&app).await;
    let (_, after) = crate::catalog_pages::get(&app, &page).await;
    assert!(!after.contains("お申し込み済み") && !has_personal_menu(&after));
}
