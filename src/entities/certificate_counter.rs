use sea_orm::entity::prelude::*;

/// The last number handed out in a series (per fiscal year when the pattern
/// has `{fy}`). Moved only inside the issuing transaction.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_counters")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub series_id: i64,
    pub period: i32,
    pub last_seq: i32,
}

impl ActiveModelBehavior for ActiveModel {}
