//! Authentication: password hashing, session tokens, request guards and CSRF.
pub mod csrf;
pub mod guards;
pub mod password;
pub mod token;

pub use guards::{AdminUser, CurrentUser, InstructorUser, StaffUser};
