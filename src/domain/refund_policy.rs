//! キャンセル規定 — how much of what was paid comes back when a trainee
//! cancels, by days before the course starts (Japan dates). Pure.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::DomainError;

/// From `days_before` days before the start (inclusive) the cancellation
/// charge is `charge_percent` % of the refundable amount, at most `charge_cap_yen`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub days_before: i64,
    pub charge_percent: u32,
    #[serde(default)]
    pub charge_cap_yen: Option<i64>,
}

/// A course's policy. Closer than the last tier, everything is charged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPolicy {
    pub tiers: Vec<Tier>,
    /// Components (e.g. `textbook`) not refunded once the course has started
    /// (that is when textbooks are handed over).
    #[serde(default)]
    pub non_refundable_components: Vec<String>,
    /// 振込手数料 borne by the trainee, deducted from a non-zero refund.
    #[serde(default)]
    pub transfer_fee_yen: i64,
}

impl Default for RefundPolicy {
    /// 100 % back until 8 days before, 50 % from 7 to 2 days, nothing from the day before.
    fn default() -> Self {
        RefundPolicy {
            tiers: vec![
                Tier {
                    days_before: 8,
                    charge_percent: 0,
                    charge_cap_yen: None,
                },
                Tier {
                    days_before: 2,
                    charge_percent: 50,
                    charge_cap_yen: None,
                },
            ],
            non_refundable_components: vec!["textbook".into()],
            transfer_fee_yen: 0,
        }
    }
}

impl RefundPolicy {
    /// Checks a policy typed by staff: percentages 0–100, caps and fees ≥ 0.
    pub fn parse(json: &str) -> Result<RefundPolicy, DomainError> {
        let bad = || DomainError::new("refund_policy", "err-refund-policy-invalid");
        let mut policy: RefundPolicy = serde_json::from_str(json).map_err(|_| bad())?;
        if policy.transfer_fee_yen < 0
            || policy
                .tiers
                .iter()
                .any(|t| t.charge_percent > 100 || t.charge_cap_yen.is_some_and(|c| c < 0))
        {
            return Err(bad());
        }
        policy
            .tiers
            .sort_by_key(|t| std::cmp::Reverse(t.days_before));
        Ok(policy)
    }

    /// The cancellation charge percentage and cap that apply `days_before` the start.
    pub fn tier_for(&self, days_before: i64) -> (u32, Option<i64>) {
        let mut tiers = self.tiers.clone();
        tiers.sort_by_key(|t| std::cmp::Reverse(t.days_before));
        tiers
            .iter()
            .find(|t| days_before >= t.days_before)
            .map_or((100, None), |t| (t.charge_percent, t.charge_cap_yen))
    }
}

/// What is known when a refund is computed.
#[derive(Debug, Clone, Copy)]
pub struct RefundInput {
    /// Paid so far, net of refunds already made.
    pub paid_yen: i64,
    /// The part of the fee in non-refundable components (e.g. textbook).
    pub non_refundable_yen: i64,
    /// Days from the cancellation date to the first day (0 = on the day).
    pub days_before: i64,
    /// The course was cancelled by us: everything comes back.
    pub cancelled_by_provider: bool,
}

/// The refund due, in yen, never negative and never more than was paid.
pub fn refund_due(policy: &RefundPolicy, input: RefundInput) -> i64 {
    let paid = input.paid_yen.max(0);
    if paid == 0 {
        return 0;
    }
    if input.cancelled_by_provider {
        return paid;
    }
    let kept = if input.days_before <= 0 {
        input.non_refundable_yen.clamp(0, paid)
    } else {
        0
    };
    let base = paid - kept;
    let (percent, cap) = policy.tier_for(input.days_before);
    let mut charge = base * i64::from(percent) / 100;
    if let Some(cap) = cap {
        charge = charge.min(cap);
    }
    let back = base - charge;
    if back <= 0 {
        return 0;
    }
    (back - policy.transfer_fee_yen.max(0)).max(0)
}

/// What a trainee's own cancellation kept (the cancellation charge), less
/// what was already given back as a top-up, from ledger lines
/// `(kind, note, amount)`. When we later cancel the course, this is the
/// top-up that would make their refund a full one.
pub fn kept_by_cancellation(
    lines: &[(&str, &str, i64)],
    charge_note: &str,
    top_up_note: &str,
) -> i64 {
    let kept: i64 = lines
        .iter()
        .filter(|(kind, note, _)| *kind == "charge" && *note == charge_note)
        .map(|(_, _, amount)| *amount)
        .sum();
    let returned: i64 = lines
        .iter()
        .filter(|(kind, note, _)| *kind == "adjustment" && *note == top_up_note)
        .map(|(_, _, amount)| -*amount)
        .sum();
    (kept - returned).max(0)
}

