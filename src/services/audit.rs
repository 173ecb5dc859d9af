//! The audit trail: who did what to which record. Append-only.
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use crate::entities::audit_log;

pub async fn record(
    conn: &impl ConnectionTrait,
    actor_id: Option<i64>,
    action: &str,
    target: (&str, Option<i64>),
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        actor_id: Set(actor_id),
        action: Set(action.to_string()),
        target_type: Set(target.0.to_string()),
        target_id: Set(target.1),
        detail: Set(detail.to_string()),
        at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map(|_| ())
}
