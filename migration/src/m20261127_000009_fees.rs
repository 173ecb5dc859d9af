//! Fees on enrollments: the amount due when the seat was taken and the
//! deadline by which an unpaid seat is released to the waitlist.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Courses {
    Table,
    PaymentDeadlineDays,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    AmountDueYen,
    PaymentDueAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Courses::Table)
                    .add_column(integer(Courses::PaymentDeadlineDays).default(7))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Enrollments::Table)
                    .add_column(big_integer(Enrollments::AmountDueYen).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Enrollments::Table)
                    .add_column(timestamp_with_time_zone_null(Enrollments::PaymentDueAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Enrollments::PaymentDueAt.into_iden(),
            Enrollments::AmountDueYen.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Enrollments::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Courses::Table)
                    .drop_column(Courses::PaymentDeadlineDays)
                    .to_owned(),
            )
            .await
    }
}
