//! Request guards. `CurrentUser` is built once per request: from the session
//! cookie on pages, from `Authorization: Bearer` on `/api/` (never the cookie
//! there, so a cross-site page cannot ride a browser session into the API).
//! Role guards build on it: a missing login is 401, a too-low role 403.
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};

use crate::domain::Role;
use crate::i18n::Lang;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "kouza_session";

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub family_name: String,
    pub given_name: String,
    /// フリガナ, for forms filled in from the profile.
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub locale: Lang,
    pub token_version: i32,
}

impl CurrentUser {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.family_name, self.given_name)
    }
}

fn bearer<'a>(req: &'a Request<'_>) -> Option<&'a str> {
    req.headers()
        .get_one("Authorization")?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

async fn authenticate(req: &Request<'_>) -> Option<CurrentUser> {
    let state = req.rocket().state::<AppState>()?;
    let is_api = req.uri().path().as_str().starts_with("/api/");
    let token = if is_api {
        bearer(req)?.to_string()
    } else {
        req.cookies().get(SESSION_COOKIE)?.value().to_string()
    };
    let claims = state.tokens.verify(&token, state.clock.now())?;
    // A session ended by logging out stays ended, wherever a copy of it is.
    let row = crate::services::sessions::user_unless_revoked(&state.db, claims.user_id()?, &token)
        .await
        .ok()??;
    if row.token_version != claims.ver {
        return None;
    }
    Some(CurrentUser {
        id: row.id,
        email: row.email,
        role: row.role.parse().ok()?,
        family_name: row.family_name,
        given_name: row.given_name,
        family_name_kana: row.family_name_kana,
        given_name_kana: row.given_name_kana,
        locale: Lang::from_code(&row.locale).unwrap_or_default(),
        token_version: row.token_version,
    })
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let cached = req
            .local_cache_async(async { authenticate(req).await })
            .await;
        match cached {
            Some(user) => Outcome::Success(user.clone()),
            None => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}

async fn with_role(req: &Request<'_>, role: Role) -> Outcome<CurrentUser, ()> {
    match CurrentUser::from_request(req).await {
        Outcome::Success(user) if user.role.at_least(role) => Outcome::Success(user),
        Outcome::Success(_) => Outcome::Error((Status::Forbidden, ())),
        Outcome::Error(e) => Outcome::Error(e),
        Outcome::Forward(s) => Outcome::Forward(s),
    }
}

macro_rules! role_guard {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        pub struct $name(pub CurrentUser);

        #[rocket::async_trait]
        impl<'r> FromRequest<'r> for $name {
            type Error = ();

            async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
                with_role(req, $role).await.map($name)
            }
        }
    };
}

role_guard!(
    /// 講師 or above.
    InstructorUser,
    Role::Instructor
);
role_guard!(
    /// 事務局 or above.
    StaffUser,
    Role::Staff
);
role_guard!(
    /// 管理者 only.
    AdminUser,
    Role::Admin
);
