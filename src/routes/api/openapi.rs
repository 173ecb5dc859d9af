//! The OpenAPI document, generated from the handlers' annotations so it
//! cannot drift from the code (a test also compares it with the mounted routes).
use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{accounts, attendance, catalog, enrollments};

#[derive(OpenApi)]
#[openapi(
    info(title = "kouza API", version = "1", description = "講座 — course and training registration"),
    paths(
        accounts::signup, accounts::token, accounts::me, accounts::update_user,
        catalog::list_courses, catalog::get_course, catalog::create_course, catalog::publish_course,
        catalog::close_course, catalog::cancel_course, catalog::set_capacity, catalog::add_session,
        catalog::list_sites, catalog::create_site,
        enrollments::enroll, enrollments::my_enrollments, enrollments::get_enrollment,
        enrollments::cancel, enrollments::accept_offer, enrollments::approve, enrollments::reject,
        enrollments::transfer, enrollments::course_enrollments,
        attendance::roster, attendance::save_attendance, attendance::progress, attendance::door_check_in,
        attendance::session_code, attendance::self_check_in, attendance::record_assessment,
        attendance::record_outside_credit, attendance::offer_makeup
    ),
    components(schemas(
        accounts::SignupBody, accounts::UserView, accounts::TokenRequest,
        accounts::TokenResponse, accounts::UserPatch, accounts::Problem, accounts::FieldProblem,
        catalog::SiteView, catalog::CourseItem, catalog::CourseView, catalog::SessionView, catalog::FeeView,
        catalog::SubjectView, catalog::NewCourseBody, catalog::CancelCourseBody, catalog::CapacityBody,
        catalog::NewSessionBody, catalog::NewSiteBody,
        enrollments::EnrollmentView, enrollments::EnrollBody, enrollments::EnrollResult,
        enrollments::CancelBody, enrollments::ApproveBody, enrollments::RejectBody, enrollments::TransferBody,
        attendance::RosterEntry, attendance::RosterView, attendance::MarkBody, attendance::AttendanceBody,
        attendance::SaveResult, attendance::SubjectProgressView, attendance::ProgressView,
        attendance::DoorCheckInBody, attendance::DoorCheckInResult, attendance::SessionCode,
        attendance::SelfCheckInBody, attendance::SelfCheckInResult, attendance::AssessmentBody,
        attendance::AssessmentView, attendance::OutsideCreditBody, attendance::OutsideCreditView,
        attendance::MakeupOfferBody, attendance::MakeupOfferResult
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![openapi_json]
}

/// The whole document: the core plus each feature module's own part.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(super::certificates::Doc::openapi());
    doc.merge(super::notifications::Doc::openapi());
    doc.merge(super::payments::Doc::openapi());
    doc.merge(super::payment_documents::Doc::openapi());
    doc.merge(super::personal_data::Doc::openapi());
    doc
}

#[get("/openapi.json")]
fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}
