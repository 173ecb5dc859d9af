//! The payment tables as SeaORM entities (schema: migration `…000010_payments`).
//! Plain rows; the rules are in `domain::refund_policy` and the services.

/// One money movement. Append-only: balances are derived, corrections are
/// reversing entries.
pub mod ledger_entry {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "ledger_entries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub enrollment_id: i64,
        /// `charge | payment | refund | adjustment`
        pub kind: String,
        /// Signed, in the direction of the kind.
        pub amount_yen: i64,
        /// `card | bank_transfer | cash | waived`, empty for charges.
        pub method: String,
        pub external_id: Option<String>,
        pub payer_name: String,
        pub paid_on: Option<Date>,
        pub note: String,
        pub recorded_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A Stripe event already applied: a replay finds its id here and does nothing.
pub mod stripe_event {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "stripe_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub event_id: String,
        pub event_type: String,
        pub outcome: String,
        pub received_at: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// One Checkout Session we asked Stripe for.
pub mod checkout_attempt {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "checkout_attempts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub enrollment_id: i64,
        #[sea_orm(unique)]
        pub idempotency_key: String,
        pub session_id: Option<String>,
        pub url: Option<String>,
        pub amount_yen: i64,
        pub currency: String,
        /// `creating | open | completed | expired | failed | mismatch`
        pub status: String,
        pub payment_intent: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// 領収書 — numbered, never reused; a reissue points at the original.
pub mod receipt {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "receipts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub number: i64,
        pub enrollment_id: i64,
        pub ledger_entry_id: Option<i64>,
        pub payer_name: String,
        pub amount_yen: i64,
        pub method: String,
        /// JSON `[[component, amount], …]`
        pub breakdown: String,
        pub reissue_of: Option<i64>,
        pub issued_by: Option<i64>,
        pub issued_at: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Sequence counters (row lock on update keeps numbers gap-free per commit).
pub mod payment_counter {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment_counters")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub last: i64,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// One line of an imported bank statement (振込).
pub mod bank_import_line {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "bank_import_lines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub fingerprint: String,
        pub raw: String,
        pub payer_name: String,
        pub normalized_name: String,
        pub amount_yen: i64,
        pub paid_on: Date,
        /// `proposed | confirmed | unmatched | ignored`
        pub status: String,
        pub enrollment_id: Option<i64>,
        pub ledger_entry_id: Option<i64>,
        pub imported_by: Option<i64>,
        pub created_at: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Something about money staff must look at (a refund owed, a mismatch).
pub mod refund_review {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "refund_reviews")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub enrollment_id: i64,
        pub reason: String,
        pub amount_yen: i64,
        pub detail: String,
        /// `open | refunded | dismissed`
        pub status: String,
        pub created_at: DateTimeUtc,
        pub resolved_at: Option<DateTimeUtc>,
        pub resolved_by: Option<i64>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A course's cancellation policy (JSON of `domain::refund_policy::RefundPolicy`).
pub mod course_refund_policy {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "course_refund_policies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub course_id: i64,
        pub policy: String,
        pub updated_at: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// One print of a receipt PDF: the first is the original, later ones 再発行
/// (schema: migration `…000011_payments_more`).
pub mod receipt_print {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "receipt_prints")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub receipt_id: i64,
        pub reissue: bool,
        pub printed_by: Option<i64>,
        pub printed_at: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Staff checked an enrollment's member number (組合員番号).
pub mod member_verification {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "member_verifications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub enrollment_id: i64,
        pub member_number: String,
        pub verified_by: i64,
        pub verified_at: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Settings the payment services read inside their transactions (the bank
/// details for transfer instructions), mirrored from the configuration at start.
pub mod payment_setting {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub value: String,
        pub updated_at: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// A payment mail that goes out once per enrollment: the row is the claim.
pub mod payment_mail_claim {
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "payment_mail_claims")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub enrollment_id: i64,
        pub kind: String,
        pub claimed_at: DateTimeUtc,
    }

    impl ActiveModelBehavior for ActiveModel {}
}
