//! Receipt PDFs and staff's check of a member number (組合員番号), in the API.
use chrono::{DateTime, Utc};
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::accounts::Problem;
use crate::auth::{CurrentUser, StaffUser};
use crate::domain::Role;
use crate::routes::certificate_pages::{pdf_file, PdfFile};
use crate::routes::payment_documents::issuer;
use crate::routes::respond::ApiError;
use crate::services::{member_numbers, receipts};
use crate::state::AppState;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi(
    paths(receipt_pdf, verify_member_number),
    components(schemas(MemberVerificationView))
)]
pub struct Doc;

pub fn routes() -> Vec<Route> {
    routes![receipt_pdf, verify_member_number]
}

/// A receipt as an A4 PDF (owner or staff); prints after the first are marked 再発行.
#[utoipa::path(get, path = "/api/v1/receipts/{id}/pdf", tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/receipts/<id>/pdf")]
async fn receipt_pdf(
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<PdfFile, ApiError> {
    let (r, body) = receipts::print_pdf(
        &state.db,
        id,
        user.id,
        user.role.at_least(Role::Staff),
        &issuer(&state.config),
        state.clock.now(),
    )
    .await?;
    Ok(pdf_file(body, format!("receipt-{:06}.pdf", r.number)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberVerificationView {
    pub enrollment_id: i64,
    pub member_number: String,
    pub verified_by: i64,
    pub verified_at: DateTime<Utc>,
}

/// Staff mark the member number of an enrollment at the member price as verified.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/member-number/verify", tag = "payments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = MemberVerificationView),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/member-number/verify")]
async fn verify_member_number(
    staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<MemberVerificationView>, ApiError> {
    let done = member_numbers::verify(&state.db, id, staff.0.id, state.clock.now()).await?;
    Ok(Json(MemberVerificationView {
        enrollment_id: done.enrollment_id,
        member_number: done.member_number,
        verified_by: done.verified_by,
        verified_at: done.verified_at,
    }))
}
