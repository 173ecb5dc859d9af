//! Certificate pages: public verification (`/verify/<code>`, HTML or JSON)
//! and the published signing keys; My page downloads; staff issuing,
//! 再交付 and revocation per course; the 修了者名簿 and 修了評価一覧表
//! (printable and CSV); the provider's certificate settings (admin).
use std::net::IpAddr;

use chrono::Duration;
use rocket::form::Form;
use rocket::http::{ContentType, Header};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Flash, Redirect, Responder, Response};
use rocket::serde::json::Json;
use rocket::{get, post, routes, FromForm, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use super::catalog_pages::{date, status_label};
use super::downloads::{csv_file, file_safe, CsvFile};
use super::forms::FormResponse;
use super::respond::{ApiError, PageError};
use super::shell::Shell;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AdminUser, CurrentUser, StaffUser};
use crate::domain::Role;
use crate::entities::certificate;
use crate::error::Error;
use crate::i18n::{t, t_args, Lang};
use crate::services::catalog;
use crate::services::certificates::{
    self as certs, numbering, reports, signing, Layout, NameChange, Signer, Standing,
};
use crate::services::rate_limit::{self, Limit};
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![
        verify_page,
        public_keys,
        my_certificates,
        my_pdf,
        staff_course,
        staff_issue_one,
        staff_issue_all,
        staff_reissue,
        staff_revoke,
        staff_pdf,
        completers_page,
        completers_csv,
        assessments_page,
        assessments_csv,
        settings_page,
        save_settings,
        save_pattern,
        rotate_key
    ]
}

/// Unknown codes one address may try in the window before it must wait.
const VERIFY_MAX_MISSES: u64 = 20;
const VERIFY_WINDOW_MINUTES: i64 = 10;

#[derive(Responder)]
pub struct PdfFile {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
    cache: Header<'static>,
}

pub fn pdf_file(body: Vec<u8>, filename: String) -> PdfFile {
    PdfFile {
        body,
        content_type: ContentType::PDF,
        disposition: Header::new(
            "Content-Disposition",
            format!("inline; filename=\"{filename}\""),
        ),
        cache: Header::new("Cache-Control", "private, no-store"),
    }
}

/// The client asked for JSON (`Accept: application/json`).
pub struct WantsJson(bool);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for WantsJson {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let json = req
            .accept()
            .is_some_and(|a| a.preferred().media_type().is_json());
        Outcome::Success(WantsJson(json))
    }
}

/// The public answer: only these fields, never the birth date or contact details.
#[derive(Debug, Serialize)]
struct VerifyJson {
    status: &'static str,
    number: String,
    course: String,
    completed_on: chrono::NaiveDate,
    holder: String,
    /// For a reissued certificate: the number that replaced it.
    #[serde(skip_serializing_if = "Option::is_none")]
    reissued_as: Option<String>,
}

enum VerifyReply {
    Page(Template),
    Json(Json<VerifyJson>),
    PageError(PageError),
    ApiError(ApiError),
}

impl<'r> Responder<'r, 'static> for VerifyReply {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let inner = match self {
            VerifyReply::Page(t) => t.respond_to(req)?,
            VerifyReply::Json(j) => j.respond_to(req)?,
            VerifyReply::PageError(e) => e.respond_to(req)?,
            VerifyReply::ApiError(e) => e.respond_to(req)?,
        };
        Response::build_from(inner)
            .raw_header("Cache-Control", "no-store")
            .raw_header("X-Robots-Tag", "noindex, nofollow")
            .raw_header("Referrer-Policy", "no-referrer")
            .raw_header("Vary", "Accept")
            .ok()
    }
}

pub(crate) fn status_key(status: Standing) -> &'static str {
    match status {
        Standing::Valid => "cert-status-valid",
        Standing::Revoked => "cert-status-revoked",
        Standing::Reissued => "cert-status-reissued",
    }
}

