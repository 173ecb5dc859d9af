//! Who gets a seat, a waitlist ticket or a refusal when several online
//! applications arrive together (one group-commit batch): the same rules, in
//! the same order, as one application at a time — window, one active
//! enrollment per person, price, then seat, waitlist or "full" — decided in
//! arrival order from the courses' counters as read once for the batch.
use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::course::{enrollment_window, CourseStatus, EnrollmentStatus, Window};
use super::fees::FeeLine;
use super::support::{self, Scheme};
use super::DomainError;

/// Why an application is refused; each maps to the error one application at
/// a time gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such course, or not one the public may see.
    NotFound,
    /// The course's state forbids it; the key names why.
    Conflict(&'static str),
    /// The price category is not offered (or the fees refuse it).
    Price(DomainError),
}

/// Whether a course takes online applications at `now`.
pub fn online_admission(status: CourseStatus, window: Window) -> Result<(), Refusal> {
    if status != CourseStatus::Published {
        return Err(if status.is_public() {
            Refusal::Conflict("err-enrollment-closed")
        } else {
            Refusal::NotFound
        });
    }
    match window {
        Window::Open => Ok(()),
        Window::NotYet => Err(Refusal::Conflict("err-enrollment-not-open")),
        Window::Closed => Err(Refusal::Conflict("err-enrollment-closed")),
    }
}

/// The status a newly seated enrollment starts in: approval first where the
/// course needs it, then payment where something is owed.
pub fn seated_status(requires_approval: bool, amount_due: i64) -> EnrollmentStatus {
    if requires_approval {
        EnrollmentStatus::PendingApproval
    } else if amount_due > 0 {
        EnrollmentStatus::PendingPayment
    } else {
        EnrollmentStatus::Confirmed
    }
}

/// A course as read (and locked) once for the batch.
#[derive(Debug, Clone)]
pub struct Course {
    pub status: CourseStatus,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub starts_on: NaiveDate,
    pub requires_approval: bool,
    pub waitlist_enabled: bool,
    pub capacity: i32,
    pub seats_taken: i32,
    pub waitlist_seq: i32,
    pub fees: Vec<FeeLine>,
    /// The capacity limit (off only in the race tests' control runs).
    pub seat_guard: bool,
    /// The "already enrolled" check (off only in the duplicate race's control).
    pub one_active_check: bool,
}

/// One application of the batch.
#[derive(Debug, Clone)]
pub struct Application {
    pub course_id: i64,
    pub user_id: i64,
    pub price_category: String,
    pub scheme: Option<Scheme>,
    pub now: DateTime<Utc>,
}

/// What an accepted application becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seating {
    pub status: EnrollmentStatus,
    pub ticket: Option<i32>,
    pub amount_due: i64,
}

/// What the batch takes from one course's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Taken {
    pub seats: i32,
    pub tickets: i32,
}

/// Every application's answer, in the order given, and what each course's
/// counters must move by. `active` holds the (course, person) pairs already
/// enrolled before the batch.
pub fn decide(
    courses: &BTreeMap<i64, Course>,
    active: &HashSet<(i64, i64)>,
    applications: &[Application],
) -> (Vec<Result<Seating, Refusal>>, BTreeMap<i64, Taken>) {
    let mut taken: BTreeMap<i64, Taken> = BTreeMap::new();
    let mut enrolled = active.clone();
    let answers = applications
        .iter()
        .map(|a| {
            let course = courses.get(&a.course_id).ok_or(Refusal::NotFound)?;
            let so_far = taken.entry(a.course_id).or_default();
            let seating = decide_one(course, *so_far, &enrolled, a)?;
            if seating.ticket.is_some() {
                so_far.tickets += 1;
            } else {
                so_far.seats += 1;
            }
            enrolled.insert((a.course_id, a.user_id));
            Ok(seating)
        })
        .collect();
    taken.retain(|_, t| *t != Taken::default());
    (answers, taken)
}

