//! `Idempotency-Key` on API POSTs: a retry with the same key (same caller,
//! same body) gets the first answer back instead of acting twice.
use std::future::Future;

use rocket::http::{ContentType, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::i18n::Lang;
use crate::routes::respond::{problem_json, ApiError};
use crate::services::idempotency::{self, Claim};
use crate::state::AppState;

pub struct IdempotencyKey(Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IdempotencyKey {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match req.headers().get_one("Idempotency-Key") {
            None => Outcome::Success(IdempotencyKey(None)),
            Some(key)
                if !key.is_empty()
                    && key.len() <= 255
                    && key.bytes().all(|b| b.is_ascii_graphic()) =>
            {
                Outcome::Success(IdempotencyKey(Some(key.to_string())))
            }
            Some(_) => Outcome::Error((Status::BadRequest, ())),
        }
    }
}

pub enum ApiReply {
    Json(Status, Value),
    Problem(ApiError),
    Replay(Status, String, ContentType),
}

impl<'r> Responder<'r, 'static> for ApiReply {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match self {
            ApiReply::Json(status, value) => {
                Response::build_from(rocket::serde::json::Json(value).respond_to(req)?)
                    .status(status)
                    .ok()
            }
            ApiReply::Problem(error) => error.respond_to(req),
            ApiReply::Replay(status, body, content_type) => Response::build()
                .status(status)
                .header(content_type)
                .sized_body(body.len(), std::io::Cursor::new(body))
                .ok(),
        }
    }
}

/// What identifies "the same request": the endpoint, the caller and the body.
pub fn scope(endpoint: &str, caller: Option<i64>, body: &impl serde::Serialize) -> String {
    let body = serde_json::to_vec(body).unwrap_or_default();
    let digest = hex::encode(Sha256::digest(&body));
    let caller = caller.map_or_else(|| "anonymous".to_string(), |id| id.to_string());
    format!("{endpoint}|{caller}|{digest}")
}

fn problem_content_type() -> ContentType {
    ContentType::new("application", "problem+json")
}

/// Runs `work` once per key; without a key, simply runs it.
pub async fn run<Fut>(
    state: &AppState,
    lang: Lang,
    key: IdempotencyKey,
    scope: String,
    work: Fut,
) -> ApiReply
where
    Fut: Future<Output = Result<(Status, Value), Error>>,
{
    let Some(key) = key.0 else {
        return match work.await {
            Ok((status, value)) => ApiReply::Json(status, value),
            Err(e) => ApiReply::Problem(ApiError(e)),
        };
    };
    match idempotency::claim(&state.db, &scope, &key, state.clock.now()).await {
        Ok(Claim::Fresh) => {}
        Ok(Claim::Done {
            status,
            body,
            content_type,
        }) => {
            let content_type = if content_type == "application/problem+json" {
                problem_content_type()
            } else {
                ContentType::JSON
            };
            return ApiReply::Replay(Status::new(status), body, content_type);
        }
        Ok(Claim::Running) => {
            return ApiReply::Problem(ApiError(Error::Conflict("err-idempotency-running")))
        }
        Err(e) => return ApiReply::Problem(ApiError(e)),
    }
    let (status, body, content_type, reply) = match work.await {
        Ok((status, value)) => (
            status,
            value.to_string(),
            "application/json",
            ApiReply::Json(status, value),
        ),
        Err(e) if e.status().code >= 500 => {
            if let Err(release) = idempotency::release(&state.db, &scope, &key).await {
                tracing::error!(error = %release, "cannot release idempotency key");
            }
            return ApiReply::Problem(ApiError(e));
        }
        Err(e) => (
            e.status(),
            problem_json(lang, &e).to_string(),
            "application/problem+json",
            ApiReply::Problem(ApiError(e)),
        ),
    };
    if let Err(e) =
        idempotency::complete(&state.db, &scope, &key, status.code, &body, content_type).await
    {
        tracing::error!(error = %e, "cannot store idempotent answer");
    }
    reply
}
