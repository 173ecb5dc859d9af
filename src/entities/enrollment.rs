use sea_orm::entity::prelude::*;

/// A person's enrollment in a course, with the application as submitted.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrollments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub course_id: i64,
    pub user_id: i64,
    pub status: String,
    /// 氏名 and フリガナ exactly as on the application.
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub price_category: String,
    pub member_number: Option<String>,
    /// The rest of the application (JSON), without special-care data.
    pub form: String,
    /// Answers to the course's own questions (JSON `[[id, answer], …]`).
    pub answers: String,
    /// 要配慮個人情報 — shown to staff only, given with separate consent.
    pub special_care_notes: Option<String>,
    pub consent_at: DateTimeUtc,
    /// Place in the waitlist queue; kept once handed out, never reused.
    pub waitlist_ticket: Option<i32>,
    pub offer_expires_at: Option<DateTimeUtc>,
    /// 本人確認: document type, date, and the staff member who checked.
    pub identity_document: Option<String>,
    pub identity_checked_on: Option<Date>,
    pub identity_checked_by: Option<i64>,
    pub status_reason: Option<String>,
    pub transferred_from: Option<i64>,
    /// The code in this person's QR for check-in at the door.
    pub check_in_code: Option<String>,
    pub checked_in_at: Option<DateTimeUtc>,
    /// What this person owes for the course (integer yen), fixed when applying.
    pub amount_due_yen: i64,
    /// An unpaid seat is released after this moment.
    pub payment_due_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "course_id", to = "id")]
    pub course: HasOne<super::course::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
