//! Read-only queries the attendance pages and reports need beyond what the
//! attendance and check-in services offer: a course's marks for the matrix,
//! one trainee's record, a trainee's sessions of a day, and who holds a door
//! code. Nothing here writes; the rules stay in `attendance` and `check_in`.
use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use sea_orm::{Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::course::EnrollmentStatus;
use crate::domain::person::gojuon_key;
use crate::entities::{
    assessment, attendance, course, enrollment, makeup_booking, outside_credit, session,
};
use crate::error::Error;

/// Enrollments that appear on a course's attendance sheet: everyone who held
/// a seat, including those who completed or were interrupted (中断).
pub const ON_THE_SHEET: [EnrollmentStatus; 4] = [
    EnrollmentStatus::Confirmed,
    EnrollmentStatus::PendingPayment,
    EnrollmentStatus::Completed,
    EnrollmentStatus::Interrupted,
];

fn in_gojuon_order(rows: &mut [enrollment::Model]) {
    rows.sort_by_cached_key(|r| {
        let kana = format!("{}{}", r.family_name_kana, r.given_name_kana);
        (gojuon_key(&kana), kana, r.id)
    });
}

/// A course's enrollments in the given statuses, in 50音 order of フリガナ.
pub async fn enrollments_in(
    conn: &impl ConnectionTrait,
    course_id: i64,
    statuses: &[EnrollmentStatus],
) -> Result<Vec<enrollment::Model>, Error> {
    let mut rows = enrollment::Entity::find()
        .filter(enrollment::COLUMN.course_id.eq(course_id))
        .filter(
            enrollment::COLUMN
                .status
                .is_in(statuses.iter().map(|s| s.as_str())),
        )
        .all(conn)
        .await?;
    in_gojuon_order(&mut rows);
    Ok(rows)
}

/// Every mark recorded for the sessions of a course, keyed by
/// (enrollment, session).
pub async fn course_marks(
    conn: &impl ConnectionTrait,
    course_id: i64,
) -> Result<BTreeMap<(i64, i64), attendance::Model>, Error> {
    let session_ids: Vec<i64> = session::Entity::find()
        .filter(session::COLUMN.course_id.eq(course_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    if session_ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(attendance::Entity::find()
        .filter(attendance::COLUMN.session_id.is_in(session_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| ((a.enrollment_id, a.session_id), a))
        .collect())
}

/// One line of a trainee's record: a session of their course, or a 補講
/// elsewhere they were booked into or marked at, with the mark if any.
#[derive(Debug, Clone)]
pub struct RecordLine {
    pub session: session::Model,
    pub mark: Option<attendance::Model>,
    /// Booked as a 補講 (make-up) session.
    pub booked: bool,
}

/// Every session that concerns one enrollment, in time order.
pub async fn enrollment_record(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
) -> Result<Vec<RecordLine>, Error> {
    let marks: Vec<attendance::Model> = attendance::Entity::find()
        .filter(attendance::COLUMN.enrollment_id.eq(row.id))
        .all(conn)
        .await?;
    let booked: Vec<i64> = makeup_booking::Entity::find()
        .filter(makeup_booking::COLUMN.enrollment_id.eq(row.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| b.session_id)
        .collect();
    let mut elsewhere: Vec<i64> = marks
        .iter()
        .map(|m| m.session_id)
        .chain(booked.iter().copied())
        .collect();
    elsewhere.sort_unstable();
    elsewhere.dedup();
    let sessions = session::Entity::find()
        .filter(
            Condition::any()
                .add(session::COLUMN.course_id.eq(row.course_id))
                .add(session::COLUMN.id.is_in(elsewhere)),
        )
        .order_by_asc(session::COLUMN.starts_at)
        .order_by_asc(session::COLUMN.id)
        .all(conn)
        .await?;
    Ok(sessions
        .into_iter()
        .map(|s| RecordLine {
            mark: marks.iter().find(|m| m.session_id == s.id).cloned(),
            booked: booked.contains(&s.id),
            session: s,
        })
        .collect())
}

/// Sessions on a day in Japan of the courses a person holds a seat in,
/// with their course, in time order (for self check-in).
pub async fn sessions_of_trainee_on(
    conn: &impl ConnectionTrait,
    user_id: i64,
    day: NaiveDate,
) -> Result<Vec<(session::Model, course::Model)>, Error> {
    let course_ids: Vec<i64> = enrollment::Entity::find()
        .filter(enrollment::COLUMN.user_id.eq(user_id))
        .filter(enrollment::COLUMN.status.is_in([
            EnrollmentStatus::Confirmed.as_str(),
            EnrollmentStatus::PendingPayment.as_str(),
            EnrollmentStatus::Completed.as_str(),
        ]))
        .all(conn)
        .await?
        .into_iter()
        .map(|e| e.course_id)
        .collect();
    if course_ids.is_empty() {
        return Ok(vec![]);
    }
    let from = crate::domain::course::jst_midnight(day);
    Ok(session::Entity::find()
        .filter(session::COLUMN.course_id.is_in(course_ids))
        .filter(session::COLUMN.starts_at.gte(from))
        .filter(session::COLUMN.starts_at.lt(from + Duration::days(1)))
        .filter(session::COLUMN.cancelled_at.is_null())
        .find_also_related(course::Entity)
        .order_by_asc(session::COLUMN.starts_at)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|(s, c)| c.map(|c| (s, c)))
        .collect())
}

/// The enrollment a door code belongs to, read the way `check_in::at_the_door`
/// reads it (surrounding space ignored, letters in upper case).
pub async fn enrollment_by_door_code(
    conn: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<enrollment::Model>, Error> {
    let code = code.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Ok(None);
    }
    Ok(enrollment::Entity::find()
        .filter(enrollment::COLUMN.check_in_code.eq(code.as_str()))
        .one(conn)
        .await?)
}

/// Every 修了評価 attempt of an enrollment, first attempt first.
pub async fn assessments_of(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
) -> Result<Vec<assessment::Model>, Error> {
    Ok(assessment::Entity::find()
        .filter(assessment::COLUMN.enrollment_id.eq(enrollment_id))
        .order_by_asc(assessment::COLUMN.attempt)
        .all(conn)
        .await?)
}

/// Credit from outside the classroom (通信, 補講 at another provider), oldest first.
pub async fn outside_credits_of(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
) -> Result<Vec<outside_credit::Model>, Error> {
    Ok(outside_credit::Entity::find()
        .filter(outside_credit::COLUMN.enrollment_id.eq(enrollment_id))
        .order_by_asc(outside_credit::COLUMN.id)
        .all(conn)
        .await?)
}