/// Public verification of a certificate by its code. Unknown or malformed
/// codes answer a plain "not found" and count against the caller's address.
#[get("/verify/<code>")]
async fn verify_page(
    shell: Shell,
    code: &str,
    address: Option<IpAddr>,
    wants: WantsJson,
    state: &State<AppState>,
) -> VerifyReply {
    let fail = |e: Error| {
        if wants.0 {
            VerifyReply::ApiError(ApiError(e))
        } else {
            VerifyReply::PageError(PageError(e))
        }
    };
    let now = state.clock.now();
    let limits = [Limit {
        key: format!(
            "verify:{}",
            address.map_or_else(|| "unknown".to_string(), |a| a.to_string())
        ),
        max_failures: VERIFY_MAX_MISSES,
    }];
    let window = Duration::minutes(VERIFY_WINDOW_MINUTES);
    match rate_limit::blocked_for(&state.db, &limits, window, now).await {
        Ok(Some(retry_after_secs)) => return fail(Error::RateLimited { retry_after_secs }),
        Ok(None) => {}
        Err(e) => return fail(e.into()),
    }
    let found = match certs::verify(&state.db, code).await {
        Ok(found) => found,
        Err(Error::NotFound) => {
            if let Err(e) = rate_limit::record_failure(&state.db, &limits, now).await {
                return fail(e.into());
            }
            return fail(Error::NotFound);
        }
        Err(e) => return fail(e),
    };
    if wants.0 {
        return VerifyReply::Json(Json(VerifyJson {
            status: found.status.as_str(),
            number: found.number,
            course: found.course,
            completed_on: found.completed_on,
            holder: found.holder,
            reissued_as: found.current.map(|(number, _)| number),
        }));
    }
    let lang = shell.language;
    VerifyReply::Page(Template::render(
        "certificates/verify",
        context! {
            s: &shell,
            status: found.status.as_str(),
            status_label: t(lang, status_key(found.status)),
            number: found.number,
            course: found.course,
            completed_on: date(lang, found.completed_on),
            holder: found.holder,
            current: found.current.map(|(number, code)| context! { number, code }),
        },
    ))
}

#[derive(Debug, Serialize)]
struct KeySet {
    keys: Vec<signing::PublicJwk>,
}

#[derive(Responder)]
struct PublicJson {
    body: Json<KeySet>,
    cache: Header<'static>,
}

/// The public keys certificate tokens are signed with (a JWK set). Keys that
/// no longer sign stay here, so every certificate ever issued verifies.
#[get("/.well-known/kouza-certificate-keys.json")]
async fn public_keys(state: &State<AppState>) -> Result<PublicJson, ApiError> {
    Ok(PublicJson {
        body: Json(KeySet {
            keys: signing::published(&state.db).await?,
        }),
        cache: Header::new("Cache-Control", "public, max-age=300"),
    })
}

#[derive(Debug, Serialize)]
struct CertificateCard {
    id: i64,
    number: String,
    course: String,
    completed_on: String,
    issued_on: String,
    status: &'static str,
    status_label: String,
    reissue: bool,
    code: String,
    /// Where the holder downloads it under `/my/` (a reissued past
    /// completion lives apart from in-system certificates).
    collection: &'static str,
}

fn card(lang: Lang, c: &certificate::Model) -> CertificateCard {
    let status = Standing::of(c);
    CertificateCard {
        id: c.id,
        number: c.number.clone(),
        course: c.course_title.clone(),
        completed_on: date(lang, c.completed_on),
        issued_on: date(lang, c.issued_on),
        status: status.as_str(),
        status_label: t(lang, status_key(status)),
        reissue: c.reissue_of.is_some(),
        code: numbering::display_code(&c.verification_code),
        collection: "certificates",
    }
}

/// My page: the caller's certificates with their PDFs.
#[get("/my/certificates")]
async fn my_certificates(
    shell: Shell,
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let mut rows: Vec<CertificateCard> = certs::for_user(&state.db, user.id)
        .await?
        .iter()
        .map(|c| card(lang, c))
        .collect();
    // 再交付 of completions from before this system, after the others.
    for row in crate::services::past_certificates::for_user(&state.db, user.id).await? {
        let mut c = card(
            lang,
            &crate::services::past_certificates::as_certificate(&row),
        );
        c.collection = "past-certificates";
        rows.push(c);
    }
    Ok(Template::render(
        "certificates/my",
        context! { s: &shell, rows },
    ))
}

async fn pdf_for(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    layout: Option<&str>,
) -> Result<PdfFile, PageError> {
    let layout = Layout::parse(layout)?;
    let row = certs::find(&state.db, id).await?;
    if row.user_id != user.id && !user.role.at_least(Role::Staff) {
        return Err(Error::NotFound.into());
    }
    let body = certs::render(&row, &Signer::from_state(state)?, layout)?;
    Ok(pdf_file(body, certs::file_name(&row, layout)))
}

#[get("/my/certificates/<id>/pdf?<layout>")]
async fn my_pdf(
    user: CurrentUser,
    id: i64,
    layout: Option<&str>,
    state: &State<AppState>,
) -> Result<PdfFile, PageError> {
    pdf_for(state, &user, id, layout).await
}

