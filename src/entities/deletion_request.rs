use sea_orm::entity::prelude::*;

/// A trainee's request to delete their personal data (個人情報の削除請求),
/// carried out by staff. One row per person.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deletion_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub user_id: i64,
    /// `requested | withdrawn | completed`
    pub status: String,
    pub requested_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    pub completed_by: Option<i64>,
    /// When the names kept for the retention period were masked too.
    pub retained_masked_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
