use sea_orm::entity::prelude::*;

/// A course's own copy of a curriculum subject, adjustable per course
/// (e.g. a prefecture's extra subject or a lower correspondence limit).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "course_subjects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub course_id: i64,
    pub no: i32,
    pub name: String,
    pub required_minutes: i32,
    pub max_correspondence_minutes: i32,
}

impl ActiveModelBehavior for ActiveModel {}
