//! 過去の修了者 for staff (`/staff/past-completions`): find an imported
//! completion by name, フリガナ, number or birth date, open it, and reissue
//! (再交付) it with a reason; then reissue again, revoke, or print the PDF.
//! The holder downloads a reissued document from My page.
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::catalog_pages::date;
use super::certificate_pages::{pdf_file, status_key, PdfFile};
use super::forms::{field_errors, FieldErrors, FormResponse};
use super::paging::{query_string, Pager};
use super::respond::PageError;
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, StaffUser};
use crate::domain::Role;
use crate::entities::{past_certificate, past_completion};
use crate::error::Error;
use crate::i18n::{t, t_args, Lang};
use crate::services::certificates::{
    self as certs, numbering, Layout, NameChange, Signer, Standing,
};
use crate::services::past_certificates::{self as past, Search, PER_PAGE};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        list_page,
        show_page,
        reissue_completion,
        reissue_document,
        revoke_document,
        staff_pdf,
        my_pdf
    ]
}

#[derive(Debug, Serialize)]
struct CompletionRow {
    id: i64,
    number: String,
    name: String,
    kana: String,
    birth_date: String,
    course: String,
    completed_on: String,
}

fn row_of(lang: Lang, c: &past_completion::Model) -> CompletionRow {
    CompletionRow {
        id: c.id,
        number: c.certificate_number.clone(),
        name: format!("{} {}", c.family_name, c.given_name),
        kana: format!("{} {}", c.family_name_kana, c.given_name_kana),
        birth_date: c.birth_date.map(|d| date(lang, d)).unwrap_or_default(),
        course: c.course_title.clone(),
        completed_on: date(lang, c.completed_on),
    }
}

/// Staff: past completions, searched and paged.
#[get("/staff/past-completions?<q>&<birth_date>&<page>")]
async fn list_page(
    shell: Shell,
    _staff: StaffUser,
    q: Option<&str>,
    birth_date: Option<&str>,
    page: Option<u64>,
    state: &State<AppState>,
) -> Result<(Status, Template), PageError> {
    let lang = shell.language;
    let (q, birth_date) = (q.unwrap_or(""), birth_date.unwrap_or(""));
    let page = page.unwrap_or(1).max(1);
    let (rows, total, errors, status) = match Search::parse(q, birth_date) {
        Ok(search) => {
            let (found, total) = past::search(&state.db, &search, page).await?;
            let rows: Vec<CompletionRow> = found.iter().map(|c| row_of(lang, c)).collect();
            (rows, total, FieldErrors::new(), Status::Ok)
        }
        Err(Error::Validation(es)) => (
            vec![],
            0,
            field_errors(lang, &es),
            Status::UnprocessableEntity,
        ),
        Err(e) => return Err(e.into()),
    };
    Ok((
        status,
        Template::render(
            "staff/past_completions",
            context! {
                s: &shell,
                rows,
                errors,
                f: context! { q, birth_date },
                pager_base: query_string(&[("q", q), ("birth_date", birth_date)]),
                pager: Pager::new(page, total, PER_PAGE),
            },
        ),
    ))
}

#[derive(Debug, Serialize)]
struct DocumentCard {
    id: i64,
    number: String,
    name: String,
    issued_on: String,
    status: &'static str,
    status_label: String,
    reason: String,
    revocation_reason: Option<String>,
    code: String,
    current: bool,
}

fn document_of(lang: Lang, d: &past_certificate::Model) -> DocumentCard {
    let status = Standing::of(&past::as_certificate(d));
    DocumentCard {
        id: d.id,
        number: d.number.clone(),
        name: format!("{} {}", d.family_name, d.given_name),
        issued_on: date(lang, d.issued_on),
        status: status.as_str(),
        status_label: t(lang, status_key(status)),
        reason: d.reissue_reason.clone(),
        revocation_reason: d.revocation_reason.clone(),
        code: numbering::display_code(&d.verification_code),
        current: d.live_past_completion_id.is_some(),
    }
}

