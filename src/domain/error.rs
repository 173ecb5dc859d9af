//! The one error type of the domain layer.
//!
//! It carries a Fluent message id instead of a sentence so that the caller
//! can render it in the visitor's language next to the right form field.

/// A rejected input: which field, and which message explains why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {key}")]
pub struct DomainError {
    /// Form or JSON field name, as given by the caller.
    pub field: &'static str,
    /// Fluent message id present in both `domain.ftl` files.
    pub key: &'static str,
}

impl DomainError {
    pub fn new(field: &'static str, key: &'static str) -> Self {
        Self { field, key }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JA: &str = include_str!("../i18n/locales/ja/domain.ftl");
    const EN: &str = include_str!("../i18n/locales/en/domain.ftl");

    // Every key the domain layer can hand out; a missing translation would
    // show the raw id to a user.
    const KEYS: &[&str] = &[
        "err-required",
        "err-too-long",
        "err-too-long-100",
        "err-too-long-200",
        "err-too-long-300",
        "err-too-long-500",
        "err-name-invalid-char",
        "err-name-halfwidth-kana",
        "err-kana-hiragana",
        "err-kana-halfwidth",
        "err-kana-invalid",
        "err-email-invalid",
        "err-password-too-short",
        "err-password-too-long",
        "err-password-invalid-char",
        "err-role-invalid",
        "role-trainee",
        "role-instructor",
        "role-staff",
        "role-admin",
    ];

    fn defined_ids(ftl: &str) -> Vec<&str> {
        ftl.lines()
            .filter(|line| !line.starts_with(char::is_whitespace) && !line.starts_with('#'))
            .filter_map(|line| line.split_once('='))
            .map(|(id, _)| id.trim())
            .collect()
    }

    #[test]
    fn every_domain_key_has_a_japanese_message() {
        let ids = defined_ids(JA);
        for key in KEYS {
            assert!(ids.contains(key), "ja/domain.ftl lacks `{key} =`");
        }
    }

    #[test]
    fn every_domain_key_has_an_english_message() {
        let ids = defined_ids(EN);
        for key in KEYS {
            assert!(ids.contains(key), "en/domain.ftl lacks `{key} =`");
        }
    }

    #[test]
    fn both_languages_define_the_same_messages() {
        let mut ja = defined_ids(JA);
        let mut en = defined_ids(EN);
        ja.sort_unstable();
        en.sort_unstable();
        assert_eq!(ja, en);
    }

    #[test]
    fn no_message_is_defined_twice() {
        for ftl in [JA, EN] {
            let mut ids = defined_ids(ftl);
            let before = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(before, ids.len());
        }
    }

    #[test]
    fn display_names_the_field_and_the_key() {
        let err = DomainError::new("email", "err-email-invalid");
        assert_eq!(err.to_string(), "email: err-email-invalid");
    }
}
