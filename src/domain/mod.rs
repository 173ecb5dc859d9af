//! Value types for what users type into forms.
//!
//! Each type has private fields and `parse` as its only constructor, so
//! holding a value is proof that it passed validation ("parse, don't
//! validate"). Nothing here touches the database or the web framework.

pub mod application;
pub mod checkin_code;
pub mod completion;
pub mod course;
pub mod course_draft;
pub mod email;
pub mod error;
pub mod fees;
pub mod ics;
pub mod import;
pub mod invoice;
pub mod kana;
pub mod password;
pub mod person;
pub mod refund_policy;
pub mod role;
pub mod schedule;
pub mod seating;
pub mod signup;
pub mod walk_in;
pub mod wareki;
pub mod yen;

pub use email::Email;
pub use error::DomainError;
pub use password::Password;
pub use person::{Kana, PersonName};
pub use role::Role;
pub mod personal_data;
#[cfg(test)]
mod rule_properties;
pub mod support;
