use sea_orm::entity::prelude::*;

/// 回/コマ — one scheduled block of a course.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub course_id: i64,
    /// The subject taught (helper courses).
    pub subject_no: Option<i32>,
    /// A session's own title (symposium programme items, community course themes).
    pub title: Option<String>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub room: String,
    pub instructor_id: Option<i64>,
    /// 補講 — the session whose subject this one makes up for.
    pub makeup_for: Option<i64>,
    pub cancelled_at: Option<DateTimeUtc>,
    /// 演習 — lateness grace never applies to practice blocks.
    pub practice: bool,
    /// Key of the rotating self check-in code shown by the instructor.
    pub checkin_secret: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "course_id", to = "id")]
    pub course: HasOne<super::course::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
