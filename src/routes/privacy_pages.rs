//! Personal data on pages (個人情報保護法): a trainee downloads their data and
//! asks for deletion from the account page; staff see the requests and carry
//! them out; staff reveal special-care notes on purpose, one enrollment at a time.
use rocket::form::Form;
use rocket::http::{ContentType, Header};
use rocket::{get, post, routes, FromForm, Responder, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::downloads::{csv_file, CsvFile};
use super::forms::FormResponse;
use super::respond::PageError;
use super::shell::Shell;
use super::staff_courses::after_action;
use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, StaffUser};
use crate::domain::personal_data::{retained_until, Blocker};
use crate::error::Error;
use crate::i18n::{format_datetime, t, t_args, Lang};
use crate::services::personal_data as privacy;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        export_json,
        export_csv,
        deletion_page,
        request_deletion,
        withdraw_deletion,
        requests_page,
        complete_request,
        reveal_special_care
    ]
}

/// A personal-data file to download: never kept by a cache.
#[derive(Responder)]
pub struct JsonFile {
    body: String,
    content_type: ContentType,
    disposition: Header<'static>,
    cache: Header<'static>,
}

pub fn json_file(body: String, filename: &str) -> JsonFile {
    JsonFile {
        body,
        content_type: ContentType::JSON,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ),
        cache: Header::new("Cache-Control", "private, no-store"),
    }
}

#[get("/account/data.json")]
async fn export_json(user: CurrentUser, state: &State<AppState>) -> Result<JsonFile, PageError> {
    let now = state.clock.now();
    let doc = privacy::export(&state.db, user.id, now).await?;
    privacy::record_export(&state.db, user.id, "json", now).await?;
    let body = serde_json::to_string_pretty(&doc)
        .map_err(|e| Error::Internal(format!("serialising the export: {e}")))?;
    Ok(json_file(body, "my-data.json"))
}

#[get("/account/data.csv")]
async fn export_csv(user: CurrentUser, state: &State<AppState>) -> Result<CsvFile, PageError> {
    let now = state.clock.now();
    let doc = privacy::export(&state.db, user.id, now).await?;
    privacy::record_export(&state.db, user.id, "csv", now).await?;
    Ok(csv_file(privacy::export_csv(&doc)?, "my-data.csv".into()))
}

/// A blocker in words, for the person reading the page.
pub fn blocker_text(lang: Lang, b: &Blocker) -> String {
    match b {
        Blocker::CourseInProgress { course_title, .. } => {
            t_args(lang, b.message_key(), &[("course", course_title.clone())])
        }
        Blocker::UnsettledBalance {
            course_title,
            balance_yen,
            ..
        } => t_args(
            lang,
            b.message_key(),
            &[
                ("course", course_title.clone()),
                ("amount", balance_yen.abs().to_string()),
                (
                    "direction",
                    if *balance_yen > 0 { "owed" } else { "refund" }.to_string(),
                ),
            ],
        ),
    }
}

#[get("/account/delete")]
async fn deletion_page(
    shell: Shell,
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let now = state.clock.now();
    let blockers: Vec<String> = privacy::blockers(&state.db, user.id, now)
        .await?
        .iter()
        .map(|b| blocker_text(lang, b))
        .collect();
    let request = privacy::find_request(&state.db, user.id).await?;
    let open = request
        .as_ref()
        .filter(|r| r.status == privacy::REQUESTED)
        .map(|r| format_datetime(lang, r.requested_at));
    let years = state.config.personal_data_retention_years;
    Ok(Template::render(
        "account/delete",
        context! {
            s: &shell,
            blockers,
            open,
            is_trainee: user.role == crate::domain::Role::Trainee,
            years,
            example_until: retained_until(None, crate::domain::course::jst_date(now), years).to_string(),
        },
    ))
}

#[derive(FromForm)]
struct DeletionForm {
    #[field(default = false)]
    confirm: bool,
    csrf_token: String,
}

#[post("/account/delete", data = "<form>")]
async fn request_deletion(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    form: Form<DeletionForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let result = if form.confirm {
        privacy::request_deletion(&state.db, user.id, state.clock.now()).await
    } else {
        Err(Error::invalid("confirm", "privacy-err-confirm"))
    };
    after_action(
        &shell,
        "/account/delete".into(),
        result,
        "privacy-flash-requested",
    )
}

#[derive(FromForm)]
struct CsrfOnly {
    csrf_token: String,
}

#[post("/account/delete/withdraw", data = "<form>")]
async fn withdraw_deletion(
    shell: Shell,
    user: CurrentUser,
    csrf: CsrfToken,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let result = privacy::withdraw(&state.db, user.id, state.clock.now()).await;
    after_action(
        &shell,
        "/account/delete".into(),
        result,
        "privacy-flash-withdrawn",
    )
}

#[derive(Serialize)]
struct RequestLine {
    id: i64,
    open: bool,
    name: String,
    email: String,
    requested_at: String,
    completed_at: String,
    blockers: Vec<String>,
}

#[get("/staff/personal-data")]
async fn requests_page(
    shell: Shell,
    _staff: StaffUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let rows: Vec<RequestLine> = privacy::requests(&state.db, state.clock.now())
        .await?
        .into_iter()
        .map(|r| RequestLine {
            id: r.id,
            open: r.status == privacy::REQUESTED,
            name: r.name,
            email: r.email,
            requested_at: format_datetime(lang, r.requested_at),
            completed_at: r
                .completed_at
                .map(|at| format_datetime(lang, at))
                .unwrap_or_default(),
            blockers: r.blockers.iter().map(|b| blocker_text(lang, b)).collect(),
        })
        .collect();
    Ok(Template::render(
        "staff/personal_data",
        context! {
            s: &shell,
            rows,
            years: state.config.personal_data_retention_years,
            lead: t(lang, "privacy-staff-lead"),
        },
    ))
}

#[post("/staff/personal-data/<id>/complete", data = "<form>")]
async fn complete_request(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let result = privacy::complete(&state.db, staff.0.id, id, state.clock.now()).await;
    after_action(
        &shell,
        "/staff/personal-data".into(),
        result,
        "privacy-flash-completed",
    )
}

/// The enrollment page with its special-care notes shown, after the look is
/// logged. A POST, so that no prefetch or link preview reveals (and logs) them.
#[post("/staff/enrollments/<id>/special-care", data = "<form>")]
async fn reveal_special_care(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    csrf.check(&form.csrf_token)?;
    let notes = privacy::reveal_special_care(&state.db, staff.0.id, id, state.clock.now()).await?;
    super::staff_enrollments::render_enrollment(shell, state, id, Some(notes)).await
}
