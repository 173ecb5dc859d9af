//! Check-in: at the door by each enrollment's QR code (staff scan it), and
//! self check-in in class with the instructor's rotating session code.
use chrono::{DateTime, Duration, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};

use super::{attendance as marks, catalog, enrollment as enrollments, schedule};
use crate::domain::checkin_code;
use crate::domain::completion::Mark;
use crate::domain::course::EnrollmentStatus;
use crate::entities::{attendance, enrollment, session};
use crate::error::Error;

/// How early before a session its code starts working.
pub const EARLY_MINUTES: i64 = 15;

fn new_code() -> String {
    // Crockford-style alphabet without look-alikes; 12 characters ≈ 60 bits.
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
    (0..12)
        .map(|_| ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char)
        .collect()
}

/// This enrollment's door code, created the first time it is shown.
pub async fn code_for(conn: &impl ConnectionTrait, enrollment_id: i64) -> Result<String, Error> {
    let row = enrollments::find(conn, enrollment_id).await?;
    if let Some(code) = row.check_in_code {
        return Ok(code);
    }
    enrollment::Entity::update_many()
        .col_expr(enrollment::Column::CheckInCode, Expr::value(new_code()))
        .filter(enrollment::COLUMN.id.eq(enrollment_id))
        .filter(enrollment::COLUMN.check_in_code.is_null())
        .exec(conn)
        .await?;
    enrollments::find(conn, enrollment_id)
        .await?
        .check_in_code
        .ok_or(Error::Internal("check-in code not stored".into()))
}

fn seated(row: &enrollment::Model) -> bool {
    matches!(
        EnrollmentStatus::parse(&row.status),
        Some(
            EnrollmentStatus::Confirmed
                | EnrollmentStatus::PendingPayment
                | EnrollmentStatus::Completed
        )
    )
}

#[derive(Debug, Clone)]
pub struct CheckedIn {
    pub enrollment: enrollment::Model,
    /// The person had already checked in; nothing changed.
    pub already: bool,
}

/// Marks present at a session unless already marked (an instructor's mark wins).
pub(crate) async fn mark_present(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
    at: &session::Model,
    by: i64,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let existing = attendance::Entity::find()
        .filter(attendance::COLUMN.enrollment_id.eq(row.id))
        .filter(attendance::COLUMN.session_id.eq(at.id))
        .one(conn)
        .await?;
    if existing.is_some() {
        return Ok(false);
    }
    attendance::ActiveModel {
        enrollment_id: Set(row.id),
        session_id: Set(at.id),
        mark: Set(Mark::Present.as_str().to_string()),
        minutes_attended: Set(marks::session_minutes(at)),
        late_minutes: Set(0),
        note: Set(note.to_string()),
        recorded_by: Set(by),
        recorded_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(true)
}

/// Staff scan a QR (or type its code) at the door. With a session, the code
/// must belong to that session's course. Checking in twice is harmless.
pub async fn at_the_door(
    db: &DatabaseConnection,
    staff_id: i64,
    code: &str,
    session_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<CheckedIn, Error> {
    let code = code.trim().to_ascii_uppercase();
    if code.is_empty() || code.len() > 40 {
        return Err(Error::invalid("code", "err-check-in-code-unknown"));
    }
    let txn = crate::db::begin_write(db).await?;
    let row = enrollment::Entity::find()
        .filter(enrollment::COLUMN.check_in_code.eq(code.as_str()))
        .one(&txn)
        .await?
        .ok_or(Error::invalid("code", "err-check-in-code-unknown"))?;
    if !seated(&row) {
        return Err(Error::Conflict("err-check-in-not-enrolled"));
    }
    if let Some(session_id) = session_id {
        let at = schedule::find(&txn, session_id).await?;
        if at.course_id != row.course_id {
            return Err(Error::Conflict("err-check-in-other-course"));
        }
        mark_present(&txn, &row, &at, staff_id, "door", now).await?;
    }
    let first = enrollment::Entity::update_many()
        .col_expr(enrollment::Column::CheckedInAt, Expr::value(now))
        .filter(enrollment::COLUMN.id.eq(row.id))
        .filter(enrollment::COLUMN.checked_in_at.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    txn.commit().await?;
    Ok(CheckedIn {
        enrollment: enrollments::find(db, row.id).await?,
        already: !first,
    })
}

fn within_window(at: &session::Model, now: DateTime<Utc>) -> bool {
    now >= at.starts_at - Duration::minutes(EARLY_MINUTES) && now <= at.ends_at
}

/// The code an instructor shows now, and how many seconds it stays valid.
pub async fn session_code(
    db: &DatabaseConnection,
    session_id: i64,
    viewer: marks::Viewer,
    now: DateTime<Utc>,
) -> Result<(String, i64), Error> {
    let at = marks::session_for(db, session_id, viewer).await?;
    if !within_window(&at, now) {
        return Err(Error::Conflict("err-session-code-outside-window"));
    }
    let secret = match at.checkin_secret.clone() {
        Some(secret) => secret,
        None => {
            session::Entity::update_many()
                .col_expr(
                    session::Column::CheckinSecret,
                    Expr::value(hex::encode(rand::random::<[u8; 32]>())),
                )
                .filter(session::COLUMN.id.eq(session_id))
                .filter(session::COLUMN.checkin_secret.is_null())
                .exec(db)
                .await?;
            schedule::find(db, session_id)
                .await?
                .checkin_secret
                .unwrap_or_default()
        }
    };
    let seconds = now.timestamp();
    let window = checkin_code::window_of(seconds);
    let left = (window + 1) * checkin_code::WINDOW_SECONDS - seconds;
    Ok((
        checkin_code::code(secret.as_bytes(), session_id, window),
        left,
    ))
}

/// A trainee marks themselves present with the live code of a session of
/// their own course. The instructor still confirms on the roster.
pub async fn self_check_in(
    db: &DatabaseConnection,
    user_id: i64,
    session_id: i64,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let at = schedule::find(db, session_id).await?;
    let course = catalog::find(db, at.course_id).await?;
    let row = enrollment::Entity::find()
        .filter(enrollment::COLUMN.course_id.eq(course.id))
        .filter(enrollment::COLUMN.user_id.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .find(seated)
        .ok_or(Error::NotFound)?;
    if !course.self_check_in {
        return Err(Error::Conflict("err-self-check-in-off"));
    }
    let Some(secret) = at
        .checkin_secret
        .clone()
        .filter(|_| within_window(&at, now))
    else {
        return Err(Error::invalid("code", "err-session-code-invalid"));
    };
    if !checkin_code::accepts(secret.as_bytes(), session_id, now.timestamp(), typed) {
        return Err(Error::invalid("code", "err-session-code-invalid"));
    }
    let txn = crate::db::begin_write(db).await?;
    let marked = mark_present(&txn, &row, &at, user_id, "self", now).await?;
    txn.commit().await?;
    Ok(marked)
}
