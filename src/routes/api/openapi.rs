//! The OpenAPI document, generated from the handlers' annotations so it
//! cannot drift from the code (a test also compares it with the mounted routes).
use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::accounts;

#[derive(OpenApi)]
#[openapi(
    info(title = "kouza API", version = "1", description = "講座 — course and training registration"),
    paths(accounts::signup, accounts::token, accounts::me, accounts::update_user),
    components(schemas(
        accounts::SignupBody, accounts::UserView, accounts::TokenRequest,
        accounts::TokenResponse, accounts::UserPatch, accounts::Problem, accounts::FieldProblem
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

#[get("/openapi.json")]
fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
