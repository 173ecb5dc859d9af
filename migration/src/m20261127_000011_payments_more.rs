//! Payments, continued: every print of a receipt PDF (the first is the
//! original, later ones are marked 再発行), staff's check of a member number
//! (組合員番号), settings the payment mails need (bank details, mirrored from
//! the configuration at start) and one row per payment mail that must go out
//! only once (the deadline reminder), which is how a sender claims it.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Receipts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ReceiptPrints {
    Table,
    Id,
    ReceiptId,
    /// false for the first print (the original), true for every later one.
    Reissue,
    PrintedBy,
    PrintedAt,
}

#[derive(DeriveIden)]
enum MemberVerifications {
    Table,
    EnrollmentId,
    MemberNumber,
    VerifiedBy,
    VerifiedAt,
}

#[derive(DeriveIden)]
enum PaymentSettings {
    Table,
    Name,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PaymentMailClaims {
    Table,
    Id,
    EnrollmentId,
    /// `deadline-reminder`
    Kind,
    ClaimedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReceiptPrints::Table)
                    .col(big_pk_auto(ReceiptPrints::Id))
                    .col(big_integer(ReceiptPrints::ReceiptId))
                    .col(boolean(ReceiptPrints::Reissue))
                    .col(big_integer_null(ReceiptPrints::PrintedBy))
                    .col(timestamp_with_time_zone(ReceiptPrints::PrintedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReceiptPrints::Table, ReceiptPrints::ReceiptId)
                            .to(Receipts::Table, Receipts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_receipt_prints_receipt")
                    .table(ReceiptPrints::Table)
                    .col(ReceiptPrints::ReceiptId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MemberVerifications::Table)
                    .col(big_integer(MemberVerifications::EnrollmentId).primary_key())
                    .col(string_len(MemberVerifications::MemberNumber, 32))
                    .col(big_integer(MemberVerifications::VerifiedBy))
                    .col(timestamp_with_time_zone(MemberVerifications::VerifiedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                MemberVerifications::Table,
                                MemberVerifications::EnrollmentId,
                            )
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PaymentSettings::Table)
                    .col(string_len(PaymentSettings::Name, 64).primary_key())
                    .col(text(PaymentSettings::Value))
                    .col(timestamp_with_time_zone(PaymentSettings::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PaymentMailClaims::Table)
                    .col(big_pk_auto(PaymentMailClaims::Id))
                    .col(big_integer(PaymentMailClaims::EnrollmentId))
                    .col(string_len(PaymentMailClaims::Kind, 32))
                    .col(timestamp_with_time_zone(PaymentMailClaims::ClaimedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PaymentMailClaims::Table, PaymentMailClaims::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_payment_mail_claims")
                    .table(PaymentMailClaims::Table)
                    .col(PaymentMailClaims::EnrollmentId)
                    .col(PaymentMailClaims::Kind)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PaymentMailClaims::Table.into_iden(),
            PaymentSettings::Table.into_iden(),
            MemberVerifications::Table.into_iden(),
            ReceiptPrints::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
