//! Whether a trainee has completed a course, and when a helper trainee must
//! be interrupted (中断) instead of quietly never finishing.
//!
//! For ヘルパー講座 the prefecture wants every required minute of every subject
//! accounted for — in class, by make-up (補講, here or at another provider)
//! or by correspondence (通信) up to the subject's limit — plus a passed
//! completion assessment (修了評価). Community courses complete by attendance
//! ratio, symposia by check-in. Everything here is arithmetic on values the
//! caller loaded; nothing touches the database or the web framework.
//!
//! Inputs come from staff-edited rosters, so they are taken as they are and
//! negative numbers are read as 0 rather than rejected: a typo must not make
//! a trainee look complete, and must not stop a report from being produced.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How lateness and early leaving count (a course setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum LatenessRule {
    /// Late or left early: the block counts as absent (default).
    Strict,
    /// Up to `max_late_minutes` late still counts in full for lectures (not
    /// practice); anything else as Strict.
    Lenient { max_late_minutes: i32 },
    /// Count the minutes actually attended.
    Minutes,
}

impl Default for LatenessRule {
    /// Strict is what most providers (and prefectures, when asked) apply;
    /// a course has to opt in to anything more generous.
    fn default() -> Self {
        LatenessRule::Strict
    }
}

/// What the attendance sheet (受講者科目別出席簿) says for one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// 出席
    Present,
    /// 遅刻
    Late,
    /// 早退
    LeftEarly,
    /// 欠席
    Absent,
    /// 公欠 — an accepted reason, recorded for reports; the hours are still
    /// missing and need a make-up.
    Excused,
}

impl Mark {
    pub const ALL: [Mark; 5] = [
        Mark::Present,
        Mark::Late,
        Mark::LeftEarly,
        Mark::Absent,
        Mark::Excused,
    ];

    /// The stored form; the same spelling serde uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Late => "late",
            Mark::LeftEarly => "left_early",
            Mark::Absent => "absent",
            Mark::Excused => "excused",
        }
    }

    pub fn parse(s: &str) -> Option<Mark> {
        Mark::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Fluent id of the label in `completion.ftl`.
    pub fn label_key(self) -> &'static str {
        match self {
            Mark::Present => "mark-present",
            Mark::Late => "mark-late",
            Mark::LeftEarly => "mark-left-early",
            Mark::Absent => "mark-absent",
            Mark::Excused => "mark-excused",
        }
    }
}

/// One attended (or missed) block, already mapped to the subject it counts
/// for (a 補講 make-up block carries the subject of the block it makes up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub subject_no: i32,
    /// Scheduled length of the block.
    pub session_minutes: i32,
    pub mark: Mark,
    /// Minutes actually in the room; a roster defaults it to the session length.
    pub minutes_attended: i32,
    /// How late the trainee arrived; only read for [`Mark::Late`].
    pub late_minutes: i32,
    /// 演習 (practice) rather than 講義 (lecture); lenient providers forgive
    /// lateness only for lectures.
    pub practice: bool,
}

/// Minutes a subject needs, and how many of them correspondence may cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub no: i32,
    pub required_minutes: i32,
    /// 0 means classroom only.
    pub max_correspondence_minutes: i32,
}

/// Credit from outside the classroom for a subject: passed correspondence
/// assignments (capped by max_correspondence_minutes) and make-ups done at
/// another provider (uncapped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutsideCredit {
    pub subject_no: i32,
    pub correspondence_minutes: i32,
    /// Confirmed by the other provider's 受講修了確認書.
    pub external_makeup_minutes: i32,
}

/// Where one subject stands. `correspondence_minutes` is what counts, i.e.
/// already capped at the subject's limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectProgress {
    pub no: i32,
    pub required_minutes: i32,
    pub attended_minutes: i32,
    pub correspondence_minutes: i32,
    pub external_minutes: i32,
    pub missing_minutes: i32,
}

impl SubjectProgress {
    pub fn complete(&self) -> bool {
        self.missing_minutes == 0
    }
}

