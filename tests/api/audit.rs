//! The audit trail page: staff find who did what by action, record, person
//! and period; bad search input is explained; nobody can change an entry.
use kouza::domain::Role;
use kouza::entities::audit_log;
use rocket::http::{Method, Status};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::catalog_pages::get;
use crate::helpers::{spawn, CourseSpec};

/// The action cell of a listed entry (the search form lists every action too).
const ROW_ROLE_CHANGE: &str = "href=\"/staff/audit?action=role_change\"";
const ROW_COURSE_CREATE: &str = "href=\"/staff/audit?action=course_create\"";

async fn entries(app: &crate::helpers::TestApp) -> u64 {
    audit_log::Entity::find()
        .count(&app.state().db)
        .await
        .unwrap()
}

#[rocket::async_test]
async fn staff_search_the_trail_by_action_record_person_and_period() {
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let admin = app.account(Role::Admin).await;
    let promoted = app.account(Role::Trainee).await;
    app.login_page(&admin).await;
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &format!("/admin/users/{}/role", promoted.id),
            &[("csrf_token", csrf.as_str()), ("role", "instructor")],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);

    let (status, page) = get(&app, "/staff/audit").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("role_change") && page.contains("course_create"));

    let (_, page) = get(&app, "/staff/audit?action=role_change").await;
    assert!(page.contains(ROW_ROLE_CHANGE));
    assert!(!page.contains(ROW_COURSE_CREATE), "filtered by action");
    assert!(
        page.contains("&quot;after&quot;: &quot;instructor&quot;"),
        "before → after is shown: {page}"
    );
    assert!(page.contains(&format!("href=\"/staff/audit?actor={}\"", admin.id)));

    let (_, page) = get(
        &app,
        &format!("/staff/audit?target_type=course&target_id={}", course.id),
    )
    .await;
    assert!(page.contains(ROW_COURSE_CREATE) && page.contains("action=course_status\""));
    assert!(!page.contains(ROW_ROLE_CHANGE));
    assert!(page.contains(&format!("href=\"/staff/courses/{}\"", course.id)));

    let (_, page) = get(&app, &format!("/staff/audit?actor={}", admin.id)).await;
    assert!(page.contains(ROW_ROLE_CHANGE) && !page.contains(ROW_COURSE_CREATE));

    let (_, page) = get(&app, "/staff/audit?from=2001-01-01&to=2001-01-31").await;
    assert!(page.contains("条件に合う記録はありません"));
}

#[rocket::async_test]
async fn bad_search_input_is_explained_in_japanese_and_finds_nothing() {
    let app = spawn().await;
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    let (status, page) = get(
        &app,
        "/staff/audit?target_id=abc&from=2026-04-02&to=2026-04-01&action=%3Cscript%3E",
    )
    .await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("1以上の番号を半角数字で入力してください"));
    assert!(page.contains("終わりの日は始まりの日以降にしてください"));
    assert!(page.contains("半角英数字と"));
    assert!(
        !page.contains("<script>"),
        "input is escaped when shown again"
    );
}

#[rocket::async_test]
async fn only_staff_read_the_trail_and_no_route_changes_it() {
    let app = spawn().await;
    app.published_course(CourseSpec::default()).await;
    for role in [Role::Trainee, Role::Instructor] {
        let who = app.account(role).await;
        app.login_page(&who).await;
        let (status, page) = get(&app, "/staff/audit").await;
        assert_eq!(status, Status::Forbidden, "{role:?}");
        assert!(!page.contains("course_create"));
    }

    // The only route that touches the trail reads it.
    let writers: Vec<String> = app
        .client
        .rocket()
        .routes()
        .filter(|r| r.uri.path().contains("audit") && r.method != Method::Get)
        .map(|r| format!("{} {}", r.method, r.uri))
        .collect();
    assert!(writers.is_empty(), "{writers:?}");

    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    let before = entries(&app).await;
    let csrf = app.csrf().await;
    for method in [Method::Post, Method::Put, Method::Delete, Method::Patch] {
        let response = app
            .client
            .req(method, "/staff/audit")
            .header(rocket::http::ContentType::Form)
            .body(format!("csrf_token={csrf}"))
            .dispatch()
            .await;
        assert!(
            response.status() == Status::NotFound || response.status() == Status::MethodNotAllowed,
            "{method} → {}",
            response.status()
        );
    }
    assert_eq!(entries(&app).await, before);
}

#[rocket::async_test]
async fn every_personal_data_download_is_recorded_with_who_and_which_report() {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let app = spawn().await;
    let course = app.published_course(CourseSpec::default()).await;
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    for path in [
        format!("/staff/courses/{}/attendance.csv", course.id),
        format!("/staff/courses/{}/completers.csv", course.id),
        format!("/staff/courses/{}/assessments.csv", course.id),
        format!("/staff/payments/report.csv?course_id={}", course.id),
    ] {
        let response = app.client.get(path.clone()).dispatch().await;
        assert_eq!(response.status(), Status::Ok, "{path}");
    }
    let exports = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("personal_data_export"))
        .order_by_asc(audit_log::Column::Id)
        .all(&app.state().db)
        .await
        .unwrap();
    let reports: Vec<String> = exports
        .iter()
        .map(|e| {
            assert_eq!(e.actor_id, Some(staff.id));
            assert_eq!(e.target_id, Some(course.id));
            serde_json::from_str::<serde_json::Value>(&e.detail).unwrap()["report"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        reports,
        ["attendance", "completers", "assessments", "payments"]
    );
}
