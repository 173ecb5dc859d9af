//! Back-office pages of the foundation: users and roles (admin), the mail
//! outbox (staff).
use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::paging::Pager;
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AdminUser, StaffUser};
use crate::domain::Role;
use crate::i18n::t;
use crate::services::{accounts, outbox};
use crate::state::AppState;

const PER_PAGE: u64 = 50;

pub fn routes() -> Vec<Route> {
    routes![users, change_role, outbox_page]
}

#[derive(Serialize)]
struct UserRow {
    id: i64,
    name: String,
    kana: String,
    email: String,
    role: String,
}

#[derive(Serialize)]
struct RoleOption {
    value: &'static str,
    label: String,
}

#[get("/admin/users?<page>")]
async fn users(
    shell: Shell,
    _admin: AdminUser,
    page: Option<u64>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let page = page.unwrap_or(1).max(1);
    let (rows, total) = accounts::list(&state.db, page, PER_PAGE).await?;
    let rows: Vec<UserRow> = rows
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            name: format!("{} {}", u.family_name, u.given_name),
            kana: format!("{} {}", u.family_name_kana, u.given_name_kana),
            email: u.email,
            role: u.role,
        })
        .collect();
    let roles: Vec<RoleOption> = Role::ALL
        .iter()
        .map(|r| RoleOption {
            value: r.as_str(),
            label: t(shell.language, r.label_key()),
        })
        .collect();
    Ok(Template::render(
        "admin/users",
        context! { s: &shell, rows, roles, pager: Pager::new(page, total, PER_PAGE) },
    ))
}

#[derive(FromForm)]
struct RoleForm {
    role: String,
    csrf_token: String,
}

#[post("/admin/users/<id>/role", data = "<form>")]
async fn change_role(
    shell: Shell,
    admin: AdminUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<RoleForm>,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    let role = Role::parse("role", &form.role)?;
    accounts::set_role(&state.db, admin.0.id, id, role, state.clock.now()).await?;
    Ok(Flash::success(
        Redirect::to("/admin/users"),
        shell.t("flash-saved"),
    ))
}

#[derive(Serialize)]
struct MailRow {
    id: i64,
    to: String,
    subject: String,
    body: String,
    status: String,
    created_at: String,
}

#[get("/staff/outbox?<page>")]
async fn outbox_page(
    shell: Shell,
    _staff: StaffUser,
    page: Option<u64>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let page = page.unwrap_or(1).max(1);
    let (rows, total) = outbox::list(&state.db, page, PER_PAGE).await?;
    let rows: Vec<MailRow> = rows
        .into_iter()
        .map(|m| MailRow {
            id: m.id,
            to: m.to_address,
            subject: m.subject,
            body: m.body_text,
            status: m.status,
            created_at: crate::i18n::format_datetime(shell.language, m.created_at),
        })
        .collect();
    Ok(Template::render(
        "staff/outbox",
        context! { s: &shell, rows, pager: Pager::new(page, total, PER_PAGE) },
    ))
}
