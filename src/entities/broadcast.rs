use sea_orm::entity::prelude::*;

/// A message staff sent to a course (お知らせ), kept as sent. The nonce
/// comes from the preview, so sending the same preview twice queues once.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "broadcasts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub course_id: i64,
    #[sea_orm(unique)]
    pub nonce: String,
    /// `all | waitlisted | checked_in`
    pub audience: String,
    pub subject: String,
    pub body: String,
    /// Mails queued.
    pub recipients: i32,
    /// People left out because they turned announcements off.
    pub opted_out: i32,
    pub sent_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
