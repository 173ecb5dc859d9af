//! Stripe webhooks: the `Stripe-Signature` header is checked before anything
//! in the body is parsed. HMAC-SHA256 over `"{t}.{payload}"` with the
//! endpoint secret; every `v1` signature is tried (Stripe sends several while
//! a secret is being rolled); the timestamp must be within the tolerance of
//! our clock; comparison is constant-time.
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Stripe's default tolerance.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the signature timestamp is outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

fn mac(secret: &str, timestamp: i64, payload: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any size");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

/// The header Stripe would send for this payload (used by tests and the fake).
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let signature = hex::encode(mac(secret, timestamp, payload).finalize().into_bytes());
    format!("t={timestamp},v1={signature}")
}

/// Checks the header against the raw body.
pub fn verify(
    payload: &[u8],
    header: Option<&str>,
    secret: &str,
    now: DateTime<Utc>,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp: Option<i64> = None;
    let mut candidates: Vec<Vec<u8>> = vec![];
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        match k {
            "t" => timestamp = Some(v.parse().map_err(|_| SignatureError::Malformed)?),
            "v1" => {
                if let Ok(bytes) = hex::decode(v) {
                    candidates.push(bytes);
                }
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    // abs_diff: a timestamp near i64::MIN or MAX must be stale, not an overflow.
    if now.timestamp().abs_diff(timestamp) > tolerance_secs.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, payload).finalize().into_bytes();
    let mut any = subtle::Choice::from(0u8);
    for candidate in &candidates {
        // Lengths are public; the content comparison is constant-time.
        if candidate.len() == expected.len() {
            any |= candidate.as_slice().ct_eq(&expected[..]);
        }
    }
    if bool::from(any) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The parts of an event we use (parsed only after verification).
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub kind: String,
    pub object: Value,
    /// Unix seconds when Stripe created the event, if given.
    pub created: Option<i64>,
}

pub fn parse_event(payload: &[u8]) -> Option<Event> {
    let value: Value = serde_json::from_slice(payload).ok()?;
    Some(Event {
        id: value.get("id")?.as_str()?.to_string(),
        kind: value.get("type")?.as_str()?.to_string(),
        object: value.get("data")?.get("object")?.clone(),
        created: value.get("created").and_then(Value::as_i64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    fn now() -> DateTime<Utc> {
        "2026-05-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_fresh_signature_of_the_exact_body_is_accepted() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign(body, SECRET, now().timestamp());
        assert_eq!(verify(body, Some(&header), SECRET, now(), 300), Ok(()));
    }

    #[test]
    fn any_of_several_v1_signatures_may_match() {
        let body = b"{}";
        let good = sign(body, SECRET, now().timestamp());
        let v1 = good.split("v1=").nth(1).unwrap();
        let header = format!(
            "t={},v1={},v0=abc,v1={v1}",
            now().timestamp(),
            "00".repeat(32)
        );
        assert_eq!(verify(body, Some(&header), SECRET, now(), 300), Ok(()));
    }

    #[test]
    fn a_changed_body_wrong_secret_old_timestamp_or_no_header_is_refused() {
        let body = b"{\"amount\":5000}";
        let t = now().timestamp();
        let header = sign(body, SECRET, t);
        assert_eq!(
            verify(b"{\"amount\":1}", Some(&header), SECRET, now(), 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(body, Some(&header), "whsec_other", now(), 300),
            Err(SignatureError::Mismatch)
        );
        let old = sign(body, SECRET, t - 301);
        assert_eq!(
            verify(body, Some(&old), SECRET, now(), 300),
            Err(SignatureError::Stale)
        );
        let edge = sign(body, SECRET, t - 300);
        assert_eq!(verify(body, Some(&edge), SECRET, now(), 300), Ok(()));
        assert_eq!(
            verify(body, None, SECRET, now(), 300),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(body, Some("v1=abcd"), SECRET, now(), 300),
            Err(SignatureError::Malformed)
        );
    }
}
