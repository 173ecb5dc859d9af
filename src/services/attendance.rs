//! Attendance: rosters, marking (one idempotent save per roster, with
//! history), who taught, make-up bookings, and each trainee's progress
//! against the completion rule.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::prelude::Expr;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::{audit, catalog, enrollment as enrollments, schedule};
use crate::domain::completion::{
    self, Assessment, Block, Completion, Interruption, LatenessRule, Mark, OutsideCredit,
    Requirement, SubjectProgress,
};
use crate::domain::course::{CourseKind, EnrollmentStatus};
use crate::domain::person::gojuon_key;
use crate::domain::DomainError;
use crate::entities::{
    assessment, attendance, attendance_history, course, enrollment, makeup_booking, outside_credit,
    session, session_instructor,
};
use crate::error::Error;

/// Who is looking at or marking a session.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub id: i64,
    pub is_staff: bool,
}

/// Marks may be changed freely until this long after a session ends; later
/// changes are corrections and need a reason.
pub const CORRECTION_GRACE_HOURS: i64 = 2;

/// A session the viewer may mark: their own (as its instructor) or any (staff).
/// Anyone else is told it does not exist.
pub async fn session_for(
    conn: &impl ConnectionTrait,
    session_id: i64,
    viewer: Viewer,
) -> Result<session::Model, Error> {
    let found = schedule::find(conn, session_id).await?;
    if may_mark(&found, viewer) {
        Ok(found)
    } else {
        Err(Error::NotFound)
    }
}

/// Whether the person is the instructor of a session of the course.
pub(super) async fn teaches(
    conn: &impl ConnectionTrait,
    course_id: i64,
    user_id: i64,
) -> Result<bool, Error> {
    let sessions = session::Entity::find()
        .filter(session::COLUMN.course_id.eq(course_id))
        .filter(session::COLUMN.instructor_id.eq(user_id))
        .count(conn)
        .await?;
    Ok(sessions > 0)
}

pub(super) const SEATED: [EnrollmentStatus; 4] = [
    EnrollmentStatus::Confirmed,
    EnrollmentStatus::PendingPayment,
    EnrollmentStatus::Completed,
    EnrollmentStatus::Interrupted,
];