#[get("/staff/certificates/<id>/pdf?<layout>")]
async fn staff_pdf(
    staff: StaffUser,
    id: i64,
    layout: Option<&str>,
    state: &State<AppState>,
) -> Result<PdfFile, PageError> {
    pdf_for(state, &staff.0, id, layout).await
}

#[derive(Debug, Serialize)]
struct CandidateRow {
    enrollment_id: i64,
    name: String,
    kana: String,
    status_label: String,
    eligible: bool,
    awaiting: bool,
    missing: String,
    assessment: String,
    current: Option<CertificateCard>,
    history: Vec<CertificateCard>,
}

#[derive(Debug, Serialize)]
struct CourseHead {
    id: i64,
    title: String,
    code: String,
}

/// Staff: a course's trainees, who may be certified, and their certificates.
#[get("/staff/courses/<id>/certificates")]
async fn staff_course(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let lang = shell.language;
    let course = catalog::find(&state.db, id).await?;
    let candidates = certs::candidates(&state.db, id, state.clock.now()).await?;
    let rows: Vec<CandidateRow> = candidates
        .iter()
        .map(|c| {
            let e = &c.eligibility.enrollment;
            let missing = c.eligibility.missing_subjects();
            CandidateRow {
                enrollment_id: e.id,
                name: format!("{} {}", e.family_name, e.given_name),
                kana: format!("{} {}", e.family_name_kana, e.given_name_kana),
                status_label: status_label(lang, &e.status),
                eligible: c.eligibility.eligible(),
                awaiting: c.awaiting(),
                missing: if missing.is_empty() {
                    String::new()
                } else {
                    t_args(
                        lang,
                        "cert-missing-subjects",
                        &[(
                            "subjects",
                            missing
                                .iter()
                                .map(|n| n.to_string())
                                .collect::<Vec<_>>()
                                .join(", "),
                        )],
                    )
                },
                assessment: c
                    .eligibility
                    .assessment()
                    .map(|a| t(lang, a.label_key()))
                    .unwrap_or_default(),
                current: c.current().map(|cert| card(lang, cert)),
                history: c.certificates.iter().map(|cert| card(lang, cert)).collect(),
            }
        })
        .collect();
    let awaiting = candidates.iter().filter(|c| c.awaiting()).count();
    Ok(Template::render(
        "certificates/staff_course",
        context! {
            s: &shell,
            c: CourseHead { id: course.id, title: course.title, code: course.code },
            rows,
            awaiting,
        },
    ))
}

#[derive(FromForm)]
struct CsrfOnly {
    csrf_token: String,
}

fn back_to(course_id: i64) -> String {
    format!("/staff/courses/{course_id}/certificates")
}

fn flash_error(lang: Lang, to: String, error: &Error) -> FormResponse {
    let message = match error {
        Error::Validation(errors) => errors
            .iter()
            .map(|e| t(lang, e.key))
            .collect::<Vec<_>>()
            .join(" "),
        other => t(lang, other.detail_key()),
    };
    FormResponse::Done(Flash::error(Redirect::to(to), message))
}

fn is_user_error(error: &Error) -> bool {
    matches!(error, Error::Validation(_) | Error::Conflict(_))
}

#[post("/staff/enrollments/<id>/certificate", data = "<form>")]
async fn staff_issue_one(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let lang = shell.language;
    let row = match crate::services::enrollment::find(&state.db, id).await {
        Ok(row) => row,
        Err(e) => return e.into(),
    };
    let signer = match Signer::from_state(state) {
        Ok(s) => s,
        Err(e) => return e.into(),
    };
    match certs::issue(&state.db, &signer, id, staff.0.id, state.clock.now()).await {
        Ok(saved) => FormResponse::Done(Flash::success(
            Redirect::to(back_to(row.course_id)),
            t_args(lang, "cert-flash-issued", &[("number", saved.number)]),
        )),
        Err(e) if is_user_error(&e) => flash_error(lang, back_to(row.course_id), &e),
        Err(e) => e.into(),
    }
}

#[post("/staff/courses/<id>/certificates/issue-all", data = "<form>")]
async fn staff_issue_all(
    shell: Shell,
    staff: StaffUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let signer = match Signer::from_state(state) {
        Ok(s) => s,
        Err(e) => return e.into(),
    };
    match certs::issue_all(&state.db, &signer, id, staff.0.id, state.clock.now()).await {
        Ok(outcome) => FormResponse::Done(Flash::success(
            Redirect::to(back_to(id)),
            t_args(
                shell.language,
                "cert-flash-bulk",
                &[
                    ("issued", outcome.issued.len().to_string()),
                    ("failed", outcome.failed.len().to_string()),
                ],
            ),
        )),
        Err(e) => e.into(),
    }
}

