//! Read-only queries the public pages and My page need beyond what the
//! catalog and enrollment services offer.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::session;
use crate::error::Error;

/// The next session that has not started yet and is not cancelled, for each
/// of the given courses (courses without one are absent from the map).
pub async fn next_sessions(
    conn: &impl ConnectionTrait,
    course_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<HashMap<i64, session::Model>, Error> {
    if course_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let upcoming = session::Entity::find()
        .filter(session::COLUMN.course_id.is_in(course_ids.iter().copied()))
        .filter(session::COLUMN.starts_at.gt(now))
        .filter(session::COLUMN.cancelled_at.is_null())
        .order_by_asc(session::COLUMN.starts_at)
        .order_by_asc(session::COLUMN.id)
        .all(conn)
        .await?;
    let mut next = HashMap::new();
    for row in upcoming {
        next.entry(row.course_id).or_insert(row);
    }
    Ok(next)
}
