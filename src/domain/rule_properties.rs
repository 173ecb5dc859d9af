//! Property tests for the pure rules that decide certificates and money:
//! completion (修了), refunds (キャンセル規定) and era dates (和暦). Each
//! property holds for every generated case, not just the examples next to
//! each rule. `PROPTEST_CASES=20000 cargo test --lib rule_properties` for a long run.
use chrono::{Datelike, Duration, NaiveDate};
use proptest::prelude::*;

use super::completion::{
    community_completion, credited_minutes, helper_completion, progress, Assessment, Block,
    Completion, LatenessRule, Mark, OutsideCredit, Requirement,
};
use super::refund_policy::{refund_due, RefundInput, RefundPolicy, Tier};
use super::wareki::{era_year, format_wareki};

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(512)
    }
}

fn mark() -> impl Strategy<Value = Mark> {
    prop::sample::select(Mark::ALL.to_vec())
}

fn rule() -> impl Strategy<Value = LatenessRule> {
    prop_oneof![
        Just(LatenessRule::Strict),
        Just(LatenessRule::Minutes),
        (-5..60i32).prop_map(|m| LatenessRule::Lenient {
            max_late_minutes: m
        }),
    ]
}

fn block() -> impl Strategy<Value = Block> {
    (
        1..5i32,
        -10..400i32,
        mark(),
        -50..2000i32,
        -10..200i32,
        any::<bool>(),
    )
        .prop_map(
            |(subject_no, session_minutes, mark, minutes_attended, late_minutes, practice)| Block {
                subject_no,
                session_minutes,
                mark,
                minutes_attended,
                late_minutes,
                practice,
            },
        )
}

fn requirements() -> impl Strategy<Value = Vec<Requirement>> {
    prop::collection::vec((0..3000i32, 0..600i32), 1..5).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (required, corr))| Requirement {
                no: i as i32 + 1,
                required_minutes: required,
                max_correspondence_minutes: corr,
            })
            .collect()
    })
}

fn credits() -> impl Strategy<Value = Vec<OutsideCredit>> {
    prop::collection::vec((1..6i32, -100..1000i32, -100..1000i32), 0..4).prop_map(|v| {
        v.into_iter()
            .map(|(subject_no, c, e)| OutsideCredit {
                subject_no,
                correspondence_minutes: c,
                external_makeup_minutes: e,
            })
            .collect()
    })
}

fn policy() -> impl Strategy<Value = RefundPolicy> {
    (
        prop::collection::vec(
            (-3..60i64, 0..=100u32, prop::option::of(0..50_000i64)),
            0..4,
        ),
        0..2000i64,
    )
        .prop_map(|(tiers, fee)| RefundPolicy {
            tiers: tiers
                .into_iter()
                .map(|(days_before, charge_percent, charge_cap_yen)| Tier {
                    days_before,
                    charge_percent,
                    charge_cap_yen,
                })
                .collect(),
            non_refundable_components: vec!["textbook".into()],
            transfer_fee_yen: fee,
        })
}

fn date() -> impl Strategy<Value = NaiveDate> {
    // 1850 to 2100: before 明治 to well into 令和.
    (0..250 * 366i64).prop_map(|d| NaiveDate::from_ymd_opt(1850, 1, 1).unwrap() + Duration::days(d))
}

