use sea_orm::entity::prelude::*;

/// What the last change notice of a session told its attendees, so an edit
/// that changes nothing they care about (a title, an instructor) sends no mail.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session_notices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: i64,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub room: String,
    pub cancelled: bool,
    pub notified_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
