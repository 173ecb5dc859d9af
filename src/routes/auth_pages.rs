//! Login, logout, sign-up and password reset pages.
use std::net::IpAddr;

use rocket::form::Form;
use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};

use super::forms::{field_errors, safe_next, FieldErrors, FormResponse};
use super::respond::PageError;
use super::session;
use super::shell::{set_lang_cookie, Shell};
use crate::auth::csrf::CsrfToken;
use crate::domain::signup::{NewAccount, SignupInput};
use crate::error::Error;
use crate::i18n::Lang;
use crate::services::accounts;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        login_page,
        login,
        logout,
        signup_page,
        signup,
        forgot_page,
        forgot,
        reset_page,
        reset
    ]
}

#[derive(FromForm)]
struct LoginForm {
    email: String,
    password: String,
    csrf_token: String,
    next: Option<String>,
}

fn login_template(shell: &Shell, email: &str, next: &str, error: Option<String>) -> Template {
    Template::render("auth/login", context! { s: shell, email, next, error })
}

#[get("/login?<next>")]
fn login_page(shell: Shell, next: Option<&str>) -> Template {
    login_template(&shell, "", &safe_next(next), None)
}

#[post("/login", data = "<form>")]
async fn login(
    shell: Shell,
    csrf: CsrfToken,
    form: Form<LoginForm>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
    address: Option<IpAddr>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let now = state.clock.now();
    let next = safe_next(form.next.as_deref());
    let result = accounts::authenticate(
        &state.db,
        &state.config,
        &form.email,
        &form.password,
        address.map(|a| a.to_string()),
        now,
    )
    .await;
    match result {
        Ok(user) => {
            session::start(cookies, state, user.id, user.token_version, now);
            set_lang_cookie(cookies, Lang::from_code(&user.locale).unwrap_or_default());
            FormResponse::Done(Flash::success(
                Redirect::to(next),
                shell.t("flash-logged-in"),
            ))
        }
        Err(Error::Unauthorized) => FormResponse::Redo((
            Status::Unauthorized,
            login_template(
                &shell,
                &form.email,
                &next,
                Some(shell.t("err-login-failed")),
            ),
        )),
        Err(Error::RateLimited { retry_after_secs }) => FormResponse::Throttled(
            login_template(
                &shell,
                &form.email,
                &next,
                Some(shell.t("problem-rate-limited")),
            ),
            rocket::http::Header::new("Retry-After", retry_after_secs.to_string()),
        ),
        Err(e) => e.into(),
    }
}

#[derive(FromForm)]
struct CsrfOnly {
    csrf_token: String,
}

#[post("/logout", data = "<form>")]
async fn logout(
    shell: Shell,
    csrf: CsrfToken,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    session::end(state, cookies).await?;
    Ok(Flash::success(
        Redirect::to("/"),
        shell.t("flash-logged-out"),
    ))
}

#[derive(FromForm, Default)]
pub struct SignupForm {
    pub email: String,
    pub password: String,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub csrf_token: String,
}

impl SignupForm {
    pub fn input(&self) -> SignupInput<'_> {
        SignupInput {
            email: &self.email,
            password: &self.password,
            family_name: &self.family_name,
            given_name: &self.given_name,
            family_name_kana: &self.family_name_kana,
            given_name_kana: &self.given_name_kana,
        }
    }

    /// What the form shows again: everything the user typed except the password.
    pub fn values(&self) -> serde_json::Value {
        serde_json::json!({
            "email": self.email,
            "family_name": self.family_name,
            "given_name": self.given_name,
            "family_name_kana": self.family_name_kana,
            "given_name_kana": self.given_name_kana,
        })
    }
}

fn signup_template(shell: &Shell, form: &SignupForm, errors: &FieldErrors) -> Template {
    Template::render(
        "auth/signup",
        context! { s: shell, v: form.values(), errors },
    )
}

#[get("/signup")]
fn signup_page(shell: Shell) -> Template {
    signup_template(&shell, &SignupForm::default(), &FieldErrors::new())
}

#[post("/signup", data = "<form>")]
async fn signup(
    shell: Shell,
    csrf: CsrfToken,
    form: Form<SignupForm>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let redo = |errors: &[crate::domain::DomainError]| {
        FormResponse::Redo((
            Status::UnprocessableEntity,
            signup_template(&shell, &form, &field_errors(shell.language, errors)),
        ))
    };
    let account = match NewAccount::parse(&form.input()) {
        Ok(account) => account,
        Err(errors) => return redo(&errors),
    };
    let now = state.clock.now();
    match accounts::sign_up(&state.db, &account, shell.language, now).await {
        Ok(user) => {
            session::start(cookies, state, user.id, user.token_version, now);
            FormResponse::Done(Flash::success(
                Redirect::to("/"),
                shell.t("flash-signed-up"),
            ))
        }
        Err(Error::Validation(errors)) => redo(&errors),
        Err(e) => e.into(),
    }
}

#[derive(FromForm)]
struct ForgotForm {
    email: String,
    csrf_token: String,
}

#[get("/password/forgot")]
fn forgot_page(shell: Shell) -> Template {
    Template::render(
        "auth/forgot",
        context! { s: &shell, email: "", errors: FieldErrors::new() },
    )
}

#[post("/password/forgot", data = "<form>")]
async fn forgot(
    shell: Shell,
    csrf: CsrfToken,
    form: Form<ForgotForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let now = state.clock.now();
    match accounts::request_password_reset(&state.db, &state.config, &form.email, now).await {
        Ok(()) => FormResponse::Done(Flash::success(
            Redirect::to("/login"),
            shell.t("flash-reset-sent"),
        )),
        Err(Error::Validation(errors)) => FormResponse::Redo((
            Status::UnprocessableEntity,
            Template::render(
                "auth/forgot",
                context! { s: &shell, email: &form.email, errors: field_errors(shell.language, &errors) },
            ),
        )),
        Err(e) => e.into(),
    }
}

#[derive(FromForm)]
struct ResetForm {
    new_password: String,
    new_password_confirm: String,
    csrf_token: String,
}

fn reset_template(shell: &Shell, token: &str, errors: &FieldErrors) -> Template {
    Template::render("auth/reset", context! { s: shell, token, errors })
}

#[get("/password/reset/<token>")]
async fn reset_page(
    shell: Shell,
    token: &str,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    if !accounts::reset_token_is_live(&state.db, token, state.clock.now()).await? {
        return Err(Error::Conflict("err-reset-link-expired").into());
    }
    Ok(reset_template(&shell, token, &FieldErrors::new()))
}

#[post("/password/reset/<token>", data = "<form>")]
async fn reset(
    shell: Shell,
    csrf: CsrfToken,
    token: &str,
    form: Form<ResetForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    if form.new_password != form.new_password_confirm {
        let errors = [crate::domain::DomainError::new(
            "new_password_confirm",
            "err-password-mismatch",
        )];
        return FormResponse::Redo((
            Status::UnprocessableEntity,
            reset_template(&shell, token, &field_errors(shell.language, &errors)),
        ));
    }
    match accounts::reset_password(&state.db, token, &form.new_password, state.clock.now()).await {
        Ok(()) => FormResponse::Done(Flash::success(
            Redirect::to("/login"),
            shell.t("flash-password-reset"),
        )),
        Err(Error::Validation(errors)) => FormResponse::Redo((
            Status::UnprocessableEntity,
            reset_template(&shell, token, &field_errors(shell.language, &errors)),
        )),
        Err(Error::NotFound) => Error::Conflict("err-reset-link-expired").into(),
        Err(e) => e.into(),
    }
}
