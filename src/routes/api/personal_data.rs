//! Personal data in the API (個人情報保護法): the caller's own data, their
//! deletion request, staff carrying requests out, and staff revealing one
//! enrollment's special-care notes (each look is logged).
use chrono::{DateTime, Utc};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{delete, get, post, routes, Route, State};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::accounts::Problem;
use crate::auth::{CurrentUser, StaffUser};
use crate::domain::personal_data::Blocker;
use crate::error::Error;
use crate::routes::downloads::{csv_file, CsvFile};
use crate::routes::respond::ApiError;
use crate::services::personal_data as privacy;
use crate::state::AppState;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi(
    paths(
        my_data,
        my_data_csv,
        my_deletion_request,
        request_deletion,
        withdraw_deletion,
        deletion_requests,
        complete_deletion,
        special_care
    ),
    components(schemas(
        DeletionStatus,
        BlockerView,
        DeletionBody,
        DeletionRequestView,
        SpecialCareView
    ))
)]
pub struct Doc;

pub fn routes() -> Vec<Route> {
    routes![
        my_data,
        my_data_csv,
        my_deletion_request,
        request_deletion,
        withdraw_deletion,
        deletion_requests,
        complete_deletion,
        special_care
    ]
}

/// Everything held about the caller: `account`, `enrollments` (with the
/// application, answers and special-care notes), `attendance`, `payments`,
/// `receipts`, `certificates`, `mails`, `consents`, `deletion_request`.
#[utoipa::path(get, path = "/api/v1/me/data", tag = "personal-data", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/me/data")]
async fn my_data(
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let now = state.clock.now();
    let doc = privacy::export(&state.db, user.id, now).await?;
    privacy::record_export(&state.db, user.id, "json", now).await?;
    Ok(Json(doc))
}

/// The same as one CSV table (UTF-8 with BOM): `section, item, field, value`.
#[utoipa::path(get, path = "/api/v1/me/data.csv", tag = "personal-data", security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String),
        (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/me/data.csv")]
async fn my_data_csv(user: CurrentUser, state: &State<AppState>) -> Result<CsvFile, ApiError> {
    let now = state.clock.now();
    let doc = privacy::export(&state.db, user.id, now).await?;
    privacy::record_export(&state.db, user.id, "csv", now).await?;
    Ok(csv_file(privacy::export_csv(&doc)?, "my-data.csv".into()))
}

/// Something that must be settled before the deletion can be carried out.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockerView {
    /// `course_in_progress` or `unsettled_balance`.
    pub reason: String,
    pub enrollment_id: i64,
    pub course_title: String,
    /// For `unsettled_balance`: positive = owed by the trainee, negative = to refund.
    pub balance_yen: Option<i64>,
}

