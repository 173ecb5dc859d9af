//! 再交付 of a completion imported from before this system. `certificates`
//! needs an enrollment, a course and a user (NOT NULL, with foreign keys),
//! and SQLite cannot relax a column without rebuilding the table, so the
//! reissues of past completions get their own table with the same printed
//! snapshot, numbering and verification columns. One current document per
//! past completion is a unique column, as `live_enrollment_id` is there.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PastCompletions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CertificateSeries {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PastCertificates {
    Table,
    Id,
    PastCompletionId,
    /// The past completion while this is its current document (unique).
    LivePastCompletionId,
    SeriesId,
    Period,
    Seq,
    Number,
    UserId,
    FamilyName,
    GivenName,
    FamilyNameKana,
    GivenNameKana,
    BirthDate,
    CourseTitle,
    CourseKind,
    DesignationNumber,
    CompletedOn,
    Statement,
    ProviderName,
    ProviderAddress,
    ProviderRepresentative,
    DateStyle,
    ShowFurigana,
    ShowHours,
    IssuedOn,
    IssuedAt,
    IssuedBy,
    ReissueOf,
    ReissueReason,
    /// The number printed on the paper certificate that was imported.
    OriginalNumber,
    SupersededBy,
    RevokedAt,
    RevokedBy,
    RevocationReason,
    VerificationCode,
    SigningKid,
    SignedToken,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PastCertificates as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(big_pk_auto(P::Id))
                    .col(big_integer(P::PastCompletionId))
                    .col(big_integer_null(P::LivePastCompletionId).unique_key())
                    .col(big_integer(P::SeriesId))
                    .col(integer(P::Period))
                    .col(integer(P::Seq))
                    .col(string_uniq(P::Number))
                    .col(big_integer_null(P::UserId))
                    .col(string(P::FamilyName))
                    .col(string(P::GivenName))
                    .col(string(P::FamilyNameKana))
                    .col(string(P::GivenNameKana))
                    .col(date_null(P::BirthDate))
                    .col(text(P::CourseTitle))
                    .col(string(P::CourseKind))
                    .col(text_null(P::DesignationNumber))
                    .col(date(P::CompletedOn))
                    .col(text(P::Statement))
                    .col(text(P::ProviderName))
                    .col(text(P::ProviderAddress))
                    .col(text(P::ProviderRepresentative))
                    .col(string(P::DateStyle))
                    .col(boolean(P::ShowFurigana))
                    .col(boolean(P::ShowHours))
                    .col(date(P::IssuedOn))
                    .col(timestamp_with_time_zone(P::IssuedAt))
                    .col(big_integer(P::IssuedBy))
                    .col(big_integer_null(P::ReissueOf))
                    .col(text(P::ReissueReason))
                    .col(string(P::OriginalNumber))
                    .col(big_integer_null(P::SupersededBy))
                    .col(timestamp_with_time_zone_null(P::RevokedAt))
                    .col(big_integer_null(P::RevokedBy))
                    .col(text_null(P::RevocationReason))
                    .col(string_uniq(P::VerificationCode))
                    .col(string(P::SigningKid))
                    .col(text(P::SignedToken))
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::PastCompletionId)
                            .to(PastCompletions::Table, PastCompletions::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::SeriesId)
                            .to(CertificateSeries::Table, CertificateSeries::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::IssuedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The holder's My page lists by user.
        manager
            .create_index(
                Index::create()
                    .name("idx_past_certificates_user")
                    .table(P::Table)
                    .col(P::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_past_certificates_past_completion")
                    .table(P::Table)
                    .col(P::PastCompletionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PastCertificates::Table).to_owned())
            .await
    }
}
