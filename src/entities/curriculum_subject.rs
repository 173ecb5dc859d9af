use sea_orm::entity::prelude::*;

/// 科目 — a subject of a curriculum with its required minutes.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "curriculum_subjects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub curriculum_id: i64,
    pub no: i32,
    pub name: String,
    pub required_minutes: i32,
    /// How much of the subject may be done by correspondence (通信).
    pub max_correspondence_minutes: i32,
    pub note: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
