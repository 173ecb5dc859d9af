//! The account page: language, password change, log out everywhere.
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
use crate::auth::CurrentUser;
use crate::domain::DomainError;
use crate::error::Error;
use crate::i18n::Lang;
use crate::services::accounts;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        account,
        change_password,
        change_locale,
        logout_everywhere,
        set_language
    ]
}

async fn account_template(
    shell: &Shell,
    user: &CurrentUser,
    state: &AppState,
    errors: &FieldErrors,
) -> Result<Template, PageError> {
    let row = accounts::find(&state.db, user.id).await?;
    Ok(Template::render(
        "account/show",
        context! {
            s: shell,
            email: row.email,
            name: format!("{} {}", row.family_name, row.given_name),
            kana: format!("{} {}", row.family_name_kana, row.given_name_kana),
            locale: row.locale,
            errors,
        },
    ))
}

#[get("/account")]
async fn account(
    shell: Shell,
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    account_template(&shell, &user, state, &FieldErrors::new()).await
}

#[derive(FromForm)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
    csrf_token: String,
}

#[post("/account/password", data = "<form>")]
async fn change_password(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    form: Form<PasswordForm>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let now = state.clock.now();
    let result = if form.new_password != form.new_password_confirm {
        Err(Error::invalid(
            "new_password_confirm",
            "err-password-mismatch",
        ))
    } else {
        accounts::change_password(
            &state.db,
            user.id,
            &form.current_password,
            &form.new_password,
            now,
        )
        .await
    };
    match result {
        Ok(version) => {
            // Every other session just ended; this one continues with a fresh token.
            session::start(cookies, state, user.id, version, now);
            FormResponse::Done(Flash::success(
                Redirect::to("/account"),
                shell.t("flash-password-changed"),
            ))
        }
        Err(Error::Validation(errors)) => redo(&shell, &user, state, &errors).await,
        Err(e) => e.into(),
    }
}

async fn redo(
    shell: &Shell,
    user: &CurrentUser,
    state: &AppState,
    errors: &[DomainError],
) -> FormResponse {
    match account_template(shell, user, state, &field_errors(shell.language, errors)).await {
        Ok(template) => FormResponse::Redo((Status::UnprocessableEntity, template)),
        Err(e) => FormResponse::Failed(e),
    }
}

#[derive(FromForm)]
struct LocaleForm {
    locale: String,
    csrf_token: String,
}

#[post("/account/locale", data = "<form>")]
async fn change_locale(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    form: Form<LocaleForm>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let Some(lang) = Lang::from_code(&form.locale) else {
        return redo(
            &shell,
            &user,
            state,
            &[DomainError::new("locale", "err-locale-invalid")],
        )
        .await;
    };
    if let Err(e) = accounts::set_locale(&state.db, user.id, lang, state.clock.now()).await {
        return e.into();
    }
    set_lang_cookie(cookies, lang);
    FormResponse::Done(Flash::success(
        Redirect::to("/account"),
        crate::i18n::t(lang, "flash-saved"),
    ))
}

#[derive(FromForm)]
struct CsrfOnly {
    csrf_token: String,
}

#[post("/account/logout-everywhere", data = "<form>")]
async fn logout_everywhere(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    accounts::end_all_sessions(&state.db, user.id, state.clock.now()).await?;
    session::end(state, cookies).await?;
    Ok(Flash::success(
        Redirect::to("/login"),
        shell.t("flash-logged-out-everywhere"),
    ))
}

#[derive(FromForm)]
struct LanguageForm {
    lang: String,
    next: Option<String>,
    csrf_token: String,
}

/// The language switch in the footer. Works logged in or not; a logged-in
/// user's choice is saved on the account too.
#[post("/language", data = "<form>")]
async fn set_language(
    csrf: CsrfToken,
    form: Form<LanguageForm>,
    user: Option<CurrentUser>,
    state: &State<AppState>,
    cookies: &CookieJar<'_>,
) -> Result<Redirect, PageError> {
    csrf.check(&form.csrf_token)?;
    let lang =
        Lang::from_code(&form.lang).ok_or_else(|| Error::invalid("lang", "err-locale-invalid"))?;
    if let Some(user) = user {
        accounts::set_locale(&state.db, user.id, lang, state.clock.now()).await?;
    }
    set_lang_cookie(cookies, lang);
    Ok(Redirect::to(safe_next(form.next.as_deref())))
}
