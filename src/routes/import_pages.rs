//! Spreadsheet import for staff (`/staff/import`): upload a CSV of trainees
//! or past completions, read the dry run line by line, then confirm. The
//! upload is kept between the two steps so the import is exactly the file
//! that was checked.
use std::collections::BTreeMap;

use rocket::form::Form;
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::tokio::io::AsyncReadExt;
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::forms::FormResponse;
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::StaffUser;
use crate::domain::import::{self, Encoding, ImportKind, LineError, Record};
use crate::error::Error;
use crate::i18n::{t, t_args, Lang};
use crate::services::imports::{self, Outcome, Plan};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![upload_page, upload, plan_page, run]
}

#[derive(Serialize)]
struct KindInfo {
    value: &'static str,
    label: String,
    headings: String,
    required: String,
}

fn kinds(lang: Lang) -> Vec<KindInfo> {
    [ImportKind::Trainees, ImportKind::Completions]
        .into_iter()
        .map(|k| KindInfo {
            value: k.as_str(),
            label: t(lang, &format!("import-kind-{}", k.as_str())),
            headings: import::template_headings(k).join(","),
            required: import::required_headings(k).join("、"),
        })
        .collect()
}

fn encodings(lang: Lang) -> Vec<(&'static str, String)> {
    [Encoding::Auto, Encoding::Utf8, Encoding::ShiftJis]
        .into_iter()
        .map(|e| {
            (
                e.as_str(),
                t(
                    lang,
                    &format!("import-encoding-{}", e.as_str().replace('_', "-")),
                ),
            )
        })
        .collect()
}

fn upload_template(shell: &Shell, errors: BTreeMap<String, String>) -> Template {
    let lang = shell.language;
    Template::render(
        "staff/import",
        context! { s: shell, kinds: kinds(lang), encodings: encodings(lang), errors },
    )
}

#[get("/staff/import")]
async fn upload_page(shell: Shell, _staff: StaffUser) -> Template {
    upload_template(&shell, BTreeMap::new())
}

#[derive(FromForm)]
struct UploadForm<'r> {
    csrf_token: String,
    kind: String,
    encoding: String,
    file: Option<TempFile<'r>>,
}

#[post("/staff/import", data = "<form>")]
async fn upload(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    form: Form<UploadForm<'_>>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return FormResponse::Failed(e.into());
    }
    let lang = shell.language;
    let mut errors = BTreeMap::new();
    let kind = ImportKind::parse(&form.kind);
    if kind.is_none() {
        errors.insert("kind".to_string(), t(lang, "err-import-kind"));
    }
    let encoding = Encoding::parse(&form.encoding);
    if encoding.is_none() {
        errors.insert(
            "encoding".to_string(),
            t(lang, "err-import-encoding-choice"),
        );
    }
    let mut bytes = vec![];
    let mut file_name = String::new();
    match &form.file {
        Some(file) if file.len() > 0 => {
            file_name = file
                .raw_name()
                .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string())
                .unwrap_or_default();
            let read = async {
                let mut reader = Box::pin(file.open().await?);
                reader.read_to_end(&mut bytes).await
            };
            if let Err(e) = read.await {
                return FormResponse::Failed(Error::Internal(format!("upload: {e}")).into());
            }
        }
        _ => {
            errors.insert("file".to_string(), t(lang, "err-import-no-file"));
        }
    }
    let (Some(kind), Some(encoding), true) = (kind, encoding, errors.is_empty()) else {
        return FormResponse::Redo((Status::UnprocessableEntity, upload_template(&shell, errors)));
    };
    match imports::upload(
        &state.db,
        kind,
        encoding,
        &file_name,
        &bytes,
        staff.0.id,
        state.clock.now(),
    )
    .await
    {
        Ok(saved) => FormResponse::Done(Flash::success(
            Redirect::to(format!("/staff/import/{}", saved.id)),
            t(lang, "import-dry-run-ready"),
        )),
        Err(Error::Validation(es)) => FormResponse::Redo((
            Status::UnprocessableEntity,
            upload_template(
                &shell,
                es.iter()
                    .map(|e| (e.field.to_string(), t(lang, e.key)))
                    .collect(),
            ),
        )),
        Err(e) => FormResponse::Failed(e.into()),
    }
}