#[derive(FromForm)]
struct ReissueForm {
    csrf_token: String,
    reason: String,
    family_name: Option<String>,
    given_name: Option<String>,
    family_name_kana: Option<String>,
    given_name_kana: Option<String>,
}

#[post("/staff/certificates/<id>/reissue", data = "<form>")]
async fn staff_reissue(
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
    let lang = shell.language;
    let old = match certs::find(&state.db, id).await {
        Ok(row) => row,
        Err(e) => return e.into(),
    };
    let filled = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let name = match (
        filled(&form.family_name),
        filled(&form.given_name),
        filled(&form.family_name_kana),
        filled(&form.given_name_kana),
    ) {
        (None, None, None, None) => None,
        (f, g, fk, gk) => Some(NameChange {
            family_name: f.unwrap_or_default(),
            given_name: g.unwrap_or_default(),
            family_name_kana: fk.unwrap_or_default(),
            given_name_kana: gk.unwrap_or_default(),
        }),
    };
    let signer = match Signer::from_state(state) {
        Ok(s) => s,
        Err(e) => return e.into(),
    };
    let back = back_to(old.course_id);
    match certs::reissue(
        &state.db,
        &signer,
        id,
        staff.0.id,
        &form.reason,
        name.as_ref(),
        state.clock.now(),
    )
    .await
    {
        Ok(saved) => FormResponse::Done(Flash::success(
            Redirect::to(back),
            t_args(lang, "cert-flash-reissued", &[("number", saved.number)]),
        )),
        Err(e) if is_user_error(&e) => flash_error(lang, back, &e),
        Err(e) => e.into(),
    }
}

#[derive(FromForm)]
struct RevokeForm {
    csrf_token: String,
    reason: String,
}

#[post("/staff/certificates/<id>/revoke", data = "<form>")]
async fn staff_revoke(
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
    let lang = shell.language;
    let old = match certs::find(&state.db, id).await {
        Ok(row) => row,
        Err(e) => return e.into(),
    };
    let back = back_to(old.course_id);
    match certs::revoke(&state.db, id, staff.0.id, &form.reason, state.clock.now()).await {
        Ok(row) => FormResponse::Done(Flash::success(
            Redirect::to(back),
            t_args(lang, "cert-flash-revoked", &[("number", row.number)]),
        )),
        Err(e) if is_user_error(&e) => flash_error(lang, back, &e),
        Err(e) => e.into(),
    }
}

/// 修了者名簿, printable.
#[get("/staff/courses/<id>/completers")]
async fn completers_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let course = catalog::find(&state.db, id).await?;
    let settings = certs::settings(&state.db).await?;
    let rows = reports::completers(&state.db, id).await?;
    Ok(Template::render(
        "certificates/completers",
        context! {
            s: &shell,
            c: CourseHead { id: course.id, title: course.title, code: course.code },
            designation: course.designation_number,
            provider: settings.provider_name,
            rows,
        },
    ))
}

