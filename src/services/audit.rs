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
    entry(actor_id, action, target, detail, now)
        .insert(conn)
        .await
        .map(|_| ())
}

/// An entry as `record` writes it, for a caller that writes several at once.
pub fn entry(
    actor_id: Option<i64>,
    action: &str,
    target: (&str, Option<i64>),
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        actor_id: Set(actor_id),
        action: Set(action.to_string()),
        target_type: Set(target.0.to_string()),
        target_id: Set(target.1),
        detail: Set(detail.to_string()),
        at: Set(now),
        ..Default::default()
    }
}

/// What staff search the trail by; empty fields do not filter.
#[derive(Debug, Default, Clone)]
pub struct Search {
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub until: Option<DateTime<Utc>>,
}

fn filtered(search: &Search) -> sea_orm::Select<audit_log::Entity> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut q = audit_log::Entity::find();
    if let Some(action) = &search.action {
        q = q.filter(audit_log::Column::Action.eq(action.as_str()));
    }
    if let Some(target_type) = &search.target_type {
        q = q.filter(audit_log::Column::TargetType.eq(target_type.as_str()));
    }
    if let Some(id) = search.target_id {
        q = q.filter(audit_log::Column::TargetId.eq(id));
    }
    if let Some(id) = search.actor_id {
        q = q.filter(audit_log::Column::ActorId.eq(id));
    }
    if let Some(from) = search.from {
        q = q.filter(audit_log::Column::At.gte(from));
    }
    if let Some(until) = search.until {
        q = q.filter(audit_log::Column::At.lt(until));
    }
    q
}

/// One page of matching entries, newest first, and how many match in all.
pub async fn search(
    conn: &impl ConnectionTrait,
    search: &Search,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    use sea_orm::{PaginatorTrait, QueryOrder};
    let total = filtered(search).count(conn).await?;
    let rows = filtered(search)
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .paginate(conn, per_page)
        .fetch_page(page.saturating_sub(1))
        .await?;
    Ok((rows, total))
}

/// The actions recorded so far, for the search form's choices.
pub async fn actions(conn: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Action)
        .distinct()
        .order_by_asc(audit_log::Column::Action)
        .into_tuple()
        .all(conn)
        .await
}

/// Personal data leaving the system as a file (lists, sheets, reports) is
/// recorded like any other staff action: who took which report of what.
pub async fn personal_data_export(
    conn: &impl ConnectionTrait,
    staff_id: i64,
    report: &str,
    course_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    record(
        conn,
        Some(staff_id),
        "personal_data_export",
        ("course", course_id),
        serde_json::json!({ "report": report }),
        now,
    )
    .await
}