/// Days between today in Japan and the first day of the course.
pub fn days_before_start(now: DateTime<Utc>, starts_on: NaiveDate) -> i64 {
    let today_jst = (now + Duration::hours(9)).date_naive();
    (starts_on - today_jst).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(paid: i64, days: i64) -> RefundInput {
        RefundInput {
            paid_yen: paid,
            non_refundable_yen: 0,
            days_before: days,
            cancelled_by_provider: false,
        }
    }

    fn tiers(list: &[(i64, u32, Option<i64>)]) -> RefundPolicy {
        RefundPolicy {
            tiers: list
                .iter()
                .map(|&(d, p, c)| Tier {
                    days_before: d,
                    charge_percent: p,
                    charge_cap_yen: c,
                })
                .collect(),
            non_refundable_components: vec![],
            transfer_fee_yen: 0,
        }
    }

    #[test]
    fn the_default_policy_refunds_all_until_eight_days_half_from_seven_to_two_and_nothing_after() {
        let policy = RefundPolicy {
            non_refundable_components: vec![],
            ..RefundPolicy::default()
        };
        let table = [
            (30, 10_000),
            (8, 10_000),
            (7, 5_000),
            (2, 5_000),
            (1, 0),
            (0, 0),
            (-3, 0),
        ];
        for (days, expected) in table {
            assert_eq!(
                refund_due(&policy, input(10_000, days)),
                expected,
                "{days} days before"
            );
        }
    }

    #[test]
    fn strict_policy_refunds_only_before_the_start() {
        let policy = tiers(&[(1, 0, None)]);
        assert_eq!(refund_due(&policy, input(8_000, 1)), 8_000);
        assert_eq!(refund_due(&policy, input(8_000, 0)), 0);
    }

    #[test]
    fn tiered_free_until_fifteen_days_then_half_then_everything_charged() {
        let policy = tiers(&[(15, 0, None), (2, 50, None)]);
        for (days, expected) in [(16, 9_000), (15, 9_000), (14, 4_500), (2, 4_500), (1, 0)] {
            assert_eq!(refund_due(&policy, input(9_000, days)), expected, "{days}");
        }
    }

    #[test]
    fn a_capped_charge_after_payment_then_half_then_all() {
        let policy = tiers(&[(11, 20, Some(10_000)), (3, 50, None)]);
        // 20 % of 100,000 is 20,000 but the charge is capped at 10,000.
        assert_eq!(refund_due(&policy, input(100_000, 11)), 90_000);
        assert_eq!(refund_due(&policy, input(30_000, 11)), 24_000);
        assert_eq!(refund_due(&policy, input(30_000, 10)), 15_000);
        assert_eq!(refund_due(&policy, input(30_000, 3)), 15_000);
        assert_eq!(refund_due(&policy, input(30_000, 2)), 0);
    }

    #[test]
    fn textbooks_are_kept_once_the_course_started_and_the_transfer_fee_is_deducted() {
        let policy = RefundPolicy {
            tiers: vec![Tier {
                days_before: -100,
                charge_percent: 0,
                charge_cap_yen: None,
            }],
            non_refundable_components: vec!["textbook".into()],
            transfer_fee_yen: 440,
        };
        let mut i = input(40_000, 1);
        i.non_refundable_yen = 6_600;
        assert_eq!(refund_due(&policy, i), 40_000 - 440);
        i.days_before = 0;
        assert_eq!(refund_due(&policy, i), 40_000 - 6_600 - 440);
        // A fee never turns a refund into a charge.
        assert_eq!(refund_due(&policy, input(300, 5)), 0);
    }

    #[test]
    fn a_course_cancelled_by_us_refunds_everything_paid_and_nothing_is_refunded_unpaid() {
        let policy = tiers(&[]);
        let mut i = input(12_345, -2);
        i.cancelled_by_provider = true;
        i.non_refundable_yen = 5_000;
        assert_eq!(refund_due(&policy, i), 12_345);
        assert_eq!(refund_due(&policy, input(0, 30)), 0);
    }

    #[test]
    fn days_are_counted_in_japan_time() {
        let start = NaiveDate::from_ymd_opt(2026, 4, 10).unwrap();
        // 2026-04-08 15:30 UTC is already 04-09 in Japan.
        let now = "2026-04-08T15:30:00Z".parse().unwrap();
        assert_eq!(days_before_start(now, start), 1);
        let now = "2026-04-08T14:30:00Z".parse().unwrap();
        assert_eq!(days_before_start(now, start), 2);
    }

    #[test]
    fn a_typed_policy_is_checked_and_sorted() {
        let p = RefundPolicy::parse(
            r#"{"tiers":[{"days_before":2,"charge_percent":50},{"days_before":8,"charge_percent":0}]}"#,
        )
        .unwrap();
        assert_eq!(p.tiers[0].days_before, 8);
        assert!(
            RefundPolicy::parse(r#"{"tiers":[{"days_before":2,"charge_percent":150}]}"#).is_err()
        );
        assert!(RefundPolicy::parse("nope").is_err());
    }

    #[test]
    fn the_top_up_is_what_the_cancellation_kept_less_what_came_back() {
        let lines = [
            ("payment", "", 30_000),
            ("refund", "", 15_000),
            ("charge", "cancel", 15_000),
            ("charge", "makeup", 2_000),
        ];
        assert_eq!(kept_by_cancellation(&lines, "cancel", "top-up"), 15_000);
        let topped = [
            ("charge", "cancel", 15_000),
            ("adjustment", "top-up", -15_000),
        ];
        assert_eq!(kept_by_cancellation(&topped, "cancel", "top-up"), 0);
        // Cancelled by us (nothing kept), or never cancelled.
        assert_eq!(
            kept_by_cancellation(&[("charge", "cancel", 0)], "cancel", "top-up"),
            0
        );
        assert_eq!(
            kept_by_cancellation(&[("payment", "", 5_000)], "cancel", "top-up"),
            0
        );
    }
}
