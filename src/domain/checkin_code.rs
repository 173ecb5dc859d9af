//! Rotating session codes for self check-in: six digits derived from the
//! session's secret and the current 30-second window, so a code read off the
//! instructor's screen is useless a minute later or for another session.
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const WINDOW_SECONDS: i64 = 30;

pub fn window_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(WINDOW_SECONDS)
}

pub fn code(secret: &[u8], session_id: i64, window: i64) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(format!("{session_id}:{window}").as_bytes());
    let digest = mac.finalize().into_bytes();
    let number = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) % 1_000_000;
    format!("{number:06}")
}

/// Accepts the current window and the one before, so a code typed as it
/// rolls over still works.
pub fn accepts(secret: &[u8], session_id: i64, unix_seconds: i64, typed: &str) -> bool {
    let window = window_of(unix_seconds);
    let typed = typed.trim();
    typed.len() == 6
        && [window, window - 1].iter().any(|w| {
            subtle::ConstantTimeEq::ct_eq(code(secret, session_id, *w).as_bytes(), typed.as_bytes())
                .into()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_six_digits_and_changes_with_the_window_and_the_session() {
        let a = code(b"secret", 1, 100);
        assert_eq!(a.len(), 6);
        assert!(a.chars().all(|c| c.is_ascii_digit()));
        assert_ne!(a, code(b"secret", 1, 101));
        assert_ne!(a, code(b"secret", 2, 100));
        assert_ne!(a, code(b"other", 1, 100));
    }

    #[test]
    fn the_previous_window_is_accepted_but_not_older_ones() {
        let now = 100 * WINDOW_SECONDS + 5;
        assert!(accepts(b"s", 7, now, &code(b"s", 7, 100)));
        assert!(accepts(b"s", 7, now, &code(b"s", 7, 99)));
        assert!(!accepts(b"s", 7, now, &code(b"s", 7, 98)));
        assert!(!accepts(b"s", 8, now, &code(b"s", 7, 100)));
        assert!(!accepts(b"s", 7, now, "12345"));
    }
}
