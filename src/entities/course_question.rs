use sea_orm::entity::prelude::*;

/// A course's own registration question.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course_questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub course_id: i64,
    pub position: i32,
    /// `text`, `choice` or `yes_no`.
    pub kind: String,
    pub label: String,
    /// JSON array of the options of a `choice` question.
    pub choices: String,
    pub required: bool,
}

impl ActiveModelBehavior for ActiveModel {}
