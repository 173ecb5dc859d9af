//! Personal data (個人情報保護法): a trainee's own data as a file, their
//! request to delete it, staff carrying the deletion out, and the retention
//! job that masks what was kept once the retention period is over.
//!
//! Deletion removes contact details, free text and special-care notes at
//! once and closes the account. Certificates, the completers list (names on
//! enrollments) and the money ledger keep the name for
//! `personal_data_retention_years`, because the prefecture and the tax
//! office may ask for them; amounts are never touched.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{json, Value};

use super::payment_rows::{bank_import_line, ledger_entry, member_verification, receipt};
use super::{audit, is_unique_violation, payments, rate_limit};
use crate::domain::course::{jst_date, EnrollmentStatus};
use crate::domain::personal_data::{self as rules, Blocker, EnrollmentFacts, MASK};
use crate::domain::Role;
use crate::entities::{
    attendance, calendar_feed, certificate, course, course_question, deletion_request, enrollment,
    idempotency_key, login_failure, mail_outbox, mail_preference, password_reset, past_certificate,
    past_completion, session, user,
};
use crate::error::Error;

pub const REQUESTED: &str = "requested";
pub const WITHDRAWN: &str = "withdrawn";
pub const COMPLETED: &str = "completed";

/// How many deletions one pass of the retention job looks at.
const RETENTION_BATCH: u64 = 50;