/// `3行目「氏名（姓）」: …`
fn error_text(lang: Lang, e: &LineError) -> String {
    let message = t(lang, e.key);
    match (&e.column, e.line) {
        (Some(column), 0) => t_args(
            lang,
            "import-error-column",
            &[("column", column.clone()), ("message", message)],
        ),
        (Some(column), line) => t_args(
            lang,
            "import-error-line-column",
            &[
                ("line", line.to_string()),
                ("column", column.clone()),
                ("message", message),
            ],
        ),
        (None, 0) => message,
        (None, line) => t_args(
            lang,
            "import-error-line",
            &[("line", line.to_string()), ("message", message)],
        ),
    }
}

#[derive(Serialize)]
struct LineView {
    line: usize,
    /// Who or what the line is about, as read.
    summary: String,
    outcome: &'static str,
    outcome_label: String,
    errors: Vec<String>,
}

fn summary_of(line: &imports::PlanLine) -> String {
    match &line.record {
        Some(Record::Trainee(r)) => format!(
            "{} {}（{} {}）{}",
            r.family_name.as_str(),
            r.given_name.as_str(),
            r.family_name_kana.as_str(),
            r.given_name_kana.as_str(),
            r.email.as_str()
        ),
        Some(Record::Completion(r)) => format!(
            "{} {} {} {}",
            r.number,
            r.family_name.as_str(),
            r.given_name.as_str(),
            r.course_title
        ),
        None => line.cells.join(", "),
    }
}

fn plan_template(shell: &Shell, plan: &Plan) -> Template {
    let lang = shell.language;
    let lines: Vec<LineView> = plan
        .lines
        .iter()
        .map(|l| {
            let (outcome, errors) = match &l.outcome {
                Outcome::Create => ("create", vec![]),
                Outcome::Exists => ("exists", vec![]),
                Outcome::Rejected(es) => {
                    ("rejected", es.iter().map(|e| error_text(lang, e)).collect())
                }
            };
            LineView {
                line: l.line,
                summary: summary_of(l),
                outcome,
                outcome_label: t(lang, &format!("import-outcome-{outcome}")),
                errors,
            }
        })
        .collect();
    Template::render(
        "staff/import_plan",
        context! {
            s: shell,
            id: plan.upload.id,
            file_name: &plan.upload.file_name,
            kind: t(lang, &format!("import-kind-{}", plan.kind.as_str())),
            encoding: plan
                .encoding
                .map(|e| t(lang, &format!("import-encoding-{}", e.as_str().replace('_', "-"))))
                .unwrap_or_default(),
            file_error: plan.file_error.as_ref().map(|e| error_text(lang, e)),
            lines,
            to_create: plan.to_create(),
            existing: plan.existing(),
            rejected: plan.rejected(),
            acceptable: plan.acceptable(),
            imported: plan.upload.imported_at.is_some(),
        },
    )
}

#[get("/staff/import/<id>")]
async fn plan_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let upload = imports::find(&state.db, id).await?;
    let plan = imports::plan(&state.db, upload, state.clock.now()).await?;
    Ok(plan_template(&shell, &plan))
}

#[derive(FromForm)]
struct RunForm {
    csrf_token: String,
}

#[post("/staff/import/<id>/run", data = "<form>")]
async fn run(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<RunForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return FormResponse::Failed(e.into());
    }
    let lang = shell.language;
    match imports::run(&state.db, id, staff.0.id, state.clock.now()).await {
        Ok(Ok(done)) => FormResponse::Done(Flash::success(
            Redirect::to("/staff/import"),
            t_args(
                lang,
                "import-done",
                &[
                    ("created", done.created.to_string()),
                    ("existing", done.existing.to_string()),
                ],
            ),
        )),
        Ok(Err(plan)) => {
            FormResponse::Redo((Status::UnprocessableEntity, plan_template(&shell, &plan)))
        }
        Err(Error::Conflict(key)) => FormResponse::Done(Flash::error(
            Redirect::to(format!("/staff/import/{id}")),
            t(lang, key),
        )),
        Err(e) => FormResponse::Failed(e.into()),
    }
}
