//! The roll-call saves of one group-commit batch, written together: the
//! sessions, their recorded marks and expected trainees are read once for
//! the whole batch, `attendance::plan` decides every save, and the writes are
//! one session update, one multi-row upsert of marks and one multi-row insert
//! each of history and audit rows — instead of about ten statements per
//! roster (`attendance::save_roster_in`), which is what kept sixteen
//! instructors saving at once waiting on each other.
//!
//! Every save gets the answer and rows `save_roster_in` would give it. The
//! fast path runs on its own savepoint: if anything in it fails at the
//! database, it is rolled back whole and the saves go through
//! `save_roster_in` one savepoint each, so correctness never depends on it.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::prelude::Expr;
use sea_orm::sea_query::CaseStatement;
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

use super::attendance::{self as single, MarkInput, Plan, SaveOutcome, Viewer, SEATED};
use crate::entities::{
    attendance, attendance_history, audit_log, enrollment, makeup_booking, session,
};
use crate::error::Error;

/// A roster save as queued for the writer.
#[derive(Debug, Clone)]
pub struct RosterSave {
    pub session_id: i64,
    pub viewer: Viewer,
    pub marks: Vec<MarkInput>,
    pub reason: Option<String>,
    pub now: DateTime<Utc>,
}

/// Saves every roster (in the order given, which the writer sorts by
/// session) inside the batch's transaction; one answer per save. The outer
/// `Err` is a savepoint that failed itself: the caller must not commit.
pub async fn save_all(
    txn: &DatabaseTransaction,
    saves: &[RosterSave],
) -> Result<Vec<Result<SaveOutcome, Error>>, DbErr> {
    // The same roster twice in a batch (two devices): the later save must
    // see the earlier one's marks, and one upsert cannot write a row twice,
    // so repeats go after the others, one savepoint each, in their order.
    let mut sessions = HashSet::new();
    let (firsts, repeats): (Vec<usize>, Vec<usize>) =
        (0..saves.len()).partition(|&i| sessions.insert(saves[i].session_id));
    let mut answers: Vec<Option<Result<SaveOutcome, Error>>> =
        (0..saves.len()).map(|_| None).collect();
    let first_saves: Vec<&RosterSave> = firsts.iter().map(|&i| &saves[i]).collect();
    let savepoint = txn.begin().await?;
    match together(&savepoint, &first_saves).await {
        Ok(written) => {
            savepoint.commit().await?;
            for (i, answer) in firsts.iter().zip(written) {
                answers[*i] = Some(answer);
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "batched roster saves fall back to one savepoint each");
            savepoint.rollback().await?;
            for i in &firsts {
                answers[*i] = Some(one(txn, &saves[*i]).await?);
            }
        }
    }
    for i in repeats {
        answers[i] = Some(one(txn, &saves[i]).await?);
    }
    Ok(answers
        .into_iter()
        .map(|a| {
            a.unwrap_or_else(|| Err(Error::Internal("a roster save without an answer".into())))
        })
        .collect())
}

/// The path of one save at a time: `save_roster_in` on its own savepoint.
pub async fn one_by_one(
    txn: &DatabaseTransaction,
    saves: &[RosterSave],
) -> Result<Vec<Result<SaveOutcome, Error>>, DbErr> {
    let mut answers = Vec::with_capacity(saves.len());
    for save in saves {
        answers.push(one(txn, save).await?);
    }
    Ok(answers)
}

async fn one(
    txn: &DatabaseTransaction,
    save: &RosterSave,
) -> Result<Result<SaveOutcome, Error>, DbErr> {
    let savepoint = txn.begin().await?;
    let saved = single::save_roster_in(
        &savepoint,
        save.session_id,
        save.viewer,
        &save.marks,
        save.reason.as_deref(),
        save.now,
    )
    .await;
    super::group_commit::settle(savepoint, saved).await
}

