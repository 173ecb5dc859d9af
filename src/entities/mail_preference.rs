use sea_orm::entity::prelude::*;

/// A person's choice of optional mail. No row means both are on; mail that
/// is part of a transaction (enrollment, changes, resets) cannot be turned off.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_preferences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    /// The reminder the day before each session.
    pub reminders: bool,
    /// Messages staff send to a course (お知らせ).
    pub announcements: bool,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
