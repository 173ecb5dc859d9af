//! Email addresses, as used for login and notices.
//!
//! This is a plausibility check, not RFC 5322: the only real proof that an
//! address works is a mail that arrives. We reject what is certainly a typo
//! and keep everything else as typed.

use std::fmt;

use serde::Serialize;

use super::DomainError;

/// The most an address can be and still fit in an SMTP path (RFC 5321).
const MAX_CHARS: usize = 254;

const INVALID: &str = "err-email-invalid";

/// An email address with its domain part lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let invalid = || DomainError::new(field, INVALID);
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(DomainError::new(field, "err-required"));
        }
        if trimmed.chars().count() > MAX_CHARS {
            return Err(invalid());
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = trimmed.split_once('@').ok_or_else(invalid)?;
        if local.is_empty() || domain.contains('@') {
            return Err(invalid());
        }
        // A dot-less domain is almost always "gmail" without ".com"; real
        // single-label domains do not receive mail from the public internet.
        if !domain.contains('.') || domain.split('.').any(str::is_empty) {
            return Err(invalid());
        }
        // Domains are case-insensitive, so lowercasing lets the same person
        // log in however they type it. The local part may be case-sensitive
        // on the receiving server, so it stays as typed.
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(raw: &str) -> &'static str {
        match Email::parse("email", raw) {
            Ok(_) => "ok",
            Err(e) => e.key,
        }
    }

    #[test]
    fn an_ordinary_address_is_accepted() {
        let email = Email::parse("email", "taro@example.jp").unwrap();
        assert_eq!(email.as_str(), "taro@example.jp");
    }

    #[test]
    fn the_domain_is_lowercased_but_the_local_part_is_kept_as_typed() {
        let email = Email::parse("email", "Taro.Yamada@Example.CO.JP").unwrap();
        assert_eq!(email.as_str(), "Taro.Yamada@example.co.jp");
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        let email = Email::parse("email", " \u{3000}taro@example.jp\n").unwrap();
        assert_eq!(email.as_str(), "taro@example.jp");
    }

    #[test]
    fn plus_tags_and_subdomains_are_accepted() {
        assert_eq!(key_of("taro+kouza@mail.example.or.jp"), "ok");
    }

    #[test]
    fn an_empty_address_is_required() {
        assert_eq!(key_of(""), "err-required");
        assert_eq!(key_of("   "), "err-required");
    }

    #[test]
    fn an_address_without_exactly_one_at_sign_is_invalid() {
        assert_eq!(key_of("taro.example.jp"), "err-email-invalid");
        assert_eq!(key_of("taro@home@example.jp"), "err-email-invalid");
    }

    #[test]
    fn an_empty_local_or_domain_part_is_invalid() {
        assert_eq!(key_of("@example.jp"), "err-email-invalid");
        assert_eq!(key_of("taro@"), "err-email-invalid");
    }

    #[test]
    fn a_domain_without_a_dot_or_with_empty_labels_is_invalid() {
        for raw in [
            "taro@localhost",
            "taro@.example.jp",
            "taro@example.jp.",
            "taro@example..jp",
        ] {
            assert_eq!(key_of(raw), "err-email-invalid", "{raw}");
        }
    }

    #[test]
    fn whitespace_or_control_characters_inside_are_invalid() {
        for raw in [
            "ta ro@example.jp",
            "taro@exam\u{3000}ple.jp",
            "taro@example.jp\0x",
            "ta\tro@example.jp",
        ] {
            assert_eq!(key_of(raw), "err-email-invalid", "{raw:?}");
        }
    }

    #[test]
    fn two_hundred_fifty_four_characters_fit_but_more_do_not() {
        let domain = "@example.jp";
        let fits = format!("{}{domain}", "a".repeat(254 - domain.len()));
        let too_long = format!("a{fits}");
        assert_eq!(key_of(&fits), "ok");
        assert_eq!(key_of(&too_long), "err-email-invalid");
    }

    #[test]
    fn an_address_serializes_and_displays_as_a_plain_string() {
        let email = Email::parse("email", "taro@example.jp").unwrap();
        assert_eq!(
            serde_json::to_string(&email).unwrap(),
            r#""taro@example.jp""#
        );
        assert_eq!(email.to_string(), "taro@example.jp");
    }
}
