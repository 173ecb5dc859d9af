//! The signed token in a certificate's QR code, for verification without
//! calling us: a JWT signed with Ed25519 (`EdDSA`), its key id in the header,
//! the public keys published as a JWK set at
//! `/.well-known/kouza-certificate-keys.json`.
//!
//! Keys live in the `certificate_signing_keys` table so every instance uses
//! and publishes the same ones. The private key (its 32-byte seed) is sealed
//! with ChaCha20-Poly1305 under a key derived (HMAC-SHA256) from the
//! service's `jwt_secret`, the key id as associated data. If that secret
//! changes, the sealed key can no longer be opened: it is retired and a new
//! key made. Retired keys are never deleted and stay published, so older
//! certificates keep verifying after a rotation.
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sea_orm::prelude::Expr;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::entities::certificate_signing_key as key_row;
use crate::error::Error;

/// PKCS#8 v1 wrapping of an Ed25519 seed (RFC 8410): this prefix, then the 32 bytes.
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// What the token says. Short names keep the QR code small.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CertificateClaims {
    /// Who issued it: the service's public address.
    pub iss: String,
    /// The certificate number.
    pub sub: String,
    /// The public verification code (without hyphens).
    pub code: String,
    /// 氏名 as printed.
    pub name: String,
    pub course: String,
    /// 修了年月日, `YYYY-MM-DD`.
    pub completed_on: String,
    pub iat: i64,
}

/// The key that seals private keys, derived from the service secret.
fn sealing_key(secret: &[u8]) -> Key {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"kouza/certificate-signing-key/v1");
    let bytes: [u8; 32] = mac.finalize().into_bytes().into();
    Key::from(bytes)
}

fn seal(secret: &[u8], kid: &str, seed: &[u8; 32]) -> Result<String, Error> {
    let cipher = ChaCha20Poly1305::new(&sealing_key(secret));
    let nonce: [u8; 12] = rand::random();
    let sealed = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: seed,
                aad: kid.as_bytes(),
            },
        )
        .map_err(|_| Error::Internal("cannot seal a signing key".into()))?;
    let mut out = nonce.to_vec();
    out.extend(sealed);
    Ok(STANDARD.encode(out))
}

fn open(secret: &[u8], row: &key_row::Model) -> Option<[u8; 32]> {
    let bytes = STANDARD.decode(&row.sealed_private_key).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().ok()?;
    let cipher = ChaCha20Poly1305::new(&sealing_key(secret));
    let seed = cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: sealed,
                aad: row.kid.as_bytes(),
            },
        )
        .ok()?;
    seed.try_into().ok()
}

fn encoding_key(seed: &[u8; 32]) -> EncodingKey {
    let mut der = PKCS8_ED25519_PREFIX.to_vec();
    der.extend_from_slice(seed);
    EncodingKey::from_ed_der(&der)
}

/// The public JWK of a seed: `x` and the RFC 7638 thumbprint.
fn public_of(seed: &[u8; 32]) -> Result<(String, String), Error> {
    let jwk = Jwk::from_encoding_key(&encoding_key(seed), Algorithm::EdDSA)
        .map_err(|e| Error::Internal(format!("cannot derive a public key: {e}")))?;
    let AlgorithmParameters::OctetKeyPair(params) = &jwk.algorithm else {
        return Err(Error::Internal("not an Ed25519 key".into()));
    };
    let thumbprint = jwk
        .thumbprint(ThumbprintHash::SHA256)
        .map_err(|e| Error::Internal(format!("cannot take a key thumbprint: {e}")))?;
    Ok((params.x.clone(), thumbprint))
}