/// Enrollments expected at a session: for a regular session the course's
/// seated trainees; for a 補講 session only those booked into it. Trainees of
/// other cohorts booked as a make-up, and anyone already marked, are added.
async fn expected(
    conn: &impl ConnectionTrait,
    at: &session::Model,
) -> Result<Vec<enrollment::Model>, Error> {
    let mut rows = if at.makeup_for.is_none() {
        enrollment::Entity::find()
            .filter(enrollment::COLUMN.course_id.eq(at.course_id))
            .filter(enrollment::COLUMN.status.is_in(SEATED.map(|s| s.as_str())))
            .all(conn)
            .await?
    } else {
        vec![]
    };
    let booked = makeup_booking::Entity::find()
        .filter(makeup_booking::COLUMN.session_id.eq(at.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| b.enrollment_id);
    let marked = attendance::Entity::find()
        .filter(attendance::COLUMN.session_id.eq(at.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| a.enrollment_id);
    let mut others: Vec<i64> = booked
        .chain(marked)
        .filter(|id| !rows.iter().any(|r| r.id == *id))
        .collect();
    others.sort_unstable();
    others.dedup();
    if !others.is_empty() {
        rows.extend(
            enrollment::Entity::find()
                .filter(enrollment::COLUMN.id.is_in(others))
                .all(conn)
                .await?,
        );
    }
    rows.sort_by_cached_key(|r| {
        let kana = format!("{}{}", r.family_name_kana, r.given_name_kana);
        (gojuon_key(&kana), kana, r.id)
    });
    Ok(rows)
}

/// The ids of `expected`, for checking a save: the same people, read as ids
/// only (a save runs inside the shared write batch, so it reads little).
pub(super) async fn expected_ids(
    conn: &impl ConnectionTrait,
    at: &session::Model,
    marked: impl Iterator<Item = i64>,
) -> Result<HashSet<i64>, Error> {
    let mut ids: HashSet<i64> = marked.collect();
    if at.makeup_for.is_none() {
        let seated: Vec<i64> = enrollment::Entity::find()
            .select_only()
            .column(enrollment::Column::Id)
            .filter(enrollment::COLUMN.course_id.eq(at.course_id))
            .filter(enrollment::COLUMN.status.is_in(SEATED.map(|s| s.as_str())))
            .into_tuple()
            .all(conn)
            .await?;
        ids.extend(seated);
    }
    let booked: Vec<i64> = makeup_booking::Entity::find()
        .select_only()
        .column(makeup_booking::Column::EnrollmentId)
        .filter(makeup_booking::COLUMN.session_id.eq(at.id))
        .into_tuple()
        .all(conn)
        .await?;
    ids.extend(booked);
    Ok(ids)
}

#[derive(Debug, Clone, Serialize)]
pub struct RosterRow {
    pub enrollment_id: i64,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    /// Empty when not yet marked.
    pub mark: Option<String>,
    pub minutes: i32,
    pub late_minutes: i32,
    pub note: String,
    /// From another cohort, here for a make-up.
    pub makeup: bool,
}

pub fn session_minutes(at: &session::Model) -> i32 {
    (at.ends_at - at.starts_at).num_minutes().max(0) as i32
}

/// The roster in フリガナ order with what the server has recorded.
pub async fn roster(
    conn: &impl ConnectionTrait,
    session_id: i64,
    viewer: Viewer,
) -> Result<(session::Model, Vec<RosterRow>), Error> {
    let at = session_for(conn, session_id, viewer).await?;
    let marks: HashMap<i64, attendance::Model> = attendance::Entity::find()
        .filter(attendance::COLUMN.session_id.eq(session_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.enrollment_id, a))
        .collect();
    let length = session_minutes(&at);
    let rows = expected(conn, &at)
        .await?
        .into_iter()
        .map(|e| {
            let mark = marks.get(&e.id);
            RosterRow {
                enrollment_id: e.id,
                makeup: e.course_id != at.course_id,
                family_name: e.family_name,
                given_name: e.given_name,
                family_name_kana: e.family_name_kana,
                given_name_kana: e.given_name_kana,
                mark: mark.map(|m| m.mark.clone()),
                minutes: mark.map_or(length, |m| m.minutes_attended),
                late_minutes: mark.map_or(0, |m| m.late_minutes),
                note: mark.map(|m| m.note.clone()).unwrap_or_default(),
            }
        })
        .collect();
    Ok((at, rows))
}

/// One trainee's mark as sent by the roster form or the API.
#[derive(Debug, Clone)]
pub struct MarkInput {
    pub enrollment_id: i64,
    pub mark: Mark,
    /// Minutes attended; the session length when not given.
    pub minutes: Option<i32>,
    pub late_minutes: i32,
    pub note: String,
}

/// What a save did, for the response and the page.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct SaveOutcome {
    pub created: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// Saves a whole roster in one transaction. Sending the same marks again
/// changes nothing (idempotent); every change is kept in the history; a
/// change after the session is over needs a reason.
pub async fn save_roster(
    db: &DatabaseConnection,
    session_id: i64,
    viewer: Viewer,
    marks: &[MarkInput],
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SaveOutcome, Error> {
    let txn = crate::db::begin_write(db).await?;
    let outcome = save_roster_in(&txn, session_id, viewer, marks, reason, now).await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Saves like `save_roster`, in the next group commit, together with the
/// batch's other roster saves (`attendance_batch`); answered after that
/// transaction's commit.
pub async fn save_roster_batched(
    writer: &super::group_commit::GroupCommit,
    session_id: i64,
    viewer: Viewer,
    marks: Vec<MarkInput>,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<SaveOutcome, Error> {
    writer
        .save_roster(super::attendance_batch::RosterSave {
            session_id,
            viewer,
            marks,
            reason,
            now,
        })
        .await
}

/// The save's statements inside the caller's write transaction: a few
/// statements whatever the roster's size (one multi-row upsert of the marks,
/// one multi-row insert of their history), so a save holds the writer briefly.
pub async fn save_roster_in(
    txn: &DatabaseTransaction,
    session_id: i64,
    viewer: Viewer,
    marks: &[MarkInput],
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SaveOutcome, Error> {
    let at = session_for(txn, session_id, viewer).await?;
    // Touching the session row serialises two devices saving the same roster
    // (a row lock on PostgreSQL; SQLite already has one writer).
    session::Entity::update_many()
        .col_expr(session::Column::UpdatedAt, Expr::value(now))
        .filter(session::COLUMN.id.eq(session_id))
        .exec(txn)
        .await?;
    let existing: HashMap<i64, attendance::Model> = attendance::Entity::find()
        .filter(attendance::COLUMN.session_id.eq(session_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|a| (a.enrollment_id, a))
        .collect();
    let expected_ids = expected_ids(txn, &at, existing.keys().copied()).await?;
    let reason = reason.map(str::trim).unwrap_or("");
    let plan = plan(&at, viewer, &existing, &expected_ids, marks, reason, now)?;
    if plan.writes.is_empty() {
        return Ok(plan.outcome);
    }
    upsert_marks(txn, plan.writes).await?;
    // New marks got their ids from the upsert; one read finds them all.
    let ids: HashMap<i64, i64> = if plan.outcome.created > 0 {
        attendance::Entity::find()
            .filter(attendance::COLUMN.session_id.eq(session_id))
            .all(txn)
            .await?
            .into_iter()
            .map(|a| (a.enrollment_id, a.id))
            .collect()
    } else {
        existing.iter().map(|(e, a)| (*e, a.id)).collect()
    };
    let history = history_rows(&plan.changes, &ids, reason, viewer.id, now)?;
    attendance_history::Entity::insert_many(history)
        .exec_without_returning(txn)
        .await?;
    audit_row(session_id, viewer.id, plan.outcome, reason, now)
        .insert(txn)
        .await?;
    Ok(plan.outcome)
}

/// What one save writes, decided from what is recorded (no database).
#[derive(Debug)]
pub(super) struct Plan {
    pub outcome: SaveOutcome,
    pub writes: Vec<attendance::ActiveModel>,
    pub changes: Vec<Change>,
}

/// One mark that changes, for its history row.
#[derive(Debug)]
pub(super) struct Change {
    pub enrollment_id: i64,
    /// The mark and minutes before, when there was a mark.
    pub old: Option<(String, i32)>,
    pub mark: Mark,
    pub minutes: i32,
}

/// Whether the viewer may mark this session: its instructor, or staff.
pub(super) fn may_mark(at: &session::Model, viewer: Viewer) -> bool {
    viewer.is_staff || at.instructor_id == Some(viewer.id)
}

/// Checks a save against the session and what is recorded, and decides what
/// it writes: unchanged marks are skipped (a repeated save writes nothing),
/// a change after the grace period needs the (trimmed) reason.
pub(super) fn plan(
    at: &session::Model,
    viewer: Viewer,
    existing: &HashMap<i64, attendance::Model>,
    expected_ids: &HashSet<i64>,
    marks: &[MarkInput],
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Plan, Error> {
    if !may_mark(at, viewer) {
        return Err(Error::NotFound);
    }
    if at.cancelled_at.is_some() {
        return Err(Error::Conflict("err-session-cancelled"));
    }
    let length = session_minutes(at);
    let mut errors = vec![];
    let mut seen = HashSet::new();
    for mark in marks {
        if !expected_ids.contains(&mark.enrollment_id) {
            errors.push(DomainError::new("enrollment_id", "err-not-on-roster"));
        }
        if !seen.insert(mark.enrollment_id) {
            errors.push(DomainError::new("enrollment_id", "err-roster-duplicate"));
        }
        if mark.minutes.is_some_and(|m| m < 0 || m > length) {
            errors.push(DomainError::new("minutes", "err-minutes-out-of-range"));
        }
        if mark.late_minutes < 0 || mark.late_minutes > length {
            errors.push(DomainError::new("late_minutes", "err-minutes-out-of-range"));
        }
        if mark.note.chars().count() > 500 {
            errors.push(DomainError::new("note", "err-text-too-long"));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let is_correction_time = now > at.ends_at + Duration::hours(CORRECTION_GRACE_HOURS);
    let mut plan = Plan {
        outcome: SaveOutcome::default(),
        writes: vec![],
        changes: vec![],
    };
    for mark in marks {
        let minutes = match mark.mark {
            Mark::Absent | Mark::Excused => 0,
            _ => mark.minutes.unwrap_or(length),
        };
        let note = mark.note.trim().to_string();
        let old = existing.get(&mark.enrollment_id);
        match old {
            Some(old)
                if old.mark == mark.mark.as_str()
                    && old.minutes_attended == minutes
                    && old.late_minutes == mark.late_minutes
                    && old.note == note =>
            {
                plan.outcome.unchanged += 1;
                continue;
            }
            Some(_) if is_correction_time && reason.is_empty() => {
                return Err(Error::invalid("reason", "err-correction-reason"));
            }
            Some(_) => plan.outcome.changed += 1,
            None => plan.outcome.created += 1,
        }
        plan.writes.push(attendance::ActiveModel {
            enrollment_id: Set(mark.enrollment_id),
            session_id: Set(at.id),
            mark: Set(mark.mark.as_str().to_string()),
            minutes_attended: Set(minutes),
            late_minutes: Set(mark.late_minutes),
            note: Set(note),
            recorded_by: Set(viewer.id),
            recorded_at: Set(now),
            ..Default::default()
        });
        plan.changes.push(Change {
            enrollment_id: mark.enrollment_id,
            old: old.map(|o| (o.mark.clone(), o.minutes_attended)),
            mark: mark.mark,
            minutes,
        });
    }
    Ok(plan)
}

/// Rows in one multi-row statement of marks or history: 8 values a row,
/// about 15 KiB with the SQL, within `db::STATEMENT_BYTES`.
pub(super) const ROWS_PER_STATEMENT: usize = 120;

/// Writes marks, new or replacing the session's earlier mark of the same
/// trainee, in multi-row statements.
pub(super) async fn upsert_marks(
    txn: &DatabaseTransaction,
    writes: Vec<attendance::ActiveModel>,
) -> Result<(), Error> {
    let mut writes = writes.into_iter().peekable();
    while writes.peek().is_some() {
        let chunk: Vec<_> = writes.by_ref().take(ROWS_PER_STATEMENT).collect();
        attendance::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::columns([
                    attendance::Column::EnrollmentId,
                    attendance::Column::SessionId,
                ])
                .update_columns([
                    attendance::Column::Mark,
                    attendance::Column::MinutesAttended,
                    attendance::Column::LateMinutes,
                    attendance::Column::Note,
                    attendance::Column::RecordedBy,
                    attendance::Column::RecordedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// The history rows of a save's changes; `ids` maps enrollment to its mark.
pub(super) fn history_rows(
    changes: &[Change],
    ids: &HashMap<i64, i64>,
    reason: &str,
    changed_by: i64,
    now: DateTime<Utc>,
) -> Result<Vec<attendance_history::ActiveModel>, Error> {
    changes
        .iter()
        .map(|change| {
            let attendance_id = *ids
                .get(&change.enrollment_id)
                .ok_or_else(|| Error::Internal("a saved mark has no row".into()))?;
            Ok(attendance_history::ActiveModel {
                attendance_id: Set(attendance_id),
                old_mark: Set(change.old.as_ref().map(|(mark, _)| mark.clone())),
                old_minutes: Set(change.old.as_ref().map(|(_, minutes)| *minutes)),
                new_mark: Set(change.mark.as_str().to_string()),
                new_minutes: Set(change.minutes),
                reason: Set(reason.to_string()),
                changed_by: Set(changed_by),
                changed_at: Set(now),
                ..Default::default()
            })
        })
        .collect()
}

/// The audit-trail entry of a save that wrote something.
pub(super) fn audit_row(
    session_id: i64,
    actor: i64,
    outcome: SaveOutcome,
    reason: &str,
    now: DateTime<Utc>,
) -> crate::entities::audit_log::ActiveModel {
    audit::entry(
        Some(actor),
        "attendance_save",
        ("session", Some(session_id)),
        serde_json::json!({"created": outcome.created, "changed": outcome.changed, "reason": reason}),
        now,
    )
}

/// The changes of one session's marks, oldest first.
pub async fn history_for_session(
    conn: &impl ConnectionTrait,
    session_id: i64,
) -> Result<Vec<(attendance::Model, attendance_history::Model)>, Error> {
    let marks = attendance::Entity::find()
        .filter(attendance::COLUMN.session_id.eq(session_id))
        .all(conn)
        .await?;
    let ids: Vec<i64> = marks.iter().map(|m| m.id).collect();
    let changes = attendance_history::Entity::find()
        .filter(attendance_history::COLUMN.attendance_id.is_in(ids))
        .order_by_asc(attendance_history::COLUMN.id)
        .all(conn)
        .await?;
    Ok(changes
        .into_iter()
        .filter_map(|h| {
            marks
                .iter()
                .find(|m| m.id == h.attendance_id)
                .map(|m| (m.clone(), h))
        })
        .collect())
}

/// 講師出講: records who actually taught, replacing the earlier record.
pub async fn set_instructors(
    db: &DatabaseConnection,
    session_id: i64,
    viewer: Viewer,
    instructor_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let txn = crate::db::begin_write(db).await?;
    session_for(&txn, session_id, viewer).await?;
    for id in instructor_ids {
        let person = super::accounts::find(&txn, *id)
            .await
            .map_err(|_| Error::invalid("instructor_id", "err-instructor-unknown"))?;
        let is_instructor = person
            .role
            .parse::<crate::domain::Role>()
            .is_ok_and(|r| r.at_least(crate::domain::Role::Instructor));
        if !is_instructor {
            return Err(Error::invalid("instructor_id", "err-instructor-unknown"));
        }
    }
    session_instructor::Entity::delete_many()
        .filter(session_instructor::COLUMN.session_id.eq(session_id))
        .exec(&txn)
        .await?;
    for id in instructor_ids {
        session_instructor::ActiveModel {
            session_id: Set(session_id),
            instructor_id: Set(*id),
            recorded_by: Set(viewer.id),
            recorded_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Some(viewer.id),
        "session_instructors",
        ("session", Some(session_id)),
        serde_json::json!({"instructors": instructor_ids}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn instructors_of(
    conn: &impl ConnectionTrait,
    session_id: i64,
) -> Result<Vec<i64>, Error> {
    Ok(session_instructor::Entity::find()
        .filter(session_instructor::COLUMN.session_id.eq(session_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.instructor_id)
        .collect())
}

/// An instructor's sessions on a day in Japan (staff: everyone's).
pub async fn sessions_on(
    conn: &impl ConnectionTrait,
    viewer: Viewer,
    day: NaiveDate,
) -> Result<Vec<(session::Model, course::Model)>, Error> {
    let from = crate::domain::course::jst_midnight(day);
    let mut query = session::Entity::find()
        .filter(session::COLUMN.starts_at.gte(from))
        .filter(session::COLUMN.starts_at.lt(from + Duration::days(1)))
        .find_also_related(course::Entity)
        .order_by_asc(session::COLUMN.starts_at);
    if !viewer.is_staff {
        query = query.filter(session::COLUMN.instructor_id.eq(viewer.id));
    }
    Ok(query
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|(s, c)| c.map(|c| (s, c)))
        .collect())
}

/// A trainee's standing: per subject for helper courses, by sessions for
/// community courses, by check-in for symposia.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub kind: String,
    pub subjects: Vec<(String, SubjectProgress)>,
    pub sessions_held: u32,
    pub sessions_attended: u32,
    pub completion: Completion,
    pub complete: bool,
    pub interruption: Option<Interruption>,
}

pub fn lateness_rule(course: &course::Model) -> LatenessRule {
    serde_json::from_str(&course.lateness_rule).unwrap_or_default()
}

/// Computes progress from the records; the rules themselves are in `domain::completion`.
pub async fn progress(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
    now: DateTime<Utc>,
) -> Result<Progress, Error> {
    let row = enrollments::find(conn, enrollment_id).await?;
    let course = catalog::find(conn, row.course_id).await?;
    let kind = CourseKind::parse("kind", &course.kind)?;
    let marks = attendance::Entity::find()
        .filter(attendance::COLUMN.enrollment_id.eq(enrollment_id))
        .all(conn)
        .await?;
    let session_ids: Vec<i64> = marks.iter().map(|m| m.session_id).collect();
    let sessions: BTreeMap<i64, session::Model> = session::Entity::find()
        .filter(session::COLUMN.id.is_in(session_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let course_sessions = schedule::for_course(conn, course.id).await?;
    match kind {
        CourseKind::Helper => {
            let subjects = catalog::subjects(conn, course.id).await?;
            let requirements: Vec<Requirement> = subjects
                .iter()
                .map(|s| Requirement {
                    no: s.no,
                    required_minutes: s.required_minutes,
                    max_correspondence_minutes: s.max_correspondence_minutes,
                })
                .collect();
            let mut blocks = vec![];
            for mark in &marks {
                let Some(at) = sessions.get(&mark.session_id) else {
                    continue;
                };
                let Some(subject_no) = at.subject_no else {
                    continue;
                };
                blocks.push(Block {
                    subject_no,
                    session_minutes: session_minutes(at),
                    mark: Mark::parse(&mark.mark).unwrap_or(Mark::Absent),
                    minutes_attended: mark.minutes_attended,
                    late_minutes: mark.late_minutes,
                    practice: at.practice,
                });
            }
            let credits = outside_credit::Entity::find()
                .filter(outside_credit::COLUMN.enrollment_id.eq(enrollment_id))
                .all(conn)
                .await?;
            let outside: Vec<OutsideCredit> = credits
                .iter()
                .map(|c| OutsideCredit {
                    subject_no: c.subject_no,
                    correspondence_minutes: if c.kind == "correspondence" {
                        c.minutes
                    } else {
                        0
                    },
                    external_makeup_minutes: if c.kind == "external_makeup" {
                        c.minutes
                    } else {
                        0
                    },
                })
                .collect();
            let per_subject =
                completion::progress(&requirements, &blocks, &outside, lateness_rule(&course));
            let latest = assessment::Entity::find()
                .filter(assessment::COLUMN.enrollment_id.eq(enrollment_id))
                .order_by_desc(assessment::COLUMN.attempt)
                .one(conn)
                .await?
                .map(|a| Assessment {
                    score: a.score,
                    pass_mark: a.pass_mark,
                });
            let result =
                completion::helper_completion(&per_subject, latest, course.assessment_required);
            let regular_over = course_sessions
                .iter()
                .filter(|s| s.cancelled_at.is_none() && s.makeup_for.is_none())
                .all(|s| s.ends_at <= now);
            let cap =
                completion::makeup_cap(requirements.len(), course.makeup_cap_percent.max(0) as u32);
            let interruption = completion::interruption(
                &per_subject,
                cap,
                regular_over,
                course.completion_deadline,
                crate::domain::course::jst_date(now),
            );
            Ok(Progress {
                kind: course.kind.clone(),
                complete: result == Completion::Complete,
                subjects: subjects
                    .into_iter()
                    .map(|s| s.name)
                    .zip(per_subject)
                    .collect(),
                sessions_held: 0,
                sessions_attended: 0,
                completion: result,
                interruption,
            })
        }
        CourseKind::Community => {
            let held = course_sessions
                .iter()
                .filter(|s| s.cancelled_at.is_none() && s.starts_at <= now)
                .count() as u32;
            let attended = marks
                .iter()
                .filter(|m| {
                    matches!(
                        Mark::parse(&m.mark),
                        Some(Mark::Present | Mark::Late | Mark::LeftEarly)
                    )
                })
                .count() as u32;
            let complete = completion::community_completion(
                held,
                attended,
                course.attendance_threshold_percent,
            );
            Ok(Progress {
                kind: course.kind.clone(),
                subjects: vec![],
                sessions_held: held,
                sessions_attended: attended,
                completion: if complete {
                    Completion::Complete
                } else {
                    Completion::Incomplete {
                        missing_subjects: vec![],
                        assessment: completion::AssessmentState::NotRequired,
                    }
                },
                complete,
                interruption: None,
            })
        }
        CourseKind::Symposium => {
            let complete = completion::symposium_completion(row.checked_in_at.is_some());
            Ok(Progress {
                kind: course.kind.clone(),
                subjects: vec![],
                sessions_held: 0,
                sessions_attended: u32::from(complete),
                completion: if complete {
                    Completion::Complete
                } else {
                    Completion::Incomplete {
                        missing_subjects: vec![],
                        assessment: completion::AssessmentState::NotRequired,
                    }
                },
                complete,
                interruption: None,
            })
        }
    }
}

/// Records an assessment attempt (修了評価); retakes add attempts.
pub async fn record_assessment(
    db: &DatabaseConnection,
    enrollment_id: i64,
    recorder: Viewer,
    score: i32,
    pass_mark: Option<i32>,
    taken_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<assessment::Model, Error> {
    if !(0..=100).contains(&score) {
        return Err(Error::invalid("score", "err-score-invalid"));
    }
    let txn = crate::db::begin_write(db).await?;
    let row = enrollments::find(&txn, enrollment_id).await?;
    // An instructor records results for the courses they teach; to anyone
    // else the enrollment does not exist (as with `session_for`).
    if !recorder.is_staff && !teaches(&txn, row.course_id, recorder.id).await? {
        return Err(Error::NotFound);
    }
    let recorder = recorder.id;
    let course = catalog::find(&txn, row.course_id).await?;
    let pass_mark = pass_mark.unwrap_or(course.assessment_pass_mark);
    if !(0..=100).contains(&pass_mark) {
        return Err(Error::invalid("pass_mark", "err-score-invalid"));
    }
    let attempts = assessment::Entity::find()
        .filter(assessment::COLUMN.enrollment_id.eq(enrollment_id))
        .all(&txn)
        .await?
        .len() as i32;
    let saved = assessment::ActiveModel {
        enrollment_id: Set(enrollment_id),
        attempt: Set(attempts + 1),
        score: Set(score),
        pass_mark: Set(pass_mark),
        taken_on: Set(taken_on),
        recorded_by: Set(recorder),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(recorder),
        "assessment_record",
        ("enrollment", Some(enrollment_id)),
        serde_json::json!({"attempt": saved.attempt, "score": score, "pass_mark": pass_mark}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Records credit from outside the classroom for a subject.
#[allow(clippy::too_many_arguments)]
pub async fn record_outside_credit(
    db: &DatabaseConnection,
    enrollment_id: i64,
    recorder: i64,
    subject_no: i32,
    kind: &str,
    minutes: i32,
    provider: Option<&str>,
    confirmed_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<outside_credit::Model, Error> {
    let mut errors = vec![];
    if !matches!(kind, "correspondence" | "external_makeup") {
        errors.push(DomainError::new("kind", "err-credit-kind-invalid"));
    }
    if !(1..=60 * 100).contains(&minutes) {
        errors.push(DomainError::new("minutes", "err-minutes-invalid"));
    }
    if kind == "external_makeup"
        && (provider.is_none_or(|p| p.trim().is_empty()) || confirmed_on.is_none())
    {
        errors.push(DomainError::new(
            "provider",
            "err-external-makeup-needs-provider",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let row = enrollments::find(db, enrollment_id).await?;
    if !catalog::subjects(db, row.course_id)
        .await?
        .iter()
        .any(|s| s.no == subject_no)
    {
        return Err(Error::invalid("subject_no", "err-subject-unknown"));
    }
    let txn = crate::db::begin_write(db).await?;
    let saved = outside_credit::ActiveModel {
        enrollment_id: Set(enrollment_id),
        subject_no: Set(subject_no),
        kind: Set(kind.to_string()),
        minutes: Set(minutes),
        provider: Set(provider.map(|p| p.trim().to_string())),
        confirmed_on: Set(confirmed_on),
        note: Set(String::new()),
        recorded_by: Set(recorder),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(recorder),
        "outside_credit",
        ("enrollment", Some(enrollment_id)),
        serde_json::json!({"subject_no": subject_no, "kind": kind, "minutes": minutes}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The subject a session counts for: a 補講 counts for the subject of the
/// session it makes up.
pub async fn counted_subject(
    conn: &impl ConnectionTrait,
    at: &session::Model,
) -> Result<Option<i32>, Error> {
    match (at.subject_no, at.makeup_for) {
        (Some(no), _) => Ok(Some(no)),
        (None, Some(original)) => Ok(schedule::find(conn, original).await?.subject_no),
        (None, None) => Ok(None),
    }
}

/// Offers a 補講 session to every seated trainee of `course_id` (its own
/// course or an earlier cohort's) who is still missing minutes in the
/// session's subject: books them in and tells them. Returns how many.
/// The ledger note on a make-up fee.
pub const MAKEUP_FEE_NOTE: &str = "補講料";

pub async fn offer_makeup(
    db: &DatabaseConnection,
    session_id: i64,
    for_course_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<usize, Error> {
    let at = schedule::find(db, session_id).await?;
    let Some(subject_no) = counted_subject(db, &at).await? else {
        return Err(Error::invalid("session_id", "err-makeup-needs-subject"));
    };
    let trainees = enrollment::Entity::find()
        .filter(enrollment::COLUMN.course_id.eq(for_course_id))
        .filter(enrollment::COLUMN.status.is_in(SEATED.map(|s| s.as_str())))
        .all(db)
        .await?;
    let course = catalog::find(db, at.course_id).await?;
    let mut booked = 0;
    for trainee in trainees {
        let standing = progress(db, trainee.id, now).await?;
        let missing = standing
            .subjects
            .iter()
            .any(|(_, s)| s.no == subject_no && s.missing_minutes > 0);
        if !missing {
            continue;
        }
        let txn = crate::db::begin_write(db).await?;
        let exists = makeup_booking::Entity::find()
            .filter(makeup_booking::COLUMN.session_id.eq(session_id))
            .filter(makeup_booking::COLUMN.enrollment_id.eq(trainee.id))
            .one(&txn)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let booking = makeup_booking::ActiveModel {
            session_id: Set(session_id),
            enrollment_id: Set(trainee.id),
            created_by: Set(staff_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        super::payments::charge_on_demand(
            &txn,
            &trainee,
            "makeup",
            &booking.id.to_string(),
            MAKEUP_FEE_NOTE,
            Some(staff_id),
            now,
        )
        .await?;
        let when = crate::i18n::format_datetime(crate::i18n::Lang::Ja, at.starts_at);
        super::enrollment::notify_public(
            &txn,
            trainee.user_id,
            &course,
            "makeup-offered",
            &[("when", when), ("room", at.room.clone())],
            now,
        )
        .await?;
        txn.commit().await?;
        booked += 1;
    }
    Ok(booked)
}

/// The next 補講 session that would cover a subject for this trainee.
pub async fn next_makeup(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
    subject_no: i32,
    now: DateTime<Utc>,
) -> Result<Option<session::Model>, Error> {
    let bookings: Vec<i64> = makeup_booking::Entity::find()
        .filter(makeup_booking::COLUMN.enrollment_id.eq(enrollment_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| b.session_id)
        .collect();
    let upcoming = session::Entity::find()
        .filter(session::COLUMN.id.is_in(bookings))
        .filter(session::COLUMN.starts_at.gt(now))
        .filter(session::COLUMN.cancelled_at.is_null())
        .order_by_asc(session::COLUMN.starts_at)
        .all(conn)
        .await?;
    for at in upcoming {
        if counted_subject(conn, &at).await? == Some(subject_no) {
            return Ok(Some(at));
        }
    }
    Ok(None)
}
