//! Completion certificates (修了証明書): the provider's settings, numbering
//! series with their counters, the signing keys of the offline-verifiable
//! token, and the certificates themselves (never deleted: a reissue or a
//! revocation is recorded on the rows).
//!
//! Signing keys live in the database so that every instance signs with and
//! publishes the same keys. The private half is sealed (ChaCha20-Poly1305)
//! with a key derived from the service's `jwt_secret`; a database dump alone
//! cannot sign certificates. See `services::certificates::signing`.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Courses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CertificateSettings {
    Table,
    Id,
    ProviderName,
    ProviderAddress,
    ProviderRepresentative,
    DateStyle,
    ShowFurigana,
    ShowHours,
    StatementHelper,
    StatementCommunity,
    StatementSymposium,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CertificateSeries {
    Table,
    Id,
    Key,
    Label,
    Pattern,
    CourseKind,
    CurriculumKey,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CertificateCounters {
    Table,
    Id,
    SeriesId,
    Period,
    LastSeq,
}

#[derive(DeriveIden)]
enum CertificateSigningKeys {
    Table,
    Id,
    Kid,
    Alg,
    PublicKey,
    SealedPrivateKey,
    CreatedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Id,
    SeriesId,
    Period,
    Seq,
    Number,
    EnrollmentId,
    LiveEnrollmentId,
    CourseId,
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
    AttendedMinutes,
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
    OriginalNumber,
    OriginalIssuedOn,
    SupersededBy,
    RevokedAt,
    RevokedBy,
    RevocationReason,
    VerificationCode,
    SigningKid,
    SignedToken,
}

const HELPER_STATEMENT: &str = "上記の者は、{course}を修了したことを証明する。";
const COMMUNITY_STATEMENT: &str = "上記の者は、{course}を修了したことを証明します。";
const SYMPOSIUM_STATEMENT: &str = "上記の者は、{course}に参加したことを証明します。";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CertificateSettings::Table)
                    .col(big_pk_auto(CertificateSettings::Id))
                    .col(text(CertificateSettings::ProviderName).default(""))
                    .col(text(CertificateSettings::ProviderAddress).default(""))
                    .col(text(CertificateSettings::ProviderRepresentative).default(""))
                    .col(string(CertificateSettings::DateStyle).default("wareki"))
                    .col(boolean(CertificateSettings::ShowFurigana).default(true))
                    .col(boolean(CertificateSettings::ShowHours).default(true))
                    .col(text(CertificateSettings::StatementHelper))
                    .col(text(CertificateSettings::StatementCommunity))
                    .col(text(CertificateSettings::StatementSymposium))
                    .col(big_integer_null(CertificateSettings::UpdatedBy))
                    .col(timestamp_with_time_zone_null(
                        CertificateSettings::UpdatedAt,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(CertificateSettings::Table)
                    .columns([
                        CertificateSettings::StatementHelper,
                        CertificateSettings::StatementCommunity,
                        CertificateSettings::StatementSymposium,
                    ])
                    .values_panic([
                        HELPER_STATEMENT.into(),
                        COMMUNITY_STATEMENT.into(),
                        SYMPOSIUM_STATEMENT.into(),
                    ])
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CertificateSeries::Table)
                    .col(big_pk_auto(CertificateSeries::Id))
                    .col(string_uniq(CertificateSeries::Key))
                    .col(string(CertificateSeries::Label))
                    .col(string(CertificateSeries::Pattern))
                    .col(string_null(CertificateSeries::CourseKind))
                    .col(string_null(CertificateSeries::CurriculumKey))
                    .col(timestamp_with_time_zone(CertificateSeries::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // Defaults: the 初任者研修 by fiscal year, other helper courses on
        // one running 第…号 sequence, community courses and symposia by
        // fiscal year. Staff change patterns in the settings page.
        let mut seed = Query::insert();
        seed.into_table(CertificateSeries::Table).columns([
            CertificateSeries::Key,
            CertificateSeries::Label,
            CertificateSeries::Pattern,
            CertificateSeries::CourseKind,
            CertificateSeries::CurriculumKey,
            CertificateSeries::CreatedAt,
        ]);
        let epoch = Expr::cust("CURRENT_TIMESTAMP");
        for (key, label, pattern, kind, curriculum) in [
            (
                "shoninsha",
                "介護職員初任者研修",
                "初任者-{fy}-{seq:04}",
                None,
                Some("shoninsha"),
            ),
            (
                "helper",
                "ヘルパー講座",
                "第{seq:04}号",
                Some("helper"),
                None,
            ),
            (
                "community",
                "コミュニティ講座",
                "コ-{fy}-{seq:04}",
                Some("community"),
                None,
            ),
            (
                "symposium",
                "シンポジウム",
                "シ-{fy}-{seq:04}",
                Some("symposium"),
                None,
            ),
        ] {
            seed.values_panic([
                key.into(),
                label.into(),
                pattern.into(),
                kind.map(String::from).into(),
                curriculum.map(String::from).into(),
                epoch.clone(),
            ]);
        }
        manager.exec_stmt(seed.to_owned()).await?;

        manager
            .create_table(
                Table::create()
                    .table(CertificateCounters::Table)
                    .col(big_pk_auto(CertificateCounters::Id))
                    .col(big_integer(CertificateCounters::SeriesId))
                    .col(integer(CertificateCounters::Period))
                    .col(integer(CertificateCounters::LastSeq).default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CertificateCounters::Table, CertificateCounters::SeriesId)
                            .to(CertificateSeries::Table, CertificateSeries::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_certificate_counters_series_period")
                    .table(CertificateCounters::Table)
                    .col(CertificateCounters::SeriesId)
                    .col(CertificateCounters::Period)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CertificateSigningKeys::Table)
                    .col(big_pk_auto(CertificateSigningKeys::Id))
                    .col(string_uniq(CertificateSigningKeys::Kid))
                    .col(string(CertificateSigningKeys::Alg))
                    .col(string(CertificateSigningKeys::PublicKey))
                    .col(text(CertificateSigningKeys::SealedPrivateKey))
                    .col(timestamp_with_time_zone(CertificateSigningKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        CertificateSigningKeys::RetiredAt,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Certificates::Table)
                    .col(big_pk_auto(Certificates::Id))
                    .col(big_integer(Certificates::SeriesId))
                    .col(integer(Certificates::Period))
                    .col(integer(Certificates::Seq))
                    .col(string_uniq(Certificates::Number))
                    .col(big_integer(Certificates::EnrollmentId))
                    // The enrollment while this is its current certificate;
                    // NULL once reissued or revoked. Unique: one live
                    // certificate per enrollment, decided by the database.
                    .col(big_integer_null(Certificates::LiveEnrollmentId).unique_key())
                    .col(big_integer(Certificates::CourseId))
                    .col(big_integer(Certificates::UserId))
                    .col(string(Certificates::FamilyName))
                    .col(string(Certificates::GivenName))
                    .col(string(Certificates::FamilyNameKana))
                    .col(string(Certificates::GivenNameKana))
                    .col(date_null(Certificates::BirthDate))
                    .col(string(Certificates::CourseTitle))
                    .col(string(Certificates::CourseKind))
                    .col(string_null(Certificates::DesignationNumber))
                    .col(date(Certificates::CompletedOn))
                    .col(integer_null(Certificates::AttendedMinutes))
                    .col(text(Certificates::Statement))
                    .col(text(Certificates::ProviderName))
                    .col(text(Certificates::ProviderAddress))
                    .col(text(Certificates::ProviderRepresentative))
                    .col(string(Certificates::DateStyle))
                    .col(boolean(Certificates::ShowFurigana))
                    .col(boolean(Certificates::ShowHours))
                    .col(date(Certificates::IssuedOn))
                    .col(timestamp_with_time_zone(Certificates::IssuedAt))
                    .col(big_integer(Certificates::IssuedBy))
                    .col(big_integer_null(Certificates::ReissueOf))
                    .col(text_null(Certificates::ReissueReason))
                    .col(string_null(Certificates::OriginalNumber))
                    .col(date_null(Certificates::OriginalIssuedOn))
                    .col(big_integer_null(Certificates::SupersededBy))
                    .col(timestamp_with_time_zone_null(Certificates::RevokedAt))
                    .col(big_integer_null(Certificates::RevokedBy))
                    .col(text_null(Certificates::RevocationReason))
                    .col(string_uniq(Certificates::VerificationCode))
                    .col(string(Certificates::SigningKid))
                    .col(text(Certificates::SignedToken))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::SeriesId)
                            .to(CertificateSeries::Table, CertificateSeries::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::CourseId)
                            .to(Courses::Table, Courses::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::IssuedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::RevokedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::ReissueOf)
                            .to(Certificates::Table, Certificates::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_certificates_series_period_seq")
                    .table(Certificates::Table)
                    .col(Certificates::SeriesId)
                    .col(Certificates::Period)
                    .col(Certificates::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_certificates_enrollment", Certificates::EnrollmentId),
            ("idx_certificates_course", Certificates::CourseId),
            ("idx_certificates_user", Certificates::UserId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Certificates::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Certificates::Table.into_iden(),
            CertificateSigningKeys::Table.into_iden(),
            CertificateCounters::Table.into_iden(),
            CertificateSeries::Table.into_iden(),
            CertificateSettings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
