//! Notifications API: the caller's choice of optional mail. (The calendar
//! feed address is made on the account page only: it is shown once and never
//! stored, which a replayable API answer would break.)
use rocket::serde::json::Json;
use rocket::{get, put, routes, Route, State};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::accounts::Problem;
use crate::auth::CurrentUser;
use crate::routes::respond::ApiError;
use crate::services::notifications::{self, Preferences};
use crate::state::AppState;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi(
    paths(get_mail_preferences, put_mail_preferences),
    components(schemas(MailPreferences))
)]
pub struct Doc;

pub fn routes() -> Vec<Route> {
    routes![get_mail_preferences, put_mail_preferences]
}

/// Optional mail: mail about applications, changes, cancellations,
/// certificates and passwords always goes and is not listed here.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MailPreferences {
    /// The reminder the day before each session.
    pub reminders: bool,
    /// Messages from the office about the caller's courses.
    pub announcements: bool,
}

impl From<Preferences> for MailPreferences {
    fn from(p: Preferences) -> Self {
        MailPreferences {
            reminders: p.reminders,
            announcements: p.announcements,
        }
    }
}

/// The caller's choice of optional mail (both on until changed).
#[utoipa::path(get, path = "/api/v1/me/mail-preferences", tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, body = MailPreferences),
        (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/me/mail-preferences")]
async fn get_mail_preferences(
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Json<MailPreferences>, ApiError> {
    Ok(Json(
        notifications::preferences(&state.db, user.id).await?.into(),
    ))
}

/// Turns reminders and office messages on or off (idempotent).
#[utoipa::path(put, path = "/api/v1/me/mail-preferences", tag = "notifications",
    security(("bearer" = [])), request_body = MailPreferences,
    responses((status = 200, body = MailPreferences),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/v1/me/mail-preferences", data = "<body>")]
async fn put_mail_preferences(
    user: CurrentUser,
    body: Json<MailPreferences>,
    state: &State<AppState>,
) -> Result<Json<MailPreferences>, ApiError> {
    let prefs = Preferences {
        reminders: body.reminders,
        announcements: body.announcements,
    };
    notifications::set_preferences(&state.db, user.id, prefs, state.clock.now()).await?;
    Ok(Json(prefs.into()))
}
