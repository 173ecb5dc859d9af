//! Messages staff send to the people of a course (お知らせ): previewed first,
//! then queued through the outbox, one mail per person, in one transaction.
//! They are announcements, so people who turned announcements off are left
//! out (the preview says how many).
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use serde::Serialize;

use super::{preferences, queue};
use crate::domain::course::EnrollmentStatus;
use crate::domain::DomainError;
use crate::entities::{broadcast, enrollment, user};
use crate::error::Error;
use crate::i18n::{t_args, Lang};
use crate::services::{accounts, catalog, is_unique_violation};

pub const SUBJECT_MAX: usize = 120;
pub const BODY_MAX: usize = 5000;

/// Who a message goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Everyone enrolled: holding or awaiting a seat, waitlisted, or completed.
    All,
    /// Holding a seat with the fee still to pay (`pending_payment`).
    Unpaid,
    Waitlisted,
    /// Those who checked in at the door.
    CheckedIn,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::All,
        Audience::Unpaid,
        Audience::Waitlisted,
        Audience::CheckedIn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Unpaid => "unpaid",
            Audience::Waitlisted => "waitlisted",
            Audience::CheckedIn => "checked_in",
        }
    }

    pub fn parse(raw: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Audience::All => "broadcast-audience-all",
            Audience::Unpaid => "broadcast-audience-unpaid",
            Audience::Waitlisted => "broadcast-audience-waitlisted",
            Audience::CheckedIn => "broadcast-audience-checked-in",
        }
    }
}

/// A message as staff wrote it, checked.
#[derive(Debug, Clone)]
pub struct Draft {
    pub audience: Audience,
    pub subject: String,
    pub body: String,
}

impl Draft {
    pub fn parse(audience: &str, subject: &str, body: &str) -> Result<Draft, Error> {
        let mut errors = vec![];
        let audience = Audience::parse(audience);
        if audience.is_none() {
            errors.push(DomainError::new("audience", "err-broadcast-audience"));
        }
        let subject = subject
            .trim()
            .replace("\r\n", " ")
            .replace(['\r', '\n'], " ");
        if subject.is_empty() || subject.chars().count() > SUBJECT_MAX {
            errors.push(DomainError::new("subject", "err-broadcast-subject"));
        }
        let body = body.replace("\r\n", "\n").trim().to_string();
        if body.is_empty() || body.chars().count() > BODY_MAX {
            errors.push(DomainError::new("body", "err-broadcast-body"));
        }
        match audience {
            Some(audience) if errors.is_empty() => Ok(Draft {
                audience,
                subject,
                body,
            }),
            _ => Err(Error::Validation(errors)),
        }
    }
}

const ENROLLED: [EnrollmentStatus; 6] = [
    EnrollmentStatus::PendingApproval,
    EnrollmentStatus::PendingPayment,
    EnrollmentStatus::Confirmed,
    EnrollmentStatus::Waitlisted,
    EnrollmentStatus::Offered,
    EnrollmentStatus::Completed,
];

const SEATED: [EnrollmentStatus; 3] = [
    EnrollmentStatus::PendingPayment,
    EnrollmentStatus::Confirmed,
    EnrollmentStatus::Completed,
];

/// The people an audience names, each once, with whether they take announcements.
async fn audience(
    conn: &impl ConnectionTrait,
    course_id: i64,
    audience: Audience,
) -> Result<Vec<(user::Model, bool)>, Error> {
    let statuses: Vec<&str> = match audience {
        Audience::All => ENROLLED.iter().map(|s| s.as_str()).collect(),
        Audience::Unpaid => vec![EnrollmentStatus::PendingPayment.as_str()],
        Audience::Waitlisted => vec![EnrollmentStatus::Waitlisted.as_str()],
        Audience::CheckedIn => SEATED.iter().map(|s| s.as_str()).collect(),
    };
    let mut query = enrollment::Entity::find()
        .filter(enrollment::COLUMN.course_id.eq(course_id))
        .filter(enrollment::COLUMN.status.is_in(statuses));
    if audience == Audience::CheckedIn {
        query = query.filter(enrollment::COLUMN.checked_in_at.is_not_null());
    }
    let mut people = BTreeMap::new();
    for row in query.all(conn).await? {
        if let std::collections::btree_map::Entry::Vacant(slot) = people.entry(row.user_id) {
            let person = accounts::find(conn, row.user_id).await?;
            let wants = preferences(conn, person.id).await?.announcements;
            slot.insert((person, wants));
        }
    }
    Ok(people.into_values().collect())
}

