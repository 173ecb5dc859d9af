//! What every page needs around its content: language, the CSRF token, the
//! logged-in user and a flash message. Built by one request guard.
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use serde::Serialize;

use crate::auth::csrf::CsrfToken;
use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::i18n::{t, Lang};

pub const LANG_COOKIE: &str = "kouza_lang";

#[derive(Debug, Serialize)]
pub struct ShellUser {
    pub id: i64,
    pub name: String,
    pub role: &'static str,
    pub is_instructor: bool,
    pub is_staff: bool,
    pub is_admin: bool,
}

#[derive(Debug, Serialize)]
pub struct Flash {
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct Shell {
    pub lang: &'static str,
    pub csrf: String,
    pub user: Option<ShellUser>,
    pub flash: Option<Flash>,
    pub path: String,
    #[serde(skip)]
    pub language: Lang,
}

/// Language for a page without a logged-in user's preference: cookie, then
/// `Accept-Language`, then Japanese.
pub fn lang_of_request(req: &Request<'_>) -> Lang {
    req.cookies()
        .get(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()))
        .or_else(|| {
            req.headers()
                .get_one("Accept-Language")
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

pub fn set_lang_cookie(cookies: &CookieJar<'_>, lang: Lang) {
    cookies.add(
        Cookie::build((LANG_COOKIE, lang.code()))
            .same_site(SameSite::Lax)
            .path("/")
            .max_age(rocket::time::Duration::days(365)),
    );
}

impl Shell {
    pub fn t(&self, key: &str) -> String {
        t(self.language, key)
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Shell {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let user = req.guard::<CurrentUser>().await.succeeded();
        let language = match &user {
            Some(user) => user.locale,
            None => lang_of_request(req),
        };
        let csrf = match req.guard::<CsrfToken>().await {
            Outcome::Success(token) => token.value().to_string(),
            _ => String::new(),
        };
        let flash = req
            .guard::<Option<FlashMessage<'_>>>()
            .await
            .succeeded()
            .flatten()
            .map(|f| Flash {
                kind: f.kind().to_string(),
                message: f.message().to_string(),
            });
        Outcome::Success(Shell {
            lang: language.code(),
            csrf,
            user: user.map(|u| ShellUser {
                id: u.id,
                name: u.display_name(),
                role: u.role.as_str(),
                is_instructor: u.role.at_least(Role::Instructor),
                is_staff: u.role.at_least(Role::Staff),
                is_admin: u.role == Role::Admin,
            }),
            flash,
            path: req.uri().path().to_string(),
            language,
        })
    }
}
