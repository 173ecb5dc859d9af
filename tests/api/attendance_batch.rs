//! Roll-call saves written together by the group-commit batch
//! (`attendance_batch`) give exactly what one save at a time gives: the same
//! answers, marks, history, audit entries and session times, on a batch that
//! mixes every case a save can meet.
use chrono::{DateTime, Duration, SubsecRound, Utc};
use kouza::domain::completion::Mark;
use kouza::domain::Role;
use kouza::entities::{attendance as mark_row, audit_log, session};
use kouza::services::attendance::{self, MarkInput, Viewer};
use kouza::services::attendance_batch::{one_by_one, save_all, RosterSave};
use kouza::services::schedule::{self, SessionInput};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::{community_application, spawn, CourseSpec, TestApp};

/// One course with its sessions and trainees; the two runs get one each.
struct Set {
    sessions: Vec<i64>,
    enrollments: Vec<i64>,
}

struct People {
    staff: Viewer,
    teacher: Viewer,
    stranger: Viewer,
}

const OPEN: usize = 0;
const OTHER_OPEN: usize = 1;
const PAST: usize = 2;
const CANCELLED: usize = 3;
const MARKED: usize = 4;
const EMPTY: usize = 5;
const OTHER_PAST: usize = 6;

async fn people(app: &TestApp) -> People {
    let viewer = |id, is_staff| Viewer { id, is_staff };
    People {
        staff: viewer(app.account(Role::Staff).await.id, true),
        teacher: viewer(app.account(Role::Instructor).await.id, false),
        stranger: viewer(app.account(Role::Instructor).await.id, false),
    }
}

/// Seven sessions taught by `teacher` (one cancelled; two over three days
/// ago with marks, so changes are corrections; one already marked), four
/// trainees seated.
async fn prepared(app: &TestApp, people: &People, now: DateTime<Utc>) -> Set {
    let state = app.state();
    let course = app.published_course(CourseSpec::default()).await;
    let mut sessions = vec![];
    for k in 0..7 {
        let starts_at = if k == PAST || k == OTHER_PAST {
            now - Duration::days(3)
        } else {
            now - Duration::minutes(30) + Duration::days(k as i64)
        };
        let input = SessionInput {
            starts_at: Some(starts_at),
            ends_at: Some(starts_at + Duration::hours(2)),
            room: "研修室A".into(),
            instructor_id: Some(people.teacher.id),
            ..Default::default()
        };
        let at = schedule::add(&state.db, people.staff.id, course.id, &input, now)
            .await
            .unwrap();
        sessions.push(at.id);
    }
    schedule::cancel(&state.db, people.staff.id, sessions[CANCELLED], now)
        .await
        .unwrap();
    let mut enrollments = vec![];
    for (_, bearer) in app.trainees(4).await {
        let created = app
            .json(
                app.enroll_api(bearer, course.id, community_application())
                    .await,
            )
            .await;
        enrollments.push(created["id"].as_i64().expect("enrolled"));
    }
    let present = marks(&enrollments, Mark::Present);
    let past = now - Duration::days(3);
    for (k, at) in [(PAST, past), (OTHER_PAST, past), (MARKED, now)] {
        attendance::save_roster(&state.db, sessions[k], people.teacher, &present, None, at)
            .await
            .unwrap();
    }
    Set {
        sessions,
        enrollments,
    }
}

fn marks(enrollments: &[i64], mark: Mark) -> Vec<MarkInput> {
    enrollments
        .iter()
        .map(|id| MarkInput {
            enrollment_id: *id,
            mark,
            minutes: None,
            late_minutes: 0,
            note: String::new(),
        })
        .collect()
}

/// Every case a save meets, in one batch: a new roster; the same roster again
/// (two devices) with changes; a stranger; a correction without and with a
/// reason; a cancelled session; someone not on the roster; a repeat that
/// changes nothing; a session that does not exist; a duplicate mark.
fn batch(set: &Set, other: &Set, people: &People, now: DateTime<Utc>) -> Vec<RosterSave> {
    let s = |k: usize| set.sessions[k];
    let save = |session_id, viewer, marks, reason: Option<&str>, at| RosterSave {
        session_id,
        viewer,
        marks,
        reason: reason.map(str::to_string),
        now: at,
    };
    let present = marks(&set.enrollments, Mark::Present);
    let mut mixed = marks(&set.enrollments, Mark::Present);
    mixed[1].mark = Mark::Late;
    mixed[1].late_minutes = 20;
    mixed[1].minutes = Some(100);
    mixed[2].mark = Mark::Absent;
    mixed[3].note = "  早退の連絡あり ".into();
    let later = now + Duration::seconds(1);
    let mut duplicate = marks(&set.enrollments[..2], Mark::Present);
    duplicate.push(duplicate[0].clone());
    let mut stranger = marks(&set.enrollments[..1], Mark::Present);
    stranger.push(marks(&other.enrollments[..1], Mark::Present).remove(0));
    let correction = marks(&set.enrollments[..2], Mark::Absent);
    vec![
        save(s(OPEN), people.teacher, present.clone(), None, now),
        save(s(OTHER_OPEN), people.stranger, present.clone(), None, now),
        save(s(PAST), people.teacher, correction.clone(), None, now),
        save(s(CANCELLED), people.teacher, present.clone(), None, now),
        save(s(MARKED), people.teacher, present.clone(), None, now),
        save(s(EMPTY), people.teacher, stranger, None, now),
        save(s(OPEN), people.teacher, mixed, None, later),
        save(
            s(PAST),
            people.staff,
            correction.clone(),
            Some(" 出席簿の訂正 "),
            later,
        ),
        save(s(OTHER_OPEN), people.staff, duplicate, None, later),
        save(
            s(OTHER_PAST),
            people.staff,
            correction,
            Some("記入漏れ "),
            now,
        ),
        save(i64::MAX, people.staff, present, None, now),
    ]
}

