//! Page sessions ended by logging out. A session token is a signed JWT that
//! stays valid until it expires; logging out must end it on the server too, so
//! that a copied cookie stops working. Only that one token is listed (by its
//! SHA-256), not the user's other sessions, which "log out everywhere" ends by
//! moving the token version on. A row is useless once its token has expired
//! and is deleted then.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RevokedSessions {
    Table,
    /// SHA-256 of the token, hex.
    TokenHash,
    /// When the token would have expired anyway.
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RevokedSessions::Table)
                    .col(string(RevokedSessions::TokenHash).primary_key())
                    .col(timestamp_with_time_zone(RevokedSessions::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("revoked_sessions_expires_at")
                    .table(RevokedSessions::Table)
                    .col(RevokedSessions::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RevokedSessions::Table).to_owned())
            .await
    }
}
