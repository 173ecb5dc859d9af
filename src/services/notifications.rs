//! Notifications: mails about sessions (the reminder the day before, changes
//! and cancellations), the certificate notice, each person's choice of
//! optional mail, calendar feeds and staff broadcasts. Everything goes
//! through the outbox in the caller's transaction; `mail_delivery` sends it.
//!
//! Optional mail (reminders, announcements) can be turned off on the
//! account; transactional mail (enrollment, changes, cancellations,
//! certificates, password reset) cannot. Payment mails (instructions, bank
//! details, received, deadline, refund) come with the fees feature, which
//! does not exist yet.
pub mod broadcast;
pub mod feeds;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveTime, Timelike, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde::Serialize;

use super::outbox::{self, Mail};
use super::{accounts, catalog};
use crate::config::AppConfig;
use crate::domain::course::{CourseStatus, EnrollmentStatus};
use crate::entities::{
    audit_log, course, enrollment, mail_preference, makeup_booking, session, session_notice,
    session_reminder, site, user,
};
use crate::error::Error;
use crate::i18n::{format_datetime, jst, t_args, Lang};

/// Optional mail a person has chosen to receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Preferences {
    pub reminders: bool,
    pub announcements: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            reminders: true,
            announcements: true,
        }
    }
}

pub async fn preferences(conn: &impl ConnectionTrait, user_id: i64) -> Result<Preferences, Error> {
    Ok(mail_preference::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .map(|row| Preferences {
            reminders: row.reminders,
            announcements: row.announcements,
        })
        .unwrap_or_default())
}

