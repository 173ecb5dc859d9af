//! Shared pieces of form handling: how a form answers, its error messages,
//! and where it may send the browser next.
use std::collections::BTreeMap;

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::Responder;
use rocket_dyn_templates::Template;

use super::respond::PageError;
use crate::domain::DomainError;
use crate::i18n::{t, Lang};

/// A form either succeeds (redirect with a flash message, Post/Redirect/Get),
/// is shown again with its errors and the user's input, or fails as a page.
#[derive(Responder)]
pub enum FormResponse {
    Done(Flash<Redirect>),
    Redo((Status, Template)),
    /// Shown again with 429 and how long to wait (a throttled login).
    #[response(status = 429)]
    Throttled(Template, rocket::http::Header<'static>),
    Failed(PageError),
}

impl<E: Into<PageError>> From<E> for FormResponse {
    fn from(e: E) -> Self {
        FormResponse::Failed(e.into())
    }
}

/// Field → message in the page's language, in a stable order.
pub type FieldErrors = BTreeMap<&'static str, String>;

pub fn field_errors(lang: Lang, errors: &[DomainError]) -> FieldErrors {
    let mut map = FieldErrors::new();
    for error in errors {
        map.entry(error.field).or_insert_with(|| t(lang, error.key));
    }
    map
}

/// Only local paths: an attacker's `?next=https://evil.example` goes home.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/account")), "/account");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
