//! 当日参加 — registering a walk-in at the door: a person (an existing
//! account found by e-mail, or a new one that cannot log in until its owner
//! resets the password), a seat through the enrollment service's own
//! seat-taking, the check-in and, when a session is going on, the mark — all
//! in one transaction. The form's one-time token makes a double tap
//! register one person.
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};

use super::idempotency::{self, Claim};
use super::{accounts, audit, catalog, check_in, enrollment as enrollments, is_unique_violation};
use super::{new_secret, schedule};
use crate::domain::course::{CourseKind, CourseStatus, EnrollmentStatus};
use crate::domain::walk_in::WalkIn;
use crate::entities::{enrollment, user};
use crate::error::Error;

/// What registering did.
#[derive(Debug, Clone)]
pub struct Registered {
    pub enrollment: enrollment::Model,
    /// The same form was sent before: nothing new was created.
    pub repeated: bool,
}

fn scope(course_id: i64) -> String {
    format!("walk-in:{course_id}")
}

/// Registers and checks in a walk-in. `session_id` is the course's session
/// going on now, if any. `token` is the form's one-time token.
pub async fn register(
    db: &DatabaseConnection,
    course_id: i64,
    staff_id: i64,
    person: &WalkIn,
    token: &str,
    session_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Registered, Error> {
    let scope = scope(course_id);
    match idempotency::claim(db, &scope, token, now).await? {
        Claim::Fresh => {}
        Claim::Done { body, .. } => {
            let id: i64 = body
                .parse()
                .map_err(|_| Error::Internal(format!("walk-in answer {body}")))?;
            return Ok(Registered {
                enrollment: enrollments::find(db, id).await?,
                repeated: true,
            });
        }
        Claim::Running => return Err(Error::Conflict("err-walk-in-running")),
    }
    match register_once(db, course_id, staff_id, person, session_id, now).await {
        Ok(row) => {
            idempotency::complete(db, &scope, token, 201, &row.id.to_string(), "text/plain")
                .await?;
            Ok(Registered {
                enrollment: row,
                repeated: false,
            })
        }
        Err(e) => {
            idempotency::release(db, &scope, token).await?;
            Err(e)
        }
    }
}

/// The account a walk-in enrolls under: theirs when their e-mail address is
/// known, else a new trainee account. Without an address it gets a
/// placeholder that can receive no mail (`.invalid`, RFC 2606).
async fn account_for(
    conn: &impl ConnectionTrait,
    person: &WalkIn,
    now: DateTime<Utc>,
) -> Result<user::Model, Error> {
    if let Some(email) = &person.email {
        if let Some(found) = accounts::find_by_email(conn, email).await? {
            return Ok(found);
        }
    }
    let email = match &person.email {
        Some(email) => email.as_str().to_string(),
        None => format!("walk-in-{}@walk-in.invalid", &new_secret().0[..20]),
    };
    let a = &person.application;
    let inserted = user::ActiveModel {
        email: Set(email),
        // Not an argon2 hash: no password opens this account until its
        // owner sets one through "forgot password".
        password_hash: Set("!walk-in".into()),
        family_name: Set(a.family_name().as_str().to_string()),
        given_name: Set(a.given_name().as_str().to_string()),
        family_name_kana: Set(a.family_name_kana().as_str().to_string()),
        given_name_kana: Set(a.given_name_kana().as_str().to_string()),
        phone: Set(a.phone().map(str::to_string)),
        locale: Set("ja".into()),
        role: Set("trainee".into()),
        token_version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await;
    match inserted {
        Ok(row) => Ok(row),
        Err(e) if is_unique_violation(&e) => Err(Error::invalid("email", "err-email-taken")),
        Err(e) => Err(e.into()),
    }
}

async fn register_once(
    db: &DatabaseConnection,
    course_id: i64,
    staff_id: i64,
    person: &WalkIn,
    session_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<enrollment::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let course = catalog::find(&txn, course_id).await?;
    if course.kind == CourseKind::Helper.as_str() {
        return Err(Error::Conflict("err-walk-in-helper"));
    }
    let status = CourseStatus::parse(&course.status).unwrap_or(CourseStatus::Draft);
    if !status.is_public() {
        return Err(Error::Conflict("err-walk-in-course-closed"));
    }
    let account = account_for(&txn, person, now).await?;
    if enrollments::active_for(&txn, course_id, account.id)
        .await?
        .is_some()
    {
        return Err(Error::Conflict("err-walk-in-already-enrolled"));
    }
    let a = &person.application;
    let amount_due = enrollments::amount_for(&txn, course_id, a.price_category(), None).await?;
    if !enrollments::take_seat(&txn, course_id).await? {
        return Err(Error::Conflict("err-walk-in-full"));
    }
    // Paid at the desk: without a fee the seat is confirmed; with one it
    // waits for the payment staff record, as any unpaid seat does.
    let status = if amount_due > 0 {
        EnrollmentStatus::PendingPayment
    } else {
        EnrollmentStatus::Confirmed
    };
    let mut form = a.to_json();
    if let Some(map) = form.as_object_mut() {
        map.insert("walk_in".into(), serde_json::Value::Bool(true));
    }
    let inserted = enrollment::ActiveModel {
        course_id: Set(course_id),
        user_id: Set(account.id),
        status: Set(status.as_str().to_string()),
        family_name: Set(a.family_name().as_str().to_string()),
        given_name: Set(a.given_name().as_str().to_string()),
        family_name_kana: Set(a.family_name_kana().as_str().to_string()),
        given_name_kana: Set(a.given_name_kana().as_str().to_string()),
        price_category: Set(a.price_category().to_string()),
        member_number: Set(None),
        form: Set(form.to_string()),
        answers: Set("[]".into()),
        special_care_notes: Set(None),
        consent_at: Set(now),
        amount_due_yen: Set(amount_due),
        payment_due_at: Set(enrollments::payment_due(&course, status, now)),
        checked_in_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let row = match inserted {
        Ok(row) => row,
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::Conflict("err-walk-in-already-enrolled"))
        }
        Err(e) => return Err(e.into()),
    };
    enrollments::record_event(&txn, row.id, Some(staff_id), None, status, "walk-in", now).await?;
    if let Some(session_id) = session_id {
        let at = schedule::find(&txn, session_id).await?;
        if at.course_id != course_id {
            return Err(Error::Conflict("err-check-in-other-course"));
        }
        check_in::mark_present(&txn, &row, &at, staff_id, "walk-in", now).await?;
    }
    audit::record(
        &txn,
        Some(staff_id),
        "walk_in_register",
        ("enrollment", Some(row.id)),
        serde_json::json!({
            "course_id": course_id,
            "user_id": account.id,
            "session_id": session_id,
            "status": status.as_str(),
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}
