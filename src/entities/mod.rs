//! SeaORM entities: plain rows. Business rules live in `domain/`, queries in `services/`.
pub mod audit_log;
pub mod course;
pub mod course_fee;
pub mod course_question;
pub mod course_subject;
pub mod curriculum;
pub mod curriculum_subject;
pub mod enrollment;
pub mod enrollment_event;
pub mod idempotency_key;
pub mod login_failure;
pub mod mail_outbox;
pub mod password_reset;
pub mod session;
pub mod setup_token;
pub mod site;
pub mod user;