impl From<&Blocker> for BlockerView {
    fn from(b: &Blocker) -> Self {
        match b {
            Blocker::CourseInProgress {
                enrollment_id,
                course_title,
            } => BlockerView {
                reason: "course_in_progress".into(),
                enrollment_id: *enrollment_id,
                course_title: course_title.clone(),
                balance_yen: None,
            },
            Blocker::UnsettledBalance {
                enrollment_id,
                course_title,
                balance_yen,
            } => BlockerView {
                reason: "unsettled_balance".into(),
                enrollment_id: *enrollment_id,
                course_title: course_title.clone(),
                balance_yen: Some(*balance_yen),
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeletionStatus {
    /// `none, requested, withdrawn, completed`
    pub status: String,
    pub requested_at: Option<DateTime<Utc>>,
    /// What must be settled first; empty when a request can go ahead.
    pub blockers: Vec<BlockerView>,
    /// Years certificates, the completers list and the ledger keep the name.
    pub retention_years: u32,
}

async fn status_of(state: &AppState, user_id: i64) -> Result<DeletionStatus, Error> {
    let request = privacy::find_request(&state.db, user_id).await?;
    let blockers = privacy::blockers(&state.db, user_id, state.clock.now()).await?;
    Ok(DeletionStatus {
        status: request
            .as_ref()
            .map_or_else(|| "none".to_string(), |r| r.status.clone()),
        requested_at: request.map(|r| r.requested_at),
        blockers: blockers.iter().map(BlockerView::from).collect(),
        retention_years: state.config.personal_data_retention_years,
    })
}

/// The caller's deletion request, and what blocks it.
#[utoipa::path(get, path = "/api/v1/me/deletion-request", tag = "personal-data", security(("bearer" = [])),
    responses((status = 200, body = DeletionStatus), (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/me/deletion-request")]
async fn my_deletion_request(
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Json<DeletionStatus>, ApiError> {
    Ok(Json(status_of(state, user.id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DeletionBody {
    /// Must be `true`: the caller has read what is deleted and what is kept.
    pub confirm: bool,
}

/// Ask for the caller's personal data to be deleted (trainees). Staff carry
/// it out; 409 while a course is in progress or money is unsettled.
#[utoipa::path(post, path = "/api/v1/me/deletion-request", tag = "personal-data", security(("bearer" = [])),
    request_body = DeletionBody,
    responses((status = 201, body = DeletionStatus),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/me/deletion-request", data = "<body>")]
async fn request_deletion(
    user: CurrentUser,
    body: Json<DeletionBody>,
    state: &State<AppState>,
) -> Result<(Status, Json<DeletionStatus>), ApiError> {
    if !body.confirm {
        return Err(Error::invalid("confirm", "privacy-err-confirm").into());
    }
    privacy::request_deletion(&state.db, user.id, state.clock.now()).await?;
    Ok((Status::Created, Json(status_of(state, user.id).await?)))
}

/// Withdraw the caller's open deletion request.
#[utoipa::path(delete, path = "/api/v1/me/deletion-request", tag = "personal-data", security(("bearer" = [])),
    responses((status = 200, body = DeletionStatus), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[delete("/v1/me/deletion-request")]
async fn withdraw_deletion(
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Json<DeletionStatus>, ApiError> {
    privacy::withdraw(&state.db, user.id, state.clock.now()).await?;
    Ok(Json(status_of(state, user.id).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeletionRequestView {
    pub id: i64,
    pub user_id: i64,
    /// `requested` or `completed`
    pub status: String,
    pub name: String,
    pub email: String,
    pub requested_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub blockers: Vec<BlockerView>,
}

/// Deletion requests, open ones first (staff).
#[utoipa::path(get, path = "/api/v1/deletion-requests", tag = "personal-data", security(("bearer" = [])),
    responses((status = 200, body = Vec<DeletionRequestView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/deletion-requests")]
async fn deletion_requests(
    _staff: StaffUser,
    state: &State<AppState>,
) -> Result<Json<Vec<DeletionRequestView>>, ApiError> {
    let rows = privacy::requests(&state.db, state.clock.now()).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| DeletionRequestView {
                id: r.id,
                user_id: r.user_id,
                status: r.status,
                name: r.name,
                email: r.email,
                requested_at: r.requested_at,
                completed_at: r.completed_at,
                blockers: r.blockers.iter().map(BlockerView::from).collect(),
            })
            .collect(),
    ))
}

/// Carry a deletion request out (staff): contact details, free text and
/// special-care notes are erased and the account is closed; certificates,
/// the completers list and the ledger keep the name for the retention period.
#[utoipa::path(post, path = "/api/v1/deletion-requests/{id}/complete", tag = "personal-data", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/deletion-requests/<id>/complete")]
async fn complete_deletion(
    staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Status, ApiError> {
    privacy::complete(&state.db, staff.0.id, id, state.clock.now()).await?;
    Ok(Status::NoContent)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpecialCareView {
    pub enrollment_id: i64,
    pub special_care_notes: Option<String>,
}

/// One enrollment's special-care notes (要配慮個人情報), staff only; every
/// call is recorded in the audit trail.
#[utoipa::path(get, path = "/api/v1/enrollments/{id}/special-care", tag = "personal-data", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = SpecialCareView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/enrollments/<id>/special-care")]
async fn special_care(
    staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<SpecialCareView>, ApiError> {
    let notes = privacy::reveal_special_care(&state.db, staff.0.id, id, state.clock.now()).await?;
    Ok(Json(SpecialCareView {
        enrollment_id: id,
        special_care_notes: notes,
    }))
}