/// What was typed into a reissue or revoke form, shown again with its errors.
#[derive(Debug, Default, Serialize)]
struct Typed {
    reason: String,
    family_name: String,
    given_name: String,
    family_name_kana: String,
    given_name_kana: String,
}

async fn show_template(
    state: &AppState,
    shell: &Shell,
    id: i64,
    errors: FieldErrors,
    typed: Typed,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let completion = past::find_completion(&state.db, id).await?;
    let documents: Vec<DocumentCard> = past::for_completion(&state.db, id)
        .await?
        .iter()
        .map(|d| document_of(lang, d))
        .collect();
    let current = documents.iter().find(|d| d.current).map(|d| d.id);
    // With a current document, 再交付 replaces it; otherwise it starts a chain.
    let action = match current {
        Some(doc) => format!("/staff/past-certificates/{doc}/reissue"),
        None => format!("/staff/past-completions/{id}/reissue"),
    };
    Ok(Template::render(
        "staff/past_completion",
        context! {
            s: shell,
            c: row_of(lang, &completion),
            designation_number: completion.designation_number.clone().unwrap_or_default(),
            linked: completion.user_id.is_some(),
            documents,
            current,
            action,
            errors,
            typed,
        },
    ))
}

/// Staff: one past completion, its reissued documents, and the forms.
#[get("/staff/past-completions/<id>")]
async fn show_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    show_template(state, &shell, id, FieldErrors::new(), Typed::default()).await
}

#[derive(FromForm)]
struct ReissueForm {
    csrf_token: String,
    #[field(default = String::new())]
    reason: String,
    #[field(default = String::new())]
    family_name: String,
    #[field(default = String::new())]
    given_name: String,
    #[field(default = String::new())]
    family_name_kana: String,
    #[field(default = String::new())]
    given_name_kana: String,
}

impl ReissueForm {
    /// The new name, when any of its fields is filled (then all must be).
    fn name_change(&self) -> Option<NameChange> {
        let fields = [
            &self.family_name,
            &self.given_name,
            &self.family_name_kana,
            &self.given_name_kana,
        ];
        fields
            .iter()
            .any(|f| !f.trim().is_empty())
            .then(|| NameChange {
                family_name: self.family_name.clone(),
                given_name: self.given_name.clone(),
                family_name_kana: self.family_name_kana.clone(),
                given_name_kana: self.given_name_kana.clone(),
            })
    }

    fn typed(&self) -> Typed {
        Typed {
            reason: self.reason.clone(),
            family_name: self.family_name.clone(),
            given_name: self.given_name.clone(),
            family_name_kana: self.family_name_kana.clone(),
            given_name_kana: self.given_name_kana.clone(),
        }
    }
}

fn back_to(past_completion_id: i64) -> String {
    format!("/staff/past-completions/{past_completion_id}")
}

/// Success goes back to the completion with a message; a form mistake shows
/// the page again with the errors by the fields; a refusal (already
/// reissued or revoked) goes back with the reason.
async fn answer(
    state: &AppState,
    shell: &Shell,
    past_completion_id: i64,
    typed: Typed,
    result: Result<past_certificate::Model, Error>,
    done_key: &str,
) -> FormResponse {
    let lang = shell.language;
    match result {
        Ok(saved) => FormResponse::Done(Flash::success(
            Redirect::to(back_to(past_completion_id)),
            t_args(lang, done_key, &[("number", saved.number)]),
        )),
        Err(Error::Validation(es)) => {
            let mut errors = field_errors(lang, &es);
            // "入力してください" alone does not say what is missing here.
            for field in ["reason", "revoke_reason"] {
                if es
                    .iter()
                    .any(|e| e.field == field && e.key == "err-required")
                {
                    errors.insert(field, t(lang, "err-past-reason-required"));
                }
            }
            match show_template(state, shell, past_completion_id, errors, typed).await {
                Ok(page) => FormResponse::Redo((Status::UnprocessableEntity, page)),
                Err(e) => FormResponse::Failed(e),
            }
        }
        Err(Error::Conflict(key)) => FormResponse::Done(Flash::error(
            Redirect::to(back_to(past_completion_id)),
            t(lang, key),
        )),
        Err(e) => e.into(),
    }
}

