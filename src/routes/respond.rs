//! The one place where service errors become responses: a page in the user's
//! language, or `application/problem+json` (RFC 9457) on the API.
use rocket::http::{ContentType, Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket::serde::json::serde_json::json;
use rocket::{catch, catchers, Catcher};
use rocket_dyn_templates::{context, Template};

use super::shell::lang_of_request;
use crate::error::Error;
use crate::i18n::{t, Lang};

fn log(req: &Request<'_>, error: &Error) {
    let request_id = super::request_id::of(req);
    if error.status().code >= 500 {
        tracing::error!(%request_id, path = %req.uri(), error = %error, "request failed");
    } else {
        tracing::info!(%request_id, path = %req.uri(), error = %error, "request refused");
    }
}

fn title_key(status: Status) -> &'static str {
    match status.code {
        400 => "status-400",
        401 => "status-401",
        403 => "status-403",
        404 => "status-404",
        409 => "status-409",
        413 => "status-413",
        422 => "status-422",
        429 => "status-429",
        503 => "status-503",
        _ => "status-500",
    }
}

fn slug(status: Status) -> &'static str {
    match status.code {
        400 => "bad-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        409 => "conflict",
        413 => "too-large",
        422 => "validation",
        429 => "rate-limited",
        503 => "busy",
        _ => "internal",
    }
}

/// The API's language comes from `Accept-Language` alone.
pub fn api_lang(req: &Request<'_>) -> Lang {
    req.headers()
        .get_one("Accept-Language")
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

fn problem_response<'r>(
    status: Status,
    body: rocket::serde::json::Value,
    retry_after: Option<u64>,
) -> response::Result<'r> {
    let text = body.to_string();
    let mut builder = Response::build();
    builder
        .status(status)
        .header(ContentType::new("application", "problem+json"))
        .sized_body(text.len(), std::io::Cursor::new(text));
    if let Some(seconds) = retry_after {
        builder.header(Header::new("Retry-After", seconds.to_string()));
    }
    builder.ok()
}

fn problem_body(lang: Lang, status: Status, detail_key: &str) -> rocket::serde::json::Value {
    json!({
        "type": format!("/problems/{}", slug(status)),
        "title": t(lang, title_key(status)),
        "status": status.code,
        "detail": t(lang, detail_key),
    })
}

/// An API error; responds with problem+json.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl<E: Into<Error>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

/// The problem document for an error, in the caller's language.
pub fn problem_json(lang: Lang, error: &Error) -> rocket::serde::json::Value {
    let mut body = problem_body(lang, error.status(), error.detail_key());
    if let Error::Validation(errors) = error {
        body["errors"] = errors
            .iter()
            .map(|e| json!({"field": e.field, "message": t(lang, e.key)}))
            .collect();
    }
    body
}

impl<'r> Responder<'r, 'static> for ApiError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        log(req, &self.0);
        let status = self.0.status();
        let body = problem_json(api_lang(req), &self.0);
        let retry_after = match self.0 {
            Error::RateLimited { retry_after_secs } => Some(retry_after_secs),
            _ if status == Status::ServiceUnavailable => Some(crate::error::BUSY_RETRY_AFTER_SECS),
            _ => None,
        };
        problem_response(status, body, retry_after)
    }
}

/// A page error; renders the error page in the visitor's language.
#[derive(Debug)]
pub struct PageError(pub Error);

impl<E: Into<Error>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

fn error_page(req: &Request<'_>, status: Status, detail_key: &str) -> response::Result<'static> {
    let lang = lang_of_request(req);
    let template = Template::render(
        "errors/error",
        context! {
            lang: lang.code(),
            status: status.code,
            title: t(lang, title_key(status)),
            detail: t(lang, detail_key),
            login_link: status.code == 401,
            next: req.uri().path().to_string(),
            request_id: super::request_id::of(req),
        },
    );
    Response::build_from(template.respond_to(req)?)
        .status(status)
        .ok()
}

impl<'r> Responder<'r, 'static> for PageError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        log(req, &self.0);
        error_page(req, self.0.status(), self.0.detail_key())
    }
}

fn detail_for(status: Status) -> &'static str {
    match status.code {
        400 => "problem-bad-request",
        401 => "problem-unauthorized",
        403 => "problem-forbidden",
        404 => "problem-not-found",
        413 => "problem-too-large",
        422 => "problem-unprocessable",
        429 => "problem-rate-limited",
        _ => "problem-internal",
    }
}

#[catch(default)]
fn page_catcher(status: Status, _req: &Request<'_>) -> PageCaught {
    PageCaught(status)
}

/// Wraps a catcher's status so it renders through the same error page.
pub struct PageCaught(Status);

impl<'r> Responder<'r, 'static> for PageCaught {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        error_page(req, self.0, detail_for(self.0))
    }
}

pub struct ApiCaught(Status);

impl<'r> Responder<'r, 'static> for ApiCaught {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        problem_response(
            self.0,
            problem_body(api_lang(req), self.0, detail_for(self.0)),
            None,
        )
    }
}

#[catch(default)]
fn api_catcher(status: Status, _req: &Request<'_>) -> ApiCaught {
    ApiCaught(status)
}

pub fn page_catchers() -> Vec<Catcher> {
    catchers![page_catcher]
}

pub fn api_catchers() -> Vec<Catcher> {
    catchers![api_catcher]
}
