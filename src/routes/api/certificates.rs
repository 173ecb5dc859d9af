//! Certificates API: issuing (one or all eligible), 再交付, revocation,
//! downloads, the caller's own certificates, signing-key rotation.
//! The public verification (`/verify/<code>`) and the key set live with the
//! pages (`routes::certificate_pages`): they are not under `/api`.
use chrono::NaiveDate;
use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket::serde::json::Json;
use rocket::{get, post, routes, Route, State};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{OpenApi, ToSchema};

use super::accounts::Problem;
use super::idempotent::{self, ApiReply, IdempotencyKey};
use crate::auth::{AdminUser, CurrentUser, StaffUser};
use crate::domain::Role;
use crate::entities::certificate;
use crate::error::Error;
use crate::i18n::{t, Lang};
use crate::routes::certificate_pages::{pdf_file, PdfFile};
use crate::routes::respond::{api_lang, problem_json, ApiError};
use crate::services::certificates::{
    self as certs, numbering, signing, Eligibility, Layout, NameChange, Signer, Standing,
};
use crate::state::AppState;

/// This module's part of the OpenAPI document, merged into the whole.
#[derive(OpenApi)]
#[openapi(
    paths(
        issue,
        course_certificates,
        issue_all,
        get_certificate,
        certificate_pdf,
        reissue,
        revoke,
        my_certificates,
        rotate_key
    ),
    components(schemas(
        IssuedView,
        CandidateView,
        CandidateList,
        BulkView,
        BulkFailure,
        CertificateView,
        CertificateList,
        ReissueBody,
        RevokeBody,
        KeyView,
        NotEligibleProblem,
        signing::PublicJwk
    ))
)]
pub struct Doc;

pub fn routes() -> Vec<Route> {
    routes![
        issue,
        course_certificates,
        issue_all,
        get_certificate,
        certificate_pdf,
        reissue,
        revoke,
        my_certificates,
        rotate_key
    ]
}

/// The caller's language, for problem documents built here.
pub struct ApiLang(pub Lang);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for ApiLang {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> rocket::request::Outcome<Self, Self::Error> {
        rocket::request::Outcome::Success(ApiLang(api_lang(req)))
    }
}

fn signer(state: &AppState) -> Result<Signer, Error> {
    Signer::from_state(state)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedView {
    pub number: String,
    /// `ABCD-EFGH-JKMN`, as printed.
    pub verification_code: String,
    pub issued_on: NaiveDate,
}

fn issued_view(row: &certificate::Model) -> IssuedView {
    IssuedView {
        number: row.number.clone(),
        verification_code: numbering::display_code(&row.verification_code),
        issued_on: row.issued_on,
    }
}

/// 422 when the completion rule is not met: what is missing.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotEligibleProblem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Subject numbers with minutes still missing (helper courses).
    pub missing_subjects: Vec<i32>,
    /// `passed, failed, not_taken, not_required`, when the assessment counts.
    pub assessment: Option<String>,
    pub errors: Vec<super::accounts::FieldProblem>,
}

/// The refusal with its reasons, in the caller's language.
pub struct NotEligible(pub Box<Eligibility>, pub Lang);

impl<'r> Responder<'r, 'static> for NotEligible {
    fn respond_to(self, _req: &'r Request<'_>) -> response::Result<'static> {
        let NotEligible(check, lang) = self;
        let error = check.refusal();
        let mut body = problem_json(lang, &error);
        if matches!(error, Error::Validation(_)) {
            let missing = check.missing_subjects();
            let assessment = check.assessment().and_then(|a| {
                serde_json::to_value(a)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
            });
            let mut reasons: Vec<String> = vec![];
            if !missing.is_empty() {
                let list = missing
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                reasons.push(crate::i18n::t_args(
                    lang,
                    "cert-missing-subjects",
                    &[("subjects", list)],
                ));
            }
            if let Some(state) = check.assessment() {
                if matches!(
                    state,
                    crate::domain::completion::AssessmentState::Failed
                        | crate::domain::completion::AssessmentState::NotTaken
                ) {
                    reasons.push(t(lang, state.label_key()));
                }
            }
            if !reasons.is_empty() {
                body["detail"] = json!(format!(
                    "{} {}",
                    t(lang, "err-cert-not-complete"),
                    reasons.join(" / ")
                ));
            }
            body["missing_subjects"] = json!(missing);
            body["assessment"] = json!(assessment);
        }
        let text = body.to_string();
        Response::build()
            .status(error.status())
            .header(ContentType::new("application", "problem+json"))
            .sized_body(text.len(), std::io::Cursor::new(text))
            .ok()
    }
}