/// The fast path, for saves of distinct sessions. An `Err` means "roll back
/// and fall back"; refusals are answers inside the `Ok`. Public for tests.
pub async fn together(
    conn: &DatabaseTransaction,
    saves: &[&RosterSave],
) -> Result<Vec<Result<SaveOutcome, Error>>, Error> {
    let sessions = locked_sessions(conn, saves).await?;
    let existing = recorded_marks(conn, &sessions).await?;
    let expected = expected_ids(conn, &sessions, &existing).await?;
    let none = HashMap::new();
    let nobody = HashSet::new();
    let plans: Vec<Result<Plan, Error>> = saves
        .iter()
        .map(|save| {
            let at = sessions.get(&save.session_id).ok_or(Error::NotFound)?;
            single::plan(
                at,
                save.viewer,
                existing.get(&at.id).unwrap_or(&none),
                expected.get(&at.id).unwrap_or(&nobody),
                &save.marks,
                reason(save),
                save.now,
            )
        })
        .collect();
    let accepted: Vec<(&RosterSave, &Plan)> = saves
        .iter()
        .zip(&plans)
        .filter_map(|(save, plan)| plan.as_ref().ok().map(|p| (*save, p)))
        .collect();
    touch_sessions(conn, &accepted).await?;
    write(conn, &existing, &accepted, plans.iter().flatten()).await?;
    Ok(plans.into_iter().map(|p| p.map(|p| p.outcome)).collect())
}

fn reason(save: &RosterSave) -> &str {
    save.reason.as_deref().map(str::trim).unwrap_or("")
}

