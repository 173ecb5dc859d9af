use sea_orm::entity::prelude::*;

/// A failed login, keyed by account (`acct:<email>`) or address (`ip:<addr>`).
/// Kept in the database so that every instance sees the same counts.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub key: String,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
