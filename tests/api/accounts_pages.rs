//! The account pages as a browser uses them: forms, CSRF, errors, reset by mail.
use kouza::domain::Role;
use rocket::http::{Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::{spawn, PASSWORD};

fn signup_fields<'a>(csrf: &'a str, kana: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("password", PASSWORD),
        ("family_name", "山田"),
        ("given_name", "花子"),
        ("family_name_kana", "ヤマダ"),
        ("given_name_kana", kana),
        ("csrf_token", csrf),
    ]
}

#[rocket::async_test]
async fn a_newcomer_signs_up_through_the_form_and_is_logged_in() {
    let app = spawn().await;
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            "/signup",
            &signup_fields(&csrf, "ハナコ", "hanako@example.jp"),
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let home = app
        .client
        .get("/")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(home.contains("登録が完了しました"), "flash shown");
    assert!(home.contains("山田 花子"));
}

#[rocket::async_test]
async fn sign_up_errors_are_shown_in_japanese_next_to_the_fields_with_the_input_kept() {
    let app = spawn().await;
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            "/signup",
            &signup_fields(&csrf, "はなこ", "hanako@example.jp"),
        )
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("フリガナは全角カタカナで入力してください"));
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="f-given_name_kana-error"#));
    assert!(
        html.contains(r##"href="#f-given_name_kana""##),
        "summary links to the field"
    );
    assert!(html.contains(r#"value="はなこ""#), "the input is kept");
    assert!(html.contains(r#"value="山田""#));
    assert!(!html.contains(PASSWORD), "the password is never echoed");
}

#[rocket::async_test]
async fn sign_up_errors_are_in_english_for_an_english_browser() {
    let app = spawn().await;
    let csrf = app.csrf().await;
    let response = app
        .client
        .post("/signup")
        .header(rocket::http::ContentType::Form)
        .header(Header::new("Accept-Language", "en"))
        .body(crate::helpers::form_body(&signup_fields(
            &csrf,
            "ﾊﾅｺ",
            "bad-email",
        )))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("Please check what you entered"));
    assert!(html.to_lowercase().contains("katakana"));
}

#[rocket::async_test]
async fn a_form_post_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn().await;
    app.csrf().await;
    let mut fields = signup_fields("", "ハナコ", "hanako@example.jp");
    fields.pop();
    let missing = app.post_form("/signup", &fields).await;
    assert_eq!(missing.status().code / 100, 4);
    let wrong = app
        .post_form(
            "/signup",
            &signup_fields(&"f".repeat(64), "ハナコ", "hanako@example.jp"),
        )
        .await;
    assert_eq!(wrong.status(), Status::Forbidden);
    let users = kouza::entities::user::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap();
    assert!(users.is_empty());
}

#[rocket::async_test]
async fn a_logged_in_users_state_change_needs_the_csrf_token_too() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    app.login_page(&account).await;
    let response = app
        .post_form(
            "/account/locale",
            &[("locale", "en"), ("csrf_token", "forged")],
        )
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    let user = kouza::services::accounts::find(&app.state().db, account.id)
        .await
        .unwrap();
    assert_eq!(user.locale, "ja");
}

#[rocket::async_test]
async fn login_shows_an_error_for_a_wrong_password_and_logout_ends_the_session() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let csrf = app.csrf().await;
    let failed = app
        .post_form(
            "/login",
            &[
                ("email", &account.email),
                ("password", "wrong password!"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(failed.status(), Status::Unauthorized);
    let html = failed.into_string().await.unwrap();
    assert!(html.contains("メールアドレスまたはパスワードが正しくありません"));
    assert!(html.contains(&account.email), "email kept");

    app.login_page(&account).await;
    assert_eq!(
        app.client.get("/account").dispatch().await.status(),
        Status::Ok
    );
    let csrf = app.csrf().await;
    let out = app.post_form("/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(out.status(), Status::SeeOther);
    assert_eq!(
        app.client.get("/account").dispatch().await.status(),
        Status::Unauthorized
    );
}

#[rocket::async_test]
async fn login_only_redirects_to_local_paths() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            "/login",
            &[
                ("email", &account.email),
                ("password", &account.password),
                ("csrf_token", &csrf),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(response.headers().get_one("Location"), Some("/"));
}

#[rocket::async_test]
async fn a_page_behind_login_asks_anonymous_visitors_to_log_in() {
    let app = spawn().await;
    let response = app.client.get("/account").dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("/login?next=%2Faccount"));
}

#[rocket::async_test]
async fn a_password_reset_goes_through_the_outbox_and_the_link_works_once() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            "/password/forgot",
            &[("email", &account.email), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    // Unknown addresses get the same answer and no mail.
    let unknown = app
        .post_form(
            "/password/forgot",
            &[("email", "nobody@example.jp"), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(unknown.status(), Status::SeeOther);

    let mails = kouza::entities::mail_outbox::Entity::find()
        .filter(kouza::entities::mail_outbox::Column::Kind.eq("password_reset"))
        .order_by_asc(kouza::entities::mail_outbox::Column::Id)
        .all(&app.state().db)
        .await
        .unwrap();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to_address, account.email);
    assert!(mail.subject.contains("パスワード再設定"));
    let link = mail
        .body_text
        .split_whitespace()
        .find(|w| w.contains("/password/reset/"))
        .unwrap();
    let path = link
        .strip_prefix("http://127.0.0.1:8000")
        .unwrap()
        .to_string();

    assert_eq!(
        app.client.get(path.clone()).dispatch().await.status(),
        Status::Ok
    );
    let new_password = "another long passphrase";
    let fields = [
        ("new_password", new_password),
        ("new_password_confirm", new_password),
        ("csrf_token", csrf.as_str()),
    ];
    let reset = app.post_form(&path, &fields).await;
    assert_eq!(reset.status(), Status::SeeOther);
    assert_eq!(
        app.token(&account.email, new_password).await.status(),
        Status::Ok
    );
    assert_eq!(
        app.token(&account.email, PASSWORD).await.status(),
        Status::Unauthorized
    );
    // The link is spent.
    let again = app.post_form(&path, &fields).await;
    assert_eq!(again.status(), Status::Conflict);
}

#[rocket::async_test]
async fn a_reset_link_expires() {
    let app = spawn().await;
    let account = app.account(Role::Trainee).await;
    kouza::services::accounts::request_password_reset(
        &app.state().db,
        &app.state().config,
        &account.email,
        app.state().clock.now(),
    )
    .await
    .unwrap();
    let mail = kouza::entities::mail_outbox::Entity::find()
        .filter(kouza::entities::mail_outbox::Column::Kind.eq("password_reset"))
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap();
    let link = mail
        .body_text
        .split_whitespace()
        .find(|w| w.contains("/password/reset/"))
        .unwrap();
    let path = link
        .strip_prefix("http://127.0.0.1:8000")
        .unwrap()
        .to_string();
    app.state().clock.advance(chrono::Duration::minutes(61));
    assert_eq!(
        app.client.get(path).dispatch().await.status(),
        Status::Conflict
    );
}

#[rocket::async_test]
async fn staff_read_the_outbox_and_trainees_cannot() {
    let app = spawn().await;
    let trainee = app.account(Role::Trainee).await;
    kouza::services::accounts::request_password_reset(
        &app.state().db,
        &app.state().config,
        &trainee.email,
        app.state().clock.now(),
    )
    .await
    .unwrap();
    app.login_page(&trainee).await;
    assert_eq!(
        app.client.get("/staff/outbox").dispatch().await.status(),
        Status::Forbidden
    );
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    let page = app.client.get("/staff/outbox").dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    let html = page.into_string().await.unwrap();
    assert!(html.contains("パスワード再設定のご案内"));
    assert!(html.contains(&trainee.email));
}

#[rocket::async_test]
async fn markup_in_a_name_is_shown_as_text_not_run() {
    let app = spawn().await;
    let csrf = app.csrf().await;
    let fields = [
        ("email", "xss@example.jp"),
        ("password", PASSWORD),
        ("family_name", "<script>alert(1)</script>"),
        ("given_name", "{{ 7*7 }}"),
        ("family_name_kana", "ヤマダ"),
        ("given_name_kana", "ハナコ"),
        ("csrf_token", csrf.as_str()),
    ];
    assert_eq!(
        app.post_form("/signup", &fields).await.status(),
        Status::SeeOther
    );
    let html = app
        .client
        .get("/account")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"));
    assert!(
        html.contains("{{ 7*7 }}"),
        "template syntax in data is not evaluated"
    );
}

#[rocket::async_test]
async fn signing_up_mails_the_new_trainee_in_their_language_and_a_refused_signup_mails_nobody() {
    use kouza::entities::mail_outbox;
    let app = spawn().await;
    let csrf = app.csrf().await;
    app.post_form(
        "/signup",
        &signup_fields(&csrf, "ハナコ", "hanako@example.jp"),
    )
    .await;
    let english = app
        .client
        .post("/api/v1/auth/signup")
        .header(rocket::http::ContentType::JSON)
        .header(Header::new("Accept-Language", "en"))
        .body(
            serde_json::json!({
                "email": "mary@example.jp", "password": PASSWORD,
                "family_name": "Smith", "given_name": "Mary",
                "family_name_kana": "スミス", "given_name_kana": "メアリー"
            })
            .to_string(),
        )
        .dispatch()
        .await;
    assert_eq!(english.status(), Status::Created);
    // The same address again is refused: no second account, no second mail.
    let csrf = app.csrf().await;
    app.post_form(
        "/signup",
        &signup_fields(&csrf, "ハナコ", "hanako@example.jp"),
    )
    .await;

    let mails = mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Kind.eq("account_created"))
        .order_by_asc(mail_outbox::Column::Id)
        .all(&app.state().db)
        .await
        .unwrap();
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert_eq!(mails[0].to_address, "hanako@example.jp");
    assert!(mails[0].subject.contains("アカウントを作成しました"));
    assert!(mails[0].body_text.contains("山田 花子 様"));
    assert_eq!(mails[1].to_address, "mary@example.jp");
    assert!(mails[1].subject.contains("Your account has been created"));
}
