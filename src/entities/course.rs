use sea_orm::entity::prelude::*;

/// 講座 — kind is `helper | community | symposium`.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "courses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    #[sea_orm(unique)]
    pub code: String,
    pub title: String,
    pub description: String,
    pub site_id: i64,
    pub curriculum_id: Option<i64>,
    /// 指定番号 — the prefecture designation number of a helper course.
    pub designation_number: Option<String>,
    pub capacity: i32,
    pub starts_on: Date,
    pub ends_on: Date,
    pub status: String,
    /// Enrollment opens at publication when empty.
    pub enrollment_opens_at: Option<DateTimeUtc>,
    /// Enrollment closes at the start of the first day when empty.
    pub enrollment_closes_at: Option<DateTimeUtc>,
    pub waitlist_enabled: bool,
    pub offer_hold_hours: i32,
    /// Trainees may cancel themselves until this many days before the start.
    pub cancellation_deadline_days: i32,
    pub requires_approval: bool,
    /// コミュニティ講座: share of sessions to attend for completion.
    pub attendance_threshold_percent: i32,
    pub what_to_bring: String,
    pub cancellation_policy: String,
    /// Seats held by pending, confirmed and offered enrollments.
    pub seats_taken: i32,
    /// The last waitlist ticket handed out.
    pub waitlist_seq: i32,
    /// How lateness counts toward required hours (JSON of `domain::completion::LatenessRule`).
    pub lateness_rule: String,
    /// Share of subjects that may be made up before a trainee is interrupted (中断).
    pub makeup_cap_percent: i32,
    /// Date by which a trainee must have completed (補講 included).
    pub completion_deadline: Option<Date>,
    /// 修了評価 required for completion, and its pass mark.
    pub assessment_required: bool,
    pub assessment_pass_mark: i32,
    /// Trainees may mark themselves present with a live session code.
    pub self_check_in: bool,
    /// Days an unpaid seat is held after it is taken (then it goes to the waitlist).
    pub payment_deadline_days: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "site_id", to = "id")]
    pub site: HasOne<super::site::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
