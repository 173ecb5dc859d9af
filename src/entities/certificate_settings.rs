use sea_orm::entity::prelude::*;

/// What the provider prints on every certificate (one row).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub provider_name: String,
    pub provider_address: String,
    /// e.g. `代表理事 山田 太郎`
    pub provider_representative: String,
    /// `wareki` (default) or `seireki`.
    pub date_style: String,
    pub show_furigana: bool,
    /// Hours attended on community-course certificates.
    pub show_hours: bool,
    /// The completion statement per course kind; `{course}` is replaced.
    pub statement_helper: String,
    pub statement_community: String,
    pub statement_symposium: String,
    pub updated_by: Option<i64>,
    pub updated_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
