//! Enrollment API: apply, see, cancel, accept an offer; staff approve,
//! reject, transfer and list.
use chrono::{DateTime, NaiveDate, Utc};
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::{json_value, ApiLang, Problem};
use super::idempotent::{self, ApiReply, IdempotencyKey};
use crate::auth::{CurrentUser, StaffUser};
use crate::domain::course::EnrollmentStatus;
use crate::domain::Role;
use crate::entities::enrollment as row;
use crate::error::Error;
use crate::routes::enrollment_input::{applicant, ApplicationFields};
use crate::routes::respond::ApiError;
use crate::services::catalog;
use crate::services::enrollment::{self, Actor, Channel};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        enroll,
        my_enrollments,
        get_enrollment,
        cancel,
        accept_offer,
        approve,
        reject,
        transfer,
        course_enrollments
    ]
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentView {
    pub id: i64,
    pub course_id: i64,
    pub user_id: i64,
    /// `pending_approval, pending_payment, confirmed, waitlisted, offered, cancelled, rejected, completed, interrupted`
    pub status: String,
    /// Place in the queue (1 = next) while waitlisted.
    pub waitlist_position: Option<u64>,
    pub offer_expires_at: Option<DateTime<Utc>>,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub price_category: String,
    pub identity_document: Option<String>,
    pub identity_checked_on: Option<NaiveDate>,
    pub status_reason: Option<String>,
    /// Filled in when fees exist.
    pub refund_yen: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Staff only: whether special-care notes (要配慮個人情報) were given.
    /// The notes themselves are read one enrollment at a time at
    /// `/api/v1/enrollments/{id}/special-care`, which is logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_special_care_notes: Option<bool>,
}

async fn view(state: &AppState, e: row::Model, for_staff: bool) -> Result<EnrollmentView, Error> {
    let waitlist_position = enrollment::waitlist_rank(&state.db, &e).await?;
    Ok(EnrollmentView {
        id: e.id,
        course_id: e.course_id,
        user_id: e.user_id,
        status: e.status,
        waitlist_position,
        offer_expires_at: e.offer_expires_at,
        family_name: e.family_name,
        given_name: e.given_name,
        family_name_kana: e.family_name_kana,
        given_name_kana: e.given_name_kana,
        price_category: e.price_category,
        identity_document: e.identity_document,
        identity_checked_on: e.identity_checked_on,
        status_reason: e.status_reason,
        refund_yen: None,
        created_at: e.created_at,
        has_special_care_notes: for_staff.then_some(e.special_care_notes.is_some()),
    })
}

fn is_staff(user: &CurrentUser) -> bool {
    user.role.at_least(Role::Staff)
}

/// The application. Names default to the account's; everything else is
/// checked according to the course's kind.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct EnrollBody {
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name_kana: Option<String>,
    pub given_name_kana: Option<String>,
    pub birth_date: Option<String>,
    pub postal_code: Option<String>,
    pub prefecture: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// `general, member, partner_staff, student, high_school, free`; default `general`.
    pub price_category: Option<String>,
    pub member_number: Option<String>,
    pub support_scheme: Option<String>,
    pub qualifications: Option<String>,
    /// `wheelchair, sign_language, captioning, childcare`
    pub accessibility: Vec<String>,
    pub companions: Option<u8>,
    pub special_care_notes: Option<String>,
    pub special_care_consent: bool,
    /// Consent to the purpose of use; must be true.
    pub consent: bool,
    /// Answers to the course's own questions, by question id.
    pub answers: std::collections::BTreeMap<i64, String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollResult {
    pub id: i64,
    pub status: String,
    pub waitlist_position: Option<u64>,
}

