//! kouza (講座) — course and training registration for a workers' cooperative.
//!
//! `rocket()` builds the whole service; the binary and every test use it.
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod entities;
pub mod error;
pub mod fuzzing;
pub mod i18n;
pub mod jobs;
pub mod payments;
pub mod pdf;
pub mod reports;
pub mod routes;
pub mod services;
pub mod state;
pub mod templates;
pub mod test_faults;

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::fs::FileServer;
use rocket::{Build, Rocket};

use crate::auth::token::TokenKeys;
use crate::config::AppConfig;
use crate::state::AppState;

/// The service configured from `Rocket.toml` and the environment.
pub fn rocket() -> Rocket<Build> {
    rocket_from(AppConfig::figment())
}

/// The service configured from the given figment (tests pass their own).
pub fn rocket_from(figment: Figment) -> Rocket<Build> {
    // Stripe, SMTP and PostgreSQL all speak TLS through rustls. When more than
    // one crypto back-end is compiled in (a dependency may enable aws-lc-rs
    // besides ring), rustls refuses to guess and panics on first use, so the
    // process picks one here. An error means one is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let static_dir = figment
        .extract_inner::<std::path::PathBuf>("static_dir")
        .unwrap_or_else(|_| AppConfig::default().static_dir);
    rocket::custom(figment)
        .attach(AdHoc::try_on_ignite("database and state", prepare))
        .attach(services::payment_mails::fairing())
        .attach(templates::fairing())
        .attach(jobs::fairing())
        .attach(routes::request_id::RequestLog)
        .attach(routes::security::SecurityHeaders::default())
        .attach(routes::page_cache::InvalidateOnWrite)
        .mount("/", routes::page_routes())
        .mount("/api", routes::api::routes())
        .mount("/static", FileServer::from(static_dir))
        .register("/", routes::respond::page_catchers())
        .register("/api", routes::respond::api_catchers())
}

/// Ignite: read the configuration, open and migrate the database, load the
/// reference data. Any failure aborts launch with the reason in the log.
async fn prepare(rocket: Rocket<Build>) -> Result<Rocket<Build>, Rocket<Build>> {
    match build_state(rocket.figment()).await {
        Ok(state) => Ok(rocket.manage(state)),
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("kouza cannot start: {message}");
            Err(rocket)
        }
    }
}

pub async fn build_state(figment: &Figment) -> Result<AppState, String> {
    let config = AppConfig::from_figment(figment).map_err(|e| e.to_string())?;
    let secret = config
        .resolve_jwt_secret(!cfg!(debug_assertions))
        .map_err(|e| e.to_string())?;
    let db = db::connect(&config)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    db::migrate_and_load_reference(&db)
        .await
        .map_err(|e| format!("database migration or reference data failed: {e}"))?;
    let tokens = TokenKeys::new(
        &secret,
        &config.jwt_issuer,
        &config.jwt_audience,
        config.token_ttl_minutes,
    );
    let clock = std::sync::Arc::new(clock::Clock::default());
    let setup_link =
        services::setup::issue_token_if_needed(&db, config.setup_token_ttl_hours, clock.now())
            .await
            .map_err(|e| format!("cannot prepare first-admin setup: {e}"))?
            .map(|token| format!("{}/setup/{token}", config.public_base_url));
    if let Some(link) = &setup_link {
        tracing::warn!(
            "no administrator yet: open {link} within {} hours to create one (or run `kouza admin create`)",
            config.setup_token_ttl_hours
        );
    }
    let writer = services::group_commit::GroupCommit::start(db.clone(), config.group_commit_max);
    let pages = routes::page_cache::PageCache::new(std::time::Duration::from_millis(
        config.catalog_cache_ttl_ms,
    ));
    Ok(AppState {
        writer,
        pages,
        db,
        config,
        tokens,
        clock,
        setup_link,
    })
}
