//! Spreadsheet import for staff: the file is kept as uploaded, a dry run
//! says line by line what would be created, what already exists and what is
//! refused and why; the confirmed import runs the same plan in one
//! transaction, all or nothing, and is written to the audit trail. People
//! and certificates already recorded are recognised (by e-mail address and
//! by certificate number), so importing the same file twice adds nothing.
use std::collections::HashSet;

use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use sha2::{Digest, Sha256};

use super::audit;
use crate::domain::course::jst_date;
use crate::domain::import::{self, Encoding, ImportKind, LineError, Record};
use crate::entities::{certificate, import_upload, past_completion, user};
use crate::error::Error;

/// Largest file taken (thousands of lines), Rocket's default file limit.
pub const MAX_BYTES: usize = 1024 * 1024;

/// What happens to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Create,
    /// Already recorded: nothing is written for this line.
    Exists,
    Rejected(Vec<LineError>),
}

#[derive(Debug, Clone)]
pub struct PlanLine {
    pub line: usize,
    pub cells: Vec<String>,
    pub record: Option<Record>,
    pub outcome: Outcome,
}

/// The dry run of one upload.
#[derive(Debug, Clone)]
pub struct Plan {
    pub upload: import_upload::Model,
    pub kind: ImportKind,
    /// The encoding the file was read in.
    pub encoding: Option<Encoding>,
    /// A fault of the whole file (encoding, header); no lines then.
    pub file_error: Option<LineError>,
    pub lines: Vec<PlanLine>,
}

impl Plan {
    pub fn to_create(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.outcome == Outcome::Create)
            .count()
    }

    pub fn existing(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.outcome == Outcome::Exists)
            .count()
    }

    pub fn rejected(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| matches!(l.outcome, Outcome::Rejected(_)))
            .count()
    }

    /// The import may run: the file was read and no line is refused.
    pub fn acceptable(&self) -> bool {
        self.file_error.is_none() && self.rejected() == 0
    }
}