/// 再交付 of a past completion that has no current document.
#[post("/staff/past-completions/<id>/reissue", data = "<form>")]
async fn reissue_completion(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<ReissueForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let signer = match Signer::from_state(state) {
        Ok(s) => s,
        Err(e) => return e.into(),
    };
    let result = past::reissue_completion(
        &state.db,
        &signer,
        id,
        staff.0.id,
        &form.reason,
        form.name_change().as_ref(),
        state.clock.now(),
    )
    .await;
    if matches!(result, Err(Error::NotFound)) {
        return Error::NotFound.into();
    }
    answer(
        state,
        &shell,
        id,
        form.typed(),
        result,
        "past-flash-reissued",
    )
    .await
}

/// 再交付 of the current reissued document.
#[post("/staff/past-certificates/<id>/reissue", data = "<form>")]
async fn reissue_document(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<ReissueForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let old = match past::find(&state.db, id).await {
        Ok(row) => row,
        Err(e) => return e.into(),
    };
    let signer = match Signer::from_state(state) {
        Ok(s) => s,
        Err(e) => return e.into(),
    };
    let result = past::reissue(
        &state.db,
        &signer,
        id,
        staff.0.id,
        &form.reason,
        form.name_change().as_ref(),
        state.clock.now(),
    )
    .await;
    answer(
        state,
        &shell,
        old.past_completion_id,
        form.typed(),
        result,
        "past-flash-reissued",
    )
    .await
}

#[derive(FromForm)]
struct RevokeForm {
    csrf_token: String,
    #[field(default = String::new())]
    reason: String,
}

#[post("/staff/past-certificates/<id>/revoke", data = "<form>")]
async fn revoke_document(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<RevokeForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let old = match past::find(&state.db, id).await {
        Ok(row) => row,
        Err(e) => return e.into(),
    };
    let result = past::revoke(&state.db, id, staff.0.id, &form.reason, state.clock.now()).await;
    // The revoke form's reason shows under its own field name.
    let result = result.map_err(|e| match e {
        Error::Validation(es) => Error::Validation(
            es.into_iter()
                .map(|mut e| {
                    e.field = "revoke_reason";
                    e
                })
                .collect(),
        ),
        other => other,
    });
    let typed = Typed::default();
    answer(
        state,
        &shell,
        old.past_completion_id,
        typed,
        result,
        "cert-flash-revoked",
    )
    .await
}

async fn pdf_for(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    layout: Option<&str>,
) -> Result<PdfFile, PageError> {
    let layout = Layout::parse(layout)?;
    let row = past::find(&state.db, id).await?;
    if row.user_id != Some(user.id) && !user.role.at_least(Role::Staff) {
        return Err(Error::NotFound.into());
    }
    let body = certs::render(
        &past::as_certificate(&row),
        &Signer::from_state(state)?,
        layout,
    )?;
    Ok(pdf_file(body, past::file_name(&row, layout)))
}

#[get("/staff/past-certificates/<id>/pdf?<layout>")]
async fn staff_pdf(
    staff: StaffUser,
    id: i64,
    layout: Option<&str>,
    state: &State<AppState>,
) -> Result<PdfFile, PageError> {
    pdf_for(state, &staff.0, id, layout).await
}

#[get("/my/past-certificates/<id>/pdf?<layout>")]
async fn my_pdf(
    user: CurrentUser,
    id: i64,
    layout: Option<&str>,
    state: &State<AppState>,
) -> Result<PdfFile, PageError> {
    pdf_for(state, &user, id, layout).await
}