/// Minutes of its subject that one block counts for under `rule`.
pub fn credited_minutes(block: &Block, rule: LatenessRule) -> i32 {
    let session = block.session_minutes.max(0);
    // Never more than the block lasted: a roster typo of 1800 for 180 must
    // not fill the whole subject.
    let attended = block.minutes_attended.clamp(0, session);
    match block.mark {
        Mark::Present => attended,
        Mark::Absent | Mark::Excused => 0,
        Mark::Late | Mark::LeftEarly => match rule {
            LatenessRule::Strict => 0,
            LatenessRule::Lenient { max_late_minutes } => {
                let forgiven = block.mark == Mark::Late
                    && !block.practice
                    && block.late_minutes.max(0) <= max_late_minutes.max(0);
                if forgiven {
                    session
                } else {
                    0
                }
            }
            LatenessRule::Minutes => attended,
        },
    }
}

/// Progress per subject, in the order of `requirements`.
///
/// Blocks and outside credit for subjects not in `requirements` (orientation,
/// a subject the prefecture dropped) are not hours of any subject and are
/// ignored. Several outside credits for one subject add up before the
/// correspondence cap applies.
pub fn progress(
    requirements: &[Requirement],
    blocks: &[Block],
    outside: &[OutsideCredit],
    rule: LatenessRule,
) -> Vec<SubjectProgress> {
    requirements
        .iter()
        .map(|req| {
            let required = req.required_minutes.max(0);
            let attended = blocks
                .iter()
                .filter(|b| b.subject_no == req.no)
                .fold(0_i32, |sum, b| {
                    sum.saturating_add(credited_minutes(b, rule))
                });
            let credits = outside.iter().filter(|c| c.subject_no == req.no);
            let correspondence_done = credits.clone().fold(0_i32, |sum, c| {
                sum.saturating_add(c.correspondence_minutes.max(0))
            });
            let external = credits.fold(0_i32, |sum, c| {
                sum.saturating_add(c.external_makeup_minutes.max(0))
            });
            let correspondence = correspondence_done.min(req.max_correspondence_minutes.max(0));
            let covered = attended
                .saturating_add(correspondence)
                .saturating_add(external);
            SubjectProgress {
                no: req.no,
                required_minutes: required,
                attended_minutes: attended,
                correspondence_minutes: correspondence,
                external_minutes: external,
                missing_minutes: required.saturating_sub(covered).max(0),
            }
        })
        .collect()
}

/// The latest attempt at the 修了評価; earlier failed attempts do not matter
/// once a retake passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub score: i32,
    pub pass_mark: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentState {
    Passed,
    Failed,
    NotTaken,
    NotRequired,
}

impl AssessmentState {
    /// Fluent id of the label in `completion.ftl`.
    pub fn label_key(self) -> &'static str {
        match self {
            AssessmentState::Passed => "assessment-passed",
            AssessmentState::Failed => "assessment-failed",
            AssessmentState::NotTaken => "assessment-not-taken",
            AssessmentState::NotRequired => "assessment-not-required",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Completion {
    Complete,
    /// What is still missing, by subject number, and the assessment state.
    Incomplete {
        missing_subjects: Vec<i32>,
        assessment: AssessmentState,
    },
}

/// Whether a helper trainee has completed: no minute missing in any subject
/// and the assessment passed (or not part of this course).
pub fn helper_completion(
    progress: &[SubjectProgress],
    assessment: Option<Assessment>,
    assessment_required: bool,
) -> Completion {
    let missing_subjects: Vec<i32> = progress
        .iter()
        .filter(|p| !p.complete())
        .map(|p| p.no)
        .collect();
    // A score on a course without an assessment (a practice test, say)
    // neither helps nor hurts.
    let state = match (assessment_required, assessment) {
        (false, _) => AssessmentState::NotRequired,
        (true, None) => AssessmentState::NotTaken,
        (true, Some(a)) if a.score >= a.pass_mark => AssessmentState::Passed,
        (true, Some(_)) => AssessmentState::Failed,
    };
    let assessment_ok = matches!(
        state,
        AssessmentState::Passed | AssessmentState::NotRequired
    );
    if missing_subjects.is_empty() && assessment_ok {
        Completion::Complete
    } else {
        Completion::Incomplete {
            missing_subjects,
            assessment: state,
        }
    }
}

/// A community course completes when attended / held ≥ threshold percent.
///
/// Nothing held means nothing to attest, so no certificate. The threshold is
/// read within 0..=100, so anything above 100 means "all" rather than
/// "impossible".
pub fn community_completion(
    sessions_held: u32,
    sessions_attended: u32,
    threshold_percent: i32,
) -> bool {
    if sessions_held == 0 {
        return false;
    }
    let attended = u64::from(sessions_attended);
    let held = u64::from(sessions_held);
    // Whole numbers only: 4/5 against 80 % must not fail on 0.8 * 100 being
    // 80.00000000000001.
    let threshold = u64::from(threshold_percent.clamp(0, 100).unsigned_abs());
    attended * 100 >= threshold * held
}

/// A symposium attendee completes by being checked in at the door.
pub fn symposium_completion(checked_in: bool) -> bool {
    checked_in
}

/// Why a helper trainee is interrupted (中断).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Interruption {
    TooManyMissedSubjects { missed: usize, cap: usize },
    DeadlinePassed { deadline: NaiveDate },
}

impl Interruption {
    /// Fluent id of the explanation in `completion.ftl`; its variables are
    /// the fields of the variant (`$missed`, `$cap` or `$deadline`).
    pub fn label_key(&self) -> &'static str {
        match self {
            Interruption::TooManyMissedSubjects { .. } => "interruption-too-many-missed",
            Interruption::DeadlinePassed { .. } => "interruption-deadline-passed",
        }
    }
}

