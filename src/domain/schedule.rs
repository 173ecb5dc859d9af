//! Class days of a helper course and how the curriculum's subjects fill them.
//!
//! A course is set up as "Mon/Wed/Fri 09:30–16:30 from April to June, except
//! public holidays"; the prefecture wants to see, per subject, that every
//! required hour was scheduled. Planning is a suggestion staff can edit, so
//! it never fails: what does not fit is reported as a shortfall instead.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

use super::DomainError;

/// More class days than any real course has (初任者研修 needs about 20,
/// 実務者研修 about 80); beyond this the dates were almost certainly mistyped.
const MAX_DAYS: usize = 400;

/// A weekly timetable and the period it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyPattern {
    pub weekdays: Vec<Weekday>,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub from: NaiveDate,
    pub until: NaiveDate,
    /// Holidays and other dates without class.
    pub skip: Vec<NaiveDate>,
}

/// One class day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// The class days of a pattern, in date order.
pub fn days(pattern: &WeeklyPattern) -> Result<Vec<Day>, DomainError> {
    if pattern.weekdays.is_empty() {
        return Err(DomainError::new("weekdays", "err-schedule-no-weekday"));
    }
    if pattern.end <= pattern.start {
        return Err(DomainError::new("end", "err-schedule-end-before-start"));
    }
    if pattern.until < pattern.from {
        return Err(DomainError::new("until", "err-schedule-until-before-from"));
    }
    let mut days = Vec::new();
    // At least one weekday matches every seven dates, so a mistyped year
    // (2206 for 2026) stops after a few thousand steps, not centuries.
    for date in pattern.from.iter_days().take_while(|d| *d <= pattern.until) {
        if !pattern.weekdays.contains(&date.weekday()) || pattern.skip.contains(&date) {
            continue;
        }
        if days.len() == MAX_DAYS {
            return Err(DomainError::new("until", "err-schedule-too-many"));
        }
        days.push(Day {
            date,
            start: pattern.start,
            end: pattern.end,
        });
    }
    Ok(days)
}

/// How many minutes of class a subject needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubjectNeed {
    pub no: i32,
    pub required_minutes: i32,
}

/// A continuous stretch of one subject on one day; it becomes a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub subject_no: i32,
}

impl Block {
    pub fn minutes(&self) -> i32 {
        minutes_between(self.start, self.end)
    }
}

/// Lays the subjects, in order, over the days, in order.
///
/// A subject continues on the next day when a day ends in the middle of it,
/// and the next subject starts right where the previous one ended. Days left
/// over stay unused; subjects that do not fit show up as a shortfall in
/// [`subject_totals`].
pub fn plan_blocks(days: &[Day], subjects: &[SubjectNeed]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut pending = subjects
        .iter()
        .filter(|s| s.required_minutes > 0)
        .map(|s| (s.no, s.required_minutes));
    let Some(mut current) = pending.next() else {
        return blocks;
    };
    for day in days {
        let mut at = day.start;
        loop {
            let free = minutes_between(at, day.end);
            if free <= 0 {
                break;
            }
            let (no, remaining) = current;
            let taken = remaining.min(free);
            let end = at + Duration::minutes(i64::from(taken));
            blocks.push(Block {
                date: day.date,
                start: at,
                end,
                subject_no: no,
            });
            at = end;
            if taken < remaining {
                current = (no, remaining - taken);
                continue;
            }
            match pending.next() {
                Some(next) => current = next,
                None => return blocks,
            }
        }
    }
    blocks
}

/// Required, scheduled and missing minutes of one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubjectTotal {
    pub no: i32,
    pub required_minutes: i32,
    pub scheduled_minutes: i32,
    pub shortfall_minutes: i32,
}

/// Totals per subject, in the order of `subjects`, from sessions given as
/// `(subject_no, minutes)`.
///
/// Sessions without a subject (orientation, the assessment) or for a subject
/// not in the list are not class hours of any subject and are ignored.
pub fn subject_totals(
    subjects: &[SubjectNeed],
    sessions: &[(Option<i32>, i32)],
) -> Vec<SubjectTotal> {
    subjects
        .iter()
        .map(|subject| {
            let scheduled = sessions
                .iter()
                .filter(|(no, _)| *no == Some(subject.no))
                .fold(0_i32, |sum, (_, minutes)| sum.saturating_add(*minutes));
            SubjectTotal {
                no: subject.no,
                required_minutes: subject.required_minutes,
                scheduled_minutes: scheduled,
                shortfall_minutes: subject.required_minutes.saturating_sub(scheduled).max(0),
            }
        })
        .collect()
}

