//! Indexes for queries on request paths that had none (found with the scale
//! benchmark's query plans, docs/BENCHMARKS.md): a trainee's progress page
//! looks up their make-up bookings by enrollment, which the (session,
//! enrollment) unique index cannot serve, so every view scanned all bookings.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum MakeupBookings {
    Table,
    EnrollmentId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_makeup_bookings_enrollment")
                    .table(MakeupBookings::Table)
                    .col(MakeupBookings::EnrollmentId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_makeup_bookings_enrollment")
                    .table(MakeupBookings::Table)
                    .to_owned(),
            )
            .await
    }
}
