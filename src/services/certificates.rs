//! Completion certificates (修了証明書): who may get one, issuing (one by one
//! or in bulk, each in its own transaction), numbering per series, 再交付,
//! revocation, public verification, and the record → document step.
//!
//! Eligibility is `attendance::progress` and nothing else. A number is drawn
//! inside the issuing transaction by an update of the series counter, so a
//! rolled-back issue gives its number back and concurrent issuers (on any
//! number of instances) queue on the counter row: numbers have no gaps and no
//! duplicates. One live certificate per enrollment is a unique column
//! (`live_enrollment_id`), so a bulk issue run twice, or by two people at
//! once, issues nothing twice.
pub mod numbering;
pub mod reports;
pub mod signing;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::prelude::Expr;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde::Serialize;

use super::attendance::{self, Progress};
use super::{accounts, audit, catalog, enrollment as enrollments, is_unique_violation};
use crate::domain::completion::{AssessmentState, Completion, Mark};
use crate::domain::course::{jst_date, CourseKind, EnrollmentStatus};
use crate::domain::wareki::{format_date, DateStyle};
use crate::domain::{DomainError, Kana, PersonName};
use crate::entities::{
    assessment, attendance as marks, certificate, certificate_counter, certificate_series,
    certificate_settings, course, curriculum, enrollment, session,
};
use crate::error::Error;
use crate::pdf::certificate::CertificatePrint;
use crate::state::AppState;

/// What signing needs: the service secret (to open the signing key) and the
/// public address printed in the QR code.
#[derive(Clone)]
pub struct Signer {
    pub secret: Vec<u8>,
    pub base_url: String,
}

impl Signer {
    pub fn from_state(state: &AppState) -> Result<Signer, Error> {
        let secret = state
            .config
            .resolve_jwt_secret(!cfg!(debug_assertions))
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Signer {
            secret,
            base_url: state
                .config
                .public_base_url
                .trim_end_matches('/')
                .to_string(),
        })
    }

    pub fn verify_url(&self, code: &str) -> String {
        format!("{}/verify/{}", self.base_url, numbering::display_code(code))
    }
}

/// Where a certificate stands, as the verification page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Valid,
    Revoked,
    Reissued,
}

impl Standing {
    pub fn of(row: &certificate::Model) -> Standing {
        if row.revoked_at.is_some() {
            Standing::Revoked
        } else if row.superseded_by.is_some() {
            Standing::Reissued
        } else {
            Standing::Valid
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Valid => "valid",
            Standing::Revoked => "revoked",
            Standing::Reissued => "reissued",
        }
    }
}

/// Enrollment states in which a completed course can be certified.
fn may_be_certified(status: &str) -> bool {
    matches!(
        EnrollmentStatus::parse(status),
        Some(EnrollmentStatus::Confirmed | EnrollmentStatus::Completed)
    )
}

/// Whether an enrollment may get a certificate now, and if not, why.
#[derive(Debug, Clone)]
pub struct Eligibility {
    pub enrollment: enrollment::Model,
    pub progress: Progress,
    /// The enrollment is in a state that can be certified.
    pub status_ok: bool,
}

impl Eligibility {
    pub fn eligible(&self) -> bool {
        self.status_ok && self.progress.complete
    }

    /// Subjects still short, by number.
    pub fn missing_subjects(&self) -> Vec<i32> {
        match &self.progress.completion {
            Completion::Incomplete {
                missing_subjects, ..
            } => missing_subjects.clone(),
            Completion::Complete => vec![],
        }
    }

    pub fn assessment(&self) -> Option<AssessmentState> {
        match &self.progress.completion {
            Completion::Incomplete { assessment, .. } => Some(*assessment),
            Completion::Complete => None,
        }
    }

    /// The refusal as a service error.
    pub fn refusal(&self) -> Error {
        if !self.status_ok {
            Error::Conflict("err-cert-enrollment-state")
        } else {
            Error::Validation(vec![DomainError::new(
                "completion",
                "err-cert-not-complete",
            )])
        }
    }
}

pub async fn eligibility(
    conn: &impl ConnectionTrait,
    enrollment_id: i64,
    now: DateTime<Utc>,
) -> Result<Eligibility, Error> {
    let row = enrollments::find(conn, enrollment_id).await?;
    let progress = attendance::progress(conn, enrollment_id, now).await?;
    Ok(Eligibility {
        status_ok: may_be_certified(&row.status),
        enrollment: row,
        progress,
    })
}

pub async fn settings(conn: &impl ConnectionTrait) -> Result<certificate_settings::Model, Error> {
    certificate_settings::Entity::find()
        .order_by_asc(certificate_settings::COLUMN.id)
        .one(conn)
        .await?
        .ok_or_else(|| Error::Internal("certificate settings are missing".into()))
}

