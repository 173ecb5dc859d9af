//! argon2id hashing, run on the blocking pool so a login never stalls the
//! async workers that serve everyone else.
use std::sync::LazyLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::domain::Password;
use crate::error::Error;

/// Verified against when the email is unknown, so that "no such user" costs
/// the same time as "wrong password" and the two cannot be told apart.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("not-a-real-password-0000").unwrap_or_default());

fn hash_blocking(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

fn verify_blocking(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

pub async fn hash(password: &Password) -> Result<String, Error> {
    let password = password.expose().to_string();
    rocket::tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| Error::Internal(format!("hashing task failed: {e}")))?
}

/// `hash` is `None` when the account does not exist; the work is done anyway.
pub async fn verify(hash: Option<String>, password: &str) -> bool {
    let password = password.to_string();
    rocket::tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_blocking(&hash, &password),
        None => {
            verify_blocking(&DUMMY_HASH, &password);
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() {
        let hash = hash_blocking("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_blocking(&hash, "correct horse battery"));
        assert!(!verify_blocking(&hash, "correct horse batterY"));
        assert!(!verify_blocking("not a hash", "correct horse battery"));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_costs() {
        // An unknown account is verified against the dummy hash: it must be a
        // real argon2id hash with the same parameters, or "no such user" would
        // answer faster than "wrong password".
        let real = hash_blocking("some password").unwrap();
        let real = PasswordHash::new(&real).unwrap();
        let dummy = PasswordHash::new(&DUMMY_HASH).expect("a parseable dummy hash");
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert!(!verify_blocking(&DUMMY_HASH, "some password"));
    }
}
