use sea_orm::entity::prelude::*;

/// A reference curriculum (e.g. 介護職員初任者研修 130 h), loaded from the seed file.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "curricula")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub key: String,
    pub name: String,
    pub name_en: String,
    pub total_minutes: i32,
    pub assessment: Option<String>,
    pub notes: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
