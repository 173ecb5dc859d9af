//! The schema of kouza. One file per change, each with a real `down()`.
pub use sea_orm_migration::prelude::*;

mod m20261127_000001_accounts;
mod m20261127_000002_mail_and_audit;
mod m20261127_000003_catalog_basics;
mod m20261127_000004_idempotency_keys;
mod m20261127_000005_schedule_and_enrollment;
mod m20261127_000006_attendance;
mod m20261127_000007_certificates;
mod m20261127_000008_mail_delivery;
mod m20261127_000009_fees;
mod m20261127_000010_payments;
mod m20261127_000011_payments_more;
mod m20261127_000012_audit_search;
mod m20261127_000015_request_path_indexes;
mod m20261127_000018_past_completions;
mod m20261127_000019_personal_data;
mod m20261127_000020_import_uploads;
mod m20261127_000021_revoked_sessions;
mod m20261127_000022_past_certificates;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_accounts::Migration),
            Box::new(m20261127_000002_mail_and_audit::Migration),
            Box::new(m20261127_000003_catalog_basics::Migration),
            Box::new(m20261127_000004_idempotency_keys::Migration),
            Box::new(m20261127_000005_schedule_and_enrollment::Migration),
            Box::new(m20261127_000006_attendance::Migration),
            Box::new(m20261127_000007_certificates::Migration),
            Box::new(m20261127_000008_mail_delivery::Migration),
            Box::new(m20261127_000009_fees::Migration),
            Box::new(m20261127_000010_payments::Migration),
            Box::new(m20261127_000011_payments_more::Migration),
            Box::new(m20261127_000012_audit_search::Migration),
            Box::new(m20261127_000015_request_path_indexes::Migration),
            Box::new(m20261127_000018_past_completions::Migration),
            Box::new(m20261127_000019_personal_data::Migration),
            Box::new(m20261127_000020_import_uploads::Migration),
            Box::new(m20261127_000021_revoked_sessions::Migration),
            Box::new(m20261127_000022_past_certificates::Migration),
        ]
    }
}