/// One application against its course, after what earlier ones took.
fn decide_one(
    course: &Course,
    so_far: Taken,
    enrolled: &HashSet<(i64, i64)>,
    a: &Application,
) -> Result<Seating, Refusal> {
    let window = enrollment_window(a.now, course.opens_at, course.closes_at, course.starts_on);
    online_admission(course.status, window)?;
    if course.one_active_check && enrolled.contains(&(a.course_id, a.user_id)) {
        return Err(Refusal::Conflict("err-already-enrolled"));
    }
    let amount_due = support::price(&course.fees, &a.price_category, a.scheme)
        .map_err(Refusal::Price)?
        .due_yen;
    let seats_taken = course.seats_taken + so_far.seats;
    if !course.seat_guard || seats_taken < course.capacity {
        Ok(Seating {
            status: seated_status(course.requires_approval, amount_due),
            ticket: None,
            amount_due,
        })
    } else if course.waitlist_enabled {
        Ok(Seating {
            status: EnrollmentStatus::Waitlisted,
            ticket: Some(course.waitlist_seq + so_far.tickets + 1),
            amount_due,
        })
    } else {
        Err(Refusal::Conflict("err-course-full"))
    }
}

/// A new ticket's place in the queue: those already waiting (tickets up to
/// the counter as read) plus the batch's tickets up to this one.
pub fn waitlist_rank(waiting_before: u64, seq_before: i32, ticket: i32) -> u64 {
    waiting_before + u64::try_from(ticket - seq_before).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-04-01T00:00:00Z".parse().unwrap()
    }

    fn course(capacity: i32, seats_taken: i32, waitlist: bool) -> Course {
        Course {
            status: CourseStatus::Published,
            opens_at: None,
            closes_at: None,
            starts_on: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            requires_approval: false,
            waitlist_enabled: waitlist,
            capacity,
            seats_taken,
            waitlist_seq: 7,
            fees: vec![],
            seat_guard: true,
            one_active_check: true,
        }
    }

    fn app(course_id: i64, user_id: i64) -> Application {
        Application {
            course_id,
            user_id,
            price_category: "general".into(),
            scheme: None,
            now: now(),
        }
    }

    fn one(c: Course) -> BTreeMap<i64, Course> {
        BTreeMap::from([(1, c)])
    }

    fn statuses(answers: &[Result<Seating, Refusal>]) -> Vec<Result<&'static str, Refusal>> {
        answers
            .iter()
            .map(|a| a.clone().map(|s| s.status.as_str()))
            .collect()
    }

    #[test]
    fn the_last_seats_go_in_arrival_order_then_consecutive_tickets() {
        let (answers, taken) = decide(
            &one(course(10, 8, true)),
            &HashSet::new(),
            &[app(1, 1), app(1, 2), app(1, 3), app(1, 4)],
        );
        assert_eq!(
            statuses(&answers),
            vec![
                Ok("confirmed"),
                Ok("confirmed"),
                Ok("waitlisted"),
                Ok("waitlisted")
            ]
        );
        let tickets: Vec<_> = answers.iter().map(|a| a.clone().unwrap().ticket).collect();
        assert_eq!(tickets, vec![None, None, Some(8), Some(9)]);
        assert_eq!(
            taken,
            BTreeMap::from([(
                1,
                Taken {
                    seats: 2,
                    tickets: 2
                }
            )])
        );
    }

    #[test]
    fn full_without_a_waitlist_refuses_and_takes_nothing() {
        let (answers, taken) = decide(&one(course(2, 2, false)), &HashSet::new(), &[app(1, 1)]);
        assert_eq!(
            statuses(&answers),
            vec![Err(Refusal::Conflict("err-course-full"))]
        );
        assert!(taken.is_empty());
    }

    #[test]
    fn a_capacity_lowered_below_the_seats_taken_seats_nobody() {
        let (answers, _) = decide(&one(course(3, 5, true)), &HashSet::new(), &[app(1, 1)]);
        assert_eq!(statuses(&answers), vec![Ok("waitlisted")]);
    }

    #[test]
    fn a_second_application_of_one_person_in_the_batch_is_already_enrolled() {
        let (answers, taken) = decide(
            &one(course(10, 0, true)),
            &HashSet::new(),
            &[app(1, 1), app(1, 1)],
        );
        assert_eq!(
            statuses(&answers),
            vec![
                Ok("confirmed"),
                Err(Refusal::Conflict("err-already-enrolled"))
            ]
        );
        assert_eq!(taken[&1].seats, 1);
    }

    #[test]
    fn a_person_enrolled_before_the_batch_is_refused() {
        let (answers, _) = decide(
            &one(course(10, 0, true)),
            &HashSet::from([(1, 1)]),
            &[app(1, 1), app(1, 2)],
        );
        assert_eq!(
            statuses(&answers),
            vec![
                Err(Refusal::Conflict("err-already-enrolled")),
                Ok("confirmed")
            ]
        );
    }

    #[test]
    fn a_refused_application_does_not_block_the_same_persons_next_one() {
        let mut c = course(10, 0, true);
        c.fees = vec![("general".into(), "tuition".into(), 5000)];
        let mut wrong = app(1, 1);
        wrong.price_category = "member".into();
        let (answers, _) = decide(&one(c), &HashSet::new(), &[wrong, app(1, 1)]);
        assert!(matches!(answers[0], Err(Refusal::Price(_))));
        assert_eq!(answers[1].clone().unwrap().amount_due, 5000);
    }

    #[test]
    fn fees_make_a_seat_pending_payment_and_approval_comes_first() {
        let mut c = course(10, 0, true);
        c.fees = vec![("general".into(), "tuition".into(), 5000)];
        let (answers, _) = decide(&one(c.clone()), &HashSet::new(), &[app(1, 1)]);
        assert_eq!(statuses(&answers), vec![Ok("pending_payment")]);
        c.requires_approval = true;
        let (answers, _) = decide(&one(c), &HashSet::new(), &[app(1, 1)]);
        assert_eq!(statuses(&answers), vec![Ok("pending_approval")]);
    }

    #[test]
    fn a_closed_window_or_an_unpublished_course_refuses() {
        let mut closed = course(10, 0, true);
        closed.closes_at = Some(now());
        let mut not_yet = course(10, 0, true);
        not_yet.opens_at = Some(now() + chrono::Duration::hours(1));
        let mut draft = course(10, 0, true);
        draft.status = CourseStatus::Draft;
        let mut stopped = course(10, 0, true);
        stopped.status = CourseStatus::Closed;
        let courses = BTreeMap::from([(1, closed), (2, not_yet), (3, draft), (4, stopped)]);
        let (answers, taken) = decide(
            &courses,
            &HashSet::new(),
            &[app(1, 1), app(2, 1), app(3, 1), app(4, 1), app(5, 1)],
        );
        assert_eq!(
            statuses(&answers),
            vec![
                Err(Refusal::Conflict("err-enrollment-closed")),
                Err(Refusal::Conflict("err-enrollment-not-open")),
                Err(Refusal::NotFound),
                Err(Refusal::Conflict("err-enrollment-closed")),
                Err(Refusal::NotFound),
            ]
        );
        assert!(taken.is_empty());
    }

    #[test]
    fn without_the_seat_guard_everyone_is_seated() {
        let mut c = course(1, 1, true);
        c.seat_guard = false;
        let (answers, _) = decide(&one(c), &HashSet::new(), &[app(1, 1), app(1, 2)]);
        assert_eq!(statuses(&answers), vec![Ok("confirmed"), Ok("confirmed")]);
    }

    #[test]
    fn courses_count_their_own_seats() {
        let courses = BTreeMap::from([(1, course(1, 0, true)), (2, course(1, 0, false))]);
        let (answers, _) = decide(
            &courses,
            &HashSet::new(),
            &[app(1, 1), app(2, 1), app(1, 2), app(2, 2)],
        );
        assert_eq!(
            statuses(&answers),
            vec![
                Ok("confirmed"),
                Ok("confirmed"),
                Ok("waitlisted"),
                Err(Refusal::Conflict("err-course-full"))
            ]
        );
    }

    #[test]
    fn the_rank_counts_those_waiting_and_the_batchs_earlier_tickets() {
        assert_eq!(waitlist_rank(0, 0, 1), 1);
        assert_eq!(waitlist_rank(12, 15, 17), 14);
    }
}
