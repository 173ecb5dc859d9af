use sea_orm::entity::prelude::*;

/// A remembered API answer. `status_code` is empty while the first request is still running.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scope: String,
    pub key: String,
    pub status_code: Option<i32>,
    pub response_body: Option<String>,
    pub content_type: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