/// The batch's sessions, row-locked in ascending id order (as the writer
/// orders its jobs; SQLite ignores the clause) until the commit: two devices
/// saving one roster on two instances wait for each other.
async fn locked_sessions(
    conn: &impl ConnectionTrait,
    saves: &[&RosterSave],
) -> Result<HashMap<i64, session::Model>, Error> {
    let ids: Vec<i64> = saves.iter().map(|s| s.session_id).collect();
    Ok(session::Entity::find()
        .filter(session::COLUMN.id.is_in(ids))
        .order_by_asc(session::Column::Id)
        .lock_exclusive()
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// Every recorded mark of the sessions, by session and enrollment.
async fn recorded_marks(
    conn: &impl ConnectionTrait,
    sessions: &HashMap<i64, session::Model>,
) -> Result<HashMap<i64, HashMap<i64, attendance::Model>>, Error> {
    let mut marks: HashMap<i64, HashMap<i64, attendance::Model>> = HashMap::new();
    for mark in attendance::Entity::find()
        .filter(
            attendance::COLUMN
                .session_id
                .is_in(sessions.keys().copied()),
        )
        .all(conn)
        .await?
    {
        marks
            .entry(mark.session_id)
            .or_default()
            .insert(mark.enrollment_id, mark);
    }
    Ok(marks)
}

/// Who may be marked at each session, as `attendance::expected_ids` reads it
/// for one: the course's seated trainees (not at a 補講 session), those
/// booked into it, and anyone already marked.
async fn expected_ids(
    conn: &impl ConnectionTrait,
    sessions: &HashMap<i64, session::Model>,
    existing: &HashMap<i64, HashMap<i64, attendance::Model>>,
) -> Result<HashMap<i64, HashSet<i64>>, Error> {
    let courses: Vec<i64> = sessions
        .values()
        .filter(|s| s.makeup_for.is_none())
        .map(|s| s.course_id)
        .collect();
    let mut seated: HashMap<i64, Vec<i64>> = HashMap::new();
    if !courses.is_empty() {
        let rows: Vec<(i64, i64)> = enrollment::Entity::find()
            .select_only()
            .column(enrollment::Column::CourseId)
            .column(enrollment::Column::Id)
            .filter(enrollment::COLUMN.course_id.is_in(courses))
            .filter(enrollment::COLUMN.status.is_in(SEATED.map(|s| s.as_str())))
            .into_tuple()
            .all(conn)
            .await?;
        for (course_id, id) in rows {
            seated.entry(course_id).or_default().push(id);
        }
    }
    let booked: Vec<(i64, i64)> = makeup_booking::Entity::find()
        .select_only()
        .column(makeup_booking::Column::SessionId)
        .column(makeup_booking::Column::EnrollmentId)
        .filter(
            makeup_booking::COLUMN
                .session_id
                .is_in(sessions.keys().copied()),
        )
        .into_tuple()
        .all(conn)
        .await?;
    let mut expected: HashMap<i64, HashSet<i64>> = HashMap::new();
    for at in sessions.values() {
        let ids = expected.entry(at.id).or_default();
        if let Some(marks) = existing.get(&at.id) {
            ids.extend(marks.keys().copied());
        }
        if at.makeup_for.is_none() {
            ids.extend(seated.get(&at.course_id).into_iter().flatten().copied());
        }
    }
    for (session_id, enrollment_id) in booked {
        expected
            .entry(session_id)
            .or_default()
            .insert(enrollment_id);
    }
    Ok(expected)
}

/// Sets each accepted save's session `updated_at` to its save's time, as its
/// own save would, in one statement.
async fn touch_sessions(
    conn: &impl ConnectionTrait,
    accepted: &[(&RosterSave, &Plan)],
) -> Result<(), Error> {
    let Some(((first, _), rest)) = accepted.split_first() else {
        return Ok(());
    };
    let at = |save: &RosterSave| {
        (
            Expr::col(session::Column::Id).eq(save.session_id),
            Expr::value(save.now),
        )
    };
    let (when, then) = at(first);
    let mut case: CaseStatement = Expr::case(when, then);
    for (save, _) in rest {
        let (when, then) = at(save);
        case = case.case(when, then);
    }
    let case = case.finally(Expr::col(session::Column::UpdatedAt));
    session::Entity::update_many()
        .col_expr(session::Column::UpdatedAt, case.into())
        .filter(
            session::COLUMN
                .id
                .is_in(accepted.iter().map(|(s, _)| s.session_id)),
        )
        .exec(conn)
        .await?;
    Ok(())
}

/// The marks, their history and the audit entries of every accepted save.
async fn write<'p>(
    conn: &DatabaseTransaction,
    existing: &HashMap<i64, HashMap<i64, attendance::Model>>,
    accepted: &[(&RosterSave, &Plan)],
    plans: impl Iterator<Item = &'p Plan>,
) -> Result<(), Error> {
    let writes: Vec<attendance::ActiveModel> =
        plans.flat_map(|plan| plan.writes.iter().cloned()).collect();
    if writes.is_empty() {
        return Ok(());
    }
    single::upsert_marks(conn, writes).await?;
    // New marks got their ids from the upsert; one read finds them all.
    let with_new: Vec<i64> = accepted
        .iter()
        .filter(|(_, plan)| plan.outcome.created > 0)
        .map(|(save, _)| save.session_id)
        .collect();
    let mut ids: HashMap<(i64, i64), i64> = existing
        .values()
        .flat_map(|marks| marks.values())
        .map(|m| ((m.session_id, m.enrollment_id), m.id))
        .collect();
    if !with_new.is_empty() {
        let rows: Vec<(i64, i64, i64)> = attendance::Entity::find()
            .select_only()
            .column(attendance::Column::SessionId)
            .column(attendance::Column::EnrollmentId)
            .column(attendance::Column::Id)
            .filter(attendance::COLUMN.session_id.is_in(with_new))
            .into_tuple()
            .all(conn)
            .await?;
        ids.extend(rows.into_iter().map(|(s, e, id)| ((s, e), id)));
    }
    let mut history = vec![];
    let mut audit: Vec<audit_log::ActiveModel> = vec![];
    for (save, plan) in accepted {
        if plan.writes.is_empty() {
            continue;
        }
        let of_session: HashMap<i64, i64> = plan
            .changes
            .iter()
            .filter_map(|c| {
                ids.get(&(save.session_id, c.enrollment_id))
                    .map(|id| (c.enrollment_id, *id))
            })
            .collect();
        history.extend(single::history_rows(
            &plan.changes,
            &of_session,
            reason(save),
            save.viewer.id,
            save.now,
        )?);
        audit.push(single::audit_row(
            save.session_id,
            save.viewer.id,
            plan.outcome,
            reason(save),
            save.now,
        ));
    }
    for chunk in history.chunks(single::ROWS_PER_STATEMENT) {
        attendance_history::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    audit_log::Entity::insert_many(audit)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}
