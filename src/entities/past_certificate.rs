use sea_orm::entity::prelude::*;

/// 再交付 of a past completion (過去の修了者): a document issued by this
/// system for a certificate that was issued before it. The same printed
/// snapshot, numbering and verification as `certificate`, without the
/// enrollment and course a past completion never had. It prints and verifies
/// through a `certificate::Model` built in memory (`services::past_certificates`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "past_certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub past_completion_id: i64,
    /// The past completion while this is its current document (unique).
    #[sea_orm(unique)]
    pub live_past_completion_id: Option<i64>,
    pub series_id: i64,
    pub period: i32,
    pub seq: i32,
    #[sea_orm(unique)]
    pub number: String,
    /// The holder's account, when the import knew it.
    pub user_id: Option<i64>,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: Option<Date>,
    pub course_title: String,
    pub course_kind: String,
    pub designation_number: Option<String>,
    pub completed_on: Date,
    pub statement: String,
    pub provider_name: String,
    pub provider_address: String,
    pub provider_representative: String,
    pub date_style: String,
    pub show_furigana: bool,
    pub show_hours: bool,
    pub issued_on: Date,
    pub issued_at: DateTimeUtc,
    pub issued_by: i64,
    /// The document of this table this one replaces (none for the first).
    pub reissue_of: Option<i64>,
    pub reissue_reason: String,
    /// The number of the paper certificate that was imported.
    pub original_number: String,
    pub superseded_by: Option<i64>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<i64>,
    pub revocation_reason: Option<String>,
    #[sea_orm(unique)]
    pub verification_code: String,
    pub signing_kid: String,
    pub signed_token: String,
}

impl ActiveModelBehavior for ActiveModel {}
