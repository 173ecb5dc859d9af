use sea_orm::entity::prelude::*;

/// The current mark of one enrollment at one session. Every change also
/// goes to `attendance_history`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enrollment_id: i64,
    pub session_id: i64,
    /// `present | late | left_early | absent | excused`
    pub mark: String,
    pub minutes_attended: i32,
    pub late_minutes: i32,
    pub note: String,
    pub recorded_by: i64,
    pub recorded_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
