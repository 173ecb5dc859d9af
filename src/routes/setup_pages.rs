//! The one-time page that creates the first administrator.
use rocket::form::Form;
use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use rocket_dyn_templates::{context, Template};

use super::auth_pages::SignupForm;
use super::forms::{field_errors, FieldErrors, FormResponse};
use super::respond::PageError;
use super::session;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::domain::signup::NewAccount;
use crate::error::Error;
use crate::services::setup;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![setup_page, create_admin]
}

fn template(shell: &Shell, token: &str, form: &SignupForm, errors: &FieldErrors) -> Template {
    Template::render(
        "setup/admin",
        context! { s: shell, token, v: form.values(), errors },
    )
}

#[get("/setup/<token>")]
async fn setup_page(
    shell: Shell,
    token: &str,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    if !setup::token_is_live(&state.db, token, state.clock.now()).await? {
        return Err(Error::NotFound.into());
    }
    Ok(template(
        &shell,
        token,
        &SignupForm::default(),
        &FieldErrors::new(),
    ))
}

#[post("/setup/<token>", data = "<form>")]
async fn create_admin(
    shell: Shell,
    csrf: CsrfToken,
    token: &str,
    form: Form<SignupForm>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let redo = |errors| {
        FormResponse::Redo((
            Status::UnprocessableEntity,
            template(&shell, token, &form, &field_errors(shell.language, errors)),
        ))
    };
    let account = match NewAccount::parse(&form.input()) {
        Ok(account) => account,
        Err(errors) => return redo(&errors),
    };
    let now = state.clock.now();
    match setup::create_first_admin(&state.db, token, &account, shell.language, now).await {
        Ok(admin) => {
            session::start(cookies, state, admin.id, admin.token_version, now);
            FormResponse::Done(Flash::success(
                Redirect::to("/admin/users"),
                shell.t("flash-admin-created"),
            ))
        }
        Err(Error::Validation(errors)) => redo(&errors),
        Err(e) => e.into(),
    }
}
