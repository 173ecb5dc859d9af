//! 補講 offered by staff from the course's attendance matrix: for one
//! subject, the trainees still short in it and the sessions that could make
//! it up — upcoming sessions of this course, or of another course on the
//! same curriculum with a free seat, that count for the subject. Booking and
//! telling the trainees is `attendance::offer_makeup`'s job.
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use super::{attendance, attendance_views, audit, catalog};
use crate::domain::completion::SubjectProgress;
use crate::domain::course::{CourseKind, CourseStatus};
use crate::entities::{course, course_subject, enrollment, makeup_booking, session};
use crate::error::Error;

/// A trainee short in the subject.
#[derive(Debug, Clone)]
pub struct Short {
    pub enrollment: enrollment::Model,
    pub subject: SubjectProgress,
}

/// A session that could make the subject up.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub session: session::Model,
    pub course: course::Model,
    /// Seats left for trainees of other courses (None: this course's own
    /// session, where its trainees already hold a seat).
    pub free_seats: Option<i64>,
}

/// The course's subject with this number, or a clear "unknown subject".
pub async fn subject_of(
    conn: &impl ConnectionTrait,
    course: &course::Model,
    subject_no: i32,
) -> Result<course_subject::Model, Error> {
    if course.kind != CourseKind::Helper.as_str() {
        return Err(Error::Conflict("err-makeup-helper-only"));
    }
    catalog::subjects(conn, course.id)
        .await?
        .into_iter()
        .find(|s| s.no == subject_no)
        .ok_or(Error::invalid("subject_no", "err-subject-unknown"))
}

/// Trainees on the course's sheet still missing minutes in the subject.
pub async fn short_trainees(
    conn: &impl ConnectionTrait,
    course_id: i64,
    subject_no: i32,
    now: DateTime<Utc>,
) -> Result<Vec<Short>, Error> {
    let rows =
        attendance_views::enrollments_in(conn, course_id, &attendance_views::ON_THE_SHEET).await?;
    let mut out = vec![];
    for row in rows {
        let standing = attendance::progress(conn, row.id, now).await?;
        if let Some((_, s)) = standing
            .subjects
            .into_iter()
            .find(|(_, s)| s.no == subject_no && s.missing_minutes > 0)
        {
            out.push(Short {
                enrollment: row,
                subject: s,
            });
        }
    }
    Ok(out)
}

/// Seats of `at`'s course not held by its own trainees nor by make-up
/// bookings from other courses.
async fn free_seats(
    conn: &impl ConnectionTrait,
    at: &session::Model,
    owner: &course::Model,
) -> Result<i64, Error> {
    let bookings: Vec<i64> = makeup_booking::Entity::find()
        .filter(makeup_booking::COLUMN.session_id.eq(at.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| b.enrollment_id)
        .collect();
    let guests = enrollment::Entity::find()
        .filter(enrollment::COLUMN.id.is_in(bookings))
        .filter(enrollment::COLUMN.course_id.ne(owner.id))
        .count(conn)
        .await? as i64;
    Ok(i64::from(owner.capacity) - i64::from(owner.seats_taken) - guests)
}

/// Upcoming sessions that count for the subject: this course's, and those of
/// other live courses on the same curriculum that still have a free seat.
pub async fn candidates(
    conn: &impl ConnectionTrait,
    course: &course::Model,
    subject_no: i32,
    now: DateTime<Utc>,
) -> Result<Vec<Candidate>, Error> {
    let mut courses = vec![course.clone()];
    if let Some(curriculum) = course.curriculum_id {
        let others = course::Entity::find()
            .filter(course::COLUMN.curriculum_id.eq(curriculum))
            .filter(course::COLUMN.id.ne(course.id))
            .all(conn)
            .await?;
        courses.extend(others.into_iter().filter(|c| {
            CourseStatus::parse(&c.status)
                .is_some_and(|s| matches!(s, CourseStatus::Published | CourseStatus::Closed))
        }));
    }
    let mut out = vec![];
    for owner in courses {
        let sessions = session::Entity::find()
            .filter(session::COLUMN.course_id.eq(owner.id))
            .filter(session::COLUMN.starts_at.gt(now))
            .filter(session::COLUMN.cancelled_at.is_null())
            .all(conn)
            .await?;
        for at in sessions {
            if attendance::counted_subject(conn, &at).await? != Some(subject_no) {
                continue;
            }
            let free = if owner.id == course.id {
                None
            } else {
                let free = free_seats(conn, &at, &owner).await?;
                if free <= 0 {
                    continue;
                }
                Some(free)
            };
            out.push(Candidate {
                session: at,
                course: owner.clone(),
                free_seats: free,
            });
        }
    }
    out.sort_by_key(|c| (c.session.starts_at, c.session.id));
    Ok(out)
}

/// Offers one of the candidate sessions to the course's trainees short in
/// the subject. Returns how many were booked and told.
pub async fn offer(
    db: &DatabaseConnection,
    course_id: i64,
    subject_no: i32,
    session_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<usize, Error> {
    let course = catalog::find(db, course_id).await?;
    subject_of(db, &course, subject_no).await?;
    let candidate = candidates(db, &course, subject_no, now)
        .await?
        .into_iter()
        .find(|c| c.session.id == session_id)
        .ok_or(Error::invalid("session_id", "err-makeup-session-unfit"))?;
    if let Some(free) = candidate.free_seats {
        // Another course's session: everyone offered needs one of its free seats.
        let booked: Vec<i64> = makeup_booking::Entity::find()
            .filter(makeup_booking::COLUMN.session_id.eq(session_id))
            .all(db)
            .await?
            .into_iter()
            .map(|b| b.enrollment_id)
            .collect();
        let newcomers = short_trainees(db, course_id, subject_no, now)
            .await?
            .iter()
            .filter(|s| !booked.contains(&s.enrollment.id))
            .count() as i64;
        if newcomers > free {
            return Err(Error::Conflict("err-makeup-not-enough-seats"));
        }
    }
    let offered = attendance::offer_makeup(db, session_id, course_id, staff_id, now).await?;
    audit::record(
        db,
        Some(staff_id),
        "makeup_offer",
        ("session", Some(session_id)),
        serde_json::json!({"course_id": course_id, "subject_no": subject_no, "offered": offered}),
        now,
    )
    .await?;
    Ok(offered)
}
