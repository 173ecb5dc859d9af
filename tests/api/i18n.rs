//! Japanese first, English by choice: user setting, cookie, Accept-Language.
use kouza::domain::Role;
use rocket::http::{Cookie, Header, Status};

use crate::helpers::spawn;

async fn title_of(html: &str) -> String {
    let start = html.find("<title>").unwrap() + 7;
    let end = html.find("</title>").unwrap();
    html[start..end].to_string()
}

#[rocket::async_test]
async fn pages_are_japanese_by_default() {
    let app = spawn().await;
    let html = app
        .client
        .get("/login")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains(r#"<html lang="ja">"#));
    assert_eq!(title_of(&html).await, "ログイン | 講座受付");
}

#[rocket::async_test]
async fn accept_language_picks_english() {
    let app = spawn().await;
    let html = app
        .client
        .get("/login")
        .header(Header::new("Accept-Language", "en-US,en;q=0.8,ja;q=0.5"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains(r#"<html lang="en">"#));
    assert_eq!(title_of(&html).await, "Log in | Kouza Registration");
}

#[rocket::async_test]
async fn the_language_switch_sets_a_cookie_that_beats_accept_language() {
    let app = spawn().await;
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            "/language",
            &[("lang", "en"), ("next", "/login"), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/login"));
    let html = app
        .client
        .get("/login")
        .header(Header::new("Accept-Language", "ja"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains(r#"<html lang="en">"#));
}

#[rocket::async_test]
async fn an_unknown_language_is_refused() {
    let app = spawn().await;
    let csrf = app.csrf().await;
    let response = app
        .post_form("/language", &[("lang", "fr"), ("csrf_token", &csrf)])
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
}

#[rocket::async_test]
async fn a_logged_in_users_setting_wins_over_cookie_and_header() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    app.login_page(&account).await;
    let csrf = app.csrf().await;
    let saved = app
        .post_form(
            "/account/locale",
            &[("locale", "en"), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(saved.status(), Status::SeeOther);
    let html = app
        .client
        .get("/account")
        .cookie(Cookie::new("kouza_lang", "ja"))
        .header(Header::new("Accept-Language", "ja"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("Change password"));
    let user = kouza::services::accounts::find(&app.state().db, account.id)
        .await
        .unwrap();
    assert_eq!(user.locale, "en");
}
