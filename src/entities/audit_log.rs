use sea_orm::entity::prelude::*;

/// Who did what to which record. Append-only: no route updates or deletes it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    /// JSON: `{"before": …, "after": …}` or other context.
    pub detail: String,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
