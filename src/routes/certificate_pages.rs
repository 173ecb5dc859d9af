//! Reserved for pages not built yet.
use rocket::{routes, Route};

pub fn routes() -> Vec<Route> {
    routes![]
}