/// What staff check before sending.
#[derive(Debug, Serialize)]
pub struct Preview {
    /// Mails that will be queued.
    pub recipients: usize,
    /// People of the audience who turned announcements off.
    pub opted_out: usize,
    /// The mail as the first recipient will read it (in the staff's language
    /// when nobody is in the audience).
    pub subject: String,
    pub body: String,
    /// Sending this preview twice queues it once.
    pub nonce: String,
}

fn args(course: &str, draft: &Draft) -> Vec<(&'static str, String)> {
    vec![
        ("course", course.to_string()),
        ("subject", draft.subject.clone()),
        ("message", draft.body.clone()),
    ]
}

pub async fn preview(
    conn: &impl ConnectionTrait,
    course_id: i64,
    draft: &Draft,
    staff_lang: Lang,
) -> Result<Preview, Error> {
    let course = catalog::find(conn, course_id).await?;
    let people = audience(conn, course_id, draft.audience).await?;
    let first = people.iter().find(|(_, wants)| *wants).map(|(p, _)| p);
    let (lang, name) = match first {
        Some(person) => (
            super::lang_of(person),
            format!("{} {}", person.family_name, person.given_name),
        ),
        None => (
            staff_lang,
            crate::i18n::t(staff_lang, "broadcast-sample-name"),
        ),
    };
    let mut all = vec![("name", name)];
    all.extend(args(&course.title, draft));
    let recipients = people.iter().filter(|(_, wants)| *wants).count();
    Ok(Preview {
        recipients,
        opted_out: people.len() - recipients,
        subject: t_args(lang, "mail-announcement-subject", &all),
        body: t_args(lang, "mail-announcement-body", &all),
        nonce: hex::encode(rand::random::<[u8; 16]>()),
    })
}

/// What was queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sent {
    pub recipients: usize,
    pub opted_out: usize,
}

/// Queues the message to its audience, once per nonce.
pub async fn send(
    db: &DatabaseConnection,
    staff_id: i64,
    course_id: i64,
    draft: &Draft,
    nonce: &str,
    now: DateTime<Utc>,
) -> Result<Sent, Error> {
    if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::Conflict("err-broadcast-stale"));
    }
    let course = catalog::find(db, course_id).await?;
    let txn = crate::db::begin_write(db).await?;
    let people = audience(&txn, course_id, draft.audience).await?;
    let recipients = people.iter().filter(|(_, wants)| *wants).count();
    let sent = Sent {
        recipients,
        opted_out: people.len() - recipients,
    };
    let row = broadcast::ActiveModel {
        course_id: Set(course_id),
        nonce: Set(nonce.to_string()),
        audience: Set(draft.audience.as_str().to_string()),
        subject: Set(draft.subject.clone()),
        body: Set(draft.body.clone()),
        recipients: Set(i32::try_from(sent.recipients).unwrap_or(i32::MAX)),
        opted_out: Set(i32::try_from(sent.opted_out).unwrap_or(i32::MAX)),
        sent_by: Set(staff_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::Conflict("err-broadcast-already-sent")
        } else {
            Error::from(e)
        }
    })?;
    let args = args(&course.title, draft);
    for (person, wants) in &people {
        if *wants {
            queue(&txn, person, "announcement", &args, now).await?;
        }
    }
    crate::services::audit::record(
        &txn,
        Some(staff_id),
        "broadcast_send",
        ("course", Some(course_id)),
        serde_json::json!({"broadcast": row.id, "audience": draft.audience.as_str(), "recipients": sent.recipients, "opted_out": sent.opted_out}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_needs_a_known_audience_a_subject_and_a_body() {
        let Err(Error::Validation(errors)) = Draft::parse("paid", " ", "") else {
            panic!("accepted an empty draft");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["audience", "subject", "body"]);
        let draft =
            Draft::parse("waitlisted", "教室変更\r\nのお知らせ", "本文\r\n二行目\n").unwrap();
        assert_eq!(draft.audience, Audience::Waitlisted);
        assert_eq!(draft.subject, "教室変更 のお知らせ");
        assert_eq!(draft.body, "本文\n二行目");
    }
}