/// Apply for a course: a seat if one is free, the waitlist if it is full.
#[utoipa::path(post, path = "/api/v1/courses/{id}/enrollments", tag = "enrollment", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = EnrollBody,
    responses((status = 201, body = EnrollResult),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/courses/<id>/enrollments", data = "<body>")]
async fn enroll(
    user: CurrentUser,
    id: i64,
    body: Json<EnrollBody>,
    key: IdempotencyKey,
    lang: ApiLang,
    state: &State<AppState>,
) -> ApiReply {
    let scope = idempotent::scope(&format!("enroll:{id}"), Some(user.id), &*body);
    idempotent::run(state, lang.0, key, scope, async {
        let now = state.clock.now();
        let course = catalog::find_public(&state.db, id).await?;
        let questions = catalog::questions(&state.db, id).await?;
        // The profile as read for this request's authentication.
        let profile = &user;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let or_profile = |v: &Option<String>, p: &str| v.clone().unwrap_or_else(|| p.to_string());
        let fields = ApplicationFields {
            family_name: or_profile(&body.family_name, &profile.family_name),
            given_name: or_profile(&body.given_name, &profile.given_name),
            family_name_kana: or_profile(&body.family_name_kana, &profile.family_name_kana),
            given_name_kana: or_profile(&body.given_name_kana, &profile.given_name_kana),
            birth_date: text(&body.birth_date),
            postal_code: text(&body.postal_code),
            prefecture: text(&body.prefecture),
            address: text(&body.address),
            phone: text(&body.phone),
            price_category: body
                .price_category
                .clone()
                .unwrap_or_else(|| "general".into()),
            member_number: text(&body.member_number),
            support_scheme: text(&body.support_scheme),
            qualifications: text(&body.qualifications),
            accessibility: body.accessibility.clone(),
            companions: body.companions.map(|c| c.to_string()).unwrap_or_default(),
            special_care_notes: text(&body.special_care_notes),
            special_care_consent: body.special_care_consent,
            consent: body.consent,
            answers: body.answers.clone(),
        };
        let applicant = applicant(user.id, &course, &questions, &fields, now)?;
        let (created, waitlist_position) =
            enrollment::enroll_batched(&state.writer, id, applicant, Channel::Online, now).await?;
        Ok((
            Status::Created,
            json_value(EnrollResult {
                id: created.id,
                status: created.status,
                waitlist_position,
            })?,
        ))
    })
    .await
}

/// The caller's enrollments, newest first.
#[utoipa::path(get, path = "/api/v1/me/enrollments", tag = "enrollment", security(("bearer" = [])),
    responses((status = 200, body = Vec<EnrollmentView>)))]