/// The make-up cap: about `percent` % of subjects, rounded to the nearest
/// whole subject (halves up), at least 1 — a trainee may always miss one
/// subject through illness and make it up.
pub fn makeup_cap(subject_count: usize, percent: u32) -> usize {
    let percent = usize::try_from(percent).unwrap_or(usize::MAX);
    let scaled = subject_count.saturating_mul(percent).saturating_add(50) / 100;
    scaled.max(1)
}

/// Flags 中断 instead of silently failing: too many subjects still missing
/// after the course's regular sessions are over (`regular_sessions_over`),
/// or the completion deadline passed while incomplete.
///
/// Only hours are looked at; a failed assessment is the retake's business
/// and shows in [`helper_completion`]. The deadline day itself still counts
/// as in time. When both reasons hold, the deadline is reported, because no
/// number of make-ups can cure it.
pub fn interruption(
    progress: &[SubjectProgress],
    cap: usize,
    regular_sessions_over: bool,
    deadline: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Interruption> {
    let missed = progress.iter().filter(|p| !p.complete()).count();
    if missed == 0 {
        return None;
    }
    if let Some(deadline) = deadline.filter(|d| today > *d) {
        return Some(Interruption::DeadlinePassed { deadline });
    }
    // Before the regular sessions are over, "missing" mostly means "not yet
    // taught"; only afterwards is it a make-up load.
    if regular_sessions_over && missed > cap {
        return Some(Interruption::TooManyMissedSubjects { missed, cap });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const JA: &str = include_str!("../i18n/locales/ja/completion.ftl");
    const EN: &str = include_str!("../i18n/locales/en/completion.ftl");

    /// 介護職員初任者研修: (subject, hours, max correspondence) in minutes.
    const SHONINSHA: [(i32, i32, i32); 10] = [
        (1, 6 * 60, 0),
        (2, 9 * 60, 450),
        (3, 6 * 60, 180),
        (4, 9 * 60, 450),
        (5, 6 * 60, 180),
        (6, 6 * 60, 180),
        (7, 6 * 60, 180),
        (8, 3 * 60, 90),
        (9, 75 * 60, 720),
        (10, 4 * 60, 0),
    ];

    /// Blocks are three hours, the last one of a subject shorter if needed.
    const BLOCK_MINUTES: i32 = 180;

    fn requirements() -> Vec<Requirement> {
        SHONINSHA
            .iter()
            .map(|&(no, required, max_corr)| Requirement {
                no,
                required_minutes: required,
                max_correspondence_minutes: max_corr,
            })
            .collect()
    }

    fn present(subject_no: i32, minutes: i32) -> Block {
        Block {
            subject_no,
            session_minutes: minutes,
            mark: Mark::Present,
            minutes_attended: minutes,
            late_minutes: 0,
            practice: false,
        }
    }

    /// Every block of every subject attended in full.
    fn all_present() -> Vec<Block> {
        let mut blocks = Vec::new();
        for &(no, required, _) in &SHONINSHA {
            let mut left = required;
            while left > 0 {
                let minutes = left.min(BLOCK_MINUTES);
                blocks.push(present(no, minutes));
                left -= minutes;
            }
        }
        blocks
    }

    fn passed() -> Option<Assessment> {
        Some(Assessment {
            score: 85,
            pass_mark: 70,
        })
    }

    fn late(minutes_late: i32, practice: bool) -> Block {
        Block {
            mark: Mark::Late,
            minutes_attended: BLOCK_MINUTES - minutes_late,
            late_minutes: minutes_late,
            practice,
            ..present(9, BLOCK_MINUTES)
        }
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn missing_of(progress: &[SubjectProgress], no: i32) -> i32 {
        progress
            .iter()
            .find(|p| p.no == no)
            .unwrap()
            .missing_minutes
    }

    // --- Helper course completion ---

    #[test]
    fn a_trainee_present_throughout_who_passed_the_assessment_is_complete() {
        let p = progress(&requirements(), &all_present(), &[], LatenessRule::Strict);
        assert!(p.iter().all(SubjectProgress::complete));
        assert_eq!(helper_completion(&p, passed(), true), Completion::Complete);
    }

    #[test]
    fn leaving_thirty_minutes_early_leaves_exactly_that_subject_incomplete() {
        let mut blocks = all_present();
        let last_of_3 = blocks.iter().rposition(|b| b.subject_no == 3).unwrap();
        blocks[last_of_3].mark = Mark::LeftEarly;
        blocks[last_of_3].minutes_attended -= 30;

        let p = progress(&requirements(), &blocks, &[], LatenessRule::Minutes);

        assert_eq!(missing_of(&p, 3), 30);
        assert_eq!(
            helper_completion(&p, passed(), true),
            Completion::Incomplete {
                missing_subjects: vec![3],
                assessment: AssessmentState::Passed,
            }
        );
    }

    #[test]
    fn an_absent_thirty_minute_block_leaves_exactly_that_subject_incomplete() {
        let mut blocks = all_present();
        let first_of_8 = blocks.iter().position(|b| b.subject_no == 8).unwrap();
        blocks[first_of_8].session_minutes = 150;
        blocks[first_of_8].minutes_attended = 150;
        blocks.push(Block {
            mark: Mark::Absent,
            minutes_attended: 0,
            ..present(8, 30)
        });

        let p = progress(&requirements(), &blocks, &[], LatenessRule::Strict);

        assert_eq!(
            helper_completion(&p, passed(), true),
            Completion::Incomplete {
                missing_subjects: vec![8],
                assessment: AssessmentState::Passed,
            }
        );
    }

    #[test]
    fn a_makeup_block_for_the_same_subject_covers_the_shortfall() {
        let mut blocks = all_present();
        let last_of_3 = blocks.iter().rposition(|b| b.subject_no == 3).unwrap();
        blocks[last_of_3].mark = Mark::LeftEarly;
        blocks[last_of_3].minutes_attended -= 30;
        // 補講: a 30-minute block in a later cohort, mapped to subject 3.
        blocks.push(present(3, 30));

        let p = progress(&requirements(), &blocks, &[], LatenessRule::Minutes);

        assert_eq!(helper_completion(&p, passed(), true), Completion::Complete);
    }

    #[test]
    fn a_makeup_block_for_another_subject_does_not_cover_the_shortfall() {
        let mut blocks = all_present();
        let last_of_3 = blocks.iter().rposition(|b| b.subject_no == 3).unwrap();
        blocks[last_of_3].mark = Mark::Absent;
        blocks.push(present(4, BLOCK_MINUTES));

        let p = progress(&requirements(), &blocks, &[], LatenessRule::Strict);

        assert_eq!(missing_of(&p, 3), BLOCK_MINUTES);
        assert_eq!(missing_of(&p, 4), 0);
    }

    #[test]
    fn an_excused_absence_still_needs_a_makeup() {
        let mut blocks = all_present();
        blocks[0].mark = Mark::Excused;

        let p = progress(&requirements(), &blocks, &[], LatenessRule::Strict);

        assert_eq!(missing_of(&p, 1), BLOCK_MINUTES);
    }

    #[test]
    fn blocks_for_subjects_outside_the_curriculum_are_ignored() {
        let mut blocks = all_present();
        blocks.push(present(99, 600));
        blocks.push(present(0, 60));

        let p = progress(&requirements(), &blocks, &[], LatenessRule::Strict);

        assert_eq!(p.len(), 10);
        assert_eq!(
            p.iter().map(|s| s.no).collect::<Vec<_>>(),
            (1..=10).collect::<Vec<_>>()
        );
        assert_eq!(p.iter().map(|s| s.attended_minutes).sum::<i32>(), 130 * 60);
    }

    // --- Lateness rules ---

    #[test]
    fn five_minutes_late_for_a_lecture_counts_in_full_under_lenient_ten() {
        let block = late(5, false);
        assert_eq!(
            credited_minutes(
                &block,
                LatenessRule::Lenient {
                    max_late_minutes: 10
                }
            ),
            BLOCK_MINUTES
        );
    }

    #[test]
    fn five_minutes_late_for_a_lecture_counts_nothing_under_strict() {
        assert_eq!(credited_minutes(&late(5, false), LatenessRule::Strict), 0);
    }

    #[test]
    fn five_minutes_late_for_practice_counts_nothing_even_under_lenient() {
        let block = late(5, true);
        assert_eq!(
            credited_minutes(
                &block,
                LatenessRule::Lenient {
                    max_late_minutes: 10
                }
            ),
            0
        );
    }

    #[test]
    fn fifteen_minutes_late_counts_nothing_under_lenient_ten() {
        let block = late(15, false);
        assert_eq!(
            credited_minutes(
                &block,
                LatenessRule::Lenient {
                    max_late_minutes: 10
                }
            ),
            0
        );
    }

    #[test]
    fn leaving_early_is_never_forgiven_under_lenient() {
        let block = Block {
            mark: Mark::LeftEarly,
            minutes_attended: BLOCK_MINUTES - 5,
            ..present(9, BLOCK_MINUTES)
        };
        assert_eq!(
            credited_minutes(
                &block,
                LatenessRule::Lenient {
                    max_late_minutes: 10
                }
            ),
            0
        );
    }

    #[test]
    fn the_minutes_rule_counts_the_minutes_in_the_room() {
        assert_eq!(
            credited_minutes(&late(15, true), LatenessRule::Minutes),
            BLOCK_MINUTES - 15
        );
    }

    #[test]
    fn a_block_never_counts_more_than_it_lasted() {
        let block = Block {
            minutes_attended: 1800,
            ..present(9, BLOCK_MINUTES)
        };
        assert_eq!(
            credited_minutes(&block, LatenessRule::Strict),
            BLOCK_MINUTES
        );
        let late_typo = Block {
            mark: Mark::Late,
            ..block
        };
        assert_eq!(
            credited_minutes(&late_typo, LatenessRule::Minutes),
            BLOCK_MINUTES
        );
    }

    #[test]
    fn negative_roster_numbers_count_as_zero() {
        let block = Block {
            session_minutes: -180,
            minutes_attended: -180,
            ..present(1, 0)
        };
        assert_eq!(credited_minutes(&block, LatenessRule::Minutes), 0);
        let credit = OutsideCredit {
            subject_no: 2,
            correspondence_minutes: -600,
            external_makeup_minutes: -600,
        };
        let p = progress(&requirements(), &[], &[credit], LatenessRule::Strict);
        assert_eq!(missing_of(&p, 2), 540);
    }

    #[test]
    fn the_default_lateness_rule_is_strict() {
        assert_eq!(LatenessRule::default(), LatenessRule::Strict);
    }

    #[test]
    fn the_lateness_rule_is_stored_as_tagged_json() {
        let lenient: LatenessRule =
            serde_json::from_str(r#"{"rule":"lenient","max_late_minutes":10}"#).unwrap();
        assert_eq!(
            lenient,
            LatenessRule::Lenient {
                max_late_minutes: 10
            }
        );
        let strict: LatenessRule = serde_json::from_str(r#"{"rule":"strict"}"#).unwrap();
        assert_eq!(strict, LatenessRule::Strict);
        assert_eq!(
            serde_json::to_string(&LatenessRule::Minutes).unwrap(),
            r#"{"rule":"minutes"}"#
        );
    }

    // --- Outside credit ---

    #[test]
    fn correspondence_counts_only_up_to_the_subjects_limit() {
        // Subject 2: 9 h, of which at most 7.5 h by correspondence.
        let credit = OutsideCredit {
            subject_no: 2,
            correspondence_minutes: 540,
            external_makeup_minutes: 0,
        };

        let p = progress(&requirements(), &[], &[credit], LatenessRule::Strict);
        let two = &p[1];

        assert_eq!(two.correspondence_minutes, 450);
        assert_eq!(two.missing_minutes, 90);
    }

    #[test]
    fn correspondence_does_not_count_for_a_classroom_only_subject() {
        let credit = OutsideCredit {
            subject_no: 1,
            correspondence_minutes: 360,
            external_makeup_minutes: 0,
        };
        let p = progress(&requirements(), &[], &[credit], LatenessRule::Strict);
        assert_eq!(missing_of(&p, 1), 360);
    }

    #[test]
    fn a_makeup_at_another_provider_counts_without_a_cap() {
        let credits = [
            OutsideCredit {
                subject_no: 2,
                correspondence_minutes: 450,
                external_makeup_minutes: 0,
            },
            OutsideCredit {
                subject_no: 2,
                correspondence_minutes: 0,
                external_makeup_minutes: 90,
            },
            // Subject 1 allows no correspondence; another provider's
            // 受講修了確認書 still covers it.
            OutsideCredit {
                subject_no: 1,
                correspondence_minutes: 0,
                external_makeup_minutes: 360,
            },
        ];

        let p = progress(&requirements(), &[], &credits, LatenessRule::Strict);

        assert_eq!(p[1].external_minutes, 90);
        assert!(p[1].complete());
        assert!(p[0].complete());
    }

    // --- Assessment ---

    #[test]
    fn a_failed_assessment_leaves_a_trainee_with_all_hours_incomplete() {
        let p = progress(&requirements(), &all_present(), &[], LatenessRule::Strict);
        let failed = Some(Assessment {
            score: 65,
            pass_mark: 70,
        });
        assert_eq!(
            helper_completion(&p, failed, true),
            Completion::Incomplete {
                missing_subjects: vec![],
                assessment: AssessmentState::Failed,
            }
        );
    }

    #[test]
    fn a_retake_that_passes_completes_the_course() {
        let p = progress(&requirements(), &all_present(), &[], LatenessRule::Strict);
        let attempts = [
            Assessment {
                score: 65,
                pass_mark: 70,
            },
            Assessment {
                score: 70,
                pass_mark: 70,
            },
        ];
        assert_eq!(
            helper_completion(&p, attempts.last().copied(), true),
            Completion::Complete
        );
    }

    #[test]
    fn a_required_assessment_not_yet_taken_blocks_completion() {
        let p = progress(&requirements(), &all_present(), &[], LatenessRule::Strict);
        assert_eq!(
            helper_completion(&p, None, true),
            Completion::Incomplete {
                missing_subjects: vec![],
                assessment: AssessmentState::NotTaken,
            }
        );
    }

    #[test]
    fn without_a_required_assessment_the_hours_alone_complete() {
        let p = progress(&requirements(), &all_present(), &[], LatenessRule::Strict);
        assert_eq!(helper_completion(&p, None, false), Completion::Complete);
    }

    #[test]
    fn missing_subjects_are_listed_in_curriculum_order_with_the_assessment_state() {
        let blocks: Vec<Block> = all_present()
            .into_iter()
            .filter(|b| b.subject_no != 4 && b.subject_no != 10)
            .collect();
        let p = progress(&requirements(), &blocks, &[], LatenessRule::Strict);
        assert_eq!(
            helper_completion(&p, None, true),
            Completion::Incomplete {
                missing_subjects: vec![4, 10],
                assessment: AssessmentState::NotTaken,
            }
        );
    }

    #[test]
    fn completion_serialises_with_a_state_tag() {
        let incomplete = Completion::Incomplete {
            missing_subjects: vec![3],
            assessment: AssessmentState::NotTaken,
        };
        assert_eq!(
            serde_json::to_value(&incomplete).unwrap(),
            serde_json::json!({
                "state": "incomplete",
                "missing_subjects": [3],
                "assessment": "not_taken",
            })
        );
        assert_eq!(
            serde_json::to_value(Completion::Complete).unwrap(),
            serde_json::json!({ "state": "complete" })
        );
    }

    // --- Community courses and symposia ---

    #[test]
    fn four_of_five_sessions_meet_an_eighty_percent_threshold() {
        assert!(community_completion(5, 4, 80));
    }

    #[test]
    fn three_of_five_sessions_miss_an_eighty_percent_threshold() {
        assert!(!community_completion(5, 3, 80));
    }

    #[test]
    fn a_hundred_percent_threshold_needs_every_session() {
        assert!(community_completion(5, 5, 100));
        assert!(!community_completion(5, 4, 100));
        assert!(!community_completion(5, 4, 150));
        assert!(community_completion(5, 5, 150));
    }

    #[test]
    fn a_community_course_with_no_sessions_held_completes_nobody() {
        assert!(!community_completion(0, 0, 0));
        assert!(!community_completion(0, 3, 80));
    }

    #[test]
    fn a_symposium_completes_by_check_in() {
        assert!(symposium_completion(true));
        assert!(!symposium_completion(false));
    }

    // --- Make-up cap and interruption ---

    #[test]
    fn ten_percent_of_ten_subjects_is_one() {
        assert_eq!(makeup_cap(10, 10), 1);
    }

    #[test]
    fn ten_percent_of_twenty_five_subjects_rounds_to_three() {
        assert_eq!(makeup_cap(25, 10), 3);
    }

    #[test]
    fn the_cap_is_at_least_one_subject() {
        assert_eq!(makeup_cap(3, 10), 1);
        assert_eq!(makeup_cap(9, 10), 1);
        assert_eq!(makeup_cap(0, 10), 1);
    }

    #[test]
    fn the_cap_percentage_is_a_setting() {
        assert_eq!(makeup_cap(10, 30), 3);
        assert_eq!(makeup_cap(24, 10), 2);
    }

    /// Subjects 4 and 10 entirely missed.
    fn two_missing() -> Vec<SubjectProgress> {
        let blocks: Vec<Block> = all_present()
            .into_iter()
            .filter(|b| b.subject_no != 4 && b.subject_no != 10)
            .collect();
        progress(&requirements(), &blocks, &[], LatenessRule::Strict)
    }

    #[test]
    fn two_missing_subjects_over_a_cap_of_one_after_the_regular_sessions_interrupt() {
        assert_eq!(
            interruption(&two_missing(), 1, true, None, ymd(2026, 7, 1)),
            Some(Interruption::TooManyMissedSubjects { missed: 2, cap: 1 })
        );
    }

    #[test]
    fn missing_subjects_do_not_interrupt_while_regular_sessions_continue() {
        assert_eq!(
            interruption(&two_missing(), 1, false, None, ymd(2026, 7, 1)),
            None
        );
    }

    #[test]
    fn missing_subjects_within_the_cap_do_not_interrupt() {
        assert_eq!(
            interruption(&two_missing(), 2, true, None, ymd(2026, 7, 1)),
            None
        );
    }

    #[test]
    fn a_passed_deadline_while_incomplete_interrupts() {
        let deadline = ymd(2026, 9, 30);
        assert_eq!(
            interruption(&two_missing(), 3, false, Some(deadline), ymd(2026, 10, 1)),
            Some(Interruption::DeadlinePassed { deadline })
        );
    }

    #[test]
    fn the_deadline_day_itself_is_still_in_time() {
        let deadline = ymd(2026, 9, 30);
        assert_eq!(
            interruption(&two_missing(), 3, false, Some(deadline), deadline),
            None
        );
    }

    #[test]
    fn a_passed_deadline_is_reported_over_too_many_missed_subjects() {
        let deadline = ymd(2026, 9, 30);
        assert_eq!(
            interruption(&two_missing(), 1, true, Some(deadline), ymd(2026, 10, 1)),
            Some(Interruption::DeadlinePassed { deadline })
        );
    }

    #[test]
    fn a_complete_trainee_is_never_interrupted() {
        let p = progress(&requirements(), &all_present(), &[], LatenessRule::Strict);
        assert_eq!(
            interruption(&p, 0, true, Some(ymd(2026, 9, 30)), ymd(2027, 1, 1)),
            None
        );
    }

    #[test]
    fn an_interruption_serialises_with_a_reason_tag() {
        let reason = Interruption::DeadlinePassed {
            deadline: ymd(2026, 9, 30),
        };
        assert_eq!(
            serde_json::to_value(&reason).unwrap(),
            serde_json::json!({ "reason": "deadline_passed", "deadline": "2026-09-30" })
        );
    }

    // --- Marks ---

    #[test]
    fn every_mark_parses_back_from_its_stored_form() {
        for mark in Mark::ALL {
            assert_eq!(Mark::parse(mark.as_str()), Some(mark));
            // The stored form and the JSON form must not drift apart.
            assert_eq!(
                serde_json::to_value(mark).unwrap(),
                serde_json::Value::from(mark.as_str())
            );
        }
        assert_eq!(Mark::parse("Present"), None);
        assert_eq!(Mark::parse(""), None);
    }

    // --- Property-style check over generated rosters ---

    /// Knuth's MMIX LCG; deterministic, so a failure reproduces.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }

        /// A number in `lo..=hi`.
        fn range(&mut self, lo: i32, hi: i32) -> i32 {
            let span = (hi - lo + 1) as u64;
            lo + (self.next() % span) as i32
        }
    }

    #[test]
    fn generated_rosters_never_credit_more_than_was_held_nor_hide_a_shortfall() {
        let reqs = requirements();
        let rules = [
            LatenessRule::Strict,
            LatenessRule::Lenient {
                max_late_minutes: 10,
            },
            LatenessRule::Minutes,
        ];
        let mut rng = Lcg(0x006b_6f75_7a61);
        for _ in 0..500 {
            let block_count = rng.range(0, 80) as usize;
            let blocks: Vec<Block> = (0..block_count)
                .map(|_| Block {
                    // 0 and 11 are outside the curriculum.
                    subject_no: rng.range(0, 11),
                    session_minutes: rng.range(-30, 240),
                    mark: Mark::ALL[rng.range(0, 4) as usize],
                    minutes_attended: rng.range(-30, 300),
                    late_minutes: rng.range(-5, 60),
                    practice: rng.range(0, 1) == 1,
                })
                .collect();
            let outside: Vec<OutsideCredit> = (0..rng.range(0, 5))
                .map(|_| OutsideCredit {
                    subject_no: rng.range(0, 11),
                    correspondence_minutes: rng.range(-60, 900),
                    external_makeup_minutes: rng.range(-60, 300),
                })
                .collect();
            let rule = rules[rng.range(0, 2) as usize];

            for p in progress(&reqs, &blocks, &outside, rule) {
                let held: i32 = blocks
                    .iter()
                    .filter(|b| b.subject_no == p.no)
                    .map(|b| b.session_minutes.max(0))
                    .sum();
                let limit = reqs
                    .iter()
                    .find(|r| r.no == p.no)
                    .unwrap()
                    .max_correspondence_minutes;
                assert!(p.attended_minutes <= held, "{p:?} held {held}");
                assert!(p.attended_minutes >= 0 && p.missing_minutes >= 0, "{p:?}");
                assert!(p.correspondence_minutes <= limit, "{p:?}");
                assert!(
                    p.missing_minutes
                        + p.attended_minutes
                        + p.correspondence_minutes
                        + p.external_minutes
                        >= p.required_minutes,
                    "{p:?}"
                );
                assert_eq!(p.complete(), p.missing_minutes == 0);
            }
        }
    }

    // --- Messages ---

    fn defined_ids(ftl: &str) -> Vec<&str> {
        ftl.lines()
            .filter(|line| !line.starts_with(char::is_whitespace) && !line.starts_with('#'))
            .filter_map(|line| line.split_once('='))
            .map(|(id, _)| id.trim())
            .collect()
    }

    fn all_keys() -> Vec<&'static str> {
        let deadline = ymd(2026, 9, 30);
        let mut keys: Vec<&str> = Mark::ALL.iter().map(|m| m.label_key()).collect();
        keys.extend(
            [
                AssessmentState::Passed,
                AssessmentState::Failed,
                AssessmentState::NotTaken,
                AssessmentState::NotRequired,
            ]
            .iter()
            .map(|s| s.label_key()),
        );
        keys.push(Interruption::TooManyMissedSubjects { missed: 2, cap: 1 }.label_key());
        keys.push(Interruption::DeadlinePassed { deadline }.label_key());
        keys
    }

    #[test]
    fn every_completion_key_has_a_japanese_and_an_english_message() {
        let (ja, en) = (defined_ids(JA), defined_ids(EN));
        for key in all_keys() {
            assert!(ja.contains(&key), "ja/completion.ftl lacks `{key} =`");
            assert!(en.contains(&key), "en/completion.ftl lacks `{key} =`");
        }
    }

    #[test]
    fn both_languages_define_the_same_completion_messages_once() {
        let mut ja = defined_ids(JA);
        let mut en = defined_ids(EN);
        ja.sort_unstable();
        en.sort_unstable();
        assert_eq!(ja, en);
        let before = ja.len();
        ja.dedup();
        assert_eq!(before, ja.len());
    }
}
