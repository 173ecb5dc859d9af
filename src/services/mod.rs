//! One module per capability. Each write is one transaction; functions take
//! `&impl ConnectionTrait` so they run on the pool or inside a caller's transaction.
pub mod accounts;
pub mod assessments;
pub mod attendance;
pub mod attendance_batch;
pub mod attendance_views;
pub mod audit;
pub mod backup;
pub mod bank_import;
pub mod card_payments;
pub mod catalog;
pub mod certificates;
pub mod check_in;
pub mod course_refunds;
pub mod curricula;
pub mod dashboard;
pub mod demo;
pub mod enrollment;
pub mod enrollment_batch;
pub mod group_commit;
pub mod idempotency;
pub mod imports;
pub mod mail_delivery;
pub mod makeup_offers;
pub mod member_numbers;
pub mod notifications;
pub mod outbox;
pub mod past_certificates;
pub mod payment_mails;
pub mod payment_reports;
pub mod payment_rows;
pub mod payments;
pub mod public_views;
pub mod rate_limit;
pub mod receipt_register;
pub mod receipts;
pub mod refunds;
pub mod report_pack;
pub mod schedule;
pub mod sessions;
pub mod setup;
pub mod sites;
pub mod staff_views;
pub mod walk_in;

use sea_orm::{DbErr, SqlErr};

/// True when the error is a unique-constraint violation (a double submit that
/// lost the race), which callers turn into a conflict rather than a 500.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// A random URL-safe secret and its SHA-256 (what we store: a leaked table
/// row cannot be turned back into a working link).
pub fn new_secret() -> (String, String) {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let hash = hash_secret(&token);
    (token, hash)
}

pub fn hash_secret(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}
pub mod personal_data;
