//! Mails about sessions: the reminder the day before (optional, once per
//! enrollment × session) and the notice of a changed or cancelled session
//! (transactional, only when its time, room or state changed).
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{attendees, lang_of, place, preferences, queue, session_label, session_when};
use crate::config::AppConfig;
use crate::domain::course::{CourseStatus, EnrollmentStatus};
use crate::entities::{audit_log, course, session, session_notice, session_reminder, site};
use crate::error::Error;
use crate::i18n::jst;
use crate::services::{accounts, catalog};

/// Whose seat is held or about to be: they hear about changes.
const CHANGE_AUDIENCE: [EnrollmentStatus; 4] = [
    EnrollmentStatus::Confirmed,
    EnrollmentStatus::PendingPayment,
    EnrollmentStatus::PendingApproval,
    EnrollmentStatus::Offered,
];

/// Who is coming: they get the reminder.
const REMINDER_AUDIENCE: [EnrollmentStatus; 2] = [
    EnrollmentStatus::Confirmed,
    EnrollmentStatus::PendingPayment,
];

fn course_is_running(course: &course::Model) -> bool {
    course.status == CourseStatus::Published.as_str()
        || course.status == CourseStatus::Closed.as_str()
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Announced {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    room: String,
    cancelled: bool,
}

/// What attendees last heard of a session: the last notice, else the times
/// before the latest edit (from the audit trail) with the room as it is now.
async fn last_announced(
    conn: &impl ConnectionTrait,
    at: &session::Model,
) -> Result<Option<Announced>, Error> {
    if let Some(notice) = session_notice::Entity::find_by_id(at.id).one(conn).await? {
        return Ok(Some(Announced {
            starts_at: notice.starts_at,
            ends_at: notice.ends_at,
            room: notice.room,
            cancelled: notice.cancelled,
        }));
    }
    if at.cancelled_at.is_some() {
        return Ok(Some(Announced {
            starts_at: at.starts_at,
            ends_at: at.ends_at,
            room: at.room.trim().to_string(),
            cancelled: false,
        }));
    }
    let edit = audit_log::Entity::find()
        .filter(audit_log::COLUMN.target_type.eq("session"))
        .filter(audit_log::COLUMN.target_id.eq(at.id))
        .filter(audit_log::COLUMN.action.eq("session_update"))
        .order_by_desc(audit_log::COLUMN.id)
        .one(conn)
        .await?;
    let before = edit
        .and_then(|row| serde_json::from_str::<serde_json::Value>(&row.detail).ok())
        .and_then(|detail| {
            let time = |key: &str| {
                detail["before"][key]
                    .as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .map(|t| t.with_timezone(&Utc))
            };
            Some((time("starts_at")?, time("ends_at")?))
        });
    Ok(before.map(|(starts_at, ends_at)| Announced {
        starts_at,
        ends_at,
        room: at.room.trim().to_string(),
        cancelled: false,
    }))
}

/// Tells the people at a session that its time or room changed, or that it
/// was cancelled: its attendees and its instructor. Called by the schedule
/// service after `update` and `cancel`; an edit that changes none of these,
/// a session already over, or a course not running sends nothing. Returns
/// the number of mails queued.
pub async fn notify_session_changed(
    conn: &impl ConnectionTrait,
    session_id: i64,
    now: DateTime<Utc>,
) -> Result<usize, Error> {
    let at = session::Entity::find_by_id(session_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let course = catalog::find(conn, at.course_id).await?;
    if !course_is_running(&course) {
        return Ok(0);
    }
    let current = Announced {
        starts_at: at.starts_at,
        ends_at: at.ends_at,
        room: at.room.trim().to_string(),
        cancelled: at.cancelled_at.is_some(),
    };
    let before = last_announced(conn, &at).await?;
    if before.as_ref() == Some(&current) {
        return Ok(0);
    }
    let over = |a: &Announced| a.ends_at <= now;
    if over(&current) && before.as_ref().is_none_or(over) {
        return Ok(0);
    }
    let notice = session_notice::ActiveModel {
        session_id: Set(at.id),
        starts_at: Set(current.starts_at),
        ends_at: Set(current.ends_at),
        room: Set(current.room.clone()),
        cancelled: Set(current.cancelled),
        notified_at: Set(now),
    };
    session_notice::Entity::insert(notice)
        .on_conflict(
            OnConflict::column(session_notice::Column::SessionId)
                .update_columns([
                    session_notice::Column::StartsAt,
                    session_notice::Column::EndsAt,
                    session_notice::Column::Room,
                    session_notice::Column::Cancelled,
                    session_notice::Column::NotifiedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;

    let site = crate::services::sites::find(conn, course.site_id).await?;
    let label = session_label(conn, &course, &at).await?;
    let mut people: BTreeSet<i64> = attendees(conn, &at, &CHANGE_AUDIENCE)
        .await?
        .into_iter()
        .map(|e| e.user_id)
        .collect();
    people.extend(at.instructor_id);
    let kind = if current.cancelled {
        "session-cancelled"
    } else {
        "session-changed"
    };
    for user_id in &people {
        let person = accounts::find(conn, *user_id).await?;
        let lang = lang_of(&person);
        let was = before
            .as_ref()
            .map(|b| session_when(lang, b.starts_at, b.ends_at))
            .unwrap_or_default();
        queue(
            conn,
            &person,
            kind,
            &[
                ("course", course.title.clone()),
                ("session", label.clone()),
                ("when", session_when(lang, at.starts_at, at.ends_at)),
                ("was", was),
                ("place", place(&site, &at.room)),
            ],
            now,
        )
        .await?;
    }
    Ok(people.len())
}

/// Queues the reminder for tomorrow's sessions (Japan time) to everyone
/// coming who has not turned reminders off, from `reminder_hour_jst` on.
/// Each enrollment × session gets it once: the marker row is unique and
/// written in the same transaction as the mail, so instances racing here
/// queue it once between them. Returns the number queued.
pub async fn send_reminders(
    db: &DatabaseConnection,
    config: &AppConfig,
    now: DateTime<Utc>,
) -> Result<usize, Error> {
    let local = now.with_timezone(&jst());
    if local.hour() < config.reminder_hour_jst {
        return Ok(0);
    }
    let tomorrow = local.date_naive() + Duration::days(1);
    let from = tomorrow
        .and_time(NaiveTime::MIN)
        .and_local_timezone(jst())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| Error::Internal("no midnight in Japan time".into()))?;
    let sessions = session::Entity::find()
        .filter(session::COLUMN.starts_at.gte(from))
        .filter(session::COLUMN.starts_at.lt(from + Duration::days(1)))
        .filter(session::COLUMN.starts_at.gt(now))
        .filter(session::COLUMN.cancelled_at.is_null())
        .order_by_asc(session::COLUMN.starts_at)
        .all(db)
        .await?;
    let mut courses: BTreeMap<i64, (course::Model, site::Model)> = BTreeMap::new();
    let mut queued = 0;
    for at in sessions {
        if let Entry::Vacant(slot) = courses.entry(at.course_id) {
            let course = catalog::find(db, at.course_id).await?;
            let site = crate::services::sites::find(db, course.site_id).await?;
            slot.insert((course, site));
        }
        let (course, site) = &courses[&at.course_id];
        if !course_is_running(course) {
            continue;
        }
        let done: BTreeSet<i64> = session_reminder::Entity::find()
            .filter(session_reminder::COLUMN.session_id.eq(at.id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.enrollment_id)
            .collect();
        let label = session_label(db, course, &at).await?;
        for enrolled in attendees(db, &at, &REMINDER_AUDIENCE).await? {
            if done.contains(&enrolled.id) {
                continue;
            }
            let person = accounts::find(db, enrolled.user_id).await?;
            if !preferences(db, person.id).await?.reminders {
                continue;
            }
            let txn = crate::db::begin_write(db).await?;
            let marker = session_reminder::ActiveModel {
                enrollment_id: Set(enrolled.id),
                session_id: Set(at.id),
                sent_at: Set(now),
                ..Default::default()
            };
            let inserted = session_reminder::Entity::insert(marker)
                .on_conflict(
                    OnConflict::columns([
                        session_reminder::Column::SessionId,
                        session_reminder::Column::EnrollmentId,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
            if inserted == 0 {
                continue;
            }
            let lang = lang_of(&person);
            let bring = if course.what_to_bring.trim().is_empty() {
                "-".to_string()
            } else {
                course.what_to_bring.trim().to_string()
            };
            queue(
                &txn,
                &person,
                "session-reminder",
                &[
                    ("course", course.title.clone()),
                    ("session", label.clone()),
                    ("when", session_when(lang, at.starts_at, at.ends_at)),
                    ("place", place(site, &at.room)),
                    ("bring", bring),
                    ("link", format!("{}/my", config.public_base_url)),
                    (
                        "settings",
                        format!("{}/account/notifications", config.public_base_url),
                    ),
                ],
                now,
            )
            .await?;
            txn.commit().await?;
            queued += 1;
        }
    }
    Ok(queued)
}