proptest! {
    #![proptest_config(config())]

    // ---- completion ----

    #[test]
    fn a_block_counts_for_no_less_than_nothing_and_no_more_than_it_lasted(b in block(), r in rule()) {
        let credited = credited_minutes(&b, r);
        prop_assert!(credited >= 0);
        prop_assert!(credited <= b.session_minutes.max(0));
        if matches!(b.mark, Mark::Absent | Mark::Excused) {
            prop_assert_eq!(credited, 0);
        }
    }

    #[test]
    fn missing_minutes_are_what_the_requirement_leaves_uncovered(
        reqs in requirements(),
        blocks in prop::collection::vec(block(), 0..12),
        outside in credits(),
        r in rule(),
    ) {
        let result = progress(&reqs, &blocks, &outside, r);
        prop_assert_eq!(result.len(), reqs.len());
        for (p, req) in result.iter().zip(&reqs) {
            prop_assert_eq!(p.no, req.no);
            prop_assert!(p.missing_minutes >= 0 && p.missing_minutes <= req.required_minutes.max(0));
            prop_assert!(p.correspondence_minutes >= 0);
            prop_assert!(p.correspondence_minutes <= req.max_correspondence_minutes.max(0));
            let covered = p.attended_minutes + p.correspondence_minutes + p.external_minutes;
            prop_assert_eq!(p.missing_minutes, (req.required_minutes.max(0) - covered).max(0));
            let lasted: i32 = blocks
                .iter()
                .filter(|b| b.subject_no == req.no)
                .map(|b| b.session_minutes.max(0))
                .sum();
            prop_assert!(p.attended_minutes <= lasted);
        }
    }

    #[test]
    fn one_more_block_attended_never_leaves_more_missing(
        reqs in requirements(),
        blocks in prop::collection::vec(block(), 0..10),
        extra in block(),
        outside in credits(),
        r in rule(),
    ) {
        let before = progress(&reqs, &blocks, &outside, r);
        let mut more = blocks.clone();
        more.push(Block { mark: Mark::Present, ..extra });
        let after = progress(&reqs, &more, &outside, r);
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(a.missing_minutes <= b.missing_minutes);
        }
    }

    #[test]
    fn a_helper_trainee_completes_exactly_when_nothing_is_missing_and_the_assessment_allows(
        reqs in requirements(),
        blocks in prop::collection::vec(block(), 0..12),
        outside in credits(),
        r in rule(),
        score in prop::option::of((0..100i32, 0..100i32)),
        required in any::<bool>(),
    ) {
        let p = progress(&reqs, &blocks, &outside, r);
        let assessment = score.map(|(score, pass_mark)| Assessment { score, pass_mark });
        let result = helper_completion(&p, assessment, required);
        let nothing_missing = p.iter().all(|s| s.missing_minutes == 0);
        let assessment_ok = !required || assessment.is_some_and(|a| a.score >= a.pass_mark);
        prop_assert_eq!(result == Completion::Complete, nothing_missing && assessment_ok);
        if let Completion::Incomplete { missing_subjects, .. } = result {
            let expected: Vec<i32> = p.iter().filter(|s| s.missing_minutes > 0).map(|s| s.no).collect();
            prop_assert_eq!(missing_subjects, expected);
        }
    }

    #[test]
    fn community_completion_is_monotone_and_bounded(
        held in 0..50u32,
        attended in 0..50u32,
        threshold in -50..250i32,
    ) {
        let attended = attended.min(held);
        let done = community_completion(held, attended, threshold);
        if held == 0 {
            prop_assert!(!done);
        } else {
            if attended == held {
                prop_assert!(done, "all sessions attended must complete");
            }
            if done && attended < held {
                prop_assert!(community_completion(held, attended + 1, threshold));
            }
            if threshold <= 0 {
                prop_assert!(done);
            }
        }
    }

    // ---- refunds ----

    #[test]
    fn a_refund_is_never_negative_nor_more_than_was_paid(
        p in policy(),
        paid in -10_000..500_000i64,
        non_refundable in -1000..100_000i64,
        days in -30..400i64,
        provider in any::<bool>(),
    ) {
        let input = RefundInput { paid_yen: paid, non_refundable_yen: non_refundable, days_before: days, cancelled_by_provider: provider };
        let back = refund_due(&p, input);
        prop_assert!(back >= 0);
        prop_assert!(back <= paid.max(0));
        if provider {
            prop_assert_eq!(back, paid.max(0));
        }
    }

    #[test]
    fn under_the_default_policy_cancelling_earlier_never_returns_less(
        paid in 0..500_000i64,
        non_refundable in 0..50_000i64,
        days in -5..60i64,
    ) {
        let p = RefundPolicy::default();
        let at = |days_before| refund_due(&p, RefundInput {
            paid_yen: paid, non_refundable_yen: non_refundable, days_before, cancelled_by_provider: false,
        });
        prop_assert!(at(days + 1) >= at(days));
    }

    #[test]
    fn a_higher_transfer_fee_never_returns_more(
        p in policy(),
        extra in 0..5000i64,
        paid in 0..200_000i64,
        days in -5..60i64,
    ) {
        let input = RefundInput { paid_yen: paid, non_refundable_yen: 0, days_before: days, cancelled_by_provider: false };
        let dearer = RefundPolicy { transfer_fee_yen: p.transfer_fee_yen + extra, ..p.clone() };
        prop_assert!(refund_due(&dearer, input) <= refund_due(&p, input));
    }

    #[test]
    fn a_parsed_policy_round_trips_and_keeps_its_tiers(p in policy()) {
        let json = serde_json::to_string(&p).unwrap();
        let parsed = RefundPolicy::parse(&json).unwrap();
        for days in -3..70 {
            prop_assert_eq!(parsed.tier_for(days), p.tier_for(days));
        }
    }

    // ---- wareki ----

    #[test]
    fn an_era_year_maps_back_to_the_gregorian_year(d in date()) {
        match era_year(d) {
            None => prop_assert!(d < NaiveDate::from_ymd_opt(1868, 1, 25).unwrap()),
            Some((era, year)) => {
                prop_assert!(year >= 1);
                let start = match era {
                    "令和" => 2019, "平成" => 1989, "昭和" => 1926, "大正" => 1912, "明治" => 1868,
                    other => return Err(TestCaseError::fail(format!("unknown era {other}"))),
                };
                prop_assert_eq!(start + year - 1, d.year());
                let text = format_wareki(d);
                prop_assert!(text.starts_with(era));
                let year_text = if year == 1 { "元".to_string() } else { year.to_string() };
                let expected = format!("{era}{year_text}年{}月{}日", d.month(), d.day());
                prop_assert_eq!(text, expected);
            }
        }
    }

    #[test]
    fn the_next_day_is_in_the_same_era_year_or_moves_on_by_one(d in date()) {
        let next = d.succ_opt().unwrap();
        if let (Some((era, year)), Some((next_era, next_year))) = (era_year(d), era_year(next)) {
            if era == next_era {
                prop_assert!(next_year == year || (next_year == year + 1 && next.ordinal() == 1));
            } else {
                prop_assert_eq!(next_year, 1, "a new era starts at year 1 (元年)");
            }
        }
    }
}

#[test]
fn era_boundaries_fall_on_the_decreed_days() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(era_year(day(2019, 4, 30)), Some(("平成", 31)));
    assert_eq!(era_year(day(2019, 5, 1)), Some(("令和", 1)));
    assert_eq!(era_year(day(1989, 1, 7)), Some(("昭和", 64)));
    assert_eq!(era_year(day(1989, 1, 8)), Some(("平成", 1)));
}
