use sea_orm::entity::prelude::*;

/// 修了評価 — one attempt; retakes are further attempts, the latest counts.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enrollment_id: i64,
    pub attempt: i32,
    pub score: i32,
    pub pass_mark: i32,
    pub taken_on: Date,
    pub recorded_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
