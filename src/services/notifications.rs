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
mod sessions;

pub use sessions::{notify_session_changed, send_reminders};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use super::outbox::{self, Mail};
use super::{accounts, catalog};
use crate::domain::course::EnrollmentStatus;
use crate::entities::{course, enrollment, mail_preference, makeup_booking, session, site, user};
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
    outbox::enqueue(conn, mail_to(person, kind, args), now).await?;
    Ok(())
}

/// The `mail-<kind>-*` mail to a person, in their language, addressed by name.
pub(crate) fn mail_to<'a>(
    person: &'a user::Model,
    kind: &'a str,
    args: &[(&str, String)],
) -> Mail<'a> {
    let lang = lang_of(person);
    let mut all = vec![(
        "name",
        format!("{} {}", person.family_name, person.given_name),
    )];
    all.extend(args.iter().map(|(k, v)| (*k, v.clone())));
    Mail {
        kind,
        to: &person.email,
        subject: t_args(lang, &format!("mail-{kind}-subject"), &all),
        body: t_args(lang, &format!("mail-{kind}-body"), &all),
    }
}

/// `2026年4月1日 09:30〜12:30`, in Japan time.
pub fn session_when(lang: Lang, starts: DateTime<Utc>, ends: DateTime<Utc>) -> String {
    let start = format_datetime(lang, starts);
    let same_day =
        starts.with_timezone(&jst()).date_naive() == ends.with_timezone(&jst()).date_naive();
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
    use chrono::{Duration, TimeZone};

    #[test]
    fn a_session_time_is_written_in_japan_time_with_its_end() {
        let starts = Utc.with_ymd_and_hms(2026, 3, 31, 15, 30, 0).unwrap();
        let ends = starts + Duration::hours(3);
        assert_eq!(
            session_when(Lang::Ja, starts, ends),
            "2026年4月1日 00:30〜03:30"
        );
        assert_eq!(
            session_when(Lang::En, starts, ends),
            "1 Apr 2026 00:30–03:30"
        );
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
