//! Courses and enrollments as states with rules: which kind asks which form,
//! which transitions exist, which statuses hold a seat, when a window is open.
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseKind {
    /// ヘルパー講座 — certified care training from a curriculum.
    Helper,
    /// コミュニティ講座 — a few sessions for residents.
    Community,
    /// シンポジウム — a public event.
    Symposium,
}

impl CourseKind {
    pub const ALL: [CourseKind; 3] = [
        CourseKind::Helper,
        CourseKind::Community,
        CourseKind::Symposium,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CourseKind::Helper => "helper",
            CourseKind::Community => "community",
            CourseKind::Symposium => "symposium",
        }
    }

    pub fn parse(field: &'static str, raw: &str) -> Result<CourseKind, DomainError> {
        CourseKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or(DomainError::new(field, "err-course-kind-invalid"))
    }

    /// Helper courses check identity on approval by default.
    pub fn approval_by_default(self) -> bool {
        self == CourseKind::Helper
    }

    /// 修了評価 belongs to the certified curriculum of a helper course; a
    /// community course or a symposium ends without one.
    pub fn has_assessment(self) -> bool {
        self == CourseKind::Helper
    }

    /// Helper courses ask the full application, community courses a short
    /// one, symposia a minimal one.
    pub fn form_level(self) -> super::application::FormLevel {
        use super::application::FormLevel;
        match self {
            CourseKind::Helper => FormLevel::Full,
            CourseKind::Community => FormLevel::Short,
            CourseKind::Symposium => FormLevel::Minimal,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CourseKind::Helper => "kind-helper",
            CourseKind::Community => "kind-community",
            CourseKind::Symposium => "kind-symposium",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseStatus {
    Draft,
    Published,
    /// Enrollment closed; the course still runs.
    Closed,
    Finished,
    Cancelled,
}

impl CourseStatus {
    pub const ALL: [CourseStatus; 5] = [
        CourseStatus::Draft,
        CourseStatus::Published,
        CourseStatus::Closed,
        CourseStatus::Finished,
        CourseStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CourseStatus::Draft => "draft",
            CourseStatus::Published => "published",
            CourseStatus::Closed => "closed",
            CourseStatus::Finished => "finished",
            CourseStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<CourseStatus> {
        CourseStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// draft → published → closed → finished, closed ↔ published, and
    /// cancelled from anything not yet finished.
    pub fn can_become(self, next: CourseStatus) -> bool {
        use CourseStatus::*;
        matches!(
            (self, next),
            (Draft, Published)
                | (Published, Closed)
                | (Closed, Published)
                | (Published | Closed, Finished)
                | (Draft | Published | Closed, Cancelled)
        )
    }

    /// Seen by the public: the catalog lists these.
    pub fn is_public(self) -> bool {
        matches!(self, CourseStatus::Published | CourseStatus::Closed)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentStatus {
    PendingApproval,
    PendingPayment,
    Confirmed,
    Waitlisted,
    /// A freed seat is held for this person until the offer expires.
    Offered,
    Cancelled,
    Rejected,
    Completed,
    /// 中断 — stopped before completion (e.g. too many missed subjects).
    Interrupted,
}

impl EnrollmentStatus {
    pub const ALL: [EnrollmentStatus; 9] = [
        EnrollmentStatus::PendingApproval,
        EnrollmentStatus::PendingPayment,
        EnrollmentStatus::Confirmed,
        EnrollmentStatus::Waitlisted,
        EnrollmentStatus::Offered,
        EnrollmentStatus::Cancelled,
        EnrollmentStatus::Rejected,
        EnrollmentStatus::Completed,
        EnrollmentStatus::Interrupted,
    ];

    /// The statuses that count as "enrolled" for the one-per-person rule
    /// (kept in step with the partial unique index in the migration).
    pub const ACTIVE: [EnrollmentStatus; 5] = [
        EnrollmentStatus::PendingApproval,
        EnrollmentStatus::PendingPayment,
        EnrollmentStatus::Confirmed,
        EnrollmentStatus::Waitlisted,
        EnrollmentStatus::Offered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EnrollmentStatus::PendingApproval => "pending_approval",
            EnrollmentStatus::PendingPayment => "pending_payment",
            EnrollmentStatus::Confirmed => "confirmed",
            EnrollmentStatus::Waitlisted => "waitlisted",
            EnrollmentStatus::Offered => "offered",
            EnrollmentStatus::Cancelled => "cancelled",
            EnrollmentStatus::Rejected => "rejected",
            EnrollmentStatus::Completed => "completed",
            EnrollmentStatus::Interrupted => "interrupted",
        }
    }

    pub fn parse(raw: &str) -> Option<EnrollmentStatus> {
        EnrollmentStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    pub fn is_active(self) -> bool {
        EnrollmentStatus::ACTIVE.contains(&self)
    }

    /// Whether this enrollment occupies one of the course's seats.
    pub fn holds_seat(self) -> bool {
        matches!(
            self,
            EnrollmentStatus::PendingApproval
                | EnrollmentStatus::PendingPayment
                | EnrollmentStatus::Confirmed
                | EnrollmentStatus::Offered
        )
    }

    pub fn label_key(self) -> &'static str {
        match self {
            EnrollmentStatus::PendingApproval => "status-pending-approval",
            EnrollmentStatus::PendingPayment => "status-pending-payment",
            EnrollmentStatus::Confirmed => "status-confirmed",
            EnrollmentStatus::Waitlisted => "status-waitlisted",
            EnrollmentStatus::Offered => "status-offered",
            EnrollmentStatus::Cancelled => "status-cancelled",
            EnrollmentStatus::Rejected => "status-rejected",
            EnrollmentStatus::Completed => "status-completed",
            EnrollmentStatus::Interrupted => "status-interrupted",
        }
    }
}

/// Where a course's enrollment window stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    NotYet,
    Open,
    Closed,
}

/// The window: from `opens_at` (or always) until `closes_at` (or the start of
/// the first day in Japan time).
pub fn enrollment_window(
    now: DateTime<Utc>,
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
    starts_on: NaiveDate,
) -> Window {
    let default_close = jst_midnight(starts_on);
    let closes = closes_at.unwrap_or(default_close);
    match opens_at {
        Some(opens) if now < opens => Window::NotYet,
        _ if now >= closes => Window::Closed,
        _ => Window::Open,
    }
}

/// 00:00 in Japan on `date`, as a UTC instant.
pub fn jst_midnight(date: NaiveDate) -> DateTime<Utc> {
    let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    DateTime::<Utc>::from_naive_utc_and_offset(naive, Utc) - chrono::Duration::hours(9)
}

/// The date in Japan at a moment.
pub fn jst_date(at: DateTime<Utc>) -> NaiveDate {
    (at + chrono::Duration::hours(9)).date_naive()
}

/// The last day on which a trainee may cancel by themselves.
pub fn cancellation_deadline(starts_on: NaiveDate, days_before: i32) -> NaiveDate {
    starts_on
        .checked_sub_days(Days::new(days_before.max(0) as u64))
        .unwrap_or(starts_on)
}

pub fn may_self_cancel(now: DateTime<Utc>, starts_on: NaiveDate, days_before: i32) -> bool {
    jst_date(now) <= cancellation_deadline(starts_on, days_before)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_course_moves_forward_through_its_lifecycle_and_can_be_cancelled_until_finished() {
        use CourseStatus::*;
        assert!(Draft.can_become(Published));
        assert!(Published.can_become(Closed));
        assert!(Closed.can_become(Published));
        assert!(Closed.can_become(Finished));
        assert!(Published.can_become(Cancelled));
        assert!(!Draft.can_become(Finished));
        assert!(!Finished.can_become(Cancelled));
        assert!(!Cancelled.can_become(Published));
    }

    #[test]
    fn waitlisted_people_do_not_hold_seats_but_offered_ones_do() {
        assert!(!EnrollmentStatus::Waitlisted.holds_seat());
        assert!(EnrollmentStatus::Offered.holds_seat());
        assert!(EnrollmentStatus::PendingApproval.holds_seat());
        assert!(!EnrollmentStatus::Cancelled.holds_seat());
        assert!(EnrollmentStatus::Waitlisted.is_active());
        assert!(!EnrollmentStatus::Rejected.is_active());
    }

    #[test]
    fn the_window_closes_at_midnight_in_japan_before_the_first_day() {
        let starts = day("2027-01-10");
        assert_eq!(
            enrollment_window(utc("2027-01-09T14:59:59Z"), None, None, starts),
            Window::Open
        );
        assert_eq!(
            enrollment_window(utc("2027-01-09T15:00:00Z"), None, None, starts),
            Window::Closed
        );
    }

    #[test]
    fn the_window_respects_explicit_opening_and_closing_times() {
        let starts = day("2027-01-10");
        let opens = Some(utc("2026-12-01T00:00:00Z"));
        let closes = Some(utc("2026-12-20T00:00:00Z"));
        assert_eq!(
            enrollment_window(utc("2026-11-30T23:59:59Z"), opens, closes, starts),
            Window::NotYet
        );
        assert_eq!(
            enrollment_window(utc("2026-12-01T00:00:00Z"), opens, closes, starts),
            Window::Open
        );
        assert_eq!(
            enrollment_window(utc("2026-12-20T00:00:00Z"), opens, closes, starts),
            Window::Closed
        );
    }

    #[test]
    fn self_cancellation_ends_on_the_deadline_day_in_japan_time() {
        let starts = day("2027-01-10");
        assert_eq!(cancellation_deadline(starts, 3), day("2027-01-07"));
        // 2027-01-07 23:30 JST is still the deadline day.
        assert!(may_self_cancel(utc("2027-01-07T14:30:00Z"), starts, 3));
        // 2027-01-08 00:10 JST is past it, although it is still the 7th in UTC.
        assert!(!may_self_cancel(utc("2027-01-07T15:10:00Z"), starts, 3));
    }

    #[test]
    fn only_helper_courses_have_an_assessment() {
        assert!(CourseKind::Helper.has_assessment());
        assert!(!CourseKind::Community.has_assessment());
        assert!(!CourseKind::Symposium.has_assessment());
    }

    #[test]
    fn kinds_parse_from_their_api_names_only() {
        assert_eq!(CourseKind::parse("kind", "helper"), Ok(CourseKind::Helper));
        assert!(CourseKind::parse("kind", "Helper").is_err());
    }
}
