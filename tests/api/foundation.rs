//! Launch, health, migrations, headers, error pages, first-admin setup, demo data.
use kouza::domain::Role;
use migration::{Migrator, MigratorTrait};
use rocket::http::{Accept, Header, Status};
use sea_orm::ConnectionTrait;

use crate::helpers::{spawn, spawn_with, test_figment, PASSWORD};

#[rocket::async_test]
async fn health_and_readiness_answer_ok_on_a_fresh_database() {
    let app = spawn().await;
    let health = app.client.get("/healthz").dispatch().await;
    assert_eq!(health.status(), Status::Ok);
    let ready = app.client.get("/readyz").dispatch().await;
    assert_eq!(ready.status(), Status::Ok);
    assert_eq!(ready.into_string().await.unwrap(), "ok");
}

#[rocket::async_test]
async fn every_migration_can_be_rolled_back_and_applied_again() {
    let app = spawn().await;
    let db = &app.state().db;
    Migrator::down(db, None).await.unwrap();
    assert!(db.execute_unprepared("SELECT 1 FROM users").await.is_err());
    Migrator::up(db, None).await.unwrap();
    db.execute_unprepared("SELECT 1 FROM users").await.unwrap();
}

#[rocket::async_test]
async fn a_migration_that_fails_aborts_launch() {
    let (figment, data_dir) = test_figment().await;
    // A table of the same name but another shape makes the first migration fail.
    let state = kouza::build_state(&figment).await.unwrap();
    Migrator::down(&state.db, None).await.unwrap();
    state
        .db
        .execute_unprepared("CREATE TABLE users (nonsense INTEGER)")
        .await
        .unwrap();
    let result = rocket::local::asynchronous::Client::tracked(kouza::rocket_from(figment)).await;
    let Err(error) = result else {
        panic!("launch must be aborted");
    };
    assert!(matches!(
        error.kind(),
        rocket::error::ErrorKind::FailedFairings(failed) if failed[0].name == "database and state"
    ));
    let _ = std::fs::remove_dir_all(data_dir);
}

#[rocket::async_test]
async fn sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout() {
    let app = spawn().await;
    let db = &app.state().db;
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return;
    }
    let value = |sql: &'static str| async move {
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                sql,
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<String>(0)
            .or_else(|_| row.try_get_by_index::<i64>(0).map(|v| v.to_string()))
            .unwrap()
    };
    assert_eq!(value("PRAGMA journal_mode").await, "wal");
    assert_eq!(value("PRAGMA foreign_keys").await, "1");
    assert_eq!(value("PRAGMA busy_timeout").await, "10000");
    assert_eq!(value("PRAGMA synchronous").await, "2", "FULL");
}

#[rocket::async_test]
async fn pages_carry_security_headers_and_a_strict_csp() {
    let app = spawn().await;
    let response = app.client.get("/").dispatch().await;
    let headers = response.headers();
    let csp = headers.get_one("Content-Security-Policy").unwrap();
    assert!(csp.contains("script-src 'self'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(headers.get_one("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(headers.get_one("Referrer-Policy"), Some("same-origin"));
    assert!(headers.get_one("X-Request-Id").is_some());
}

#[rocket::async_test]
async fn pages_load_no_script_or_style_from_another_origin() {
    let app = spawn().await;
    let html = app
        .client
        .get("/login")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("<script>"), "no inline script");
    let css = app.client.get("/static/css/site.css").dispatch().await;
    assert_eq!(css.status(), Status::Ok);
}

#[rocket::async_test]
async fn an_unknown_page_is_a_404_page_in_japanese_by_default_and_english_on_request() {
    let app = spawn().await;
    let ja = app.client.get("/no-such-page").dispatch().await;
    assert_eq!(ja.status(), Status::NotFound);
    assert!(ja
        .into_string()
        .await
        .unwrap()
        .contains("ページが見つかりません"));
    let en = app
        .client
        .get("/no-such-page")
        .header(Header::new("Accept-Language", "en-GB,en;q=0.9"))
        .dispatch()
        .await;
    assert_eq!(en.status(), Status::NotFound);
    assert!(en.into_string().await.unwrap().contains("Page not found"));
}

#[rocket::async_test]
async fn an_unknown_api_path_answers_problem_json() {
    let app = spawn().await;
    let response = app
        .client
        .get("/api/v1/nothing-here")
        .header(Accept::JSON)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::NotFound);
    assert_eq!(
        response.content_type().unwrap().to_string(),
        "application/problem+json"
    );
    let body = app.json(response).await;
    assert_eq!(body["status"], 404);
    assert_eq!(body["type"], "/problems/not-found");
    assert!(body["title"].is_string() && body["detail"].is_string());
}

