//! Credential stuffing and lockout: one address failing across many accounts
//! is throttled (429 with Retry-After) on the API and the login page; many
//! addresses failing against one account do not keep the real user, from
//! their own address, out; unknown accounts and wrong passwords look alike.
use kouza::domain::Role;
use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::helpers::{form_body, spawn, TestApp};

fn address(i: usize) -> std::net::SocketAddr {
    format!("198.51.{}.{}:40000", i / 250, i % 250 + 1)
        .parse()
        .unwrap()
}

async fn api_login(
    app: &TestApp,
    from: std::net::SocketAddr,
    email: &str,
    password: &str,
) -> (Status, Option<String>, String) {
    let response = app
        .client
        .post("/api/v1/auth/token")
        .remote(from)
        .header(ContentType::JSON)
        .body(json!({"email": email, "password": password}).to_string())
        .dispatch()
        .await;
    let status = response.status();
    let retry = response
        .headers()
        .get_one("Retry-After")
        .map(str::to_string);
    (
        status,
        retry,
        response.into_string().await.unwrap_or_default(),
    )
}

async fn page_login(
    app: &TestApp,
    from: std::net::SocketAddr,
    email: &str,
    password: &str,
) -> (Status, Option<String>, String) {
    let csrf = app.csrf().await;
    let response = app
        .client
        .post("/login")
        .remote(from)
        .header(ContentType::Form)
        .body(form_body(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &csrf),
        ]))
        .dispatch()
        .await;
    let status = response.status();
    let retry = response
        .headers()
        .get_one("Retry-After")
        .map(str::to_string);
    (
        status,
        retry,
        response.into_string().await.unwrap_or_default(),
    )
}

#[rocket::async_test]
async fn one_address_failing_across_many_accounts_gets_429_with_retry_after_on_api_and_page() {
    let app = spawn().await;
    let real = app.account(Role::Trainee).await;
    let stuffer = address(7);
    let limit = app.state().config.login_max_failures_per_address as usize;
    for i in 0..limit {
        let email = format!("victim{i}@example.jp");
        let (status, _, _) = if i % 2 == 0 {
            api_login(&app, stuffer, &email, "Summer2026!").await
        } else {
            page_login(&app, stuffer, &email, "Summer2026!").await
        };
        assert_eq!(status, Status::Unauthorized, "attempt {i}");
    }
    let (status, retry, _) = api_login(&app, stuffer, "victim-next@example.jp", "x").await;
    assert_eq!(status, Status::TooManyRequests);
    let retry: u64 = retry.expect("Retry-After on the API").parse().unwrap();
    assert!(retry > 0);
    let (status, retry, body) = page_login(&app, stuffer, "victim-next@example.jp", "x").await;
    assert_eq!(status, Status::TooManyRequests);
    assert!(
        retry
            .expect("Retry-After on the page")
            .parse::<u64>()
            .unwrap()
            > 0
    );
    assert!(
        body.contains("<form"),
        "the page shows the login form again"
    );
    // Even the right password is refused from that address for now…
    let (status, _, _) = api_login(&app, stuffer, &real.email, &real.password).await;
    assert_eq!(status, Status::TooManyRequests);
    // …while the same person from their own address gets in.
    let (status, _, _) = api_login(&app, address(300), &real.email, &real.password).await;
    assert_eq!(status, Status::Ok);
}