async fn enrollments_of(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<(enrollment::Model, course::Model)>, Error> {
    super::enrollment::for_user(conn, user_id).await
}

// ---------------------------------------------------------------------------
// Export

/// Everything held about one person, as one JSON document. Only rows that
/// belong to `user_id` are read, so nobody else's data can slip in.
pub async fn export(
    conn: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Value, Error> {
    let u = super::accounts::find(conn, user_id).await?;
    let rows = enrollments_of(conn, user_id).await?;
    let ids: Vec<i64> = rows.iter().map(|(e, _)| e.id).collect();
    let mut enrollments = vec![];
    let mut consents = vec![];
    for (e, c) in &rows {
        let questions = course_question::Entity::find()
            .filter(course_question::COLUMN.course_id.eq(c.id))
            .all(conn)
            .await?;
        let answers: Vec<Value> = serde_json::from_str::<Vec<(i64, String)>>(&e.answers)
            .unwrap_or_default()
            .into_iter()
            .map(|(qid, answer)| {
                let label = questions
                    .iter()
                    .find(|q| q.id == qid)
                    .map(|q| q.label.clone())
                    .unwrap_or_default();
                json!({"question": label, "answer": answer})
            })
            .collect();
        let balance = payments::balance(conn, e).await?;
        enrollments.push(json!({
            "id": e.id,
            "course_id": c.id,
            "course_title": c.title,
            "course_starts_on": c.starts_on,
            "course_ends_on": c.ends_on,
            "status": e.status,
            "family_name": e.family_name,
            "given_name": e.given_name,
            "family_name_kana": e.family_name_kana,
            "given_name_kana": e.given_name_kana,
            "price_category": e.price_category,
            "member_number": e.member_number,
            "application": serde_json::from_str::<Value>(&e.form).unwrap_or(Value::Null),
            "answers": answers,
            "special_care_notes": e.special_care_notes,
            "identity_document": e.identity_document,
            "identity_checked_on": e.identity_checked_on,
            "amount_due_yen": e.amount_due_yen,
            "balance_yen": balance.balance_yen,
            "applied_at": e.created_at,
        }));
        consents.push(json!({
            "enrollment_id": e.id,
            "course_title": c.title,
            "purpose_of_use_consented_at": e.consent_at,
            "special_care_data_given": e.special_care_notes.is_some(),
        }));
    }
    let marks = attendance::Entity::find()
        .filter(attendance::COLUMN.enrollment_id.is_in(ids.clone()))
        .order_by_asc(attendance::Column::Id)
        .all(conn)
        .await?;
    let session_ids: Vec<i64> = marks.iter().map(|m| m.session_id).collect();
    let sessions = session::Entity::find()
        .filter(session::COLUMN.id.is_in(session_ids))
        .all(conn)
        .await?;
    let attendance: Vec<Value> = marks
        .iter()
        .map(|m| {
            let s = sessions.iter().find(|s| s.id == m.session_id);
            json!({
                "enrollment_id": m.enrollment_id,
                "session_id": m.session_id,
                "session_starts_at": s.map(|s| s.starts_at),
                "mark": m.mark,
                "minutes_attended": m.minutes_attended,
                "late_minutes": m.late_minutes,
                "recorded_at": m.recorded_at,
            })
        })
        .collect();
    let ledger: Vec<Value> = ledger_entry::Entity::find()
        .filter(ledger_entry::COLUMN.enrollment_id.is_in(ids.clone()))
        .order_by_asc(ledger_entry::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|l| {
            json!({
                "enrollment_id": l.enrollment_id,
                "kind": l.kind,
                "amount_yen": l.amount_yen,
                "method": l.method,
                "payer_name": l.payer_name,
                "paid_on": l.paid_on,
                "recorded_at": l.created_at,
            })
        })
        .collect();
    let receipts: Vec<Value> = receipt::Entity::find()
        .filter(receipt::COLUMN.enrollment_id.is_in(ids.clone()))
        .order_by_asc(receipt::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|r| {
            json!({
                "number": r.number,
                "enrollment_id": r.enrollment_id,
                "payer_name": r.payer_name,
                "amount_yen": r.amount_yen,
                "method": r.method,
                "issued_at": r.issued_at,
            })
        })
        .collect();
    let certificates: Vec<Value> = certificate::Entity::find()
        .filter(certificate::COLUMN.user_id.eq(user_id))
        .order_by_asc(certificate::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| certificate_json(&c))
        .collect();
    // 再交付 of completions from before this system are theirs too.
    let past: Vec<Value> = super::past_certificates::for_user(conn, user_id)
        .await?
        .into_iter()
        .rev()
        .map(|p| past_certificate_json(&p))
        .collect();
    let certificates: Vec<Value> = certificates.into_iter().chain(past).collect();
    let mails: Vec<Value> = mail_outbox::Entity::find()
        .filter(mail_outbox::COLUMN.to_address.eq(u.email.as_str()))
        .order_by_asc(mail_outbox::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| {
            json!({
                "kind": m.kind,
                "to": m.to_address,
                "subject": m.subject,
                "body": m.body_text,
                "status": m.status,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
            })
        })
        .collect();
    let preferences = mail_preference::Entity::find()
        .filter(mail_preference::COLUMN.user_id.eq(user_id))
        .one(conn)
        .await?
        .map(|p| json!({"reminders": p.reminders, "announcements": p.announcements}));
    let request = find_request(conn, user_id).await?.map(request_json);
    Ok(json!({
        "generated_at": now,
        "account": {
            "id": u.id,
            "email": u.email,
            "family_name": u.family_name,
            "given_name": u.given_name,
            "family_name_kana": u.family_name_kana,
            "given_name_kana": u.given_name_kana,
            "birth_date": u.birth_date,
            "phone": u.phone,
            "postal_code": u.postal_code,
            "address": u.address,
            "member_number": u.member_number,
            "role": u.role,
            "locale": u.locale,
            "created_at": u.created_at,
            "mail_preferences": preferences,
        },
        "enrollments": enrollments,
        "attendance": attendance,
        "payments": ledger,
        "receipts": receipts,
        "certificates": certificates,
        "mails": mails,
        "consents": consents,
        "deletion_request": request,
    }))
}

/// A certificate as the data export lists it.
fn certificate_json(c: &certificate::Model) -> Value {
    json!({
        "number": c.number,
        "enrollment_id": c.enrollment_id,
        "course_title": c.course_title,
        "family_name": c.family_name,
        "given_name": c.given_name,
        "birth_date": c.birth_date,
        "completed_on": c.completed_on,
        "issued_on": c.issued_on,
        "status": super::certificates::Standing::of(c).as_str(),
        "verification_code": super::certificates::numbering::display_code(&c.verification_code),
    })
}

/// A 再交付 of a completion from before this system, listed as a
/// certificate: it belongs to no enrollment here, and it names the paper
/// certificate's number it replaces.
fn past_certificate_json(p: &past_certificate::Model) -> Value {
    let mut doc = certificate_json(&super::past_certificates::as_certificate(p));
    doc["enrollment_id"] = Value::Null;
    doc["original_number"] = json!(p.original_number);
    doc
}

fn request_json(r: deletion_request::Model) -> Value {
    json!({"status": r.status, "requested_at": r.requested_at, "completed_at": r.completed_at})
}

/// The export as one long CSV table: section, item number, field, value.
/// Nested values are written as JSON so nothing is lost.
pub fn export_csv(doc: &Value) -> Result<Vec<u8>, Error> {
    let header: Vec<String> = ["section", "item", "field", "value"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut rows = vec![];
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if let Value::Object(sections) = doc {
        for (section, value) in sections {
            match value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        push_fields(&mut rows, section, &(i + 1).to_string(), item, &cell);
                    }
                }
                Value::Object(_) => push_fields(&mut rows, section, "1", value, &cell),
                other => rows.push(vec![
                    section.clone(),
                    String::new(),
                    String::new(),
                    cell(other),
                ]),
            }
        }
    }
    crate::reports::csv::write(&header, &rows)
        .map_err(|e| Error::Internal(format!("writing the export CSV: {e}")))
}

