//! Switches that turn one protection off for one course, so that a race test
//! can run its control: the same test with the protection gone must see the
//! oversell or the duplicate, which proves the test can see a race at all.
//!
//! Only compiled with the `test-faults` feature, which nothing but the test
//! build enables (a dev-dependency of the package on itself). No setting,
//! environment variable or request can reach it; without the feature every
//! check is a constant "on".
use sea_orm::ConnectionTrait;

use crate::error::Error;

/// A protection a race test can switch off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protection {
    /// The `seats_taken < capacity` condition of the seat update.
    SeatGuard,
    /// The "already enrolled" check before the insert (the test drops the
    /// unique index itself, on its own database).
    OneActiveEnrollment,
    /// Locking both course rows of a transfer in ascending id order (keyed by
    /// the transfer's target course).
    CourseLockOrder,
    /// The online batch's own read of who is already enrolled: off, the batch
    /// misses them as it would miss a row another instance had just written,
    /// so its multi-row insert meets the unique index and the batch must fall
    /// back to one savepoint per application.
    BatchSeesEnrollments,
}

#[cfg(feature = "test-faults")]
mod switches {
    use std::collections::HashSet;
    use std::sync::Mutex;

    use super::Protection;

    /// Keyed by course code: ids repeat across the tests' databases, the
    /// random codes the tests give their courses do not.
    pub(super) static OFF: Mutex<Option<HashSet<(Protection, String)>>> = Mutex::new(None);
}

/// Turns a protection off for the course with this code (test builds only).
#[cfg(feature = "test-faults")]
pub fn switch_off(protection: Protection, course_code: &str) {
    let mut off = switches::OFF.lock().unwrap_or_else(|e| e.into_inner());
    off.get_or_insert_with(Default::default)
        .insert((protection, course_code.to_string()));
}

/// Whether the protection is off for this course. Always false in a build
/// without the `test-faults` feature.
#[cfg(feature = "test-faults")]
pub async fn is_off(
    conn: &impl ConnectionTrait,
    protection: Protection,
    course_id: i64,
) -> Result<bool, Error> {
    let any = switches::OFF
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .is_some_and(|s| s.iter().any(|(p, _)| *p == protection));
    if !any {
        return Ok(false);
    }
    let code = crate::services::catalog::find(conn, course_id).await?.code;
    Ok(switches::OFF
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .is_some_and(|s| s.contains(&(protection, code))))
}

#[cfg(not(feature = "test-faults"))]
pub async fn is_off(
    _conn: &impl ConnectionTrait,
    _protection: Protection,
    _course_id: i64,
) -> Result<bool, Error> {
    Ok(false)
}
