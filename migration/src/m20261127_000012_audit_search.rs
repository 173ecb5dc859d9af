//! The audit trail is searched newest first, by action, by person and by
//! period; without these indexes every search sorts the whole trail.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    At,
    Action,
    ActorId,
}

const INDEXES: [(&str, &[AuditLog]); 3] = [
    ("idx_audit_log_at", &[AuditLog::At]),
    ("idx_audit_log_action_at", &[AuditLog::Action, AuditLog::At]),
    ("idx_audit_log_actor_at", &[AuditLog::ActorId, AuditLog::At]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, columns) in INDEXES {
            let mut index = Index::create();
            index.name(name).table(AuditLog::Table);
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(AuditLog::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
