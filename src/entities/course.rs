use sea_orm::entity::prelude::*;

/// 講座 — kind is `helper | community | symposium`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "courses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    #[sea_orm(unique)]
    pub code: String,
    pub title: String,
    pub description: String,
    pub site_id: i64,
    pub curriculum_id: Option<i64>,
    /// 指定番号 — the prefecture designation number of a helper course.
    pub designation_number: Option<String>,
    pub capacity: i32,
    pub starts_on: Date,
    pub ends_on: Date,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
