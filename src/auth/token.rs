//! Session tokens: HS256 JWTs with issuer, audience and expiry checked, and a
//! per-user version so that a password change or "log out everywhere" kills
//! every token issued before it.
use chrono::{DateTime, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    /// The user's token version when this token was issued.
    pub ver: i32,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    /// Random per token, so that two sessions started in the same second are
    /// still two tokens and logging out of one does not end the other.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub jti: String,
}

impl Claims {
    pub fn user_id(&self) -> Option<i64> {
        self.sub.parse().ok()
    }
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_seconds: i64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str, ttl_minutes: i64) -> TokenKeys {
        // One algorithm only: a token announcing anything else (none, RS256…) is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        // Times are checked below against the service's clock (the one that
        // issued them), not the library's own reading of the system time.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            ttl_seconds: ttl_minutes * 60,
        }
    }

    pub fn ttl_seconds(&self) -> i64 {
        self.ttl_seconds
    }

    pub fn issue(&self, user_id: i64, version: i32, now: DateTime<Utc>) -> String {
        let claims = Claims {
            sub: user_id.to_string(),
            ver: version,
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: now.timestamp() + self.ttl_seconds,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            jti: hex::encode(rand::random::<[u8; 16]>()),
        };
        // Encoding HS256 with a byte key and plain claims cannot fail.
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).unwrap_or_default()
    }

    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<Claims> {
        const LEEWAY: i64 = 5;
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        let now = now.timestamp();
        (claims.exp > now - LEEWAY && claims.nbf <= now + LEEWAY).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32], "kouza", "kouza", 60)
    }

    fn b64(value: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    fn claims_json(now: i64) -> serde_json::Value {
        serde_json::json!({"sub": "1", "ver": 0, "iat": now, "nbf": now, "exp": now + 600, "iss": "kouza", "aud": "kouza"})
    }

    #[test]
    fn a_fresh_token_verifies() {
        let now = Utc::now();
        let token = keys().issue(42, 3, now);
        let claims = keys().verify(&token, Utc::now()).unwrap();
        assert_eq!(claims.user_id(), Some(42));
        assert_eq!(claims.ver, 3);
    }

    #[test]
    fn an_expired_token_is_rejected() {
        let past = Utc::now() - chrono::Duration::hours(2);
        assert!(keys()
            .verify(&keys().issue(1, 0, past), Utc::now())
            .is_none());
    }

    #[test]
    fn a_token_signed_with_another_key_is_rejected() {
        let other = TokenKeys::new(&[8u8; 32], "kouza", "kouza", 60);
        assert!(keys()
            .verify(&other.issue(1, 0, Utc::now()), Utc::now())
            .is_none());
    }

    #[test]
    fn a_token_for_another_audience_or_issuer_is_rejected() {
        let other_aud = TokenKeys::new(&[7u8; 32], "kouza", "elsewhere", 60);
        let other_iss = TokenKeys::new(&[7u8; 32], "elsewhere", "kouza", 60);
        assert!(keys()
            .verify(&other_aud.issue(1, 0, Utc::now()), Utc::now())
            .is_none());
        assert!(keys()
            .verify(&other_iss.issue(1, 0, Utc::now()), Utc::now())
            .is_none());
    }

    #[test]
    fn alg_none_is_rejected() {
        let header = b64(&serde_json::json!({"alg": "none", "typ": "JWT"}));
        let token = format!("{header}.{}.", b64(&claims_json(Utc::now().timestamp())));
        assert!(keys().verify(&token, Utc::now()).is_none());
    }

    #[test]
    fn a_tampered_payload_is_rejected() {
        let token = keys().issue(1, 0, Utc::now());
        let parts: Vec<&str> = token.split('.').collect();
        let mut forged = claims_json(Utc::now().timestamp());
        forged["sub"] = "2".into();
        let token = format!("{}.{}.{}", parts[0], b64(&forged), parts[2]);
        assert!(keys().verify(&token, Utc::now()).is_none());
    }

    #[test]
    fn a_token_without_expiry_is_rejected() {
        let mut claims = claims_json(Utc::now().timestamp());
        claims.as_object_mut().unwrap().remove("exp");
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&[7u8; 32]),
        )
        .unwrap();
        assert!(keys().verify(&token, Utc::now()).is_none());
    }

    #[test]
    fn a_token_not_yet_valid_is_rejected() {
        let future = Utc::now() + chrono::Duration::minutes(10);
        assert!(keys()
            .verify(&keys().issue(1, 0, future), Utc::now())
            .is_none());
    }

    #[test]
    fn two_tokens_issued_in_the_same_second_differ() {
        // Logging out of one revokes that token only, so two sessions of one
        // person started together must not be the same string.
        let now = Utc::now();
        let (a, b) = (keys().issue(1, 0, now), keys().issue(1, 0, now));
        assert_ne!(a, b);
        assert_eq!(keys().verify(&a, now).unwrap().sub, "1");
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(keys().verify("", Utc::now()).is_none());
        assert!(keys().verify("a.b.c", Utc::now()).is_none());
    }
}
