use sea_orm::entity::prelude::*;

/// One transition of an enrollment: who, when, from → to.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrollment_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enrollment_id: i64,
    pub actor_id: Option<i64>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