#[rocket::async_test]
async fn the_first_start_offers_a_one_time_setup_link_that_creates_the_first_admin() {
    let app = spawn().await;
    let link = app
        .state()
        .setup_link
        .clone()
        .expect("a setup link on first start");
    let path = link
        .strip_prefix("http://127.0.0.1:8000")
        .unwrap()
        .to_string();
    let page = app.client.get(path.clone()).dispatch().await;
    assert_eq!(page.status(), Status::Ok);

    let csrf = app.csrf().await;
    let fields = [
        ("email", "admin@example.jp"),
        ("password", PASSWORD),
        ("family_name", "管理"),
        ("given_name", "一郎"),
        ("family_name_kana", "カンリ"),
        ("given_name_kana", "イチロウ"),
        ("csrf_token", csrf.as_str()),
    ];
    let created = app.post_form(&path, &fields).await;
    assert_eq!(created.status(), Status::SeeOther);
    assert_eq!(created.headers().get_one("Location"), Some("/admin/users"));
    // The admin is logged in and can manage users.
    let users = app.client.get("/admin/users").dispatch().await;
    assert_eq!(users.status(), Status::Ok);

    // The link is spent.
    assert_eq!(
        app.client.get(path.clone()).dispatch().await.status(),
        Status::NotFound
    );
    let again = app.post_form(&path, &fields).await;
    assert_eq!(again.status(), Status::NotFound);
}

#[rocket::async_test]
async fn a_wrong_or_expired_setup_link_is_not_found() {
    let app = spawn().await;
    let link = app.state().setup_link.clone().unwrap();
    let path = link
        .strip_prefix("http://127.0.0.1:8000")
        .unwrap()
        .to_string();
    let wrong = app.client.get("/setup/0000").dispatch().await;
    assert_eq!(wrong.status(), Status::NotFound);
    app.state().clock.advance(chrono::Duration::hours(25));
    assert_eq!(
        app.client.get(path).dispatch().await.status(),
        Status::NotFound
    );
}

#[rocket::async_test]
async fn no_setup_link_is_offered_once_an_admin_exists() {
    let (figment, data_dir) = test_figment().await;
    let app = spawn_with(figment.clone(), data_dir.clone()).await;
    app.account(Role::Admin).await;
    let state = kouza::build_state(&figment).await.unwrap();
    assert!(state.setup_link.is_none());
    let _ = std::fs::remove_dir_all(data_dir);
}

#[rocket::async_test]
async fn the_demo_seed_loads_a_site_three_courses_and_one_account_per_role_once() {
    let app = spawn().await;
    let db = &app.state().db;
    let created = kouza::services::demo::seed(db, chrono::Utc::now())
        .await
        .unwrap();
    let roles: Vec<_> = created.iter().map(|a| a.role).collect();
    assert_eq!(
        roles,
        [Role::Admin, Role::Staff, Role::Instructor, Role::Trainee]
    );
    use sea_orm::{EntityTrait, PaginatorTrait};
    let courses = kouza::entities::course::Entity::find()
        .all(db)
        .await
        .unwrap();
    let mut kinds: Vec<_> = courses.iter().map(|c| c.kind.as_str()).collect();
    kinds.sort();
    assert_eq!(kinds, ["community", "helper", "symposium"]);
    let helper = courses.iter().find(|c| c.kind == "helper").unwrap();
    assert!(helper.curriculum_id.is_some());
    // Demo logins work with the printed passwords.
    let login = app.token(&created[3].email, &created[3].password).await;
    assert_eq!(login.status(), Status::Ok);
    // Seeding again adds nothing.
    assert!(kouza::services::demo::seed(db, chrono::Utc::now())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        kouza::entities::course::Entity::find()
            .count(db)
            .await
            .unwrap(),
        3
    );
}

#[rocket::async_test]
async fn the_three_reference_curricula_are_loaded_at_start() {
    let app = spawn().await;
    let (curriculum, subjects) =
        kouza::services::curricula::find_by_key(&app.state().db, "shoninsha")
            .await
            .unwrap()
            .unwrap();
    assert_eq!(curriculum.name, "介護職員初任者研修");
    assert_eq!(subjects.len(), 10);
    assert_eq!(
        subjects.iter().map(|s| s.required_minutes).sum::<i32>(),
        130 * 60
    );
}
