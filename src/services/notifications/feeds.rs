//! Private calendar feeds: one secret address per person that calendar apps
//! subscribe to, listing the sessions they attend or teach. Times are in
//! Asia/Tokyo; an edited session keeps its UID and gets a higher SEQUENCE, a
//! cancelled one stays in the feed as STATUS:CANCELLED so subscribed
//! calendars remove it.
//!
//! Only the SHA-256 of the token is stored: the address is shown once, when
//! made. Making a new one or revoking ends the old one (404).
use std::collections::btree_map::{self, BTreeMap};

use chrono::{DateTime, Duration, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveModelTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::{lang_of, place, session_label};
use crate::domain::course::{CourseStatus, EnrollmentStatus};
use crate::domain::ics::{self, IcsEvent};
use crate::entities::{
    calendar_feed, course, enrollment, makeup_booking, session, session_instructor, site,
};
use crate::error::Error;
use crate::i18n::t_args;
use crate::services::{accounts, catalog, hash_secret, new_secret};

/// How far back a feed reaches; older sessions drop out.
const HISTORY_DAYS: i64 = 180;

/// The person's live feed, if they have one.
pub async fn active(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<calendar_feed::Model>, Error> {
    Ok(calendar_feed::Entity::find()
        .filter(calendar_feed::COLUMN.user_id.eq(user_id))
        .filter(calendar_feed::COLUMN.revoked_at.is_null())
        .order_by_desc(calendar_feed::COLUMN.id)
        .one(conn)
        .await?)
}

async fn revoke_all(
    conn: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let result = calendar_feed::Entity::update_many()
        .col_expr(calendar_feed::Column::RevokedAt, Expr::value(now))
        .filter(calendar_feed::COLUMN.user_id.eq(user_id))
        .filter(calendar_feed::COLUMN.revoked_at.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// A new feed address; any earlier one stops working. Returns the token,
/// which is not kept and cannot be shown again.
pub async fn create(
    db: &DatabaseConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let (token, hash) = new_secret();
    let txn = crate::db::begin_write(db).await?;
    let replaced = revoke_all(&txn, user_id, now).await?;
    calendar_feed::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(hash),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::services::audit::record(
        &txn,
        Some(user_id),
        "calendar_feed_create",
        ("user", Some(user_id)),
        serde_json::json!({"replaced": replaced}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Ends the person's feed. False when there was none.
pub async fn revoke(
    db: &DatabaseConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let txn = crate::db::begin_write(db).await?;
    let revoked = revoke_all(&txn, user_id, now).await?;
    if revoked > 0 {
        crate::services::audit::record(
            &txn,
            Some(user_id),
            "calendar_feed_revoke",
            ("user", Some(user_id)),
            serde_json::json!({}),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(revoked > 0)
}

pub fn url(public_base_url: &str, token: &str) -> String {
    format!(
        "{}/calendar/{token}.ics",
        public_base_url.trim_end_matches('/')
    )
}

/// The token in a feed file name `<64 hex>.ics`; anything else is no feed.
pub fn token_of_file_name(name: &str) -> Option<&str> {
    let token = name.strip_suffix(".ics")?;
    (token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())).then_some(token)
}

/// The calendar behind a token, in its owner's language. Unknown and
/// revoked tokens are not found.
pub async fn calendar_by_token(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let feed = calendar_feed::Entity::find()
        .filter(calendar_feed::COLUMN.token_hash.eq(hash_secret(token)))
        .filter(calendar_feed::COLUMN.revoked_at.is_null())
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    // Calendar apps poll every few minutes to hours: note the use at most hourly.
    calendar_feed::Entity::update_many()
        .col_expr(calendar_feed::Column::LastUsedAt, Expr::value(now))
        .filter(calendar_feed::COLUMN.id.eq(feed.id))
        .filter(
            Condition::any()
                .add(calendar_feed::COLUMN.last_used_at.is_null())
                .add(
                    calendar_feed::COLUMN
                        .last_used_at
                        .lt(now - Duration::hours(1)),
                ),
        )
        .exec(db)
        .await?;
    let person = accounts::find(db, feed.user_id).await?;
    let events = events_for(db, feed.user_id, now).await?;
    let name = t_args(
        lang_of(&person),
        "feed-calendar-name",
        &[(
            "name",
            format!("{} {}", person.family_name, person.given_name),
        )],
    );
    Ok(ics::calendar(&name, &events))
}

/// Why a session is in someone's feed, and whether it is off for them.
struct Entry {
    at: session::Model,
    cancelled: bool,
}

fn insert(entries: &mut BTreeMap<i64, Entry>, at: session::Model, cancelled: bool) {
    match entries.get_mut(&at.id) {
        // Attending through one enrollment wins over a cancelled other one.
        Some(existing) => existing.cancelled &= cancelled,
        None => {
            entries.insert(at.id, Entry { at, cancelled });
        }
    }
}

/// The sessions a person attends (their enrollments, 補講 bookings) or
/// teaches, from `HISTORY_DAYS` ago on.
pub async fn events_for(
    conn: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<IcsEvent>, Error> {
    let since = now - Duration::days(HISTORY_DAYS);
    let mut entries: BTreeMap<i64, Entry> = BTreeMap::new();
    let enrollments = enrollment::Entity::find()
        .filter(enrollment::COLUMN.user_id.eq(user_id))
        .order_by_asc(enrollment::COLUMN.id)
        .all(conn)
        .await?;
    let mut attending = vec![];
    for enrolled in &enrollments {
        let status = EnrollmentStatus::parse(&enrolled.status);
        let off = match status {
            Some(
                EnrollmentStatus::Confirmed
                | EnrollmentStatus::PendingPayment
                | EnrollmentStatus::PendingApproval
                | EnrollmentStatus::Offered
                | EnrollmentStatus::Completed,
            ) => false,
            // Shown as cancelled so calendars that had them drop them.
            Some(EnrollmentStatus::Cancelled | EnrollmentStatus::Interrupted) => true,
            _ => continue,
        };
        if !off {
            attending.push(enrolled.id);
        }
        let sessions = session::Entity::find()
            .filter(session::COLUMN.course_id.eq(enrolled.course_id))
            .filter(session::COLUMN.makeup_for.is_null())
            .filter(session::COLUMN.ends_at.gte(since))
            .all(conn)
            .await?;
        for at in sessions {
            insert(&mut entries, at, off);
        }
    }
    let booked: Vec<i64> = makeup_booking::Entity::find()
        .filter(makeup_booking::COLUMN.enrollment_id.is_in(attending))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| b.session_id)
        .collect();
    let taught: Vec<i64> = session_instructor::Entity::find()
        .filter(session_instructor::COLUMN.instructor_id.eq(user_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.session_id)
        .collect();
    let others = session::Entity::find()
        .filter(
            Condition::any()
                .add(session::COLUMN.id.is_in(booked))
                .add(session::COLUMN.id.is_in(taught))
                .add(session::COLUMN.instructor_id.eq(user_id)),
        )
        .filter(session::COLUMN.ends_at.gte(since))
        .all(conn)
        .await?;
    for at in others {
        insert(&mut entries, at, false);
    }

    let mut courses: BTreeMap<i64, Option<(course::Model, site::Model)>> = BTreeMap::new();
    let mut events = vec![];
    for entry in entries.into_values() {
        let at = entry.at;
        if let btree_map::Entry::Vacant(slot) = courses.entry(at.course_id) {
            let course = catalog::find(conn, at.course_id).await?;
            let shown = if course.status == CourseStatus::Draft.as_str() {
                None
            } else {
                let site = crate::services::sites::find(conn, course.site_id).await?;
                Some((course, site))
            };
            slot.insert(shown);
        }
        let Some((course, site)) = &courses[&at.course_id] else {
            continue;
        };
        let label = session_label(conn, course, &at).await?;
        let summary = if label == course.title {
            course.title.clone()
        } else {
            format!("{} — {label}", course.title)
        };
        let location = place(site, &at.room);
        events.push(IcsEvent {
            uid: format!("session-{}@kouza", at.id),
            starts_at: at.starts_at,
            ends_at: at.ends_at,
            summary,
            location: Some(location).filter(|l| !l.is_empty()),
            description: Some(course.code.clone()),
            // The same revision number as the course download: sessions keep
            // no counter, and seconds since creation only grow with each edit.
            sequence: (at.updated_at - at.created_at)
                .num_seconds()
                .clamp(0, i64::from(i32::MAX)) as i32,
            cancelled: entry.cancelled
                || at.cancelled_at.is_some()
                || course.status == CourseStatus::Cancelled.as_str(),
            updated_at: at.updated_at,
        });
    }
    events.sort_by_key(|e| (e.starts_at, e.uid.clone()));
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_64_hex_token_with_the_ics_suffix_names_a_feed() {
        let token = "a".repeat(64);
        assert_eq!(
            token_of_file_name(&format!("{token}.ics")),
            Some(token.as_str())
        );
        assert_eq!(token_of_file_name(&token), None);
        assert_eq!(token_of_file_name(&format!("{}.ics", "a".repeat(63))), None);
        assert_eq!(token_of_file_name(&format!("{}.ics", "g".repeat(64))), None);
    }

    #[test]
    fn a_feed_url_has_no_double_slash() {
        assert_eq!(
            url("https://kouza.example.jp/", "ab"),
            "https://kouza.example.jp/calendar/ab.ics"
        );
    }
}
