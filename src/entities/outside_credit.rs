use sea_orm::entity::prelude::*;

/// Credit for a subject earned outside our classroom: `correspondence`
/// (通信, passed assignments) or `external_makeup` (補講 at another provider,
/// with its 受講修了確認書).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outside_credits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enrollment_id: i64,
    pub subject_no: i32,
    pub kind: String,
    pub minutes: i32,
    pub provider: Option<String>,
    pub confirmed_on: Option<Date>,
    pub note: String,
    pub recorded_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
