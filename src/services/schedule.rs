//! Sessions (回/コマ): adding, editing, cancelling, generating a helper
//! course's timetable from a weekly pattern, and hours against requirements.
use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::{audit, catalog};
use crate::domain::course::CourseKind;
use crate::domain::schedule::{self, SubjectNeed, SubjectTotal, WeeklyPattern};
use crate::domain::{DomainError, Role};
use crate::entities::{session, user};
use crate::error::Error;

/// A session as staff enter it.
#[derive(Debug, Clone, Default)]
pub struct SessionInput {
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub subject_no: Option<i32>,
    pub title: Option<String>,
    pub room: String,
    pub instructor_id: Option<i64>,
    pub makeup_for: Option<i64>,
}

async fn check(
    conn: &impl ConnectionTrait,
    course_id: i64,
    input: &SessionInput,
) -> Result<(), Error> {
    let course = catalog::find(conn, course_id).await?;
    let mut errors = vec![];
    match (input.starts_at, input.ends_at) {
        (Some(starts), Some(ends)) if ends <= starts => errors.push(DomainError::new(
            "ends_at",
            "err-session-ends-before-starts",
        )),
        (Some(starts), Some(ends)) if ends - starts > chrono::Duration::hours(24) => {
            errors.push(DomainError::new("ends_at", "err-session-too-long"))
        }
        (None, _) => errors.push(DomainError::new("starts_at", "err-datetime-invalid")),
        (_, None) => errors.push(DomainError::new("ends_at", "err-datetime-invalid")),
        _ => {}
    }
    if course.kind == CourseKind::Helper.as_str() {
        let subjects = catalog::subjects(conn, course_id).await?;
        match input.subject_no {
            Some(no) if subjects.iter().any(|s| s.no == no) => {}
            _ => errors.push(DomainError::new("subject_no", "err-subject-unknown")),
        }
    }
    if input.room.chars().count() > 100 {
        errors.push(DomainError::new("room", "err-text-too-long"));
    }
    if input
        .title
        .as_deref()
        .is_some_and(|t| t.chars().count() > 200)
    {
        errors.push(DomainError::new("title", "err-text-too-long"));
    }
    if let Some(instructor_id) = input.instructor_id {
        let person = user::Entity::find_by_id(instructor_id).one(conn).await?;
        let is_instructor = person
            .and_then(|p| p.role.parse::<Role>().ok())
            .is_some_and(|role| role.at_least(Role::Instructor));
        if !is_instructor {
            errors.push(DomainError::new("instructor_id", "err-instructor-unknown"));
        }
    }
    if let Some(original) = input.makeup_for {
        let found = session::Entity::find_by_id(original).one(conn).await?;
        let same_subject =
            found.is_some_and(|s| s.subject_no.is_some() && s.subject_no == input.subject_no);
        if !same_subject {
            errors.push(DomainError::new("makeup_for", "err-makeup-mismatch"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

pub async fn add(
    conn: &impl ConnectionTrait,
    actor_id: i64,
    course_id: i64,
    input: &SessionInput,
    now: DateTime<Utc>,
) -> Result<session::Model, Error> {
    check(conn, course_id, input).await?;
    let row = session::ActiveModel {
        course_id: Set(course_id),
        subject_no: Set(input.subject_no),
        title: Set(input.title.clone().filter(|t| !t.trim().is_empty())),
        starts_at: Set(input.starts_at.unwrap_or(now)),
        ends_at: Set(input.ends_at.unwrap_or(now)),
        room: Set(input.room.trim().to_string()),
        instructor_id: Set(input.instructor_id),
        makeup_for: Set(input.makeup_for),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    audit::record(
        conn,
        Some(actor_id),
        "session_add",
        ("session", Some(row.id)),
        serde_json::json!({"course_id": course_id}),
        now,
    )
    .await?;
    Ok(row)
}

pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<session::Model, Error> {
    session::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn update(
    conn: &impl ConnectionTrait,
    actor_id: i64,
    id: i64,
    input: &SessionInput,
    now: DateTime<Utc>,
) -> Result<session::Model, Error> {
    let existing = find(conn, id).await?;
    check(conn, existing.course_id, input).await?;
    let mut active: session::ActiveModel = existing.clone().into();
    active.subject_no = Set(input.subject_no);
    active.title = Set(input.title.clone().filter(|t| !t.trim().is_empty()));
    active.starts_at = Set(input.starts_at.unwrap_or(existing.starts_at));
    active.ends_at = Set(input.ends_at.unwrap_or(existing.ends_at));
    active.room = Set(input.room.trim().to_string());
    active.instructor_id = Set(input.instructor_id);
    active.makeup_for = Set(input.makeup_for);
    active.updated_at = Set(now);
    let updated = active.update(conn).await?;
    audit::record(
        conn,
        Some(actor_id),
        "session_update",
        ("session", Some(id)),
        serde_json::json!({"before": {"starts_at": existing.starts_at, "ends_at": existing.ends_at}, "after": {"starts_at": updated.starts_at, "ends_at": updated.ends_at}}),
        now,
    )
    .await?;
    super::notifications::notify_session_changed(conn, id, now).await?;
    Ok(updated)
}

/// Cancels a session; it stays in the schedule, marked, so history is kept.
pub async fn cancel(
    conn: &impl ConnectionTrait,
    actor_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<session::Model, Error> {
    find(conn, id).await?;
    session::Entity::update_many()
        .col_expr(session::Column::CancelledAt, Expr::value(now))
        .col_expr(session::Column::UpdatedAt, Expr::value(now))
        .filter(session::COLUMN.id.eq(id))
        .filter(session::COLUMN.cancelled_at.is_null())
        .exec(conn)
        .await?;
    audit::record(
        conn,
        Some(actor_id),
        "session_cancel",
        ("session", Some(id)),
        serde_json::json!({}),
        now,
    )
    .await?;
    super::notifications::notify_session_changed(conn, id, now).await?;
    find(conn, id).await
}

pub async fn for_course(
    conn: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Vec<session::Model>, Error> {
    Ok(session::Entity::find()
        .filter(session::COLUMN.course_id.eq(course_id))
        .order_by_asc(session::COLUMN.starts_at)
        .order_by_asc(session::COLUMN.id)
        .all(conn)
        .await?)
}

fn jst_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(local, Utc) - chrono::Duration::hours(9)
}

/// Generates a helper course's timetable from a weekly pattern (times in
/// Japan), filling the subjects in order; staff edit it afterwards.
pub async fn generate(
    db: &DatabaseConnection,
    actor_id: i64,
    course_id: i64,
    pattern: &WeeklyPattern,
    room: &str,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, Error> {
    let days = schedule::days(pattern)?;
    let subjects = catalog::subjects(db, course_id).await?;
    if subjects.is_empty() {
        return Err(Error::Conflict("err-course-no-subjects"));
    }
    let needs: Vec<SubjectNeed> = subjects
        .iter()
        .map(|s| SubjectNeed {
            no: s.no,
            required_minutes: s.required_minutes,
        })
        .collect();
    let blocks = schedule::plan_blocks(&days, &needs);
    let txn = crate::db::begin_write(db).await?;
    let mut created = vec![];
    for block in blocks {
        let row = session::ActiveModel {
            course_id: Set(course_id),
            subject_no: Set(Some(block.subject_no)),
            starts_at: Set(jst_to_utc(block.date.and_time(block.start))),
            ends_at: Set(jst_to_utc(block.date.and_time(block.end))),
            room: Set(room.trim().to_string()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        created.push(row);
    }
    audit::record(
        &txn,
        Some(actor_id),
        "schedule_generate",
        ("course", Some(course_id)),
        serde_json::json!({"sessions": created.len()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Scheduled minutes per subject against the required minutes (cancelled
/// sessions do not count).
pub async fn subject_totals(
    conn: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Vec<(String, SubjectTotal)>, Error> {
    let subjects = catalog::subjects(conn, course_id).await?;
    let sessions = for_course(conn, course_id).await?;
    let needs: Vec<SubjectNeed> = subjects
        .iter()
        .map(|s| SubjectNeed {
            no: s.no,
            required_minutes: s.required_minutes,
        })
        .collect();
    let scheduled: Vec<(Option<i32>, i32)> = sessions
        .iter()
        .filter(|s| s.cancelled_at.is_none() && s.makeup_for.is_none())
        .map(|s| (s.subject_no, (s.ends_at - s.starts_at).num_minutes() as i32))
        .collect();
    let totals = schedule::subject_totals(&needs, &scheduled);
    Ok(subjects.into_iter().map(|s| s.name).zip(totals).collect())
}