#[get("/staff/courses/<id>/completers.csv")]
async fn completers_csv(
    staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<CsvFile, PageError> {
    let course = catalog::find(&state.db, id).await?;
    let rows = reports::completers(&state.db, id).await?;
    crate::services::audit::personal_data_export(
        &state.db,
        staff.0.id,
        "completers",
        Some(id),
        state.clock.now(),
    )
    .await?;
    Ok(csv_file(
        reports::completers_csv(&rows)?,
        format!("completers-{}.csv", file_safe(&course.code)),
    ))
}

/// 修了評価一覧表, printable.
#[get("/staff/courses/<id>/assessments")]
async fn assessments_page(
    shell: Shell,
    _staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let course = catalog::find(&state.db, id).await?;
    let rows = reports::assessments(&state.db, id).await?;
    Ok(Template::render(
        "certificates/assessments",
        context! {
            s: &shell,
            c: CourseHead { id: course.id, title: course.title, code: course.code },
            rows,
        },
    ))
}

#[get("/staff/courses/<id>/assessments.csv")]
async fn assessments_csv(
    staff: StaffUser,
    id: i64,
    state: &State<AppState>,
) -> Result<CsvFile, PageError> {
    let course = catalog::find(&state.db, id).await?;
    let rows = reports::assessments(&state.db, id).await?;
    crate::services::audit::personal_data_export(
        &state.db,
        staff.0.id,
        "assessments",
        Some(id),
        state.clock.now(),
    )
    .await?;
    Ok(csv_file(
        reports::assessments_csv(&rows)?,
        format!("assessments-{}.csv", file_safe(&course.code)),
    ))
}

#[derive(Debug, Serialize)]
struct KeyRow {
    kid: String,
    created_at: String,
    retired: bool,
}

/// Admin: what every certificate prints, numbering patterns, signing keys.
#[get("/admin/certificates")]
async fn settings_page(
    shell: Shell,
    _admin: AdminUser,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let settings = certs::settings(&state.db).await?;
    let series = certs::all_series(&state.db).await?;
    let keys: Vec<KeyRow> = certs::signing_keys(&state.db)
        .await?
        .into_iter()
        .map(|k| KeyRow {
            kid: k.kid,
            created_at: crate::i18n::format_datetime(shell.language, k.created_at),
            retired: k.retired_at.is_some(),
        })
        .collect();
    Ok(Template::render(
        "certificates/settings",
        context! {
            s: &shell,
            settings: context! {
                provider_name: settings.provider_name,
                provider_address: settings.provider_address,
                provider_representative: settings.provider_representative,
                date_style: settings.date_style,
                show_furigana: settings.show_furigana,
                show_hours: settings.show_hours,
                statement_helper: settings.statement_helper,
                statement_community: settings.statement_community,
                statement_symposium: settings.statement_symposium,
            },
            series: series.into_iter().map(|s| context! {
                id: s.id, key: s.key, label: s.label, pattern: s.pattern,
            }).collect::<Vec<_>>(),
            keys,
            date_styles: ["wareki", "seireki"].map(|v| context! {
                value: v, label: t(shell.language, &format!("cert-date-{v}")),
            }),
        },
    ))
}

#[derive(FromForm)]
struct SettingsForm {
    csrf_token: String,
    provider_name: String,
    provider_address: String,
    provider_representative: String,
    date_style: String,
    show_furigana: bool,
    show_hours: bool,
    statement_helper: String,
    statement_community: String,
    statement_symposium: String,
}

#[post("/admin/certificates/settings", data = "<form>")]
async fn save_settings(
    shell: Shell,
    admin: AdminUser,
    csrf: CsrfToken,
    form: Form<SettingsForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let input = certs::SettingsInput {
        provider_name: form.provider_name.clone(),
        provider_address: form.provider_address.clone(),
        provider_representative: form.provider_representative.clone(),
        date_style: form.date_style.clone(),
        show_furigana: form.show_furigana,
        show_hours: form.show_hours,
        statement_helper: form.statement_helper.clone(),
        statement_community: form.statement_community.clone(),
        statement_symposium: form.statement_symposium.clone(),
    };
    let back = "/admin/certificates".to_string();
    match certs::save_settings(&state.db, admin.0.id, &input, state.clock.now()).await {
        Ok(()) => FormResponse::Done(Flash::success(Redirect::to(back), shell.t("flash-saved"))),
        Err(e) if is_user_error(&e) => flash_error(shell.language, back, &e),
        Err(e) => e.into(),
    }
}

#[derive(FromForm)]
struct PatternForm {
    csrf_token: String,
    pattern: String,
}

#[post("/admin/certificates/series/<id>", data = "<form>")]
async fn save_pattern(
    shell: Shell,
    admin: AdminUser,
    csrf: CsrfToken,
    id: i64,
    form: Form<PatternForm>,
    state: &State<AppState>,
) -> FormResponse {
    if let Err(e) = csrf.check(&form.csrf_token) {
        return e.into();
    }
    let back = "/admin/certificates".to_string();
    match certs::set_pattern(&state.db, admin.0.id, id, &form.pattern, state.clock.now()).await {
        Ok(()) => FormResponse::Done(Flash::success(Redirect::to(back), shell.t("flash-saved"))),
        Err(e) if is_user_error(&e) => flash_error(shell.language, back, &e),
        Err(e) => e.into(),
    }
}

#[post("/admin/certificates/keys/rotate", data = "<form>")]
async fn rotate_key(
    shell: Shell,
    admin: AdminUser,
    csrf: CsrfToken,
    form: Form<CsrfOnly>,
    state: &State<AppState>,
) -> Result<Flash<Redirect>, PageError> {
    csrf.check(&form.csrf_token)?;
    let signer = Signer::from_state(state)?;
    let kid = certs::rotate_key(&state.db, &signer, admin.0.id, state.clock.now()).await?;
    Ok(Flash::success(
        Redirect::to("/admin/certificates"),
        t_args(shell.language, "cert-flash-rotated", &[("kid", kid)]),
    ))
}
