//! A course as staff describe it, checked field by field before it is saved.
use chrono::{DateTime, NaiveDate, Utc};

use super::course::CourseKind;
use super::DomainError;

/// The validated settings of a course (create and edit share it).
#[derive(Debug, Clone)]
pub struct CourseDraft {
    pub kind: CourseKind,
    pub code: String,
    pub title: String,
    pub description: String,
    pub site_id: i64,
    pub capacity: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub enrollment_opens_at: Option<DateTime<Utc>>,
    pub enrollment_closes_at: Option<DateTime<Utc>>,
    pub requires_approval: bool,
    pub waitlist_enabled: bool,
    pub offer_hold_hours: i32,
    pub cancellation_deadline_days: i32,
    pub attendance_threshold_percent: i32,
    pub designation_number: Option<String>,
    pub what_to_bring: String,
    pub cancellation_policy: String,
}

fn text_ok(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

impl CourseDraft {
    /// Every problem at once, with the field it belongs to.
    pub fn check(&self) -> Result<(), Vec<DomainError>> {
        let mut errors = vec![];
        let code_ok = !self.code.is_empty()
            && self.code.len() <= 40
            && self
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !code_ok {
            errors.push(DomainError::new("code", "err-course-code-invalid"));
        }
        let title_len = self.title.trim().chars().count();
        if title_len == 0 {
            errors.push(DomainError::new("title", "err-required"));
        } else if title_len > 200 || !text_ok(&self.title) {
            errors.push(DomainError::new("title", "err-text-too-long"));
        }
        if self.description.chars().count() > 5000 || !text_ok(&self.description) {
            errors.push(DomainError::new("description", "err-text-too-long"));
        }
        for (field, text) in [
            ("what_to_bring", &self.what_to_bring),
            ("cancellation_policy", &self.cancellation_policy),
        ] {
            if text.chars().count() > 2000 || !text_ok(text) {
                errors.push(DomainError::new(field, "err-text-too-long"));
            }
        }
        if !(1..=100_000).contains(&self.capacity) {
            errors.push(DomainError::new("capacity", "err-capacity-invalid"));
        }
        if self.ends_on < self.starts_on {
            errors.push(DomainError::new("ends_on", "err-ends-before-starts"));
        }
        if let (Some(opens), Some(closes)) = (self.enrollment_opens_at, self.enrollment_closes_at) {
            if closes <= opens {
                errors.push(DomainError::new(
                    "enrollment_closes_at",
                    "err-window-invalid",
                ));
            }
        }
        if !(1..=336).contains(&self.offer_hold_hours) {
            errors.push(DomainError::new(
                "offer_hold_hours",
                "err-offer-hold-invalid",
            ));
        }
        if !(0..=90).contains(&self.cancellation_deadline_days) {
            errors.push(DomainError::new(
                "cancellation_deadline_days",
                "err-deadline-days-invalid",
            ));
        }
        if !(1..=100).contains(&self.attendance_threshold_percent) {
            errors.push(DomainError::new(
                "attendance_threshold_percent",
                "err-percent-invalid",
            ));
        }
        if let Some(number) = &self.designation_number {
            if number.chars().count() > 100 || !text_ok(number) {
                errors.push(DomainError::new("designation_number", "err-text-too-long"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// `YYYY-MM-DD` from a form or JSON field.
pub fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::new(field, "err-date-invalid"))
}

/// An optional moment: RFC 3339, or a `datetime-local` value read as Japan time.
pub fn parse_moment(field: &'static str, raw: &str) -> Result<Option<DateTime<Utc>>, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(local) = chrono::NaiveDateTime::parse_from_str(raw, format) {
            return Ok(Some(
                DateTime::<Utc>::from_naive_utc_and_offset(local, Utc) - chrono::Duration::hours(9),
            ));
        }
    }
    Err(DomainError::new(field, "err-datetime-invalid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> CourseDraft {
        CourseDraft {
            kind: CourseKind::Community,
            code: "COMM-2027-01".into(),
            title: "はじめての家族介護".into(),
            description: String::new(),
            site_id: 1,
            capacity: 24,
            starts_on: NaiveDate::from_ymd_opt(2027, 1, 10).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2027, 1, 24).unwrap(),
            enrollment_opens_at: None,
            enrollment_closes_at: None,
            requires_approval: false,
            waitlist_enabled: true,
            offer_hold_hours: 48,
            cancellation_deadline_days: 3,
            attendance_threshold_percent: 80,
            designation_number: None,
            what_to_bring: String::new(),
            cancellation_policy: String::new(),
        }
    }

    #[test]
    fn a_sensible_course_passes() {
        assert!(draft().check().is_ok());
    }

    #[test]
    fn each_bad_setting_is_named() {
        let bad = CourseDraft {
            code: "has space".into(),
            capacity: 0,
            ends_on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            offer_hold_hours: 0,
            ..draft()
        };
        let fields: Vec<_> = bad.check().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["code", "capacity", "ends_on", "offer_hold_hours"]);
    }

    #[test]
    fn a_local_datetime_is_read_as_japan_time() {
        let at = parse_moment("x", "2027-01-10T09:00").unwrap().unwrap();
        assert_eq!(at.to_rfc3339(), "2027-01-10T00:00:00+00:00");
        assert!(parse_moment("x", "tomorrow").is_err());
        assert_eq!(parse_moment("x", "").unwrap(), None);
    }
}
