//! Personal-data requests (個人情報保護法): a trainee's request to delete
//! their data, carried out by staff, and when the names kept for the legal
//! retention period were masked in turn.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DeletionRequests {
    Table,
    Id,
    /// One row per person: a withdrawn request is asked again on the same row.
    UserId,
    /// `requested | withdrawn | completed`
    Status,
    RequestedAt,
    CompletedAt,
    CompletedBy,
    /// When the retention job masked the names kept on certificates, the
    /// completers list and the ledger; empty while they are still kept.
    RetainedMaskedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeletionRequests::Table)
                    .col(big_pk_auto(DeletionRequests::Id))
                    .col(big_integer_uniq(DeletionRequests::UserId))
                    .col(string_len(DeletionRequests::Status, 16))
                    .col(timestamp_with_time_zone(DeletionRequests::RequestedAt))
                    .col(timestamp_with_time_zone_null(DeletionRequests::CompletedAt))
                    .col(big_integer_null(DeletionRequests::CompletedBy))
                    .col(timestamp_with_time_zone_null(
                        DeletionRequests::RetainedMaskedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DeletionRequests::Table, DeletionRequests::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DeletionRequests::Table, DeletionRequests::CompletedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_deletion_requests_status")
                    .table(DeletionRequests::Table)
                    .col(DeletionRequests::Status)
                    .col(DeletionRequests::RetainedMaskedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DeletionRequests::Table).to_owned())
            .await
    }
}
