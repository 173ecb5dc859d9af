//! Payments: one append-only money ledger per enrollment, the Stripe events
//! already applied, Checkout attempts, numbered receipts (領収書), bank CSV
//! import lines, refund reviews for staff and a refund policy per course.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

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
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum LedgerEntries {
    Table,
    Id,
    EnrollmentId,
    /// `charge | payment | refund | adjustment`
    Kind,
    /// Signed, in the direction of the kind (a payment of −500 reverses one).
    AmountYen,
    /// `card | bank_transfer | cash | waived` (empty for charges/adjustments)
    Method,
    /// Stripe payment intent / refund id, bank line id…; unique per kind.
    ExternalId,
    PayerName,
    PaidOn,
    Note,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StripeEvents {
    Table,
    Id,
    EventId,
    EventType,
    Outcome,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum CheckoutAttempts {
    Table,
    Id,
    EnrollmentId,
    IdempotencyKey,
    SessionId,
    Url,
    AmountYen,
    Currency,
    /// `creating | open | completed | expired | failed | mismatch`
    Status,
    PaymentIntent,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Receipts {
    Table,
    Id,
    Number,
    EnrollmentId,
    LedgerEntryId,
    PayerName,
    AmountYen,
    Method,
    Breakdown,
    ReissueOf,
    IssuedBy,
    IssuedAt,
}

#[derive(DeriveIden)]
enum PaymentCounters {
    Table,
    Name,
    Last,
}

#[derive(DeriveIden)]
enum BankImportLines {
    Table,
    Id,
    Fingerprint,
    Raw,
    PayerName,
    NormalizedName,
    AmountYen,
    PaidOn,
    /// `proposed | confirmed | unmatched | ignored`
    Status,
    EnrollmentId,
    LedgerEntryId,
    ImportedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefundReviews {
    Table,
    Id,
    EnrollmentId,
    /// `cancelled_after_payment | paid_after_cancel | amount_mismatch | course_cancelled | unknown_session`
    Reason,
    AmountYen,
    Detail,
    /// `open | refunded | dismissed`
    Status,
    CreatedAt,
    ResolvedAt,
    ResolvedBy,
}

#[derive(DeriveIden)]
enum CourseRefundPolicies {
    Table,
    CourseId,
    Policy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LedgerEntries::Table)
                    .col(big_pk_auto(LedgerEntries::Id))
                    .col(big_integer(LedgerEntries::EnrollmentId))
                    .col(string_len(LedgerEntries::Kind, 16))
                    .col(big_integer(LedgerEntries::AmountYen))
                    .col(string_len(LedgerEntries::Method, 16).default(""))
                    .col(string_len_null(LedgerEntries::ExternalId, 255))
                    .col(string_len(LedgerEntries::PayerName, 200).default(""))
                    .col(date_null(LedgerEntries::PaidOn))
                    .col(text(LedgerEntries::Note).default(""))
                    .col(big_integer_null(LedgerEntries::RecordedBy))
                    .col(timestamp_with_time_zone(LedgerEntries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LedgerEntries::Table, LedgerEntries::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LedgerEntries::Table, LedgerEntries::RecordedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_ledger_kind_external")
                    .table(LedgerEntries::Table)
                    .col(LedgerEntries::Kind)
                    .col(LedgerEntries::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_ledger_enrollment")
                    .table(LedgerEntries::Table)
                    .col(LedgerEntries::EnrollmentId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StripeEvents::Table)
                    .col(big_pk_auto(StripeEvents::Id))
                    .col(string_len_uniq(StripeEvents::EventId, 255))
                    .col(string_len(StripeEvents::EventType, 100))
                    .col(string_len(StripeEvents::Outcome, 100).default(""))
                    .col(timestamp_with_time_zone(StripeEvents::ReceivedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CheckoutAttempts::Table)
                    .col(big_pk_auto(CheckoutAttempts::Id))
                    .col(big_integer(CheckoutAttempts::EnrollmentId))
                    .col(string_len_uniq(CheckoutAttempts::IdempotencyKey, 255))
                    .col(string_len_null(CheckoutAttempts::SessionId, 255).unique_key())
                    .col(text_null(CheckoutAttempts::Url))
                    .col(big_integer(CheckoutAttempts::AmountYen))
                    .col(string_len(CheckoutAttempts::Currency, 3))
                    .col(string_len(CheckoutAttempts::Status, 16))
                    .col(string_len_null(CheckoutAttempts::PaymentIntent, 255))
                    .col(timestamp_with_time_zone(CheckoutAttempts::CreatedAt))
                    .col(timestamp_with_time_zone(CheckoutAttempts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CheckoutAttempts::Table, CheckoutAttempts::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PaymentCounters::Table)
                    .col(string_len(PaymentCounters::Name, 32).primary_key())
                    .col(big_integer(PaymentCounters::Last).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(PaymentCounters::Table)
                    .columns([PaymentCounters::Name, PaymentCounters::Last])
                    .values_panic(["receipt".into(), 0i64.into()])
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Receipts::Table)
                    .col(big_pk_auto(Receipts::Id))
                    .col(big_integer_uniq(Receipts::Number))
                    .col(big_integer(Receipts::EnrollmentId))
                    .col(big_integer_null(Receipts::LedgerEntryId))
                    .col(string_len(Receipts::PayerName, 200))
                    .col(big_integer(Receipts::AmountYen))
                    .col(string_len(Receipts::Method, 16))
                    .col(text(Receipts::Breakdown))
                    .col(big_integer_null(Receipts::ReissueOf))
                    .col(big_integer_null(Receipts::IssuedBy))
                    .col(timestamp_with_time_zone(Receipts::IssuedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Receipts::Table, Receipts::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Receipts::Table, Receipts::LedgerEntryId)
                            .to(LedgerEntries::Table, LedgerEntries::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Receipts::Table, Receipts::ReissueOf)
                            .to(Receipts::Table, Receipts::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(BankImportLines::Table)
                    .col(big_pk_auto(BankImportLines::Id))
                    .col(string_len_uniq(BankImportLines::Fingerprint, 80))
                    .col(text(BankImportLines::Raw))
                    .col(string_len(BankImportLines::PayerName, 200))
                    .col(string_len(BankImportLines::NormalizedName, 200))
                    .col(big_integer(BankImportLines::AmountYen))
                    .col(date(BankImportLines::PaidOn))
                    .col(string_len(BankImportLines::Status, 16))
                    .col(big_integer_null(BankImportLines::EnrollmentId))
                    .col(big_integer_null(BankImportLines::LedgerEntryId))
                    .col(big_integer_null(BankImportLines::ImportedBy))
                    .col(timestamp_with_time_zone(BankImportLines::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BankImportLines::Table, BankImportLines::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefundReviews::Table)
                    .col(big_pk_auto(RefundReviews::Id))
                    .col(big_integer(RefundReviews::EnrollmentId))
                    .col(string_len(RefundReviews::Reason, 32))
                    .col(big_integer(RefundReviews::AmountYen))
                    .col(text(RefundReviews::Detail).default(""))
                    .col(string_len(RefundReviews::Status, 16))
                    .col(timestamp_with_time_zone(RefundReviews::CreatedAt))
                    .col(timestamp_with_time_zone_null(RefundReviews::ResolvedAt))
                    .col(big_integer_null(RefundReviews::ResolvedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefundReviews::Table, RefundReviews::EnrollmentId)
                            .to(Enrollments::Table, Enrollments::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CourseRefundPolicies::Table)
                    .col(big_integer(CourseRefundPolicies::CourseId).primary_key())
                    .col(text(CourseRefundPolicies::Policy))
                    .col(timestamp_with_time_zone(CourseRefundPolicies::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CourseRefundPolicies::Table, CourseRefundPolicies::CourseId)
                            .to(Courses::Table, Courses::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CourseRefundPolicies::Table.into_iden(),
            RefundReviews::Table.into_iden(),
            BankImportLines::Table.into_iden(),
            Receipts::Table.into_iden(),
            PaymentCounters::Table.into_iden(),
            CheckoutAttempts::Table.into_iden(),
            StripeEvents::Table.into_iden(),
            LedgerEntries::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
