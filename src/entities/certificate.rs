use sea_orm::entity::prelude::*;

/// 修了証明書 — one issued document. Never deleted: a 再交付 points back
/// with `reissue_of` (and the old one forward with `superseded_by`), a
/// revocation fills `revoked_*`. Everything printed on the document is a
/// snapshot taken at issue, so a reprint is the same document.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub series_id: i64,
    /// The fiscal year the number belongs to (0 when the series does not restart).
    pub period: i32,
    pub seq: i32,
    #[sea_orm(unique)]
    pub number: String,
    pub enrollment_id: i64,
    /// The enrollment while this is its current certificate (unique).
    #[sea_orm(unique)]
    pub live_enrollment_id: Option<i64>,
    pub course_id: i64,
    pub user_id: i64,
    /// 氏名 and フリガナ exactly as registered.
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: Option<Date>,
    pub course_title: String,
    pub course_kind: String,
    /// 指定番号 of a helper course.
    pub designation_number: Option<String>,
    pub completed_on: Date,
    /// Minutes attended (community courses).
    pub attended_minutes: Option<i32>,
    pub statement: String,
    pub provider_name: String,
    pub provider_address: String,
    pub provider_representative: String,
    /// `wareki` or `seireki`.
    pub date_style: String,
    pub show_furigana: bool,
    pub show_hours: bool,
    pub issued_on: Date,
    pub issued_at: DateTimeUtc,
    pub issued_by: i64,
    /// 再交付: the certificate this one replaces.
    pub reissue_of: Option<i64>,
    pub reissue_reason: Option<String>,
    /// The first certificate of the chain, as printed on a 再交付.
    pub original_number: Option<String>,
    pub original_issued_on: Option<Date>,
    pub superseded_by: Option<i64>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<i64>,
    pub revocation_reason: Option<String>,
    /// The public code on the document (`/verify/<code>`), without hyphens.
    #[sea_orm(unique)]
    pub verification_code: String,
    pub signing_kid: String,
    /// The signed token (JWT, EdDSA) in the QR code.
    pub signed_token: String,
}

impl ActiveModelBehavior for ActiveModel {}