#[derive(Responder)]
pub enum IssueReply {
    Refused(NotEligible),
    Done(ApiReply),
}

/// Issue the certificate of an enrollment that meets its course's completion
/// rule (staff). 422 names what is missing; 409 when one already exists.
#[utoipa::path(post, path = "/api/v1/enrollments/{id}/certificate", tag = "certificates", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 201, body = IssuedView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = NotEligibleProblem, content_type = "application/problem+json")))]
#[post("/v1/enrollments/<id>/certificate")]
async fn issue(
    staff: StaffUser,
    id: i64,
    lang: ApiLang,
    key: IdempotencyKey,
    state: &State<AppState>,
) -> IssueReply {
    let now = state.clock.now();
    let scope = idempotent::scope(&format!("certificate:{id}"), Some(staff.0.id), &id);
    // The reasons are named here; the issuing transaction checks again.
    match certs::eligibility(&state.db, id, now).await {
        Ok(check) if !check.eligible() => match certs::has_live(&state.db, id).await {
            Ok(false) => return IssueReply::Refused(NotEligible(Box::new(check), lang.0)),
            Ok(true) => {}
            Err(e) => return IssueReply::Done(ApiReply::Problem(ApiError(e))),
        },
        Ok(_) => {}
        Err(e) => return IssueReply::Done(ApiReply::Problem(ApiError(e))),
    }
    IssueReply::Done(
        idempotent::run(state, lang.0, key, scope, async {
            let signer = signer(state)?;
            let row = certs::issue(&state.db, &signer, id, staff.0.id, now).await?;
            Ok((Status::Created, json!(issued_view(&row))))
        })
        .await,
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    pub enrollment_id: i64,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub enrollment_status: String,
    /// Meets the completion rule and may be certified.
    pub eligible: bool,
    pub missing_subjects: Vec<i32>,
    /// The current certificate, if any.
    pub certificate: Option<CertificateView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateList {
    pub items: Vec<CandidateView>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// A course's trainees with their eligibility and current certificate (staff).
#[utoipa::path(get, path = "/api/v1/courses/{id}/certificates", tag = "certificates", security(("bearer" = [])),
    params(("id" = i64, Path), ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = CandidateList), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/courses/<id>/certificates?<page>&<per_page>")]
async fn course_certificates(
    _staff: StaffUser,
    id: i64,
    page: Option<u64>,
    per_page: Option<u64>,
    state: &State<AppState>,
) -> Result<Json<CandidateList>, ApiError> {
    crate::services::catalog::find(&state.db, id).await?;
    let page = page.unwrap_or(1).max(1);
    let per_page = per_page.unwrap_or(100).clamp(1, 100);
    let all = certs::candidates(&state.db, id, state.clock.now()).await?;
    let total = all.len() as u64;
    let items = all
        .into_iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(|c| {
            let e = &c.eligibility.enrollment;
            CandidateView {
                enrollment_id: e.id,
                family_name: e.family_name.clone(),
                given_name: e.given_name.clone(),
                family_name_kana: e.family_name_kana.clone(),
                given_name_kana: e.given_name_kana.clone(),
                enrollment_status: e.status.clone(),
                eligible: c.eligibility.eligible(),
                missing_subjects: c.eligibility.missing_subjects(),
                certificate: c.current().map(view),
            }
        })
        .collect();
    Ok(Json(CandidateList {
        items,
        page,
        per_page,
        total,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkFailure {
    pub enrollment_id: i64,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkView {
    /// Numbers issued by this call.
    pub issued: Vec<String>,
    /// Certified meanwhile by someone else.
    pub already: usize,
    pub failed: Vec<BulkFailure>,
}

/// Issue every eligible trainee of the course who has no certificate yet
/// (staff); each in its own transaction. Running it again issues nothing twice.
#[utoipa::path(post, path = "/api/v1/courses/{id}/certificates", tag = "certificates", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = BulkView), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/courses/<id>/certificates")]
async fn issue_all(
    staff: StaffUser,
    id: i64,
    lang: ApiLang,
    state: &State<AppState>,
) -> Result<Json<BulkView>, ApiError> {
    let signer = signer(state)?;
    let outcome = certs::issue_all(&state.db, &signer, id, staff.0.id, state.clock.now()).await?;
    Ok(Json(BulkView {
        issued: outcome.issued,
        already: outcome.already,
        failed: outcome
            .failed
            .into_iter()
            .map(|(enrollment_id, key)| BulkFailure {
                enrollment_id,
                reason: t(lang.0, &key),
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateView {
    pub number: String,
    pub verification_code: String,
    /// `valid, revoked, reissued`
    pub status: String,
    pub enrollment_id: i64,
    pub course_id: i64,
    pub family_name: String,
    pub given_name: String,
    pub course: String,
    pub completed_on: NaiveDate,
    pub issued_on: NaiveDate,
    /// 再交付: the number this one replaces, the original number and date, the reason.
    pub reissue_of: Option<String>,
    pub original_number: Option<String>,
    pub original_issued_on: Option<NaiveDate>,
    pub reissue_reason: Option<String>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revocation_reason: Option<String>,
    /// The signed token carried by the QR code (JWT, EdDSA).
    pub token: String,
}

fn view(row: &certificate::Model) -> CertificateView {
    CertificateView {
        number: row.number.clone(),
        verification_code: numbering::display_code(&row.verification_code),
        status: Standing::of(row).as_str().to_string(),
        enrollment_id: row.enrollment_id,
        course_id: row.course_id,
        family_name: row.family_name.clone(),
        given_name: row.given_name.clone(),
        course: row.course_title.clone(),
        completed_on: row.completed_on,
        issued_on: row.issued_on,
        reissue_of: None,
        original_number: row.original_number.clone(),
        original_issued_on: row.original_issued_on,
        reissue_reason: row.reissue_reason.clone(),
        revoked_at: row.revoked_at,
        revocation_reason: row.revocation_reason.clone(),
        token: row.signed_token.clone(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateList {
    pub items: Vec<CertificateView>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// One certificate with its history (owner or staff; others get 404).
#[utoipa::path(get, path = "/api/v1/certificates/{number}", tag = "certificates", security(("bearer" = [])),
    params(("number" = String, Path)),
    responses((status = 200, body = CertificateList, description = "the certificate first, then the rest of its history, oldest first"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/certificates/<number>", rank = 2)]
async fn get_certificate(
    user: CurrentUser,
    number: String,
    state: &State<AppState>,
) -> Result<Json<CertificateList>, ApiError> {
    let row =
        certs::find_visible(&state.db, &number, user.id, user.role.at_least(Role::Staff)).await?;
    let history = certs::history(&state.db, &row).await?;
    let numbers: std::collections::HashMap<i64, String> =
        history.iter().map(|c| (c.id, c.number.clone())).collect();
    let with_link = |c: &certificate::Model| {
        let mut v = view(c);
        v.reissue_of = c.reissue_of.and_then(|id| numbers.get(&id).cloned());
        v
    };
    let mut items = vec![with_link(&row)];
    items.extend(history.iter().filter(|c| c.id != row.id).map(with_link));
    let total = items.len() as u64;
    Ok(Json(CertificateList {
        items,
        page: 1,
        per_page: 100,
        total,
    }))
}

/// The PDF, A4 (default) or the wallet card (`layout=card`): owner or staff.
#[utoipa::path(get, path = "/api/v1/certificates/{number}/pdf", tag = "certificates", security(("bearer" = [])),
    params(("number" = String, Path), ("layout" = Option<String>, Query, description = "`a4` (default) or `card`")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/certificates/<number>/pdf?<layout>")]
async fn certificate_pdf(
    user: CurrentUser,
    number: String,
    layout: Option<String>,
    state: &State<AppState>,
) -> Result<PdfFile, ApiError> {
    let layout = Layout::parse(layout.as_deref())?;
    let row =
        certs::find_visible(&state.db, &number, user.id, user.role.at_least(Role::Staff)).await?;
    let body = certs::render(&row, &signer(state)?, layout)?;
    Ok(pdf_file(body, certs::file_name(&row, layout)))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ReissueBody {
    /// Why (紛失, 汚損, 氏名変更…).
    #[serde(default)]
    pub reason: String,
    /// After a name change: the new 氏名 and フリガナ (all four, or none).
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name_kana: Option<String>,
    pub given_name_kana: Option<String>,
}

/// 再交付 (staff): a new certificate marked as a reissue of this one.
#[utoipa::path(post, path = "/api/v1/certificates/{number}/reissue", tag = "certificates", security(("bearer" = [])),
    params(("number" = String, Path)), request_body = ReissueBody,
    responses((status = 201, body = IssuedView),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/certificates/<number>/reissue", data = "<body>")]
async fn reissue(
    staff: StaffUser,
    number: String,
    body: Json<ReissueBody>,
    lang: ApiLang,
    key: IdempotencyKey,
    state: &State<AppState>,
) -> ApiReply {
    let scope = idempotent::scope(&format!("reissue:{number}"), Some(staff.0.id), &*body);
    idempotent::run(state, lang.0, key, scope, async {
        let row = certs::find_by_number(&state.db, &number).await?;
        let name = match (
            &body.family_name,
            &body.given_name,
            &body.family_name_kana,
            &body.given_name_kana,
        ) {
            (None, None, None, None) => None,
            (f, g, fk, gk) => Some(NameChange {
                family_name: f.clone().unwrap_or_default(),
                given_name: g.clone().unwrap_or_default(),
                family_name_kana: fk.clone().unwrap_or_default(),
                given_name_kana: gk.clone().unwrap_or_default(),
            }),
        };
        let saved = certs::reissue(
            &state.db,
            &signer(state)?,
            row.id,
            staff.0.id,
            &body.reason,
            name.as_ref(),
            state.clock.now(),
        )
        .await?;
        Ok((Status::Created, json!(issued_view(&saved))))
    })
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeBody {
    #[serde(default)]
    pub reason: String,
}

/// Revoke a certificate issued in error (staff). It stays in the history.
#[utoipa::path(post, path = "/api/v1/certificates/{number}/revoke", tag = "certificates", security(("bearer" = [])),
    params(("number" = String, Path)), request_body = RevokeBody,
    responses((status = 200, body = CertificateView),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/certificates/<number>/revoke", data = "<body>")]
async fn revoke(
    staff: StaffUser,
    number: String,
    body: Json<RevokeBody>,
    state: &State<AppState>,
) -> Result<Json<CertificateView>, ApiError> {
    let row = certs::find_by_number(&state.db, &number).await?;
    let done = certs::revoke(
        &state.db,
        row.id,
        staff.0.id,
        &body.reason,
        state.clock.now(),
    )
    .await?;
    Ok(Json(view(&done)))
}

/// The caller's certificates, newest first.
#[utoipa::path(get, path = "/api/v1/me/certificates", tag = "certificates", security(("bearer" = [])),
    responses((status = 200, body = CertificateList)))]
#[get("/v1/me/certificates")]
async fn my_certificates(
    user: CurrentUser,
    state: &State<AppState>,
) -> Result<Json<CertificateList>, ApiError> {
    let items: Vec<CertificateView> = certs::for_user(&state.db, user.id)
        .await?
        .iter()
        .map(view)
        .collect();
    let total = items.len() as u64;
    Ok(Json(CertificateList {
        items,
        page: 1,
        per_page: total.max(1),
        total,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    /// The key id that signs from now on.
    pub kid: String,
    /// Every published key (older ones stay so older certificates verify).
    pub keys: Vec<signing::PublicJwk>,
}

/// Rotate the certificate signing key (admin). Old public keys stay published.
#[utoipa::path(post, path = "/api/v1/certificate-keys/rotate", tag = "certificates", security(("bearer" = [])),
    responses((status = 200, body = KeyView), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/certificate-keys/rotate")]
async fn rotate_key(admin: AdminUser, state: &State<AppState>) -> Result<Json<KeyView>, ApiError> {
    let signer = signer(state)?;
    let now = state.clock.now();
    let kid = certs::rotate_key(&state.db, &signer, admin.0.id, now).await?;
    Ok(Json(KeyView {
        kid,
        keys: signing::published(&state.db).await?,
    }))
}