pub async fn set_preferences(
    conn: &impl ConnectionTrait,
    user_id: i64,
    prefs: Preferences,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let row = mail_preference::ActiveModel {
        user_id: Set(user_id),
        reminders: Set(prefs.reminders),
        announcements: Set(prefs.announcements),
        updated_at: Set(now),
    };
    mail_preference::Entity::insert(row)
        .on_conflict(
            OnConflict::column(mail_preference::Column::UserId)
                .update_columns([
                    mail_preference::Column::Reminders,
                    mail_preference::Column::Announcements,
                    mail_preference::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    super::audit::record(
        conn,
        Some(user_id),
        "mail_preferences",
        ("user", Some(user_id)),
        serde_json::json!({"reminders": prefs.reminders, "announcements": prefs.announcements}),
        now,
    )
    .await?;
    Ok(())
}

pub(crate) fn lang_of(person: &user::Model) -> Lang {
    Lang::from_code(&person.locale).unwrap_or_default()
}

/// Queues `mail-<kind>-subject` / `mail-<kind>-body` to a person, in their language.
pub(crate) async fn queue(
    conn: &impl ConnectionTrait,
    person: &user::Model,
    kind: &'static str,
    args: &[(&str, String)],
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let lang = lang_of(person);
    let mut all = vec![(
        "name",
        format!("{} {}", person.family_name, person.given_name),
    )];
    all.extend(args.iter().map(|(k, v)| (*k, v.clone())));
    outbox::enqueue(
        conn,
        Mail {
            kind,
            to: &person.email,
            subject: t_args(lang, &format!("mail-{kind}-subject"), &all),
            body: t_args(lang, &format!("mail-{kind}-body"), &all),
        },
        now,
    )
    .await?;
    Ok(())
}

/// `2026年4月1日 09:30〜12:30`, in Japan time.
pub fn session_when(lang: Lang, starts: DateTime<Utc>, ends: DateTime<Utc>) -> String {
    let start = format_datetime(lang, starts);
    let same_day = starts.with_timezone(&jst()).date_naive() == ends.with_timezone(&jst()).date_naive();
    let end = if same_day {
        ends.with_timezone(&jst()).format("%H:%M").to_string()
    } else {
        format_datetime(lang, ends)
    };
    match lang {
        Lang::Ja => format!("{start}〜{end}"),
        Lang::En => format!("{start}–{end}"),
    }
}

/// Site, room and address, as far as they are known.
pub fn place(site: &site::Model, room: &str) -> String {
    [site.name.as_str(), room, site.address.as_str()]
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a session is about: its own title, else its subject, else the course.
pub async fn session_label(
    conn: &impl ConnectionTrait,
    course: &course::Model,
    at: &session::Model,
) -> Result<String, Error> {
    if let Some(title) = at.title.as_ref().filter(|t| !t.trim().is_empty()) {
        return Ok(title.clone());
    }
    if let Some(no) = at.subject_no {
        let subjects = catalog::subjects(conn, course.id).await?;
        if let Some(subject) = subjects.into_iter().find(|s| s.no == no) {
            return Ok(subject.name);
        }
    }
    Ok(course.title.clone())
}

/// The enrollments expected at a session, among the given statuses: the
/// course's for a regular session, those booked into it for a 補講.
pub(crate) async fn attendees(
    conn: &impl ConnectionTrait,
    at: &session::Model,
    statuses: &[EnrollmentStatus],
) -> Result<Vec<enrollment::Model>, Error> {
    let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    let mut rows = if at.makeup_for.is_none() {
        enrollment::Entity::find()
            .filter(enrollment::COLUMN.course_id.eq(at.course_id))
            .filter(enrollment::COLUMN.status.is_in(statuses.clone()))
            .order_by_asc(enrollment::COLUMN.id)
            .all(conn)
            .await?
    } else {
        vec![]
    };
    let booked: Vec<i64> = makeup_booking::Entity::find()
        .filter(makeup_booking::COLUMN.session_id.eq(at.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|b| b.enrollment_id)
        .filter(|id| !rows.iter().any(|r| r.id == *id))
        .collect();
    if !booked.is_empty() {
        rows.extend(
            enrollment::Entity::find()
                .filter(enrollment::COLUMN.id.is_in(booked))
                .filter(enrollment::COLUMN.status.is_in(statuses))
                .all(conn)
                .await?,
        );
    }
    Ok(rows)
}

/// Whose seat is held or about to be: they hear about changes.
const CHANGE_AUDIENCE: [EnrollmentStatus; 4] = [
    EnrollmentStatus::Confirmed,
    EnrollmentStatus::PendingPayment,
    EnrollmentStatus::PendingApproval,
    EnrollmentStatus::Offered,
];

/// Who is coming: they get the reminder.
const REMINDER_AUDIENCE: [EnrollmentStatus; 2] =
    [EnrollmentStatus::Confirmed, EnrollmentStatus::PendingPayment];

fn course_is_running(course: &course::Model) -> bool {
    course.status == CourseStatus::Published.as_str() || course.status == CourseStatus::Closed.as_str()
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
    let current = Announced {
        starts_at: at.starts_at,
        ends_at: at.ends_at,
        room: at.room.trim().to_string(),
        cancelled: at.cancelled_at.is_some(),
    };
    let before = last_announced(conn, &at).await?;
    if before.as_ref() == Some(&current) || !course_is_running(&course) {
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

    let site = super::sites::find(conn, course.site_id).await?;
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
        if !courses.contains_key(&at.course_id) {
            let course = catalog::find(db, at.course_id).await?;
            let site = super::sites::find(db, course.site_id).await?;
            courses.insert(at.course_id, (course, site));
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

/// Tells the trainee their certificate (修了証明書) was issued, with a link
/// to it rather than an attachment. For the certificates service to call in
/// its transaction.
pub async fn notify_certificate_issued(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
    number: &str,
    link: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let enrolled = enrollment::Entity::find_by_id(enrollment_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let course = catalog::find(conn, enrolled.course_id).await?;
    let person = accounts::find(conn, enrolled.user_id).await?;
    queue(
        conn,
        &person,
        "certificate-ready",
        &[
            ("course", course.title.clone()),
            ("number", number.to_string()),
            ("link", link.to_string()),
        ],
        now,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_session_time_is_written_in_japan_time_with_its_end() {
        let starts = Utc.with_ymd_and_hms(2026, 3, 31, 15, 30, 0).unwrap();
        let ends = starts + Duration::hours(3);
        assert_eq!(
            session_when(Lang::Ja, starts, ends),
            "2026年4月1日 00:30〜03:30"
        );
        assert_eq!(session_when(Lang::En, starts, ends), "1 Apr 2026 00:30–03:30");
    }

    #[test]
    fn a_place_leaves_out_what_is_unknown() {
        let site = site::Model {
            id: 1,
            name: "池袋事業所".into(),
            prefecture: "東京都".into(),
            address: "".into(),
            created_at: Utc::now(),
        };
        assert_eq!(place(&site, " 2階研修室 "), "池袋事業所 2階研修室");
        assert_eq!(place(&site, ""), "池袋事業所");
    }
}