/// What a run left, with the ids that must differ between the runs replaced
/// by positions in their set.
#[derive(Debug, PartialEq)]
struct Outcome {
    answers: Vec<String>,
    marks: Vec<MarkRow>,
    history: Vec<HistoryRow>,
    audit: Vec<(usize, Option<i64>, String, DateTime<Utc>)>,
    touched: Vec<DateTime<Utc>>,
}

type MarkRow = (usize, usize, String, i32, i32, String, i64, DateTime<Utc>);

type HistoryRow = (
    usize,
    usize,
    Option<String>,
    Option<i32>,
    String,
    i32,
    String,
    i64,
    DateTime<Utc>,
);

enum Path {
    Together,
    OneByOne,
}

async fn run(app: &TestApp, set: &Set, saves: &[RosterSave], path: Path) -> Outcome {
    let db = &app.state().db;
    let txn = kouza::db::begin_write(db).await.unwrap();
    let answers = match path {
        Path::Together => save_all(&txn, saves).await,
        Path::OneByOne => one_by_one(&txn, saves).await,
    }
    .expect("no savepoint fails");
    txn.commit().await.unwrap();
    let position = |list: &[i64], id: i64| list.iter().position(|x| *x == id).unwrap();
    let mut rows = vec![];
    let mut changes = vec![];
    for id in &set.sessions {
        rows.extend(
            mark_row::Entity::find()
                .filter(mark_row::Column::SessionId.eq(*id))
                .all(db)
                .await
                .unwrap(),
        );
        changes.extend(attendance::history_for_session(db, *id).await.unwrap());
    }
    let mut marks = vec![];
    for m in &rows {
        marks.push((
            position(&set.sessions, m.session_id),
            position(&set.enrollments, m.enrollment_id),
            m.mark.clone(),
            m.minutes_attended,
            m.late_minutes,
            m.note.clone(),
            m.recorded_by,
            m.recorded_at,
        ));
    }
    marks.sort();
    let mut history: Vec<HistoryRow> = changes
        .iter()
        .map(|(m, h)| {
            (
                position(&set.sessions, m.session_id),
                position(&set.enrollments, m.enrollment_id),
                h.old_mark.clone(),
                h.old_minutes,
                h.new_mark.clone(),
                h.new_minutes,
                h.reason.clone(),
                h.changed_by,
                h.changed_at,
            )
        })
        .collect();
    history.sort();
    let mut audit: Vec<_> = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("attendance_save"))
        .filter(audit_log::Column::TargetId.is_in(set.sessions.clone()))
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| {
            (
                position(&set.sessions, a.target_id.unwrap()),
                a.actor_id,
                a.detail,
                a.at,
            )
        })
        .collect();
    audit.sort();
    let mut touched = vec![];
    for id in &set.sessions {
        let at = session::Entity::find_by_id(*id).one(db).await.unwrap();
        touched.push(at.unwrap().updated_at);
    }
    Outcome {
        answers: answers
            .into_iter()
            .map(|a| match a {
                Ok(o) => format!("{}/{}/{}", o.created, o.changed, o.unchanged),
                Err(e) => format!("{e:?}"),
            })
            .collect(),
        marks,
        history,
        audit,
        touched,
    }
}

#[rocket::async_test]
async fn a_mixed_batch_written_together_matches_one_save_at_a_time() {
    let app = spawn().await;
    let people = people(&app).await;
    // PostgreSQL keeps microseconds.
    let now = app.state().clock.now().trunc_subsecs(6);
    let first = prepared(&app, &people, now).await;
    let second = prepared(&app, &people, now).await;
    let at = now + Duration::minutes(5);
    let together = run(
        &app,
        &first,
        &batch(&first, &second, &people, at),
        Path::Together,
    )
    .await;
    let single = run(
        &app,
        &second,
        &batch(&second, &first, &people, at),
        Path::OneByOne,
    )
    .await;
    assert_eq!(together, single);
    // And what they agree on is right, case by case.
    assert_eq!(
        together.answers,
        vec![
            "4/0/0".to_string(),
            "NotFound".into(),
            "Validation([DomainError { field: \"reason\", key: \"err-correction-reason\" }])"
                .into(),
            "Conflict(\"err-session-cancelled\")".into(),
            "0/0/4".into(),
            "Validation([DomainError { field: \"enrollment_id\", key: \"err-not-on-roster\" }])"
                .into(),
            "0/3/1".into(),
            "0/2/0".into(),
            "Validation([DomainError { field: \"enrollment_id\", key: \"err-roster-duplicate\" }])"
                .into(),
            "0/2/0".into(),
            "NotFound".into(),
        ]
    );
    let corrections: Vec<_> = together
        .history
        .iter()
        .filter(|h| h.0 == PAST && h.6 == "出席簿の訂正")
        .collect();
    assert_eq!(corrections.len(), 2, "{:?}", together.history);
    let on_first_save: Vec<_> = together
        .history
        .iter()
        .filter(|h| h.0 == OTHER_PAST && h.6 == "記入漏れ")
        .collect();
    assert_eq!(on_first_save.len(), 2, "{:?}", together.history);
    assert_eq!(together.touched[OPEN], at + Duration::seconds(1));
    assert_eq!(
        together.touched[MARKED], at,
        "a save that changes nothing still touches"
    );
    assert_eq!(
        together.touched[OTHER_OPEN], now,
        "refused saves touch nothing"
    );
}
