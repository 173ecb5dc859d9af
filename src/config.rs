//! One typed configuration, extracted from Rocket's figment: `Rocket.toml`
//! profiles, then `ROCKET_*` variables, then `DATABASE_URL`.
use std::path::{Path, PathBuf};

use rocket::figment::{providers::Env, Figment};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AppConfig {
    /// Where the SQLite file, generated debug keys and other local state live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means the SQLite file under `data_dir`.
    pub database_url: String,
    pub db_max_connections: u32,
    pub db_min_connections: u32,
    pub db_connect_timeout_secs: u64,
    pub db_acquire_timeout_secs: u64,
    pub db_idle_timeout_secs: u64,
    pub sqlite_busy_timeout_ms: u64,
    /// `full` (durable, the default) or `normal` (faster, may lose the last
    /// commits on power loss, never corrupts).
    pub sqlite_synchronous: String,
    /// HMAC key for session tokens. Required in release builds.
    pub jwt_secret: Option<String>,
    pub token_ttl_minutes: i64,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    /// The address people use to reach the service; used in mails and the setup URL.
    pub public_base_url: String,
    /// Send cookies with `Secure`; turn on behind HTTPS.
    pub secure_cookies: bool,
    pub setup_token_ttl_hours: i64,
    pub password_reset_ttl_minutes: i64,
    pub login_window_minutes: i64,
    pub login_max_failures_per_account: u64,
    pub login_max_failures_per_address: u64,
    pub mail_from: String,
    pub static_dir: PathBuf,
    /// Run the background loop (offer expiry, …) in this instance.
    pub background_jobs: bool,
    pub background_interval_secs: u64,
    /// SMTP server for outgoing mail. Empty: nothing is sent, mail stays in
    /// the outbox and staff read it at /staff/outbox.
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `none` (plain, local relays and tests), `starttls` or `tls` (implicit, port 465).
    pub smtp_tls: String,
    pub smtp_username: Option<String>,
    /// A secret: set it through ROCKET_SMTP_PASSWORD, not in Rocket.toml.
    pub smtp_password: Option<String>,
    /// The longest one delivery may take, connection included.
    pub smtp_timeout_secs: u64,
    /// Mails one delivery pass sends at most.
    pub mail_batch_size: u64,
    /// How long a claimed mail is left to its worker before another may retry
    /// it (longer than `smtp_timeout_secs`, so a live worker keeps its claim).
    pub mail_lease_secs: i64,
    /// After this many failed attempts a mail is marked failed.
    pub mail_max_attempts: i32,
    /// Wait after the first failure; doubled after each further one.
    pub mail_retry_base_secs: i64,
    pub mail_retry_max_secs: i64,
    /// Who sends the mails, named in every footer.
    pub office_name: String,
    /// How to reach the office (phone, hours, address), in every footer.
    /// Empty: the footer points to `public_base_url`.
    pub office_contact: String,
    /// Reminders for tomorrow's sessions go out from this hour (Japan time).
    pub reminder_hour_jst: u32,
    /// Stripe secret key (`sk_…`). Unset: card payments are not offered.
    pub stripe_secret_key: Option<String>,
    /// Signing secret of the Stripe webhook endpoint (`whsec_…`).
    pub stripe_webhook_secret: Option<String>,
    /// Where the Stripe API is reached (tests point it at a local fake).
    pub stripe_api_base: String,
    /// How long one request to Stripe may take before it is given up
    /// (connect, send, answer): a hanging Stripe must not hang the page.
    pub stripe_timeout_ms: u64,
    /// Tries per Stripe call (timeouts, lost connections, 5xx, 409, 429),
    /// all with the same idempotency key, so a retry never charges twice.
    pub stripe_max_attempts: u32,
    /// Wait before the second try; doubled before each further one.
    pub stripe_retry_base_ms: u64,
    /// Origin of Stripe's hosted Checkout page, where the card button's form
    /// sends the trainee on; the CSP's `form-action` must allow it.
    pub stripe_checkout_origin: String,
    /// Bank transfer (振込) instructions shown to trainees: bank, branch,
    /// account type and number, account holder in katakana.
    pub bank_transfer_details: String,
    /// Who issues receipts (領収書): name and address.
    pub receipt_issuer_name: String,
    pub receipt_issuer_address: String,
    /// 適格請求書発行事業者登録番号 (`T` + 13 digits), printed when set.
    pub receipt_registration_number: Option<String>,
    /// Years the names on certificates, the completers list and the money
    /// ledger are kept after a deletion (counted from the later of the last
    /// course's end and the deletion); then they are masked too.
    pub personal_data_retention_years: u32,
    /// Hot writes (online enrollments, roll-call saves) that share one
    /// transaction and commit at most (group commit); 1 gives one each.
    pub group_commit_max: usize,
    /// How long an instance serves the public catalog from its own memory
    /// before reading it again (writes in the same instance clear it at once).
    pub catalog_cache_ttl_ms: u64,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            data_dir: PathBuf::from("data"),
            database_url: String::new(),
            db_max_connections: 16,
            db_min_connections: 1,
            db_connect_timeout_secs: 5,
            db_acquire_timeout_secs: 10,
            db_idle_timeout_secs: 300,
            sqlite_busy_timeout_ms: 10_000,
            sqlite_synchronous: "full".into(),
            jwt_secret: None,
            token_ttl_minutes: 60,
            jwt_issuer: "kouza".into(),
            jwt_audience: "kouza".into(),
            public_base_url: "http://127.0.0.1:8000".into(),
            secure_cookies: false,
            setup_token_ttl_hours: 24,
            password_reset_ttl_minutes: 60,
            login_window_minutes: 15,
            login_max_failures_per_account: 10,
            login_max_failures_per_address: 50,
            mail_from: "kouza <no-reply@localhost>".into(),
            static_dir: PathBuf::from("static"),
            background_jobs: true,
            background_interval_secs: 30,
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_username: None,
            smtp_password: None,
            smtp_timeout_secs: 30,
            mail_batch_size: 50,
            mail_lease_secs: 300,
            mail_max_attempts: 8,
            mail_retry_base_secs: 60,
            mail_retry_max_secs: 6 * 3600,
            office_name: "ワーカーズコープ 講座受付事務局".into(),
            office_contact: String::new(),
            reminder_hour_jst: 9,
            stripe_secret_key: None,
            stripe_webhook_secret: None,
            stripe_api_base: "https://api.stripe.com".into(),
            stripe_timeout_ms: 10_000,
            stripe_max_attempts: 3,
            stripe_retry_base_ms: 250,
            stripe_checkout_origin: "https://checkout.stripe.com".into(),
            bank_transfer_details: String::new(),
            receipt_issuer_name: "ワーカーズコープ 講座受付事務局".into(),
            receipt_issuer_address: String::new(),
            receipt_registration_number: None,
            personal_data_retention_years: 5,
            group_commit_max: 128,
            catalog_cache_ttl_ms: 2_000,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid configuration: {0}")]
    Invalid(String),
    #[error(
        "jwt_secret is not set: a release build needs ROCKET_JWT_SECRET (at least 32 characters)"
    )]
    MissingSecret,
    #[error("cannot read or write the key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl AppConfig {
    /// Rocket's figment plus `DATABASE_URL`, the conventional name operators expect.
    pub fn figment() -> Figment {
        rocket::Config::figment().merge(
            Env::raw()
                .only(&["DATABASE_URL"])
                .map(|_| "database_url".into()),
        )
    }

    pub fn from_figment(figment: &Figment) -> Result<AppConfig, ConfigError> {
        let config: AppConfig = figment
            .extract()
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if !matches!(self.sqlite_synchronous.as_str(), "full" | "normal") {
            return Err(ConfigError::Invalid(
                "sqlite_synchronous must be \"full\" or \"normal\"".into(),
            ));
        }
        if self.db_max_connections == 0 || self.db_min_connections > self.db_max_connections {
            return Err(ConfigError::Invalid(
                "db_max_connections must be ≥ 1 and ≥ db_min_connections".into(),
            ));
        }
        if self.group_commit_max == 0 || self.catalog_cache_ttl_ms > 60_000 {
            return Err(ConfigError::Invalid(
                "group_commit_max must be ≥ 1 and catalog_cache_ttl_ms ≤ 60000".into(),
            ));
        }
        if self.token_ttl_minutes <= 0 || self.token_ttl_minutes > 24 * 60 {
            return Err(ConfigError::Invalid(
                "token_ttl_minutes must be between 1 and 1440".into(),
            ));
        }
        if !matches!(self.smtp_tls.as_str(), "none" | "starttls" | "tls") {
            return Err(ConfigError::Invalid(
                "smtp_tls must be \"none\", \"starttls\" or \"tls\"".into(),
            ));
        }
        if self.smtp_timeout_secs == 0 || self.mail_lease_secs <= 2 * self.smtp_timeout_secs as i64
        {
            return Err(ConfigError::Invalid(
                "mail_lease_secs must be more than twice smtp_timeout_secs (≥ 1)".into(),
            ));
        }
        if self.mail_max_attempts < 1
            || self.mail_batch_size == 0
            || self.mail_retry_base_secs < 1
            || self.mail_retry_max_secs < self.mail_retry_base_secs
        {
            return Err(ConfigError::Invalid(
                "mail_max_attempts, mail_batch_size and mail_retry_base_secs must be ≥ 1, mail_retry_max_secs ≥ mail_retry_base_secs".into(),
            ));
        }
        // Bounded so that a trainee waiting on "pay by card" gets an answer
        // within about a minute even when every try times out.
        if !(100..=30_000).contains(&self.stripe_timeout_ms)
            || !(1..=5).contains(&self.stripe_max_attempts)
            || self.stripe_retry_base_ms > 5_000
        {
            return Err(ConfigError::Invalid(
                "stripe_timeout_ms must be 100…30000, stripe_max_attempts 1…5, stripe_retry_base_ms ≤ 5000".into(),
            ));
        }
        if let Some(number) = &self.receipt_registration_number {
            let digits = number.strip_prefix('T').unwrap_or("");
            if digits.len() != 13 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ConfigError::Invalid(
                    "receipt_registration_number must be T followed by 13 digits".into(),
                ));
            }
        }
        if !(1..=100).contains(&self.personal_data_retention_years) {
            return Err(ConfigError::Invalid(
                "personal_data_retention_years must be between 1 and 100".into(),
            ));
        }
        if self.reminder_hour_jst > 23 {
            return Err(ConfigError::Invalid(
                "reminder_hour_jst must be between 0 and 23".into(),
            ));
        }
        // It goes into the Content-Security-Policy header as it is.
        if !is_origin(&self.stripe_checkout_origin) {
            return Err(ConfigError::Invalid(
                "stripe_checkout_origin must be an origin such as https://checkout.stripe.com (scheme and host, no path)".into(),
            ));
        }
        Ok(())
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://")
    }

    /// The database URL in force: the configured one, or the SQLite file under `data_dir`.
    pub fn effective_database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("kouza.sqlite3").display()
            )
        } else {
            self.database_url.clone()
        }
    }

    /// The token key: configured, or (debug builds only) generated once and kept
    /// under `data_dir` so that restarts keep people logged in.
    pub fn resolve_jwt_secret(&self, release: bool) -> Result<Vec<u8>, ConfigError> {
        match &self.jwt_secret {
            Some(secret) if secret.len() >= 32 => Ok(secret.as_bytes().to_vec()),
            Some(_) => Err(ConfigError::Invalid(
                "jwt_secret must be at least 32 characters".into(),
            )),
            None if release => Err(ConfigError::MissingSecret),
            None => load_or_create_key(&self.data_dir.join("secrets").join("jwt.key")),
        }
    }
}

