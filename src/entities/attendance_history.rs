use sea_orm::entity::prelude::*;

/// One change of an attendance mark: who, when, old → new, and why.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub attendance_id: i64,
    pub old_mark: Option<String>,
    pub old_minutes: Option<i32>,
    pub new_mark: String,
    pub new_minutes: i32,
    pub reason: String,
    pub changed_by: i64,
    pub changed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
