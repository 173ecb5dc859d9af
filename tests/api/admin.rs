//! Roles: admins manage users; everyone else is refused.
use kouza::domain::Role;
use rocket::http::{ContentType, Status};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::spawn;

#[rocket::async_test]
async fn an_admin_changes_a_role_through_the_api_and_it_is_audited() {
    let app = spawn().await;
    let admin = app.account(Role::Admin).await;
    let trainee = app.account(Role::Trainee).await;
    let bearer = app.bearer(&admin).await;
    let response = app
        .client
        .patch(format!("/api/v1/users/{}", trainee.id))
        .header(bearer)
        .header(ContentType::JSON)
        .body(json!({"role": "instructor"}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(app.json(response).await["role"], "instructor");
    let audit = kouza::entities::audit_log::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap();
    let entry = audit.iter().find(|a| a.action == "role_change").unwrap();
    assert_eq!(entry.actor_id, Some(admin.id));
    assert_eq!(entry.target_id, Some(trainee.id));
    assert!(entry.detail.contains(r#""before":"trainee""#));
}

#[rocket::async_test]
async fn staff_instructors_and_trainees_cannot_change_roles() {
    let app = spawn().await;
    let target = app.account(Role::Trainee).await;
    for role in [Role::Trainee, Role::Instructor, Role::Staff] {
        let actor = app.account(role).await;
        let bearer = app.bearer(&actor).await;
        let response = app
            .client
            .patch(format!("/api/v1/users/{}", target.id))
            .header(bearer)
            .header(ContentType::JSON)
            .body(json!({"role": "admin"}).to_string())
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Forbidden, "{role:?}");
    }
    let user = kouza::services::accounts::find(&app.state().db, target.id)
        .await
        .unwrap();
    assert_eq!(user.role, "trainee");
}

#[rocket::async_test]
async fn an_unknown_role_is_a_validation_error() {
    let app = spawn().await;
    let admin = app.account(Role::Admin).await;
    let bearer = app.bearer(&admin).await;
    let response = app
        .client
        .patch(format!("/api/v1/users/{}", admin.id))
        .header(bearer)
        .header(ContentType::JSON)
        .body(json!({"role": "superuser"}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert_eq!(app.json(response).await["errors"][0]["field"], "role");
}

#[rocket::async_test]
async fn the_last_admin_cannot_be_demoted() {
    let app = spawn().await;
    let admin = app.account(Role::Admin).await;
    let bearer = app.bearer(&admin).await;
    let response = app
        .client
        .patch(format!("/api/v1/users/{}", admin.id))
        .header(bearer)
        .header(ContentType::JSON)
        .body(json!({"role": "staff"}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Conflict);
    assert!(app.json(response).await["detail"]
        .as_str()
        .unwrap()
        .contains("最後の管理者"));
}

#[rocket::async_test]
async fn a_missing_user_is_not_found() {
    let app = spawn().await;
    let admin = app.account(Role::Admin).await;
    let bearer = app.bearer(&admin).await;
    let response = app
        .client
        .patch("/api/v1/users/987654")
        .header(bearer)
        .header(ContentType::JSON)
        .body(json!({"role": "staff"}).to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::NotFound);
}

#[rocket::async_test]
async fn the_users_page_is_for_admins_only_and_changes_roles_by_form() {
    let app = spawn().await;
    let staff = app.account(Role::Staff).await;
    app.login_page(&staff).await;
    assert_eq!(
        app.client.get("/admin/users").dispatch().await.status(),
        Status::Forbidden
    );

    let admin = app.account(Role::Admin).await;
    app.login_page(&admin).await;
    let page = app.client.get("/admin/users").dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    let html = page.into_string().await.unwrap();
    assert!(html.contains("ヤマダ ハナコ"));
    let csrf = app.csrf().await;
    let response = app
        .post_form(
            &format!("/admin/users/{}/role", staff.id),
            &[("role", "instructor"), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let user = kouza::services::accounts::find(&app.state().db, staff.id)
        .await
        .unwrap();
    assert_eq!(user.role, "instructor");
}