/// Keeps an uploaded file for its dry run. Nothing else is written.
pub async fn upload(
    conn: &impl ConnectionTrait,
    kind: ImportKind,
    encoding: Encoding,
    file_name: &str,
    bytes: &[u8],
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<import_upload::Model, Error> {
    if bytes.is_empty() {
        return Err(Error::invalid("file", "err-import-empty"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(Error::invalid("file", "err-import-too-large"));
    }
    let name: String = file_name.chars().take(200).collect();
    Ok(import_upload::ActiveModel {
        kind: Set(kind.as_str().to_string()),
        encoding: Set(encoding.as_str().to_string()),
        file_name: Set(name),
        content: Set(base64::engine::general_purpose::STANDARD.encode(bytes)),
        sha256: Set(hex::encode(Sha256::digest(bytes))),
        uploaded_by: Set(staff_id),
        uploaded_at: Set(now),
        imported_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<import_upload::Model, Error> {
    import_upload::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// The dry run: reads the kept file and checks every line against the
/// records. Writes nothing.
pub async fn plan(
    conn: &impl ConnectionTrait,
    upload: import_upload::Model,
    now: DateTime<Utc>,
) -> Result<Plan, Error> {
    let kind = ImportKind::parse(&upload.kind).ok_or(Error::NotFound)?;
    let choice = Encoding::parse(&upload.encoding).unwrap_or(Encoding::Auto);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&upload.content)
        .map_err(|e| Error::Internal(format!("stored upload: {e}")))?;
    let mut plan = Plan {
        upload,
        kind,
        encoding: None,
        file_error: None,
        lines: vec![],
    };
    let (text, used) = match import::decode(&bytes, choice) {
        Ok(decoded) => decoded,
        Err(e) => {
            plan.file_error = Some(e);
            return Ok(plan);
        }
    };
    plan.encoding = Some(used);
    let parsed = match import::parse(kind, &text, jst_date(now)) {
        Ok(lines) => lines,
        Err(e) => {
            plan.file_error = Some(e);
            return Ok(plan);
        }
    };
    let mut seen: HashSet<String> = HashSet::new();
    for line in parsed {
        let (record, outcome) = match line.record {
            Err(errors) => (None, Outcome::Rejected(errors)),
            Ok(record) => {
                let key = key_of(&record);
                let outcome = if !seen.insert(key.clone()) {
                    Outcome::Rejected(vec![LineError {
                        line: line.line,
                        column: None,
                        key: match kind {
                            ImportKind::Trainees => "err-import-duplicate-email",
                            ImportKind::Completions => "err-import-duplicate-number",
                        },
                    }])
                } else if exists(conn, &record).await? {
                    Outcome::Exists
                } else {
                    Outcome::Create
                };
                (Some(record), outcome)
            }
        };
        plan.lines.push(PlanLine {
            line: line.line,
            cells: line.cells,
            record,
            outcome,
        });
    }
    if plan.lines.is_empty() {
        plan.file_error = Some(LineError {
            line: 0,
            column: None,
            key: "err-import-no-lines",
        });
    }
    Ok(plan)
}

/// What makes a line the same as another: the e-mail address of a person
/// (as stored: addresses are compared as typed, lower-cased), the number of
/// a certificate.
fn key_of(record: &Record) -> String {
    match record {
        Record::Trainee(t) => t.email.as_str().to_lowercase(),
        Record::Completion(c) => c.number.clone(),
    }
}

async fn user_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, Error> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(conn)
        .await?)
}

async fn exists(conn: &impl ConnectionTrait, record: &Record) -> Result<bool, Error> {
    match record {
        Record::Trainee(t) => Ok(user_by_email(conn, t.email.as_str()).await?.is_some()),
        Record::Completion(c) => {
            let past = past_completion::Entity::find()
                .filter(
                    past_completion::COLUMN
                        .certificate_number
                        .eq(c.number.as_str()),
                )
                .one(conn)
                .await?
                .is_some();
            let ours = certificate::Entity::find()
                .filter(certificate::COLUMN.number.eq(c.number.as_str()))
                .one(conn)
                .await?
                .is_some();
            Ok(past || ours)
        }
    }
}

/// What a confirmed import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub created: usize,
    pub existing: usize,
}

/// The confirmed import: the plan again, inside one transaction; when any
/// line is refused nothing is written and the plan comes back to be shown.
pub async fn run(
    db: &DatabaseConnection,
    upload_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<Result<Imported, Plan>, Error> {
    let txn = crate::db::begin_write(db).await?;
    let upload = find(&txn, upload_id).await?;
    if upload.imported_at.is_some() {
        return Err(Error::Conflict("err-import-already-run"));
    }
    let plan = plan(&txn, upload.clone(), now).await?;
    if !plan.acceptable() {
        return Ok(Err(plan));
    }
    let mut created = 0;
    for line in &plan.lines {
        if line.outcome != Outcome::Create {
            continue;
        }
        let Some(record) = &line.record else { continue };
        match record {
            Record::Trainee(t) => {
                let row = user::ActiveModel {
                    email: Set(t.email.as_str().to_string()),
                    // No password: the person sets one through "forgot password".
                    password_hash: Set("!imported".into()),
                    family_name: Set(t.family_name.as_str().to_string()),
                    given_name: Set(t.given_name.as_str().to_string()),
                    family_name_kana: Set(t.family_name_kana.as_str().to_string()),
                    given_name_kana: Set(t.given_name_kana.as_str().to_string()),
                    birth_date: Set(t.birth_date),
                    phone: Set(t.phone.clone()),
                    member_number: Set(t.member_number.clone()),
                    locale: Set("ja".into()),
                    role: Set("trainee".into()),
                    token_version: Set(0),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                audit::record(
                    &txn,
                    Some(staff_id),
                    "import_trainee",
                    ("user", Some(row.id)),
                    serde_json::json!({"upload": upload.id, "line": line.line}),
                    now,
                )
                .await?;
            }
            Record::Completion(c) => {
                let holder = match &c.email {
                    Some(email) => user_by_email(&txn, email.as_str()).await?.map(|u| u.id),
                    None => None,
                };
                let row = past_completion::ActiveModel {
                    certificate_number: Set(c.number.clone()),
                    family_name: Set(c.family_name.as_str().to_string()),
                    given_name: Set(c.given_name.as_str().to_string()),
                    family_name_kana: Set(c.family_name_kana.as_str().to_string()),
                    given_name_kana: Set(c.given_name_kana.as_str().to_string()),
                    birth_date: Set(c.birth_date),
                    course_title: Set(c.course_title.clone()),
                    designation_number: Set(c.designation_number.clone()),
                    completed_on: Set(c.completed_on),
                    user_id: Set(holder),
                    imported_by: Set(staff_id),
                    imported_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                audit::record(
                    &txn,
                    Some(staff_id),
                    "import_past_completion",
                    ("past_completion", Some(row.id)),
                    serde_json::json!({"upload": upload.id, "line": line.line, "number": c.number}),
                    now,
                )
                .await?;
            }
        }
        created += 1;
    }
    let existing = plan.existing();
    audit::record(
        &txn,
        Some(staff_id),
        "import_run",
        ("import_upload", Some(upload.id)),
        serde_json::json!({
            "kind": upload.kind,
            "file": upload.file_name,
            "sha256": upload.sha256,
            "created": created,
            "existing": existing,
        }),
        now,
    )
    .await?;
    let mut done: import_upload::ActiveModel = upload.into();
    done.imported_at = Set(Some(now));
    done.update(&txn).await?;
    txn.commit().await?;
    Ok(Ok(Imported { created, existing }))
}

/// Past completions recorded by import, newest first.
pub async fn past_completions(
    conn: &impl ConnectionTrait,
) -> Result<Vec<past_completion::Model>, Error> {
    use sea_orm::QueryOrder;
    Ok(past_completion::Entity::find()
        .order_by_desc(past_completion::COLUMN.completed_on)
        .order_by_asc(past_completion::COLUMN.certificate_number)
        .all(conn)
        .await?)
}