fn load_or_create_key(path: &Path) -> Result<Vec<u8>, ConfigError> {
    let io = |source| ConfigError::KeyFile {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => hex::decode(text.trim()).map_err(|_| {
            ConfigError::Invalid(format!("{} does not hold a hex key", path.display()))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let key: [u8; 32] = rand::random();
            std::fs::write(path, hex::encode(key)).map_err(io)?;
            restrict_permissions(path).map_err(io)?;
            Ok(key.to_vec())
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// `http(s)://host[:port]` and nothing more: safe to put in a CSP source list.
fn is_origin(value: &str) -> bool {
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkout_origin_must_be_a_bare_origin() {
        for good in ["https://checkout.stripe.com", "http://127.0.0.1:4242"] {
            assert!(is_origin(good), "{good}");
        }
        for bad in [
            "",
            "checkout.stripe.com",
            "https://",
            "https://checkout.stripe.com/",
            "https://checkout.stripe.com/pay",
            "https://a.example; script-src *",
            "https://a.example:",
            "ftp://a.example",
        ] {
            assert!(!is_origin(bad), "{bad:?}");
        }
        let config = AppConfig {
            stripe_checkout_origin: "https://checkout.stripe.com 'unsafe-inline'".into(),
            ..AppConfig::default()
        };
        assert!(config.validate().is_err());
        assert!(AppConfig::default().validate().is_ok());
    }

    #[test]
    fn a_release_build_without_a_secret_refuses_to_start() {
        let config = AppConfig::default();
        assert!(matches!(
            config.resolve_jwt_secret(true),
            Err(ConfigError::MissingSecret)
        ));
    }

    #[test]
    fn a_short_secret_is_refused_even_in_debug() {
        let config = AppConfig {
            jwt_secret: Some("short".into()),
            ..AppConfig::default()
        };
        assert!(config.resolve_jwt_secret(false).is_err());
    }

    #[test]
    fn a_debug_build_generates_a_key_once_and_keeps_it() {
        let dir = std::env::temp_dir().join(format!("kouza-key-{}", rand::random::<u64>()));
        let config = AppConfig {
            data_dir: dir.clone(),
            ..AppConfig::default()
        };
        let first = config.resolve_jwt_secret(false).unwrap();
        let second = config.resolve_jwt_secret(false).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.len(), 32);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_default_database_is_an_sqlite_file_in_the_data_dir() {
        let config = AppConfig::default();
        assert_eq!(
            config.effective_database_url(),
            "sqlite://data/kouza.sqlite3?mode=rwc"
        );
        assert!(!config.is_postgres());
    }

    #[test]
    fn an_unknown_smtp_tls_mode_or_a_lease_shorter_than_a_delivery_is_refused() {
        let config = AppConfig {
            smtp_tls: "ssl".into(),
            ..AppConfig::default()
        };
        assert!(config.validate().is_err());
        let config = AppConfig {
            mail_lease_secs: 30,
            smtp_timeout_secs: 30,
            ..AppConfig::default()
        };
        assert!(config.validate().is_err());
        assert!(AppConfig::default().validate().is_ok());
    }

    #[test]
    fn stripe_retries_and_timeouts_outside_their_bounds_are_refused() {
        for config in [
            AppConfig {
                stripe_timeout_ms: 0,
                ..AppConfig::default()
            },
            AppConfig {
                stripe_timeout_ms: 60_000,
                ..AppConfig::default()
            },
            AppConfig {
                stripe_max_attempts: 0,
                ..AppConfig::default()
            },
            AppConfig {
                stripe_max_attempts: 6,
                ..AppConfig::default()
            },
            AppConfig {
                stripe_retry_base_ms: 10_000,
                ..AppConfig::default()
            },
        ] {
            assert!(config.validate().is_err(), "{config:?}");
        }
    }

    #[test]
    fn a_retention_period_outside_one_to_a_hundred_years_is_refused() {
        for years in [0, 101] {
            let config = AppConfig {
                personal_data_retention_years: years,
                ..AppConfig::default()
            };
            assert!(config.validate().is_err(), "{years}");
        }
        assert_eq!(AppConfig::default().personal_data_retention_years, 5);
    }

    #[test]
    fn an_unknown_synchronous_mode_is_refused() {
        let config = AppConfig {
            sqlite_synchronous: "off".into(),
            ..AppConfig::default()
        };
        assert!(config.validate().is_err());
    }
}
