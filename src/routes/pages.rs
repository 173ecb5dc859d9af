//! The home page and the health endpoints.
use rocket::http::Status;
use rocket::{get, routes, Route, State};
use rocket_dyn_templates::{context, Template};
use sea_orm::ConnectionTrait;

use super::shell::Shell;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![home, healthz, readyz]
}

#[get("/")]
fn home(shell: Shell) -> Template {
    Template::render("home/index", context! { s: &shell })
}

/// The process is up.
#[get("/healthz")]
fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers.
#[get("/readyz")]
async fn readyz(state: &State<AppState>) -> (Status, &'static str) {
    match state.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (Status::Ok, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (Status::ServiceUnavailable, "database unavailable")
        }
    }
}
