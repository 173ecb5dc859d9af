//! Passwords as typed, before hashing.
//!
//! Length is the only rule: composition rules make passwords harder to
//! remember without making them much harder to guess (NIST SP 800-63B).

use std::fmt;

use super::DomainError;

const MIN_CHARS: usize = 10;
/// Long enough for any passphrase, short enough that hashing stays cheap.
const MAX_CHARS: usize = 128;

/// A plaintext password that satisfies the length rules.
///
/// Deliberately neither `Display` nor `Serialize`, and `Debug` hides the
/// value, so it cannot end up in a log or a response by accident.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Not trimmed: spaces are legitimate password characters, and trimming
    /// would make a password that was set differ from the one typed.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        let chars = raw.chars().count();
        if chars < MIN_CHARS {
            return Err(DomainError::new(field, "err-password-too-short"));
        }
        if chars > MAX_CHARS {
            return Err(DomainError::new(field, "err-password-too-long"));
        }
        // C-based hashing libraries and some databases cut strings at NUL,
        // which would silently shorten the password.
        if raw.contains('\0') {
            return Err(DomainError::new(field, "err-password-invalid-char"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The secret, for handing to the password hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(raw: &str) -> &'static str {
        match Password::parse("password", raw) {
            Ok(_) => "ok",
            Err(e) => e.key,
        }
    }

    #[test]
    fn ten_characters_are_enough_and_nine_are_too_short() {
        assert_eq!(key_of("abcdefghij"), "ok");
        assert_eq!(key_of("abcdefghi"), "err-password-too-short");
        assert_eq!(key_of(""), "err-password-too-short");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // Nine kanji are 27 bytes but still only nine characters.
        assert_eq!(key_of("講座講座講座講座講"), "err-password-too-short");
        assert_eq!(key_of("講座講座講座講座講座"), "ok");
        assert_eq!(key_of(&"座".repeat(128)), "ok");
    }

    #[test]
    fn one_hundred_twenty_eight_characters_fit_but_more_are_too_long() {
        assert_eq!(key_of(&"a".repeat(128)), "ok");
        assert_eq!(key_of(&"a".repeat(129)), "err-password-too-long");
    }

    #[test]
    fn a_nul_character_is_rejected() {
        assert_eq!(key_of("abcde\0fghij"), "err-password-invalid-char");
    }

    #[test]
    fn surrounding_spaces_are_part_of_the_password() {
        let password = Password::parse("password", "  secret pass  ").unwrap();
        assert_eq!(password.expose(), "  secret pass  ");
    }

    #[test]
    fn spaces_count_towards_the_minimum_length() {
        assert_eq!(key_of("     abcde"), "ok");
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let password = Password::parse("password", "correct horse battery").unwrap();
        assert_eq!(format!("{password:?}"), "Password(***)");
        assert_eq!(format!("{password:#?}"), "Password(***)");
    }
}