/// Whole minutes from `from` to `to`, negative when `to` is earlier.
fn minutes_between(from: NaiveTime, to: NaiveTime) -> i32 {
    // A day is 1,440 minutes, so this always fits.
    (to - from).num_minutes() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    const JA: &str = include_str!("../i18n/locales/ja/application.ftl");
    const EN: &str = include_str!("../i18n/locales/en/application.ftl");
    const KEYS: &[&str] = &[
        "err-schedule-no-weekday",
        "err-schedule-end-before-start",
        "err-schedule-until-before-from",
        "err-schedule-too-many",
    ];

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    /// Mon/Wed/Fri 09:30–16:30 (seven hours) from Monday 2026-04-06.
    fn mon_wed_fri(until: NaiveDate) -> WeeklyPattern {
        WeeklyPattern {
            weekdays: vec![Weekday::Mon, Weekday::Wed, Weekday::Fri],
            start: hm(9, 30),
            end: hm(16, 30),
            from: ymd(2026, 4, 6),
            until,
            skip: vec![],
        }
    }

    /// 介護職員初任者研修: subjects 1–10, 130 hours in all.
    fn shoninsha() -> Vec<SubjectNeed> {
        [6, 9, 6, 9, 6, 6, 6, 3, 75, 4]
            .iter()
            .zip(1..)
            .map(|(hours, no)| SubjectNeed {
                no,
                required_minutes: hours * 60,
            })
            .collect()
    }

    fn sessions(blocks: &[Block]) -> Vec<(Option<i32>, i32)> {
        blocks
            .iter()
            .map(|b| (Some(b.subject_no), b.minutes()))
            .collect()
    }

    fn distinct_dates(blocks: &[Block]) -> usize {
        let mut dates: Vec<_> = blocks.iter().map(|b| b.date).collect();
        dates.dedup();
        dates.len()
    }

    #[test]
    fn only_the_chosen_weekdays_between_the_dates_are_class_days() {
        let days = days(&mon_wed_fri(ymd(2026, 4, 17))).unwrap();
        let dates: Vec<_> = days.iter().map(|d| d.date).collect();
        assert_eq!(
            dates,
            [
                ymd(2026, 4, 6),
                ymd(2026, 4, 8),
                ymd(2026, 4, 10),
                ymd(2026, 4, 13),
                ymd(2026, 4, 15),
                ymd(2026, 4, 17),
            ]
        );
        assert!(days
            .iter()
            .all(|d| d.start == hm(9, 30) && d.end == hm(16, 30)));
    }

    #[test]
    fn skip_dates_are_left_out() {
        let mut pattern = mon_wed_fri(ymd(2026, 5, 8));
        pattern.skip = vec![ymd(2026, 4, 29), ymd(2026, 5, 4), ymd(2026, 5, 6)];
        let dates: Vec<_> = days(&pattern).unwrap().iter().map(|d| d.date).collect();
        for holiday in &pattern.skip {
            assert!(!dates.contains(holiday), "{holiday}");
        }
        assert!(dates.contains(&ymd(2026, 5, 1)));
        assert!(dates.contains(&ymd(2026, 5, 8)));
    }

    #[test]
    fn a_one_day_period_on_a_class_weekday_gives_one_day() {
        assert_eq!(days(&mon_wed_fri(ymd(2026, 4, 6))).unwrap().len(), 1);
    }

    #[test]
    fn a_pattern_without_weekdays_is_rejected() {
        let mut pattern = mon_wed_fri(ymd(2026, 6, 30));
        pattern.weekdays.clear();
        assert_eq!(
            days(&pattern).unwrap_err(),
            DomainError::new("weekdays", "err-schedule-no-weekday")
        );
    }

    #[test]
    fn an_end_time_not_after_the_start_time_is_rejected() {
        for end in [hm(9, 30), hm(9, 0)] {
            let mut pattern = mon_wed_fri(ymd(2026, 6, 30));
            pattern.end = end;
            assert_eq!(
                days(&pattern).unwrap_err(),
                DomainError::new("end", "err-schedule-end-before-start")
            );
        }
    }

    #[test]
    fn an_until_date_before_the_from_date_is_rejected() {
        let pattern = mon_wed_fri(ymd(2026, 4, 5));
        assert_eq!(
            days(&pattern).unwrap_err(),
            DomainError::new("until", "err-schedule-until-before-from")
        );
    }

    #[test]
    fn four_hundred_days_are_allowed_but_not_four_hundred_and_one() {
        let mut pattern = mon_wed_fri(ymd(2026, 4, 6));
        pattern.weekdays = vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        pattern.until = pattern.from + Duration::days(399);
        assert_eq!(days(&pattern).unwrap().len(), 400);
        pattern.until = pattern.from + Duration::days(400);
        assert_eq!(
            days(&pattern).unwrap_err(),
            DomainError::new("until", "err-schedule-too-many")
        );
    }

    #[test]
    fn a_mistyped_far_future_year_is_rejected_quickly() {
        let pattern = mon_wed_fri(ymd(2206, 6, 30));
        assert_eq!(days(&pattern).unwrap_err().key, "err-schedule-too-many");
    }

    #[test]
    fn the_initial_training_curriculum_fits_in_nineteen_seven_hour_days() {
        // 130 h / 7 h = 18.6, so the last day is only partly used.
        let days = days(&mon_wed_fri(ymd(2026, 6, 30))).unwrap();
        let subjects = shoninsha();
        let blocks = plan_blocks(&days, &subjects);
        assert_eq!(distinct_dates(&blocks), 19);
        assert_eq!(blocks.last().unwrap().date, days[18].date);
        assert_eq!(blocks.last().unwrap().end, hm(13, 30));

        let totals = subject_totals(&subjects, &sessions(&blocks));
        assert_eq!(totals.len(), 10);
        for (total, subject) in totals.iter().zip(&subjects) {
            assert_eq!(total.no, subject.no);
            assert_eq!(total.scheduled_minutes, subject.required_minutes);
            assert_eq!(total.shortfall_minutes, 0);
        }
    }

    #[test]
    fn too_few_days_leave_a_shortfall_on_the_last_subjects() {
        // Ten days are 70 h: subjects 1–8 need 51 h, so 19 of subject 9's
        // 75 h fit and subject 10 gets nothing.
        let days = days(&mon_wed_fri(ymd(2026, 4, 27))).unwrap();
        assert_eq!(days.len(), 10);
        let subjects = shoninsha();
        let totals = subject_totals(&subjects, &sessions(&plan_blocks(&days, &subjects)));
        let shortfalls: Vec<_> = totals.iter().map(|t| t.shortfall_minutes / 60).collect();
        assert_eq!(shortfalls, [0, 0, 0, 0, 0, 0, 0, 0, 56, 4]);
        assert_eq!(totals[8].scheduled_minutes, 19 * 60);
        assert_eq!(totals[9].scheduled_minutes, 0);
    }

    #[test]
    fn a_subject_ending_mid_day_is_followed_by_the_next_in_a_block_that_meets_it() {
        let day = Day {
            date: ymd(2026, 4, 6),
            start: hm(9, 30),
            end: hm(16, 30),
        };
        let subjects = [
            SubjectNeed {
                no: 1,
                required_minutes: 180,
            },
            SubjectNeed {
                no: 2,
                required_minutes: 600,
            },
        ];
        let blocks = plan_blocks(&[day], &subjects);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            (blocks[0].subject_no, blocks[0].start, blocks[0].end),
            (1, hm(9, 30), hm(12, 30))
        );
        assert_eq!(
            (blocks[1].subject_no, blocks[1].start, blocks[1].end),
            (2, hm(12, 30), hm(16, 30))
        );
        assert_eq!(blocks[0].end, blocks[1].start);
    }

    #[test]
    fn a_subject_longer_than_a_day_continues_at_the_start_of_the_next_day() {
        let day = |d| Day {
            date: ymd(2026, 4, d),
            start: hm(9, 30),
            end: hm(16, 30),
        };
        let subjects = [SubjectNeed {
            no: 9,
            required_minutes: 540,
        }];
        let blocks = plan_blocks(&[day(6), day(8)], &subjects);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            (blocks[0].date, blocks[0].end),
            (ymd(2026, 4, 6), hm(16, 30))
        );
        assert_eq!(
            (blocks[1].date, blocks[1].start, blocks[1].end),
            (ymd(2026, 4, 8), hm(9, 30), hm(11, 30))
        );
    }

    #[test]
    fn days_left_over_after_the_last_subject_stay_unused() {
        let days = days(&mon_wed_fri(ymd(2026, 4, 30))).unwrap();
        let blocks = plan_blocks(
            &days,
            &[SubjectNeed {
                no: 1,
                required_minutes: 60,
            }],
        );
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].end, hm(10, 30));
    }

    #[test]
    fn subjects_without_minutes_get_no_block() {
        let day = Day {
            date: ymd(2026, 4, 6),
            start: hm(9, 30),
            end: hm(16, 30),
        };
        let subjects = [
            SubjectNeed {
                no: 1,
                required_minutes: 0,
            },
            SubjectNeed {
                no: 2,
                required_minutes: 60,
            },
            SubjectNeed {
                no: 3,
                required_minutes: 0,
            },
            SubjectNeed {
                no: 4,
                required_minutes: 60,
            },
        ];
        let numbers: Vec<_> = plan_blocks(&[day], &subjects)
            .iter()
            .map(|b| b.subject_no)
            .collect();
        assert_eq!(numbers, [2, 4]);
    }

    #[test]
    fn nothing_to_plan_or_nowhere_to_plan_it_gives_no_blocks() {
        let days = days(&mon_wed_fri(ymd(2026, 4, 30))).unwrap();
        assert!(plan_blocks(&days, &[]).is_empty());
        assert!(plan_blocks(&[], &shoninsha()).is_empty());
    }

    #[test]
    fn totals_ignore_sessions_without_a_subject_or_for_an_unknown_one() {
        let subjects = [
            SubjectNeed {
                no: 2,
                required_minutes: 540,
            },
            SubjectNeed {
                no: 1,
                required_minutes: 360,
            },
        ];
        let sessions = [
            (Some(1), 360),
            (None, 60),
            (Some(99), 120),
            (Some(2), 300),
            (Some(2), 60),
        ];
        let totals = subject_totals(&subjects, &sessions);
        assert_eq!(
            totals,
            [
                SubjectTotal {
                    no: 2,
                    required_minutes: 540,
                    scheduled_minutes: 360,
                    shortfall_minutes: 180
                },
                SubjectTotal {
                    no: 1,
                    required_minutes: 360,
                    scheduled_minutes: 360,
                    shortfall_minutes: 0
                },
            ]
        );
    }

    #[test]
    fn more_than_the_required_minutes_is_no_negative_shortfall() {
        let subjects = [SubjectNeed {
            no: 1,
            required_minutes: 60,
        }];
        let totals = subject_totals(&subjects, &[(Some(1), 90)]);
        assert_eq!(totals[0].scheduled_minutes, 90);
        assert_eq!(totals[0].shortfall_minutes, 0);
    }

    #[test]
    fn every_class_day_of_the_pattern_falls_on_a_chosen_weekday() {
        let days = days(&mon_wed_fri(ymd(2026, 12, 31))).unwrap();
        assert!(days
            .iter()
            .all(|d| matches!(d.date.weekday(), Weekday::Mon | Weekday::Wed | Weekday::Fri)));
    }

    fn defined_ids(ftl: &str) -> Vec<&str> {
        ftl.lines()
            .filter(|line| !line.starts_with(char::is_whitespace) && !line.starts_with('#'))
            .filter_map(|line| line.split_once('='))
            .map(|(id, _)| id.trim())
            .collect()
    }

    #[test]
    fn every_schedule_key_has_a_japanese_and_an_english_message() {
        for (lang, ftl) in [("ja", JA), ("en", EN)] {
            let ids = defined_ids(ftl);
            for key in KEYS {
                assert!(ids.contains(key), "{lang}/application.ftl lacks `{key} =`");
            }
        }
    }
}
