//! Personal-data rules (個人情報保護法): when a deletion may be carried out,
//! what of an application is contact data, and when the records kept for the
//! retention period are due to be masked too. Pure functions.
use chrono::{Months, NaiveDate};
use serde::Serialize;
use serde_json::Value;

use super::course::EnrollmentStatus;

/// What replaces a given name (and its kana) once it may no longer be kept:
/// `山田 ○○` still tells a verifier which certificate they hold.
pub const MASK: &str = "○○";

/// Why a deletion cannot be carried out yet. Each is something the trainee
/// or staff can settle first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Blocker {
    /// Enrolled (or waiting for a seat) in a course that has not ended:
    /// the record is still needed to run the course.
    CourseInProgress {
        enrollment_id: i64,
        course_title: String,
    },
    /// Money is still owed by or to the trainee.
    UnsettledBalance {
        enrollment_id: i64,
        course_title: String,
        balance_yen: i64,
    },
}

impl Blocker {
    pub fn message_key(&self) -> &'static str {
        match self {
            Blocker::CourseInProgress { .. } => "privacy-blocker-course",
            Blocker::UnsettledBalance { .. } => "privacy-blocker-balance",
        }
    }
}

/// One enrollment as the deletion rule sees it.
#[derive(Debug, Clone)]
pub struct EnrollmentFacts {
    pub enrollment_id: i64,
    pub course_title: String,
    pub status: EnrollmentStatus,
    pub course_ends_on: NaiveDate,
    pub balance_yen: i64,
}

/// What stands in the way of deleting a person's data today (Japan time).
pub fn blockers(enrollments: &[EnrollmentFacts], today: NaiveDate) -> Vec<Blocker> {
    let mut out = vec![];
    for e in enrollments {
        if e.status.is_active() && e.course_ends_on >= today {
            out.push(Blocker::CourseInProgress {
                enrollment_id: e.enrollment_id,
                course_title: e.course_title.clone(),
            });
        }
        if e.balance_yen != 0 {
            out.push(Blocker::UnsettledBalance {
                enrollment_id: e.enrollment_id,
                course_title: e.course_title.clone(),
                balance_yen: e.balance_yen,
            });
        }
    }
    out
}

/// The application fields that are contact details or free text, removed on
/// deletion. What stays (names, price category, support scheme) is what the
/// completers list and the ledger must still show.
pub const APPLICATION_FIELDS_REMOVED: [&str; 9] = [
    "birth_date",
    "postal_code",
    "prefecture",
    "address",
    "phone",
    "member_number",
    "qualifications",
    "accessibility",
    "companions",
];

/// The stored application (JSON object) without contact details and free text.
pub fn strip_application(form: &Value) -> Value {
    match form {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !APPLICATION_FIELDS_REMOVED.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        _ => Value::Object(Default::default()),
    }
}

/// The last day the retained records keep the full name: `years` after the
/// later of the last course's end and the deletion itself.
pub fn retained_until(
    last_course_end: Option<NaiveDate>,
    deleted_on: NaiveDate,
    years: u32,
) -> NaiveDate {
    let from = last_course_end.map_or(deleted_on, |end| end.max(deleted_on));
    from.checked_add_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether the retained names are due to be masked on `today`.
pub fn retention_over(
    last_course_end: Option<NaiveDate>,
    deleted_on: NaiveDate,
    years: u32,
    today: NaiveDate,
) -> bool {
    today > retained_until(last_course_end, deleted_on, years)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn facts(status: EnrollmentStatus, ends: NaiveDate, balance: i64) -> EnrollmentFacts {
        EnrollmentFacts {
            enrollment_id: 7,
            course_title: "初任者研修".into(),
            status,
            course_ends_on: ends,
            balance_yen: balance,
        }
    }

    #[test]
    fn a_course_not_yet_ended_or_money_owed_either_way_blocks_deletion() {
        let today = ymd(2026, 11, 27);
        let running = facts(EnrollmentStatus::Confirmed, ymd(2026, 12, 10), 0);
        assert!(matches!(
            blockers(&[running], today)[..],
            [Blocker::CourseInProgress { .. }]
        ));
        let waiting = facts(EnrollmentStatus::Waitlisted, ymd(2027, 1, 10), 0);
        assert_eq!(blockers(&[waiting], today).len(), 1);
        let owed = facts(EnrollmentStatus::Cancelled, ymd(2026, 1, 10), 3000);
        assert!(matches!(
            blockers(&[owed], today)[..],
            [Blocker::UnsettledBalance {
                balance_yen: 3000,
                ..
            }]
        ));
        let refund_due = facts(EnrollmentStatus::Cancelled, ymd(2026, 1, 10), -500);
        assert_eq!(blockers(&[refund_due], today).len(), 1);
    }

    #[test]
    fn an_ended_course_paid_in_full_or_a_cancelled_one_does_not_block() {
        let today = ymd(2026, 11, 27);
        let ended = facts(EnrollmentStatus::Confirmed, ymd(2026, 11, 26), 0);
        let cancelled = facts(EnrollmentStatus::Cancelled, ymd(2027, 1, 1), 0);
        let completed = facts(EnrollmentStatus::Completed, ymd(2026, 12, 1), 0);
        assert!(blockers(&[ended, cancelled, completed], today).is_empty());
    }

    #[test]
    fn contact_details_and_free_text_leave_the_application_and_names_stay() {
        let form = json!({
            "family_name": "山田", "given_name": "花子", "birth_date": "1960-05-05",
            "postal_code": "170-0013", "prefecture": "東京都", "address": "豊島区",
            "phone": "090-1234-5678", "member_number": "M-1", "qualifications": "なし",
            "accessibility": "車椅子", "companions": 1, "price_category": "general",
            "support_scheme": "none", "consent": true
        });
        let kept = strip_application(&form);
        assert_eq!(
            kept,
            json!({"family_name": "山田", "given_name": "花子", "price_category": "general",
                   "support_scheme": "none", "consent": true})
        );
        assert_eq!(strip_application(&json!("garbage")), json!({}));
    }

    #[test]
    fn names_are_kept_for_the_years_after_the_later_of_course_end_and_deletion() {
        let deleted = ymd(2026, 11, 27);
        assert_eq!(
            retained_until(Some(ymd(2026, 3, 31)), deleted, 5),
            ymd(2031, 11, 27)
        );
        assert_eq!(
            retained_until(Some(ymd(2027, 3, 31)), deleted, 5),
            ymd(2032, 3, 31)
        );
        assert_eq!(retained_until(None, deleted, 1), ymd(2027, 11, 27));
        assert!(!retention_over(None, deleted, 1, ymd(2027, 11, 27)));
        assert!(retention_over(None, deleted, 1, ymd(2027, 11, 28)));
    }
}
