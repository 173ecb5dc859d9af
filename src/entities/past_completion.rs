use sea_orm::entity::prelude::*;

/// 過去の修了者 — a certificate issued before this system, imported from a
/// spreadsheet. Kept as printed then.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "past_completions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub certificate_number: String,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: Option<Date>,
    pub course_title: String,
    pub designation_number: Option<String>,
    pub completed_on: Date,
    pub user_id: Option<i64>,
    pub imported_by: i64,
    pub imported_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
