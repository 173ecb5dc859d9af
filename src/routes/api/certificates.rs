//! Reserved for API endpoints not built yet.
use rocket::{routes, Route};
use utoipa::OpenApi;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi()]
pub struct Doc;

pub fn routes() -> Vec<Route> {
    routes![]
}
