//! CSRF protection for cookie-authenticated forms: a random token in an
//! HttpOnly cookie that every form must echo in a hidden field. A page from
//! another site can make the browser send the cookie but cannot read it.
use rocket::http::{Cookie, SameSite};
use rocket::request::{FromRequest, Outcome, Request};
use subtle::ConstantTimeEq;

use crate::error::Error;

pub const COOKIE: &str = "kouza_csrf";
pub const FIELD: &str = "csrf_token";

pub struct CsrfToken(String);

impl CsrfToken {
    pub fn value(&self) -> &str {
        &self.0
    }

    pub fn check(&self, submitted: &str) -> Result<(), Error> {
        let same: bool = self.0.as_bytes().ct_eq(submitted.as_bytes()).into();
        if same && !submitted.is_empty() {
            Ok(())
        } else {
            Err(Error::Csrf)
        }
    }
}

fn well_formed(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let existing = req
            .cookies()
            .get(COOKIE)
            .map(|c| c.value().to_string())
            .filter(|v| well_formed(v));
        let token = match existing {
            Some(token) => token,
            None => {
                let token = hex::encode(rand::random::<[u8; 32]>());
                let secure = req
                    .rocket()
                    .state::<crate::state::AppState>()
                    .is_some_and(|s| s.config.secure_cookies);
                req.cookies().add(
                    Cookie::build((COOKIE, token.clone()))
                        .http_only(true)
                        .same_site(SameSite::Strict)
                        .secure(secure)
                        .path("/"),
                );
                token
            }
        };
        Outcome::Success(CsrfToken(token))
    }
}
