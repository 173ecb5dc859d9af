use sea_orm::entity::prelude::*;

/// The reminder for one enrollment and one session was queued (unique per
/// pair, so it goes once whatever the number of instances).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_reminders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enrollment_id: i64,
    pub session_id: i64,
    pub sent_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
