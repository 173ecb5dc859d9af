//! Staff (事務局) page for sites (事業所/会場): the list and a form to add one.
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::forms::{field_errors, FieldErrors, FormResponse};
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::StaffUser;
use crate::error::Error;
use crate::services::sites;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![sites_page, create_site]
}

#[derive(FromForm, Serialize, Default)]
struct SiteForm {
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    prefecture: String,
    #[field(default = String::new())]
    address: String,
    #[serde(skip)]
    #[field(default = String::new())]
    csrf_token: String,
}

#[derive(Serialize)]
struct SiteRow {
    id: i64,
    name: String,
    prefecture: String,
    address: String,
}

async fn sites_template(
    shell: &Shell,
    state: &AppState,
    form: &SiteForm,
    errors: &FieldErrors,
) -> Result<Template, PageError> {
    let rows: Vec<SiteRow> = sites::list(&state.db)
        .await?
        .into_iter()
        .map(|s| SiteRow {
            id: s.id,
            name: s.name,
            prefecture: s.prefecture,
            address: s.address,
        })
        .collect();
    Ok(Template::render(
        "staff/sites",
        context! { s: shell, rows, prefectures: super::staff_courses::prefecture_choices(), v: form, errors },
    ))
}

#[get("/staff/sites")]
async fn sites_page(
    shell: Shell,
    _staff: StaffUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    sites_template(&shell, state, &SiteForm::default(), &FieldErrors::new()).await
}

#[post("/staff/sites", data = "<form>")]
async fn create_site(
    shell: Shell,
    _staff: StaffUser,
    csrf: CsrfToken,
    form: Form<SiteForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let result = sites::create(
        &state.db,
        &form.name,
        &form.prefecture,
        &form.address,
        state.clock.now(),
    )
    .await;
    match result {
        Ok(_) => FormResponse::Done(Flash::success(
            Redirect::to("/staff/sites"),
            shell.t("staff-flash-site-created"),
        )),
        Err(Error::Validation(errors)) => {
            let errors = field_errors(shell.language, &errors);
            match sites_template(&shell, state, &form, &errors).await {
                Ok(template) => FormResponse::Redo((Status::UnprocessableEntity, template)),
                Err(e) => FormResponse::Failed(e),
            }
        }
        Err(e) => e.into(),
    }
}