fn push_fields(
    rows: &mut Vec<Vec<String>>,
    section: &str,
    item: &str,
    value: &Value,
    cell: &dyn Fn(&Value) -> String,
) {
    match value {
        Value::Object(fields) => {
            for (field, v) in fields {
                rows.push(vec![section.into(), item.into(), field.clone(), cell(v)]);
            }
        }
        other => rows.push(vec![
            section.into(),
            item.into(),
            String::new(),
            cell(other),
        ]),
    }
}

/// Records that a person took their own data out of the system.
pub async fn record_export(
    conn: &impl ConnectionTrait,
    user_id: i64,
    format: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    audit::record(
        conn,
        Some(user_id),
        "personal_data_export",
        ("user", Some(user_id)),
        json!({"report": "own_data", "format": format}),
        now,
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Deletion requests

pub async fn find_request(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<deletion_request::Model>, Error> {
    Ok(deletion_request::Entity::find()
        .filter(deletion_request::COLUMN.user_id.eq(user_id))
        .one(conn)
        .await?)
}

/// What stands in the way of deleting this person's data now.
pub async fn blockers(
    conn: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Blocker>, Error> {
    let mut facts = vec![];
    for (e, c) in enrollments_of(conn, user_id).await? {
        let balance = payments::balance(conn, &e).await?;
        facts.push(EnrollmentFacts {
            enrollment_id: e.id,
            course_title: c.title.clone(),
            status: EnrollmentStatus::parse(&e.status).unwrap_or(EnrollmentStatus::Confirmed),
            course_ends_on: c.ends_on,
            balance_yen: balance.balance_yen,
        });
    }
    Ok(rules::blockers(&facts, jst_date(now)))
}

/// A trainee asks for their data to be deleted. Refused while something
/// blocks it (they see why on the page); staff carry it out.
pub async fn request_deletion(
    db: &DatabaseConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<deletion_request::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let u = super::accounts::find(&txn, user_id).await?;
    if u.role != Role::Trainee.as_str() {
        return Err(Error::Conflict("privacy-err-not-trainee"));
    }
    if !blockers(&txn, user_id, now).await?.is_empty() {
        return Err(Error::Conflict("privacy-err-blocked"));
    }
    let row = match find_request(&txn, user_id).await? {
        Some(r) if r.status == WITHDRAWN => {
            let mut active: deletion_request::ActiveModel = r.into();
            active.status = Set(REQUESTED.into());
            active.requested_at = Set(now);
            active.update(&txn).await?
        }
        Some(_) => return Err(Error::Conflict("privacy-err-already-requested")),
        None => deletion_request::ActiveModel {
            user_id: Set(user_id),
            status: Set(REQUESTED.into()),
            requested_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::Conflict("privacy-err-already-requested")
            } else {
                e.into()
            }
        })?,
    };
    audit::record(
        &txn,
        Some(user_id),
        "deletion_requested",
        ("user", Some(user_id)),
        json!({"request_id": row.id}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The trainee changes their mind while the request is still open.
pub async fn withdraw(
    db: &DatabaseConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let txn = crate::db::begin_write(db).await?;
    let done = deletion_request::Entity::update_many()
        .col_expr(deletion_request::Column::Status, Expr::value(WITHDRAWN))
        .filter(deletion_request::COLUMN.user_id.eq(user_id))
        .filter(deletion_request::COLUMN.status.eq(REQUESTED))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(Error::Conflict("privacy-err-no-open-request"));
    }
    audit::record(
        &txn,
        Some(user_id),
        "deletion_withdrawn",
        ("user", Some(user_id)),
        json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A request as staff see it: who (as on their latest application) and
/// what still blocks it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RequestRow {
    pub id: i64,
    pub user_id: i64,
    pub status: String,
    pub name: String,
    pub email: String,
    pub requested_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub blockers: Vec<Blocker>,
}

/// Open requests first (oldest first), then the most recent completed ones.
pub async fn requests(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<RequestRow>, Error> {
    let rows = deletion_request::Entity::find()
        .filter(deletion_request::COLUMN.status.ne(WITHDRAWN))
        .order_by_asc(deletion_request::Column::Status)
        .order_by_desc(deletion_request::Column::RequestedAt)
        .limit(200)
        .all(conn)
        .await?;
    let mut out = vec![];
    for r in rows {
        let u = super::accounts::find(conn, r.user_id).await?;
        let open = r.status == REQUESTED;
        out.push(RequestRow {
            id: r.id,
            user_id: r.user_id,
            status: r.status.clone(),
            name: format!("{} {}", u.family_name, u.given_name),
            email: u.email,
            requested_at: r.requested_at,
            completed_at: r.completed_at,
            blockers: if open {
                blockers(conn, r.user_id, now).await?
            } else {
                vec![]
            },
        });
    }
    // `completed` sorts before `requested`: show the open ones first.
    out.sort_by_key(|r| r.status != REQUESTED);
    Ok(out)
}

/// Staff carry a request out: contact details, free text, special-care notes
/// and member numbers go, the account can no longer log in, and what is kept
/// (names on certificates, enrollments and the ledger) waits for the
/// retention job. One transaction; refused while anything blocks it.
pub async fn complete(
    db: &DatabaseConnection,
    staff_id: i64,
    request_id: i64,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let txn = crate::db::begin_write(db).await?;
    let request = deletion_request::Entity::find_by_id(request_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    // Conditional update: of two staff pressing the button, one does the work.
    let claimed = deletion_request::Entity::update_many()
        .col_expr(deletion_request::Column::Status, Expr::value(COMPLETED))
        .col_expr(deletion_request::Column::CompletedAt, Expr::value(now))
        .col_expr(deletion_request::Column::CompletedBy, Expr::value(staff_id))
        .filter(deletion_request::COLUMN.id.eq(request_id))
        .filter(deletion_request::COLUMN.status.eq(REQUESTED))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(Error::Conflict("privacy-err-no-open-request"));
    }
    let user_id = request.user_id;
    if !blockers(&txn, user_id, now).await?.is_empty() {
        return Err(Error::Conflict("privacy-err-blocked"));
    }
    let u = super::accounts::find(&txn, user_id).await?;
    let rows = enrollments_of(&txn, user_id).await?;
    let ids: Vec<i64> = rows.iter().map(|(e, _)| e.id).collect();
    for (e, c) in &rows {
        let text_questions: Vec<i64> = course_question::Entity::find()
            .filter(course_question::COLUMN.course_id.eq(c.id))
            .filter(course_question::COLUMN.kind.eq("text"))
            .all(&txn)
            .await?
            .into_iter()
            .map(|q| q.id)
            .collect();
        let answers: Vec<(i64, String)> = serde_json::from_str::<Vec<(i64, String)>>(&e.answers)
            .unwrap_or_default()
            .into_iter()
            .filter(|(qid, _)| !text_questions.contains(qid))
            .collect();
        let form = serde_json::from_str::<Value>(&e.form).unwrap_or(Value::Null);
        let mut active: enrollment::ActiveModel = e.clone().into();
        active.member_number = Set(None);
        active.form = Set(rules::strip_application(&form).to_string());
        active.answers = Set(json!(answers).to_string());
        active.special_care_notes = Set(None);
        active.check_in_code = Set(None);
        active.updated_at = Set(now);
        active.update(&txn).await?;
    }
    member_verification::Entity::update_many()
        .col_expr(member_verification::Column::MemberNumber, Expr::value(""))
        .filter(member_verification::COLUMN.enrollment_id.is_in(ids.clone()))
        .exec(&txn)
        .await?;
    let mails = mail_outbox::Entity::delete_many()
        .filter(mail_outbox::COLUMN.to_address.eq(u.email.as_str()))
        .exec(&txn)
        .await?
        .rows_affected;
    login_failure::Entity::delete_many()
        .filter(rate_limit::all_keys_of_account(&u.email))
        .exec(&txn)
        .await?;
    // Stored answers to retried requests: the caller's own, and the sign-up
    // answer (made before there was a caller) which repeats the address.
    idempotency_key::Entity::delete_many()
        .filter(
            idempotency_key::Column::Scope
                .like(format!("%|{user_id}|%"))
                .or(idempotency_key::Column::ResponseBody.contains(u.email.as_str())),
        )
        .exec(&txn)
        .await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::COLUMN.user_id.eq(user_id))
        .exec(&txn)
        .await?;
    calendar_feed::Entity::delete_many()
        .filter(calendar_feed::COLUMN.user_id.eq(user_id))
        .exec(&txn)
        .await?;
    mail_preference::Entity::delete_many()
        .filter(mail_preference::COLUMN.user_id.eq(user_id))
        .exec(&txn)
        .await?;
    // No password hash matches "!": the account cannot log in, and the
    // version bump ends every session and token it had.
    user::Entity::update_many()
        .col_expr(
            user::Column::Email,
            Expr::value(format!("deleted-{user_id}@deleted.invalid")),
        )
        .col_expr(user::Column::PasswordHash, Expr::value("!deleted"))
        .col_expr(user::Column::FamilyName, Expr::value("削除済み"))
        .col_expr(user::Column::GivenName, Expr::value(MASK))
        .col_expr(user::Column::FamilyNameKana, Expr::value("サクジョズミ"))
        .col_expr(user::Column::GivenNameKana, Expr::value(MASK))
        .col_expr(
            user::Column::BirthDate,
            Expr::value(Option::<chrono::NaiveDate>::None),
        )
        .col_expr(user::Column::Phone, Expr::value(Option::<String>::None))
        .col_expr(
            user::Column::PostalCode,
            Expr::value(Option::<String>::None),
        )
        .col_expr(user::Column::Address, Expr::value(Option::<String>::None))
        .col_expr(
            user::Column::MemberNumber,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            user::Column::TokenVersion,
            Expr::col(user::Column::TokenVersion).add(1),
        )
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::COLUMN.id.eq(user_id))
        .exec(&txn)
        .await?;
    // No names or contact data in the trail: it outlives the deletion.
    audit::record(
        &txn,
        Some(staff_id),
        "personal_data_deleted",
        ("user", Some(user_id)),
        json!({"request_id": request_id, "enrollments": ids.len(), "mails_removed": mails}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Retention

/// The background job: for each completed deletion whose retention period is
/// over, mask the given names on enrollments, certificates (re-signing their
/// token) and the ledger. Each person is claimed with a conditional update in
/// the masking transaction, so instances running this at once mask each
/// person once; masking again would change nothing anyway.
pub async fn mask_retained(
    db: &DatabaseConnection,
    config: &crate::config::AppConfig,
    now: DateTime<Utc>,
) -> Result<usize, Error> {
    let due = deletion_request::Entity::find()
        .filter(deletion_request::COLUMN.status.eq(COMPLETED))
        .filter(deletion_request::COLUMN.retained_masked_at.is_null())
        .order_by_asc(deletion_request::Column::CompletedAt)
        .limit(RETENTION_BATCH)
        .all(db)
        .await?;
    let today = jst_date(now);
    let mut masked = 0;
    for r in due {
        let last_end = enrollments_of(db, r.user_id)
            .await?
            .iter()
            .map(|(_, c)| c.ends_on)
            .max();
        let deleted_on = jst_date(r.completed_at.unwrap_or(r.requested_at));
        if !rules::retention_over(
            last_end,
            deleted_on,
            config.personal_data_retention_years,
            today,
        ) {
            continue;
        }
        if mask_one(db, config, r.id, r.user_id, now).await? {
            masked += 1;
        }
    }
    Ok(masked)
}

async fn mask_one(
    db: &DatabaseConnection,
    config: &crate::config::AppConfig,
    request_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let txn = crate::db::begin_write(db).await?;
    let claimed = deletion_request::Entity::update_many()
        .col_expr(deletion_request::Column::RetainedMaskedAt, Expr::value(now))
        .filter(deletion_request::COLUMN.id.eq(request_id))
        .filter(deletion_request::COLUMN.retained_masked_at.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(false);
    }
    let rows = enrollments_of(&txn, user_id).await?;
    let ids: Vec<i64> = rows.iter().map(|(e, _)| e.id).collect();
    for (e, _) in &rows {
        let mut form = serde_json::from_str::<Value>(&e.form).unwrap_or(json!({}));
        if let Value::Object(map) = &mut form {
            for key in ["given_name", "given_name_kana"] {
                if map.contains_key(key) {
                    map.insert(key.into(), json!(MASK));
                }
            }
        }
        let mut active: enrollment::ActiveModel = e.clone().into();
        active.given_name = Set(MASK.into());
        active.given_name_kana = Set(MASK.into());
        active.form = Set(form.to_string());
        active.updated_at = Set(now);
        active.update(&txn).await?;
    }
    let certificates = certificate::Entity::find()
        .filter(certificate::COLUMN.user_id.eq(user_id))
        .all(&txn)
        .await?;
    let past = past_certificate::Entity::find()
        .filter(past_certificate::COLUMN.user_id.eq(user_id))
        .all(&txn)
        .await?;
    if !certificates.is_empty() || !past.is_empty() {
        let secret = config
            .resolve_jwt_secret(!cfg!(debug_assertions))
            .map_err(|e| Error::Internal(e.to_string()))?;
        let (kid, key) = super::certificates::signing::current_key(&txn, &secret, now).await?;
        let issuer = config.public_base_url.trim_end_matches('/').to_string();
        // The verification page shows the family name and the masked given
        // name; the signed token says the same, so it is signed again.
        let masked_token = |number: &str, code: &str, family: &str, course: &str, on: NaiveDate| {
            let claims = super::certificates::signing::CertificateClaims {
                iss: issuer.clone(),
                sub: number.to_string(),
                code: code.to_string(),
                name: format!("{family} {MASK}"),
                course: course.to_string(),
                completed_on: on.format("%Y-%m-%d").to_string(),
                iat: now.timestamp(),
            };
            super::certificates::signing::sign(&kid, &key, &claims)
        };
        for c in certificates {
            let token = masked_token(
                &c.number,
                &c.verification_code,
                &c.family_name,
                &c.course_title,
                c.completed_on,
            )?;
            let mut active: certificate::ActiveModel = c.into();
            active.given_name = Set(MASK.into());
            active.given_name_kana = Set(MASK.into());
            active.birth_date = Set(None);
            active.signing_kid = Set(kid.clone());
            active.signed_token = Set(token);
            active.update(&txn).await?;
        }
        for c in past {
            let token = masked_token(
                &c.number,
                &c.verification_code,
                &c.family_name,
                &c.course_title,
                c.completed_on,
            )?;
            let mut active: past_certificate::ActiveModel = c.into();
            active.given_name = Set(MASK.into());
            active.given_name_kana = Set(MASK.into());
            active.birth_date = Set(None);
            active.signing_kid = Set(kid.clone());
            active.signed_token = Set(token);
            active.update(&txn).await?;
        }
    }
    // The imported record behind those reissues: same names, same period.
    past_completion::Entity::update_many()
        .col_expr(past_completion::Column::GivenName, Expr::value(MASK))
        .col_expr(past_completion::Column::GivenNameKana, Expr::value(MASK))
        .col_expr(
            past_completion::Column::BirthDate,
            Expr::value(Option::<NaiveDate>::None),
        )
        .filter(past_completion::COLUMN.user_id.eq(user_id))
        .exec(&txn)
        .await?;
    // Names only: amounts, dates and methods stay, so every total is unchanged.
    ledger_entry::Entity::update_many()
        .col_expr(ledger_entry::Column::PayerName, Expr::value(MASK))
        .filter(ledger_entry::COLUMN.enrollment_id.is_in(ids.clone()))
        .filter(ledger_entry::COLUMN.payer_name.ne(""))
        .exec(&txn)
        .await?;
    receipt::Entity::update_many()
        .col_expr(receipt::Column::PayerName, Expr::value(MASK))
        .filter(receipt::COLUMN.enrollment_id.is_in(ids.clone()))
        .exec(&txn)
        .await?;
    bank_import_line::Entity::update_many()
        .col_expr(bank_import_line::Column::PayerName, Expr::value(MASK))
        .col_expr(bank_import_line::Column::NormalizedName, Expr::value(MASK))
        .col_expr(bank_import_line::Column::Raw, Expr::value(""))
        .filter(bank_import_line::COLUMN.enrollment_id.is_in(ids))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        None,
        "personal_data_retention_masked",
        ("user", Some(user_id)),
        json!({"request_id": request_id}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

// ---------------------------------------------------------------------------
// Special-care data

/// 要配慮個人情報 of one enrollment, for staff who asked to see it. Every
/// look is written to the audit trail before the notes are handed out.
pub async fn reveal_special_care(
    conn: &impl ConnectionTrait,
    staff_id: i64,
    enrollment_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<String>, Error> {
    let e = super::enrollment::find(conn, enrollment_id).await?;
    audit::record(
        conn,
        Some(staff_id),
        "special_care_view",
        ("enrollment", Some(enrollment_id)),
        json!({"course_id": e.course_id}),
        now,
    )
    .await?;
    Ok(e.special_care_notes)
}
