use sea_orm::entity::prelude::*;

/// An Ed25519 key that signs certificate tokens. Retired keys stay: their
/// public half is still published so older certificates keep verifying.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_signing_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub kid: String,
    pub alg: String,
    /// The public key, base64url (the JWK `x`).
    pub public_key: String,
    /// Nonce and ciphertext of the private key, sealed with a key derived
    /// from the service secret.
    pub sealed_private_key: String,
    pub created_at: DateTimeUtc,
    pub retired_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
