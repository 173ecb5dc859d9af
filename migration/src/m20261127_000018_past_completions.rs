//! 過去の修了者: certificates issued before this system, imported from a
//! spreadsheet so that staff can find them and reissue (再交付) them. The
//! number is unique, so importing the same file twice records nothing twice.
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
    /// The number printed on the old certificate.
    CertificateNumber,
    FamilyName,
    GivenName,
    FamilyNameKana,
    GivenNameKana,
    BirthDate,
    CourseTitle,
    DesignationNumber,
    CompletedOn,
    /// The account of the holder, when the file gave an e-mail we know.
    UserId,
    ImportedBy,
    ImportedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PastCompletions::Table)
                    .col(big_pk_auto(PastCompletions::Id))
                    .col(string_uniq(PastCompletions::CertificateNumber))
                    .col(string(PastCompletions::FamilyName))
                    .col(string(PastCompletions::GivenName))
                    .col(string(PastCompletions::FamilyNameKana))
                    .col(string(PastCompletions::GivenNameKana))
                    .col(date_null(PastCompletions::BirthDate))
                    .col(text(PastCompletions::CourseTitle))
                    .col(text_null(PastCompletions::DesignationNumber))
                    .col(date(PastCompletions::CompletedOn))
                    .col(big_integer_null(PastCompletions::UserId))
                    .col(big_integer(PastCompletions::ImportedBy))
                    .col(timestamp_with_time_zone(PastCompletions::ImportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PastCompletions::Table, PastCompletions::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PastCompletions::Table, PastCompletions::ImportedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PastCompletions::Table).to_owned())
            .await
    }
}