async fn create(
    conn: &impl ConnectionTrait,
    secret: &[u8],
    now: DateTime<Utc>,
) -> Result<(key_row::Model, [u8; 32]), Error> {
    let seed: [u8; 32] = rand::random();
    let (x, thumbprint) = public_of(&seed)?;
    // A short key id keeps the token small; 16 characters of the
    // thumbprint are 96 bits, plenty to tell keys apart.
    let kid: String = thumbprint.chars().take(16).collect();
    let row = key_row::ActiveModel {
        kid: Set(kid.clone()),
        alg: Set("EdDSA".into()),
        public_key: Set(x),
        sealed_private_key: Set(seal(secret, &kid, &seed)?),
        created_at: Set(now),
        retired_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok((row, seed))
}

/// The key to sign with now: the newest one in service, made on first use.
/// A key that cannot be opened with this secret is retired and replaced.
pub async fn current_key(
    conn: &impl ConnectionTrait,
    secret: &[u8],
    now: DateTime<Utc>,
) -> Result<(String, EncodingKey), Error> {
    let newest = key_row::Entity::find()
        .filter(key_row::COLUMN.retired_at.is_null())
        .order_by_desc(key_row::COLUMN.id)
        .one(conn)
        .await?;
    if let Some(row) = newest {
        if let Some(seed) = open(secret, &row) {
            return Ok((row.kid, encoding_key(&seed)));
        }
        tracing::warn!(
            kid = %row.kid,
            "the certificate signing key cannot be opened with this secret; retiring it"
        );
        retire(conn, row.id, now).await?;
    }
    let (row, seed) = create(conn, secret, now).await?;
    Ok((row.kid, encoding_key(&seed)))
}

async fn retire(conn: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<(), Error> {
    key_row::Entity::update_many()
        .col_expr(key_row::Column::RetiredAt, Expr::value(now))
        .filter(key_row::COLUMN.id.eq(id))
        .filter(key_row::COLUMN.retired_at.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Key rotation: every key in service is retired (still published) and a new
/// one signs from now on. Returns the new key id.
pub async fn rotate(
    conn: &impl ConnectionTrait,
    secret: &[u8],
    now: DateTime<Utc>,
) -> Result<String, Error> {
    key_row::Entity::update_many()
        .col_expr(key_row::Column::RetiredAt, Expr::value(now))
        .filter(key_row::COLUMN.retired_at.is_null())
        .exec(conn)
        .await?;
    Ok(create(conn, secret, now).await?.0.kid)
}

pub fn sign(kid: &str, key: &EncodingKey, claims: &CertificateClaims) -> Result<String, Error> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(&header, claims, key)
        .map_err(|e| Error::Internal(format!("cannot sign a certificate token: {e}")))
}

/// One published key, as in a JWK set.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicJwk {
    /// `OKP`
    pub kty: &'static str,
    /// `Ed25519`
    pub crv: &'static str,
    /// The public key, base64url.
    pub x: String,
    pub kid: String,
    /// `EdDSA`
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub use_: &'static str,
}

/// Every key ever used, oldest first: retired keys stay so that older
/// certificates keep verifying.
pub async fn published(conn: &impl ConnectionTrait) -> Result<Vec<PublicJwk>, Error> {
    Ok(key_row::Entity::find()
        .order_by_asc(key_row::COLUMN.id)
        .all(conn)
        .await?
        .into_iter()
        .map(|k| PublicJwk {
            kty: "OKP",
            crv: "Ed25519",
            x: k.public_key,
            kid: k.kid,
            alg: "EdDSA",
            use_: "sig",
        })
        .collect())
}

/// The claims of a token, if it was signed by one of the given keys.
/// (What an employer's software does with the published set.)
pub fn verify(token: &str, keys: &[PublicJwk]) -> Option<CertificateClaims> {
    let header = jsonwebtoken::decode_header(token).ok()?;
    let kid = header.kid?;
    let key = keys.iter().find(|k| k.kid == kid)?;
    let decoding = jsonwebtoken::DecodingKey::from_ed_components(&key.x).ok()?;
    let mut validation = jsonwebtoken::Validation::new(Algorithm::EdDSA);
    validation.set_required_spec_claims(&["iss", "sub"]);
    validation.validate_exp = false;
    validation.validate_aud = false;
    jsonwebtoken::decode::<CertificateClaims>(token, &decoding, &validation)
        .ok()
        .map(|data| data.claims)
}

/// The base64url text a JWK set carries for a raw public key (for tests).
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> CertificateClaims {
        CertificateClaims {
            iss: "https://kouza.example".into(),
            sub: "初任者-2026-0001".into(),
            code: "ABCDEFGHJKMN".into(),
            name: "山田 花子".into(),
            course: "介護職員初任者研修課程".into(),
            completed_on: "2026-12-20".into(),
            iat: 1_800_000_000,
        }
    }

    fn jwk(seed: &[u8; 32], kid: &str) -> PublicJwk {
        PublicJwk {
            kty: "OKP",
            crv: "Ed25519",
            x: public_of(seed).unwrap().0,
            kid: kid.into(),
            alg: "EdDSA",
            use_: "sig",
        }
    }

    #[test]
    fn a_signed_token_verifies_with_its_public_key_only() {
        let seed = [7u8; 32];
        let token = sign("k1", &encoding_key(&seed), &claims()).unwrap();
        assert_eq!(verify(&token, &[jwk(&seed, "k1")]), Some(claims()));
        assert_eq!(verify(&token, &[jwk(&[8u8; 32], "k1")]), None);
        assert_eq!(verify(&token, &[jwk(&seed, "other")]), None);
    }

    #[test]
    fn a_sealed_key_opens_only_with_the_same_secret_and_key_id() {
        let seed = [9u8; 32];
        let sealed = seal(b"secret-one", "kid-a", &seed).unwrap();
        let row = |kid: &str| key_row::Model {
            id: 1,
            kid: kid.into(),
            alg: "EdDSA".into(),
            public_key: String::new(),
            sealed_private_key: sealed.clone(),
            created_at: Utc::now(),
            retired_at: None,
        };
        assert_eq!(open(b"secret-one", &row("kid-a")), Some(seed));
        assert_eq!(open(b"secret-two", &row("kid-a")), None);
        assert_eq!(open(b"secret-one", &row("kid-b")), None);
    }

    #[test]
    fn the_public_key_is_the_rfc_8032_one() {
        // RFC 8032 §7.1, test 1.
        let seed: [u8; 32] =
            hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .unwrap()
                .try_into()
                .unwrap();
        let public =
            hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
                .unwrap();
        assert_eq!(public_of(&seed).unwrap().0, b64url(&public));
    }
}
