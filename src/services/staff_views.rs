//! Read-only queries the staff (事務局) pages need beyond the capability
//! services: counts per course for the list, people to pick as instructors,
//! the reference curricula, transfer targets and names for history rows.
//! Nothing here writes.
use std::collections::HashMap;

use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::course::{CourseStatus, EnrollmentStatus};
use crate::domain::Role;
use crate::entities::{course, curriculum, enrollment, user};
use crate::error::Error;

/// Applications waiting for staff, per course.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CourseCounts {
    pub waitlisted: i64,
    pub pending_approval: i64,
}

/// Waitlisted and pending-approval counts for the given courses, in one query.
pub async fn course_counts(
    conn: &impl ConnectionTrait,
    course_ids: &[i64],
) -> Result<HashMap<i64, CourseCounts>, Error> {
    let mut counts: HashMap<i64, CourseCounts> = HashMap::new();
    if course_ids.is_empty() {
        return Ok(counts);
    }
    let rows: Vec<(i64, String, i64)> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::CourseId)
        .column(enrollment::Column::Status)
        .column_as(enrollment::COLUMN.id.count(), "n")
        .filter(
            enrollment::COLUMN
                .course_id
                .is_in(course_ids.iter().copied()),
        )
        .filter(enrollment::COLUMN.status.is_in([
            EnrollmentStatus::Waitlisted.as_str(),
            EnrollmentStatus::PendingApproval.as_str(),
        ]))
        .group_by(enrollment::Column::CourseId)
        .group_by(enrollment::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    for (course_id, status, n) in rows {
        let entry = counts.entry(course_id).or_default();
        if status == EnrollmentStatus::Waitlisted.as_str() {
            entry.waitlisted = n;
        } else {
            entry.pending_approval = n;
        }
    }
    Ok(counts)
}

/// People who may teach a session: instructors and above, in フリガナ order.
pub async fn instructors(conn: &impl ConnectionTrait) -> Result<Vec<user::Model>, Error> {
    let roles = Role::ALL
        .into_iter()
        .filter(|r| r.at_least(Role::Instructor))
        .map(Role::as_str);
    Ok(user::Entity::find()
        .filter(user::COLUMN.role.is_in(roles))
        .order_by_asc(user::COLUMN.family_name_kana)
        .order_by_asc(user::COLUMN.given_name_kana)
        .order_by_asc(user::COLUMN.id)
        .all(conn)
        .await?)
}

/// The curricula a helper course can be created from, in seed order.
pub async fn curricula(conn: &impl ConnectionTrait) -> Result<Vec<curriculum::Model>, Error> {
    Ok(curriculum::Entity::find()
        .order_by_asc(curriculum::COLUMN.id)
        .all(conn)
        .await?)
}

pub async fn curriculum(
    conn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<curriculum::Model>, Error> {
    Ok(curriculum::Entity::find_by_id(id).one(conn).await?)
}

/// Courses an enrollment may be moved to: other dates of the same kind that
/// the public can see, soonest first.
pub async fn transfer_targets(
    conn: &impl ConnectionTrait,
    from: &course::Model,
) -> Result<Vec<course::Model>, Error> {
    Ok(course::Entity::find()
        .filter(course::COLUMN.id.ne(from.id))
        .filter(course::COLUMN.kind.eq(from.kind.as_str()))
        .filter(course::COLUMN.status.is_in([
            CourseStatus::Published.as_str(),
            CourseStatus::Closed.as_str(),
        ]))
        .order_by_asc(course::COLUMN.starts_on)
        .order_by_asc(course::COLUMN.id)
        .all(conn)
        .await?)
}

/// 氏名 of the given users, for "who" columns.
pub async fn names(
    conn: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, String>, Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = user::Entity::find()
        .filter(user::COLUMN.id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.family_name, u.given_name)))
        .collect())
}
