//! Accounts API: sign-up, token, the caller, role changes.
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{get, patch, post, routes, Route, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::idempotent::{self, ApiReply, IdempotencyKey};
use crate::auth::{AdminUser, CurrentUser};
use crate::domain::signup::{NewAccount, SignupInput};
use crate::domain::Role;
use crate::entities::user;
use crate::error::Error;
use crate::routes::respond::{api_lang, ApiError};
use crate::services::accounts;
use crate::state::AppState;

pub fn routes() -> Vec<Route> {
    routes![signup, token, me, update_user]
}

/// The language an API caller asked for, as a guard.
pub struct ApiLang(pub crate::i18n::Lang);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for ApiLang {
    type Error = std::convert::Infallible;

    async fn from_request(
        req: &'r rocket::Request<'_>,
    ) -> rocket::request::Outcome<Self, Self::Error> {
        rocket::request::Outcome::Success(ApiLang(api_lang(req)))
    }
}

/// Missing fields arrive as empty strings so that each is reported by name.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct SignupBody {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name_kana: String,
    #[serde(default)]
    pub given_name_kana: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    /// One of `trainee, instructor, staff, admin`.
    pub role: String,
    /// `ja` or `en`.
    pub locale: String,
}

impl From<user::Model> for UserView {
    fn from(u: user::Model) -> Self {
        UserView {
            id: u.id,
            email: u.email,
            family_name: u.family_name,
            given_name: u.given_name,
            family_name_kana: u.family_name_kana,
            given_name_kana: u.given_name_kana,
            role: u.role,
            locale: u.locale,
        }
    }
}

/// Create a trainee account.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "accounts", request_body = SignupBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key returns the first answer")),
    responses((status = 201, body = UserView), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/auth/signup", data = "<body>")]
async fn signup(
    body: Json<SignupBody>,
    lang: ApiLang,
    key: IdempotencyKey,
    state: &State<AppState>,
) -> ApiReply {
    let scope = idempotent::scope("signup", None, &*body);
    idempotent::run(state, lang.0, key, scope, async {
        let input = SignupInput {
            email: &body.email,
            password: &body.password,
            family_name: &body.family_name,
            given_name: &body.given_name,
            family_name_kana: &body.family_name_kana,
            given_name_kana: &body.given_name_kana,
        };
        let account = NewAccount::parse(&input).map_err(Error::Validation)?;
        let now = state.clock.now();
        let user = accounts::sign_up(&state.db, &account, lang.0, now).await?;
        Ok((Status::Created, json_value(UserView::from(user))?))
    })
    .await
}

/// A response body as JSON (for storing idempotent answers).
pub fn json_value(value: impl Serialize) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::Internal(format!("serialising a response: {e}")))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Exchange email and password for a short-lived Bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "accounts", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
#[post("/v1/auth/token", data = "<body>")]
async fn token(
    body: Json<TokenRequest>,
    state: &State<AppState>,
    address: Option<std::net::IpAddr>,
) -> Result<Json<TokenResponse>, ApiError> {
    let now = state.clock.now();
    let user = accounts::authenticate(
        &state.db,
        &state.config,
        &body.email,
        &body.password,
        address.map(|a| a.to_string()),
        now,
    )
    .await?;
    Ok(Json(TokenResponse {
        access_token: state.tokens.issue(user.id, user.token_version, now),
        token_type: "Bearer",
        expires_in: state.tokens.ttl_seconds(),
    }))
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/v1/me")]
async fn me(user: CurrentUser, state: &State<AppState>) -> Result<Json<UserView>, ApiError> {
    Ok(Json(accounts::find(&state.db, user.id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UserPatch {
    /// One of `trainee, instructor, staff, admin`.
    pub role: String,
}

/// Change a user's role (admin only).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "user id")), request_body = UserPatch,
    responses((status = 200, body = UserView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[patch("/v1/users/<id>", data = "<body>")]
async fn update_user(
    admin: AdminUser,
    id: i64,
    body: Json<UserPatch>,
    state: &State<AppState>,
) -> Result<Json<UserView>, ApiError> {
    let role = Role::parse("role", &body.role)?;
    let user = accounts::set_role(&state.db, admin.0.id, id, role, state.clock.now()).await?;
    Ok(Json(user.into()))
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub errors: Option<Vec<FieldProblem>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}