/// The provider's settings as staff edit them.
#[derive(Debug, Clone)]
pub struct SettingsInput {
    pub provider_name: String,
    pub provider_address: String,
    pub provider_representative: String,
    pub date_style: String,
    pub show_furigana: bool,
    pub show_hours: bool,
    pub statement_helper: String,
    pub statement_community: String,
    pub statement_symposium: String,
}

pub async fn save_settings(
    db: &DatabaseConnection,
    actor: i64,
    input: &SettingsInput,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let mut errors = vec![];
    if !matches!(input.date_style.as_str(), "wareki" | "seireki") {
        errors.push(DomainError::new("date_style", "err-cert-date-style"));
    }
    for (field, text, max) in [
        ("provider_name", &input.provider_name, 100),
        ("provider_address", &input.provider_address, 200),
        (
            "provider_representative",
            &input.provider_representative,
            100,
        ),
        ("statement_helper", &input.statement_helper, 300),
        ("statement_community", &input.statement_community, 300),
        ("statement_symposium", &input.statement_symposium, 300),
    ] {
        if text.chars().count() > max {
            let key = match max {
                100 => "err-too-long-100",
                200 => "err-too-long-200",
                _ => "err-too-long-300",
            };
            errors.push(DomainError::new(field, key));
        }
    }
    for (field, text) in [
        ("statement_helper", &input.statement_helper),
        ("statement_community", &input.statement_community),
        ("statement_symposium", &input.statement_symposium),
    ] {
        if text.trim().is_empty() {
            errors.push(DomainError::new(field, "err-required"));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut row: certificate_settings::ActiveModel = settings(&txn).await?.into();
    row.provider_name = Set(input.provider_name.trim().to_string());
    row.provider_address = Set(input.provider_address.trim().to_string());
    row.provider_representative = Set(input.provider_representative.trim().to_string());
    row.date_style = Set(input.date_style.clone());
    row.show_furigana = Set(input.show_furigana);
    row.show_hours = Set(input.show_hours);
    row.statement_helper = Set(input.statement_helper.trim().to_string());
    row.statement_community = Set(input.statement_community.trim().to_string());
    row.statement_symposium = Set(input.statement_symposium.trim().to_string());
    row.updated_by = Set(Some(actor));
    row.updated_at = Set(Some(now));
    row.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        "certificate_settings",
        ("certificate_settings", None),
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn all_series(
    conn: &impl ConnectionTrait,
) -> Result<Vec<certificate_series::Model>, Error> {
    Ok(certificate_series::Entity::find()
        .order_by_asc(certificate_series::COLUMN.id)
        .all(conn)
        .await?)
}

/// Changes a series' pattern. Numbers already issued keep theirs.
pub async fn set_pattern(
    db: &DatabaseConnection,
    actor: i64,
    series_id: i64,
    pattern: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let pattern = pattern.trim();
    numbering::check_pattern(pattern).map_err(|key| Error::invalid("pattern", key))?;
    let txn = crate::db::begin_write(db).await?;
    let series = certificate_series::Entity::find_by_id(series_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let mut row: certificate_series::ActiveModel = series.into();
    row.pattern = Set(pattern.to_string());
    row.update(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        "certificate_series_pattern",
        ("certificate_series", Some(series_id)),
        serde_json::json!({"pattern": pattern}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The series of a course: by its curriculum first, then by its kind.
async fn series_for(
    conn: &impl ConnectionTrait,
    course: &course::Model,
    curriculum_key: Option<&str>,
) -> Result<certificate_series::Model, Error> {
    let all = all_series(conn).await?;
    let by_curriculum = curriculum_key.and_then(|key| {
        all.iter()
            .find(|s| s.curriculum_key.as_deref() == Some(key))
    });
    let by_kind = || {
        all.iter()
            .find(|s| s.curriculum_key.is_none() && s.course_kind.as_deref() == Some(&course.kind))
    };
    by_curriculum
        .or_else(by_kind)
        .cloned()
        .ok_or(Error::Conflict("err-cert-no-series"))
}

/// Draws the next number of a series inside the caller's transaction. The
/// counter row is created once (a no-op when it exists), then moved by an
/// update: the row stays locked until the transaction ends (PostgreSQL) or
/// the transaction holds the write lock (SQLite), and a rollback gives the
/// number back.
async fn next_number(
    txn: &impl ConnectionTrait,
    series: &certificate_series::Model,
    issued_on: NaiveDate,
) -> Result<(i32, i32, String), Error> {
    use sea_orm::ExprTrait as _;
    let period = numbering::period(&series.pattern, issued_on);
    let created = certificate_counter::Entity::insert(certificate_counter::ActiveModel {
        series_id: Set(series.id),
        period: Set(period),
        last_seq: Set(0),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            certificate_counter::Column::SeriesId,
            certificate_counter::Column::Period,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec(txn)
    .await;
    match created {
        Ok(_) | Err(DbErr::RecordNotInserted) => {}
        Err(e) => return Err(e.into()),
    }
    let moved = certificate_counter::Entity::update_many()
        .col_expr(
            certificate_counter::Column::LastSeq,
            Expr::col(certificate_counter::Column::LastSeq).add(1),
        )
        .filter(certificate_counter::COLUMN.series_id.eq(series.id))
        .filter(certificate_counter::COLUMN.period.eq(period))
        .exec(txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(Error::Internal("certificate counter missing".into()));
    }
    let seq = certificate_counter::Entity::find()
        .filter(certificate_counter::COLUMN.series_id.eq(series.id))
        .filter(certificate_counter::COLUMN.period.eq(period))
        .one(txn)
        .await?
        .map(|c| c.last_seq)
        .ok_or_else(|| Error::Internal("certificate counter missing".into()))?;
    Ok((
        period,
        seq,
        numbering::format_number(&series.pattern, seq, issued_on),
    ))
}

/// 生年月日 as registered for the course, else from the account.
pub async fn birth_date_of(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
) -> Result<Option<NaiveDate>, Error> {
    let from_form = serde_json::from_str::<serde_json::Value>(&row.form)
        .ok()
        .and_then(|form| {
            form.get("birth_date")
                .and_then(|v| v.as_str())
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        });
    match from_form {
        Some(date) => Ok(Some(date)),
        None => Ok(accounts::find(conn, row.user_id).await?.birth_date),
    }
}

/// 修了年月日: the last day something counted towards completion (the last
/// attended session, the assessment, the symposium check-in), never after today.
async fn completion_date(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
    course: &course::Model,
    today: NaiveDate,
) -> Result<(NaiveDate, i32), Error> {
    let attended: Vec<marks::Model> = marks::Entity::find()
        .filter(marks::COLUMN.enrollment_id.eq(row.id))
        .all(conn)
        .await?
        .into_iter()
        .filter(|m| {
            matches!(
                Mark::parse(&m.mark),
                Some(Mark::Present | Mark::Late | Mark::LeftEarly)
            )
        })
        .collect();
    let minutes = attended.iter().map(|m| m.minutes_attended).sum::<i32>();
    let ids: Vec<i64> = attended.iter().map(|m| m.session_id).collect();
    let mut last: Option<NaiveDate> = session::Entity::find()
        .filter(session::COLUMN.id.is_in(ids))
        .all(conn)
        .await?
        .iter()
        .map(|s| jst_date(s.starts_at))
        .max();
    let assessed = assessment::Entity::find()
        .filter(assessment::COLUMN.enrollment_id.eq(row.id))
        .order_by_desc(assessment::COLUMN.attempt)
        .one(conn)
        .await?
        .map(|a| a.taken_on);
    let checked_in = row.checked_in_at.map(jst_date);
    for date in [assessed, checked_in].into_iter().flatten() {
        last = Some(last.map_or(date, |l| l.max(date)));
    }
    Ok((last.unwrap_or(course.ends_on).min(today), minutes))
}

/// The name printed for a course: a helper course's curriculum as a 課程
/// (`介護職員初任者研修課程`), otherwise the course title.
async fn certified_title(
    conn: &impl ConnectionTrait,
    course: &course::Model,
) -> Result<(String, Option<String>), Error> {
    let found = match course.curriculum_id {
        Some(id) => curriculum::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    match found {
        Some(c) if course.kind == CourseKind::Helper.as_str() => {
            let title = if c.name.ends_with("課程") {
                c.name.clone()
            } else {
                format!("{}課程", c.name)
            };
            Ok((title, Some(c.key)))
        }
        Some(c) => Ok((course.title.clone(), Some(c.key))),
        None => Ok((course.title.clone(), None)),
    }
}

pub(crate) fn statement_for(
    settings: &certificate_settings::Model,
    kind: &str,
    title: &str,
) -> String {
    let template = match kind {
        "helper" => &settings.statement_helper,
        "symposium" => &settings.statement_symposium,
        _ => &settings.statement_community,
    };
    template.replace("{course}", title)
}

/// What the signed token says about the holder and the course.
pub(crate) struct Subject {
    pub name: String,
    pub course: String,
    pub completed_on: NaiveDate,
}

/// A drawn number, a new code and the signed token: what makes a document
/// verifiable, the same for every kind of certificate.
pub(crate) struct Seal {
    pub period: i32,
    pub seq: i32,
    pub number: String,
    pub code: String,
    pub kid: String,
    pub token: String,
}

/// Draws the number (inside `txn`), makes the code and signs.
pub(crate) async fn seal(
    txn: &impl ConnectionTrait,
    signer: &Signer,
    series: &certificate_series::Model,
    subject: Subject,
    issued_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Seal, Error> {
    let (period, seq, number) = next_number(txn, series, issued_on).await?;
    let (kid, key) = signing::current_key(txn, &signer.secret, now).await?;
    let code = numbering::new_code();
    let claims = signing::CertificateClaims {
        iss: signer.base_url.clone(),
        sub: number.clone(),
        code: code.clone(),
        name: subject.name,
        course: subject.course,
        completed_on: subject.completed_on.format("%Y-%m-%d").to_string(),
        iat: now.timestamp(),
    };
    let token = signing::sign(&kid, &key, &claims)?;
    Ok(Seal {
        period,
        seq,
        number,
        code,
        kid,
        token,
    })
}

/// Numbers, codes, signs and inserts a prepared certificate in `txn`.
async fn seal_and_insert(
    txn: &impl ConnectionTrait,
    signer: &Signer,
    series: &certificate_series::Model,
    mut row: certificate::ActiveModel,
    subject: Subject,
    issued_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<certificate::Model, Error> {
    let sealed = seal(txn, signer, series, subject, issued_on, now).await?;
    row.series_id = Set(series.id);
    row.period = Set(sealed.period);
    row.seq = Set(sealed.seq);
    row.number = Set(sealed.number);
    row.issued_on = Set(issued_on);
    row.issued_at = Set(now);
    row.verification_code = Set(sealed.code);
    row.signing_kid = Set(sealed.kid);
    row.signed_token = Set(sealed.token);
    row.insert(txn).await.map_err(|e| {
        if is_unique_violation(&e) {
            Error::Conflict("err-cert-exists")
        } else {
            e.into()
        }
    })
}

/// Issues the certificate of one enrollment, in its own transaction.
pub async fn issue(
    db: &DatabaseConnection,
    signer: &Signer,
    enrollment_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<certificate::Model, Error> {
    let txn = crate::db::begin_write(db).await?;
    let saved = issue_in(&txn, signer, enrollment_id, staff_id, now).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Issues inside the caller's write transaction.
async fn issue_in(
    txn: &DatabaseTransaction,
    signer: &Signer,
    enrollment_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<certificate::Model, Error> {
    let row = enrollments::find(txn, enrollment_id).await?;
    if has_live(txn, enrollment_id).await? {
        return Err(Error::Conflict("err-cert-exists"));
    }
    let check = eligibility(txn, enrollment_id, now).await?;
    if !check.eligible() {
        return Err(check.refusal());
    }
    let course = catalog::find(txn, row.course_id).await?;
    let config = settings(txn).await?;
    let (title, curriculum_key) = certified_title(txn, &course).await?;
    let series = series_for(txn, &course, curriculum_key.as_deref()).await?;
    let today = jst_date(now);
    let (completed_on, minutes) = completion_date(txn, &row, &course, today).await?;
    let subject = Subject {
        name: format!("{} {}", row.family_name, row.given_name),
        course: title.clone(),
        completed_on,
    };
    let prepared = certificate::ActiveModel {
        enrollment_id: Set(row.id),
        live_enrollment_id: Set(Some(row.id)),
        course_id: Set(course.id),
        user_id: Set(row.user_id),
        family_name: Set(row.family_name.clone()),
        given_name: Set(row.given_name.clone()),
        family_name_kana: Set(row.family_name_kana.clone()),
        given_name_kana: Set(row.given_name_kana.clone()),
        birth_date: Set(birth_date_of(txn, &row).await?),
        statement: Set(statement_for(&config, &course.kind, &title)),
        course_title: Set(title),
        course_kind: Set(course.kind.clone()),
        designation_number: Set(course
            .designation_number
            .clone()
            .filter(|d| !d.trim().is_empty())),
        completed_on: Set(completed_on),
        attended_minutes: Set((course.kind == CourseKind::Community.as_str()).then_some(minutes)),
        provider_name: Set(config.provider_name.clone()),
        provider_address: Set(config.provider_address.clone()),
        provider_representative: Set(config.provider_representative.clone()),
        date_style: Set(config.date_style.clone()),
        show_furigana: Set(config.show_furigana),
        show_hours: Set(config.show_hours),
        issued_by: Set(staff_id),
        ..Default::default()
    };
    let saved = seal_and_insert(txn, signer, &series, prepared, subject, today, now).await?;
    audit::record(
        txn,
        Some(staff_id),
        "certificate_issue",
        ("certificate", Some(saved.id)),
        serde_json::json!({"number": saved.number, "enrollment_id": enrollment_id}),
        now,
    )
    .await?;
    super::notifications::notify_certificate_issued(
        txn,
        row.id,
        &saved.number,
        &format!("{}/my/certificates", signer.base_url),
        now,
    )
    .await?;
    Ok(saved)
}

/// Every signing key, newest first (for the settings page).
pub async fn signing_keys(
    conn: &impl ConnectionTrait,
) -> Result<Vec<crate::entities::certificate_signing_key::Model>, Error> {
    Ok(crate::entities::certificate_signing_key::Entity::find()
        .order_by_desc(crate::entities::certificate_signing_key::COLUMN.id)
        .all(conn)
        .await?)
}

/// Whether the enrollment has a current (live) certificate.
pub async fn has_live(conn: &impl ConnectionTrait, enrollment_id: i64) -> Result<bool, Error> {
    Ok(certificate::Entity::find()
        .filter(certificate::COLUMN.live_enrollment_id.eq(enrollment_id))
        .one(conn)
        .await?
        .is_some())
}

/// Rotates the signing key (admin); older keys stay published.
pub async fn rotate_key(
    db: &DatabaseConnection,
    signer: &Signer,
    actor: i64,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let txn = crate::db::begin_write(db).await?;
    let kid = signing::rotate(&txn, &signer.secret, now).await?;
    audit::record(
        &txn,
        Some(actor),
        "certificate_key_rotate",
        ("certificate_signing_key", None),
        serde_json::json!({"kid": kid}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(kid)
}

/// A course's trainees with where they stand for a certificate.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub eligibility: Eligibility,
    /// Every certificate of the enrollment, oldest first.
    pub certificates: Vec<certificate::Model>,
}

impl Candidate {
    pub fn current(&self) -> Option<&certificate::Model> {
        self.certificates
            .iter()
            .find(|c| c.live_enrollment_id.is_some())
    }

    /// Eligible and never certified: what a bulk issue picks up. (After a
    /// revocation staff decide one by one.)
    pub fn awaiting(&self) -> bool {
        self.eligibility.eligible() && self.certificates.is_empty()
    }
}

/// Every enrollment of the course that could come into question (not
/// cancelled, waitlisted or pending), in フリガナ order.
pub async fn candidates(
    conn: &impl ConnectionTrait,
    course_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Candidate>, Error> {
    let rows = enrollments::for_course(conn, course_id, None, None).await?;
    let issued = for_course(conn, course_id).await?;
    let mut out = vec![];
    for row in rows {
        let status = EnrollmentStatus::parse(&row.status);
        if !matches!(
            status,
            Some(
                EnrollmentStatus::Confirmed
                    | EnrollmentStatus::Completed
                    | EnrollmentStatus::Interrupted
                    | EnrollmentStatus::PendingPayment
            )
        ) {
            continue;
        }
        let certificates = issued
            .iter()
            .filter(|c| c.enrollment_id == row.id)
            .cloned()
            .collect();
        out.push(Candidate {
            eligibility: eligibility(conn, row.id, now).await?,
            certificates,
        });
    }
    Ok(out)
}

/// What a bulk issue did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BulkOutcome {
    pub issued: Vec<String>,
    /// Enrollments that already had a certificate (issued meanwhile).
    pub already: usize,
    /// Enrollments whose issue failed, with the reason's message id.
    pub failed: Vec<(i64, String)>,
}

/// Issues every eligible, not yet certified enrollment of a course, each on
/// its own savepoint: one failure neither stops nor duplicates the others.
pub async fn issue_all(
    db: &DatabaseConnection,
    signer: &Signer,
    course_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<BulkOutcome, Error> {
    catalog::find(db, course_id).await?;
    let mut outcome = BulkOutcome::default();
    let waiting: Vec<i64> = candidates(db, course_id, now)
        .await?
        .into_iter()
        .filter(|c| c.awaiting())
        .map(|c| c.eligibility.enrollment.id)
        .collect();
    for chunk in waiting.chunks(ISSUE_CHUNK) {
        issue_chunk(db, signer, chunk, staff_id, now, &mut outcome).await?;
    }
    Ok(outcome)
}

/// Certificates of one bulk issue that share a transaction (and its one
/// commit): each still on its own savepoint, so one failure rolls back
/// only its own certificate.
const ISSUE_CHUNK: usize = 100;

async fn issue_chunk(
    db: &DatabaseConnection,
    signer: &Signer,
    ids: &[i64],
    staff_id: i64,
    now: DateTime<Utc>,
    outcome: &mut BulkOutcome,
) -> Result<(), Error> {
    let txn = crate::db::begin_write(db).await?;
    let mut issued = vec![];
    for &id in ids {
        let savepoint = txn.begin().await?;
        match issue_in(&savepoint, signer, id, staff_id, now).await {
            Ok(saved) => {
                savepoint.commit().await?;
                issued.push((id, saved.number));
            }
            Err(e) => {
                savepoint.rollback().await?;
                match e {
                    Error::Conflict("err-cert-exists") => outcome.already += 1,
                    e => {
                        tracing::warn!(enrollment_id = id, error = %e, "certificate not issued");
                        outcome.failed.push((id, e.detail_key().to_string()));
                    }
                }
            }
        }
    }
    match txn.commit().await {
        Ok(()) => outcome
            .issued
            .extend(issued.into_iter().map(|(_, number)| number)),
        // A failed commit issued none of them: each is reported failed, as a
        // failed one-certificate transaction was, and the next chunk goes on.
        Err(e) => {
            let e = Error::from(e);
            tracing::warn!(error = %e, "a chunk of certificates was not issued");
            for (id, _) in issued {
                outcome.failed.push((id, e.detail_key().to_string()));
            }
        }
    }
    Ok(())
}

/// A new 氏名 for a 再交付 after a name change.
#[derive(Debug, Clone, Default)]
pub struct NameChange {
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
}

pub(crate) fn check_reason(reason: &str) -> Result<String, Error> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid("reason", "err-required"));
    }
    if reason.chars().count() > 500 {
        return Err(Error::invalid("reason", "err-too-long-500"));
    }
    Ok(reason.to_string())
}

/// A new 氏名 must be a whole, valid name: all four fields.
pub(crate) fn check_name_change(n: &NameChange) -> Result<(), Error> {
    let errors: Vec<DomainError> = [
        PersonName::parse("family_name", &n.family_name).err(),
        PersonName::parse("given_name", &n.given_name).err(),
        Kana::parse("family_name_kana", &n.family_name_kana).err(),
        Kana::parse("given_name_kana", &n.given_name_kana).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

/// The ledger note on a reissue fee (再交付手数料).
pub const REISSUE_FEE_NOTE: &str = "再交付手数料";

/// 再交付: a new certificate (new number in the same series, new code) that
/// names the original number and date; the old one stays, marked reissued.
pub async fn reissue(
    db: &DatabaseConnection,
    signer: &Signer,
    certificate_id: i64,
    staff_id: i64,
    reason: &str,
    name: Option<&NameChange>,
    now: DateTime<Utc>,
) -> Result<certificate::Model, Error> {
    let reason = check_reason(reason)?;
    if let Some(n) = name {
        check_name_change(n)?;
    }
    let txn = crate::db::begin_write(db).await?;
    let old = certificate::Entity::find_by_id(certificate_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    // Only the current certificate can be replaced; the database decides
    // between two staff doing it at once.
    let taken = certificate::Entity::update_many()
        .col_expr(
            certificate::Column::LiveEnrollmentId,
            Expr::value(Option::<i64>::None),
        )
        .filter(certificate::COLUMN.id.eq(old.id))
        .filter(certificate::COLUMN.live_enrollment_id.is_not_null())
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(Error::Conflict("err-cert-not-current"));
    }
    let series = certificate_series::Entity::find_by_id(old.series_id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::Internal("certificate series missing".into()))?;
    let config = settings(&txn).await?;
    let mut prepared: certificate::ActiveModel = old.clone().into();
    prepared.id = sea_orm::ActiveValue::NotSet;
    prepared.live_enrollment_id = Set(Some(old.enrollment_id));
    let mut subject = Subject {
        name: format!("{} {}", old.family_name, old.given_name),
        course: old.course_title.clone(),
        completed_on: old.completed_on,
    };
    if let Some(n) = name {
        subject.name = format!("{} {}", n.family_name.trim(), n.given_name.trim());
        prepared.family_name = Set(n.family_name.trim().to_string());
        prepared.given_name = Set(n.given_name.trim().to_string());
        prepared.family_name_kana = Set(n.family_name_kana.trim().to_string());
        prepared.given_name_kana = Set(n.given_name_kana.trim().to_string());
    }
    prepared.provider_name = Set(config.provider_name.clone());
    prepared.provider_address = Set(config.provider_address.clone());
    prepared.provider_representative = Set(config.provider_representative.clone());
    prepared.date_style = Set(config.date_style.clone());
    prepared.show_furigana = Set(config.show_furigana);
    prepared.show_hours = Set(config.show_hours);
    prepared.issued_by = Set(staff_id);
    prepared.reissue_of = Set(Some(old.id));
    prepared.reissue_reason = Set(Some(reason.clone()));
    prepared.original_number = Set(Some(
        old.original_number.clone().unwrap_or(old.number.clone()),
    ));
    prepared.original_issued_on = Set(Some(old.original_issued_on.unwrap_or(old.issued_on)));
    prepared.superseded_by = Set(None);
    prepared.revoked_at = Set(None);
    prepared.revoked_by = Set(None);
    prepared.revocation_reason = Set(None);
    let saved =
        seal_and_insert(&txn, signer, &series, prepared, subject, jst_date(now), now).await?;
    certificate::Entity::update_many()
        .col_expr(certificate::Column::SupersededBy, Expr::value(saved.id))
        .filter(certificate::COLUMN.id.eq(old.id))
        .exec(&txn)
        .await?;
    let holder = super::enrollment::find(&txn, old.enrollment_id).await?;
    super::payments::charge_on_demand(
        &txn,
        &holder,
        "reissue",
        &saved.id.to_string(),
        REISSUE_FEE_NOTE,
        Some(staff_id),
        now,
    )
    .await?;
    audit::record(
        &txn,
        Some(staff_id),
        "certificate_reissue",
        ("certificate", Some(saved.id)),
        serde_json::json!({"number": saved.number, "replaces": old.number, "reason": reason}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Revokes the current certificate (issued in error, say). It stays in the
/// history; verification says revoked.
pub async fn revoke(
    db: &DatabaseConnection,
    certificate_id: i64,
    staff_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<certificate::Model, Error> {
    let reason = check_reason(reason)?;
    let txn = crate::db::begin_write(db).await?;
    let done = certificate::Entity::update_many()
        .col_expr(
            certificate::Column::LiveEnrollmentId,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(certificate::Column::RevokedAt, Expr::value(now))
        .col_expr(certificate::Column::RevokedBy, Expr::value(staff_id))
        .col_expr(
            certificate::Column::RevocationReason,
            Expr::value(reason.clone()),
        )
        .filter(certificate::COLUMN.id.eq(certificate_id))
        .filter(certificate::COLUMN.live_enrollment_id.is_not_null())
        .exec(&txn)
        .await?;
    let row = certificate::Entity::find_by_id(certificate_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if done.rows_affected != 1 {
        return Err(Error::Conflict("err-cert-not-current"));
    }
    audit::record(
        &txn,
        Some(staff_id),
        "certificate_revoke",
        ("certificate", Some(certificate_id)),
        serde_json::json!({"number": row.number, "reason": reason}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<certificate::Model, Error> {
    certificate::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn find_by_number(
    conn: &impl ConnectionTrait,
    number: &str,
) -> Result<certificate::Model, Error> {
    certificate::Entity::find()
        .filter(certificate::COLUMN.number.eq(number))
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// A certificate its holder or staff may see; anyone else gets "not found".
pub async fn find_visible(
    conn: &impl ConnectionTrait,
    number: &str,
    viewer_id: i64,
    viewer_is_staff: bool,
) -> Result<certificate::Model, Error> {
    let row = find_by_number(conn, number).await?;
    if viewer_is_staff || row.user_id == viewer_id {
        Ok(row)
    } else {
        Err(Error::NotFound)
    }
}

/// A person's certificates, newest first.
pub async fn for_user(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<certificate::Model>, Error> {
    Ok(certificate::Entity::find()
        .filter(certificate::COLUMN.user_id.eq(user_id))
        .order_by_desc(certificate::COLUMN.id)
        .all(conn)
        .await?)
}

/// A course's certificates in the order they were issued.
pub async fn for_course(
    conn: &impl ConnectionTrait,
    course_id: i64,
) -> Result<Vec<certificate::Model>, Error> {
    Ok(certificate::Entity::find()
        .filter(certificate::COLUMN.course_id.eq(course_id))
        .order_by_asc(certificate::COLUMN.id)
        .all(conn)
        .await?)
}

/// The certificates of the same enrollment, oldest first (the history).
pub async fn history(
    conn: &impl ConnectionTrait,
    row: &certificate::Model,
) -> Result<Vec<certificate::Model>, Error> {
    Ok(certificate::Entity::find()
        .filter(certificate::COLUMN.enrollment_id.eq(row.enrollment_id))
        .order_by_asc(certificate::COLUMN.id)
        .all(conn)
        .await?)
}

/// What the public verification page may say — and nothing more.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub status: Standing,
    pub number: String,
    pub course: String,
    pub completed_on: NaiveDate,
    /// Family name and `＊＊`.
    pub holder: String,
    /// For a reissued certificate: the number and code of the one that replaced it.
    pub current: Option<(String, String)>,
}

/// Looks a code up. Unknown and malformed codes are both `NotFound`.
pub async fn verify(conn: &impl ConnectionTrait, raw_code: &str) -> Result<Verification, Error> {
    let code = numbering::normalize_code(raw_code).ok_or(Error::NotFound)?;
    let found = certificate::Entity::find()
        .filter(certificate::COLUMN.verification_code.eq(code.as_str()))
        .one(conn)
        .await?;
    let Some(row) = found else {
        // A 再交付 of a past completion is verified the same way.
        return super::past_certificates::verify(conn, &code).await;
    };
    let mut current = None;
    let mut next = row.superseded_by;
    // Follow the chain of reissues to the newest (bounded: chains are short).
    for _ in 0..50 {
        let Some(id) = next else { break };
        let newer = find(conn, id).await?;
        next = newer.superseded_by;
        current = Some((
            newer.number.clone(),
            numbering::display_code(&newer.verification_code),
        ));
    }
    Ok(verification_of(row, current))
}

/// The public answer for a document, whichever table it lives in.
pub(crate) fn verification_of(
    row: certificate::Model,
    current: Option<(String, String)>,
) -> Verification {
    Verification {
        status: Standing::of(&row),
        number: row.number,
        course: row.course_title,
        completed_on: row.completed_on,
        holder: numbering::masked_holder(&row.family_name),
        current,
    }
}

/// The document for a record: everything printed comes from the row, so a
/// reprint is the same document.
pub fn print_of(row: &certificate::Model, signer: &Signer) -> CertificatePrint {
    let style = if row.date_style == "seireki" {
        DateStyle::Seireki
    } else {
        DateStyle::Wareki
    };
    let date = |d: NaiveDate| format_date(d, style);
    let void_mark = match Standing::of(row) {
        Standing::Revoked => Some("失　効".to_string()),
        Standing::Reissued => Some("再交付済".to_string()),
        Standing::Valid => None,
    };
    let verify_url = signer.verify_url(&row.verification_code);
    CertificatePrint {
        number: row.number.clone(),
        kana: row
            .show_furigana
            .then(|| format!("{}　{}", row.family_name_kana, row.given_name_kana)),
        name: format!("{}　{}", row.family_name, row.given_name),
        birth_date: row.birth_date.map(|d| format!("{}生", date(d))),
        course: row.course_title.clone(),
        statement: row.statement.clone(),
        completed_on: date(row.completed_on),
        hours: row
            .attended_minutes
            .filter(|_| row.show_hours)
            .map(hours_text),
        designation_number: row.designation_number.clone(),
        issued_on: date(row.issued_on),
        provider_name: row.provider_name.clone(),
        provider_address: row.provider_address.clone(),
        provider_representative: row.provider_representative.clone(),
        reissue_of: row
            .original_number
            .clone()
            .map(|number| (number, row.original_issued_on.map(date))),
        void_mark,
        verification_code: numbering::display_code(&row.verification_code),
        qr_payload: format!("{verify_url}?t={}", row.signed_token),
        verify_url,
    }
}

/// `12時間` or `12時間30分`.
pub fn hours_text(minutes: i32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 {
        format!("{h}時間")
    } else {
        format!("{h}時間{m}分")
    }
}

/// Which document to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    A4,
    /// 携帯用
    Card,
}

impl Layout {
    pub fn parse(raw: Option<&str>) -> Result<Layout, Error> {
        match raw {
            None | Some("") | Some("a4") => Ok(Layout::A4),
            Some("card") => Ok(Layout::Card),
            Some(_) => Err(Error::invalid("layout", "err-cert-layout")),
        }
    }
}

pub fn render(row: &certificate::Model, signer: &Signer, layout: Layout) -> Result<Vec<u8>, Error> {
    let print = print_of(row, signer);
    match layout {
        Layout::A4 => crate::pdf::certificate::a4(&print),
        Layout::Card => crate::pdf::certificate::card(&print),
    }
    .map_err(|e| Error::Internal(e.to_string()))
}

/// A file name for downloads (ASCII, so every browser keeps it).
pub fn file_name(row: &certificate::Model, layout: Layout) -> String {
    let suffix = if layout == Layout::Card { "-card" } else { "" };
    format!("certificate-{}{suffix}.pdf", row.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_written_in_japanese_units() {
        assert_eq!(hours_text(720), "12時間");
        assert_eq!(hours_text(750), "12時間30分");
    }

    #[test]
    fn only_confirmed_or_completed_enrollments_can_be_certified() {
        assert!(may_be_certified("confirmed"));
        assert!(may_be_certified("completed"));
        assert!(!may_be_certified("cancelled"));
        assert!(!may_be_certified("waitlisted"));
        assert!(!may_be_certified("pending_approval"));
    }

    #[test]
    fn layouts_are_a4_by_default_or_the_card() {
        assert_eq!(Layout::parse(None).unwrap(), Layout::A4);
        assert_eq!(Layout::parse(Some("card")).unwrap(), Layout::Card);
        assert!(Layout::parse(Some("a3")).is_err());
    }
}