#[rocket::async_test]
async fn failures_against_one_account_from_many_addresses_do_not_lock_the_real_user_out() {
    let app = spawn().await;
    let real = app.account(Role::Trainee).await;
    let per_account = app.state().config.login_max_failures_per_account as usize;
    // Three times the account's limit, each from a different address.
    for i in 0..per_account * 3 {
        let (status, _, _) = api_login(&app, address(i), &real.email, "wrong password!!").await;
        assert_eq!(status, Status::Unauthorized, "attempt {i}");
    }
    // The real user, from an address that has not failed, gets in on both doors.
    let home = address(900);
    let (status, _, _) = api_login(&app, home, &real.email, &real.password).await;
    assert_eq!(status, Status::Ok);
    let (status, _, _) = page_login(&app, home, &real.email, &real.password).await;
    assert_eq!(status, Status::SeeOther);

    // Guessing from one address is still throttled at the account's limit.
    let guesser = address(901);
    for i in 0..per_account {
        let (status, _, _) = api_login(&app, guesser, &real.email, "wrong password!!").await;
        assert_eq!(status, Status::Unauthorized, "guess {i}");
    }
    let (status, retry, _) = api_login(&app, guesser, &real.email, &real.password).await;
    assert_eq!(status, Status::TooManyRequests);
    assert!(retry.is_some());
    // The block is for that address only and ends with the window.
    let (status, _, _) = api_login(&app, home, &real.email, &real.password).await;
    assert_eq!(status, Status::Ok);
    let window = app.state().config.login_window_minutes;
    app.state()
        .clock
        .advance(chrono::Duration::minutes(window + 1));
    let (status, _, _) = api_login(&app, guesser, &real.email, &real.password).await;
    assert_eq!(status, Status::Ok);
}

#[rocket::async_test]
async fn an_unknown_email_and_a_wrong_password_look_the_same_on_the_login_page() {
    let app = spawn().await;
    let real = app.account(Role::Trainee).await;
    let from = address(5);
    let (wrong_status, _, wrong_body) =
        page_login(&app, from, &real.email, "wrong password!!").await;
    let unknown = "nobody-here@example.jp";
    let (unknown_status, _, unknown_body) =
        page_login(&app, from, unknown, "wrong password!!").await;
    assert_eq!(wrong_status, Status::Unauthorized);
    assert_eq!(unknown_status, wrong_status);
    // The form echoes the typed address back; apart from that, the same page.
    assert_eq!(
        wrong_body.replace(&real.email, "EMAIL"),
        unknown_body.replace(unknown, "EMAIL")
    );
    // And the API answers alike too, for a malformed address as well.
    let (a_status, _, a_body) = api_login(&app, from, &real.email, "wrong password!!").await;
    let (b_status, _, b_body) = api_login(&app, from, "not-an-email", "wrong password!!").await;
    assert_eq!((a_status, &a_body), (b_status, &b_body));
}

#[rocket::async_test]
async fn erasing_a_person_removes_their_login_failures_from_every_address_and_no_one_elses() {
    use kouza::entities::login_failure;
    use kouza::services::rate_limit::{self, Limit};
    use sea_orm::{EntityTrait, QueryFilter};
    let app = spawn().await;
    let state = app.state();
    let staff = app.account(Role::Staff).await;
    // `_` in the address: as a LIKE pattern it would match `ax`, too.
    let people = app.trainees(1).await;
    let leaving = kouza::services::accounts::find(&state.db, people[0].0)
        .await
        .unwrap();
    let lookalike = leaving.email.replacen('_', "x", 1);
    assert_ne!(lookalike, leaving.email);
    let now = state.clock.now();
    let key = |email: &str, addr: Option<&str>| Limit {
        key: match addr {
            Some(a) => rate_limit::account_from_address_key(email, a),
            None => rate_limit::account_key(email),
        },
        max_failures: 10,
    };
    rate_limit::record_failure(
        &state.db,
        &[
            key(&leaving.email, None),
            key(&leaving.email, Some("198.51.100.1")),
            key(&leaving.email, Some("2001:db8::1")),
            key(&lookalike, Some("198.51.100.1")),
            key(&lookalike, None),
        ],
        now,
    )
    .await
    .unwrap();
    let request = kouza::services::personal_data::request_deletion(&state.db, leaving.id, now)
        .await
        .unwrap();
    kouza::services::personal_data::complete(&state.db, staff.id, request.id, now)
        .await
        .unwrap();
    let mut left: Vec<String> = login_failure::Entity::find()
        .filter(sea_orm::ColumnTrait::contains(
            &login_failure::Column::Key,
            "acct:",
        ))
        .all(&state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    left.sort();
    let mut kept = vec![
        rate_limit::account_from_address_key(&lookalike, "198.51.100.1"),
        rate_limit::account_key(&lookalike),
    ];
    kept.sort();
    assert_eq!(left, kept);
}
