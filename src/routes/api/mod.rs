//! The JSON API under `/api` (see `shared/API.md`): Bearer tokens only,
//! problem+json errors, described by the OpenAPI document it serves.
pub mod accounts;
pub mod attendance;
pub mod catalog;
pub mod certificates;
pub mod enrollments;
pub mod idempotent;
pub mod notifications;
pub mod openapi;
pub mod payment_documents;
pub mod payments;
pub mod personal_data;

use rocket::Route;

pub fn routes() -> Vec<Route> {
    let mut routes = accounts::routes();
    routes.extend(catalog::routes());
    routes.extend(enrollments::routes());
    routes.extend(attendance::routes());
    routes.extend(certificates::routes());
    routes.extend(notifications::routes());
    routes.extend(payments::routes());
    routes.extend(payment_documents::routes());
    routes.extend(personal_data::routes());
    routes.extend(openapi::routes());
    routes
}