#[get("/v1/me/enrollments")]
async fn my_enrollments(
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Json<Vec<EnrollmentView>>, ApiError> {
    let mut views = vec![];
    for (e, _) in enrollment::for_user(&state.db, user.id).await? {
        views.push(view(state, e, false).await?);
    }
    Ok(Json(views))
}

/// One enrollment: its owner or staff; anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/enrollments/{id}", tag = "enrollment", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = EnrollmentView), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/enrollments/<id>")]
async fn get_enrollment(
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<EnrollmentView>, ApiError> {
    let e = enrollment::find_visible(&state.db, id, user.id, is_staff(&user)).await?;
    Ok(Json(view(state, e, is_staff(&user)).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CancelBody {
    pub reason: Option<String>,
}

/// Cancel: the owner before the deadline, staff any time.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/cancel", tag = "enrollment", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = CancelBody,
    responses((status = 200, body = EnrollmentView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/cancel", data = "<body>")]
async fn cancel(
    user: CurrentUser,
    id: i64,
    body: Option<Json<CancelBody>>,
    state: &State<AppState>,
) -> Result<Json<EnrollmentView>, ApiError> {
    let reason = body
        .and_then(|b| b.0.reason)
        .filter(|r| !r.trim().is_empty());
    if reason.as_deref().is_some_and(|r| r.chars().count() > 1000) {
        return Err(Error::invalid("reason", "err-reason-required").into());
    }
    let actor = Actor {
        id: user.id,
        is_staff: is_staff(&user),
    };
    let now = state.clock.now();
    let e = enrollment::cancel(&state.db, id, actor, reason.as_deref(), now).await?;
    // The refund by the course's policy (fees paid): recorded for staff to pay back.
    let owed = crate::services::payments::refund_preview(&state.db, id, now).await?;
    let refund =
        crate::services::payments::after_cancel(&state.db, id, Some(user.id), owed, now).await?;
    let has_fees = e.amount_due_yen > 0 || refund > 0;
    let mut v = view(state, e, actor.is_staff).await?;
    v.refund_yen = has_fees.then_some(refund);
    Ok(Json(v))
}

/// Accept a seat offered from the waitlist, before it expires.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/accept-offer", tag = "enrollment", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = EnrollmentView), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/accept-offer")]
async fn accept_offer(
    user: CurrentUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Json<EnrollmentView>, ApiError> {
    let e = enrollment::accept_offer(&state.db, id, user.id, state.clock.now()).await?;
    Ok(Json(view(state, e, false).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ApproveBody {
    /// `drivers_license, residence_certificate, residence_card, passport, health_insurance_card, my_number_card_front, other_public_document`
    pub identity_document: String,
    /// `YYYY-MM-DD`
    pub checked_on: String,
}

/// Approve a pending application, recording the identity check (staff).
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/approve", tag = "enrollment", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ApproveBody,
    responses((status = 200, body = EnrollmentView), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/approve", data = "<body>")]
async fn approve(
    staff: StaffUser,
    id: i64,
    body: Json<ApproveBody>,
    state: &State<AppState>,
) -> Result<Json<EnrollmentView>, ApiError> {
    let checked_on = crate::domain::course_draft::parse_date("checked_on", &body.checked_on)?;
    let e = enrollment::approve(
        &state.db,
        id,
        staff.0.id,
        &body.identity_document,
        checked_on,
        state.clock.now(),
    )
    .await?;
    Ok(Json(view(state, e, true).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RejectBody {
    pub reason: String,
}

/// Reject a pending application with a reason (staff).
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/reject", tag = "enrollment", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = RejectBody,
    responses((status = 200, body = EnrollmentView), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/reject", data = "<body>")]
async fn reject(
    staff: StaffUser,
    id: i64,
    body: Json<RejectBody>,
    state: &State<AppState>,
) -> Result<Json<EnrollmentView>, ApiError> {
    let e = enrollment::reject(&state.db, id, staff.0.id, &body.reason, state.clock.now()).await?;
    Ok(Json(view(state, e, true).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TransferBody {
    pub course_id: i64,
}

/// Move an enrollment to another course date (staff); history is kept on both.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/transfer", tag = "enrollment", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = TransferBody,
    responses((status = 200, body = EnrollmentView), (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/transfer", data = "<body>")]
async fn transfer(
    staff: StaffUser,
    id: i64,
    body: Json<TransferBody>,
    state: &State<AppState>,
) -> Result<Json<EnrollmentView>, ApiError> {
    let moved =
        enrollment::transfer(&state.db, id, body.course_id, staff.0.id, state.clock.now()).await?;
    Ok(Json(view(state, moved, true).await?))
}

/// A course's enrollments (staff), in 50音 order; `status` and `q` (name or フリガナ) filter.
#[utoipa::path(get, path = "/api/v1/courses/{id}/enrollments", tag = "enrollment", security(("bearer" = [])),
    params(("id" = i64, Path), ("status" = Option<String>, Query), ("q" = Option<String>, Query)),
    responses((status = 200, body = Vec<EnrollmentView>)))]
#[get("/v1/courses/<id>/enrollments?<status>&<q>")]
async fn course_enrollments(
    _staff: StaffUser,
    id: i64,
    status: Option<&str>,
    q: Option<&str>,
    state: &State<AppState>,
) -> Result<Json<Vec<EnrollmentView>>, ApiError> {
    catalog::find(&state.db, id).await?;
    let status = match status.filter(|s| !s.is_empty()) {
        Some(s) => {
            Some(EnrollmentStatus::parse(s).ok_or(Error::invalid("status", "err-status-invalid"))?)
        }
        None => None,
    };
    let mut views = vec![];
    for e in enrollment::for_course(&state.db, id, status, q).await? {
        views.push(view(state, e, true).await?);
    }
    Ok(Json(views))
}
