//! A spreadsheet staff uploaded for import, kept between the dry run and
//! the confirmed import so that what is imported is exactly what was shown.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ImportUploads {
    Table,
    Id,
    /// `trainees | completions`
    Kind,
    /// `auto | utf-8 | shift_jis`, as staff chose.
    Encoding,
    FileName,
    /// The file's bytes, base64 (Shift_JIS files are not text to the database).
    Content,
    Sha256,
    UploadedBy,
    UploadedAt,
    /// Set once the import ran; a second confirmation changes nothing.
    ImportedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ImportUploads::Table)
                    .col(big_pk_auto(ImportUploads::Id))
                    .col(string(ImportUploads::Kind))
                    .col(string(ImportUploads::Encoding))
                    .col(string(ImportUploads::FileName))
                    .col(text(ImportUploads::Content))
                    .col(string(ImportUploads::Sha256))
                    .col(big_integer(ImportUploads::UploadedBy))
                    .col(timestamp_with_time_zone(ImportUploads::UploadedAt))
                    .col(timestamp_with_time_zone_null(ImportUploads::ImportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ImportUploads::Table, ImportUploads::UploadedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImportUploads::Table).to_owned())
            .await
    }
}
