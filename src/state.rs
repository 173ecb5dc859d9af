//! What every request may need, built once at ignite and held as managed state.
use sea_orm::DatabaseConnection;

use crate::auth::token::TokenKeys;
use crate::clock::Clock;
use crate::config::AppConfig;

pub struct AppState {
    pub db: DatabaseConnection,
    pub config: AppConfig,
    pub tokens: TokenKeys,
    /// Shared with the background loop.
    pub clock: std::sync::Arc<Clock>,
    /// The one-time first-admin link printed at start, while no admin exists.
    pub setup_link: Option<String>,
    /// Hot writes (online enrollments, roll-call saves) share transactions
    /// and commits (group commit).
    pub writer: crate::services::group_commit::GroupCommit,
    /// Public anonymous pages, briefly kept in this instance's memory.
    pub pages: crate::routes::page_cache::PageCache,
}
