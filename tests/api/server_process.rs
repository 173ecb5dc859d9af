//! One real `kouza serve` process on a test's database, for the tests that
//! kill it (crash safety) or run its command line (backup). Dropping it kills it.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::fake_stripe;
use crate::helpers::JWT_SECRET;
use crate::scale_out::{free_port, http};

pub struct Server {
    pub port: u16,
    data_dir: PathBuf,
    database_url: String,
    stripe_base: String,
    log: PathBuf,
    child: Option<Child>,
}

impl Server {
    /// Starts `kouza serve` on the database of a test app (`data_dir` holds
    /// the SQLite file; `database_url` is empty for SQLite) and waits until
    /// it is ready.
    pub async fn start(data_dir: &Path, database_url: &str, stripe_base: &str) -> Server {
        // On PostgreSQL nothing else makes the directory (the log goes there).
        std::fs::create_dir_all(data_dir).unwrap();
        let mut server = Server {
            port: free_port(),
            data_dir: data_dir.to_path_buf(),
            database_url: database_url.to_string(),
            stripe_base: stripe_base.to_string(),
            log: data_dir.join("serve.log"),
            child: None,
        };
        server.restart().await;
        server
    }

    /// Starts the process (again) and waits for `/readyz`.
    pub async fn restart(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_kouza"))
            .arg("serve")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("ROCKET_ADDRESS", "127.0.0.1")
            .env("ROCKET_PORT", self.port.to_string())
            .env("ROCKET_LOG_LEVEL", "off")
            .env("KOUZA_LOG", "warn")
            .env("DATABASE_URL", &self.database_url)
            .env("ROCKET_DATA_DIR", self.data_dir.display().to_string())
            .env("ROCKET_JWT_SECRET", JWT_SECRET)
            .env("ROCKET_DB_MAX_CONNECTIONS", "8")
            .env("ROCKET_BACKGROUND_JOBS", "false")
            .env("ROCKET_STRIPE_SECRET_KEY", fake_stripe::SECRET_KEY)
            .env("ROCKET_STRIPE_WEBHOOK_SECRET", fake_stripe::WEBHOOK_SECRET)
            .env("ROCKET_STRIPE_API_BASE", &self.stripe_base)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start kouza serve");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(Ok(Some(exit))) = self.child.as_mut().map(|c| c.try_wait()) {
                panic!(
                    "kouza serve exited during start ({exit}):\n{}",
                    self.log_tail()
                );
            }
            if let Ok((200, _)) = http(self.port, "GET", "/readyz", &[], "").await {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "kouza serve not ready in time:\n{}",
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no shutdown, no cleanup, like a machine losing power.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `PRAGMA integrity_check` on an SQLite database: "ok" when sound. On
/// PostgreSQL (no such check) it answers "ok" without asking.
pub async fn integrity(db: &sea_orm::DatabaseConnection) -> String {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if db.get_database_backend() != DbBackend::Sqlite {
        return "ok".into();
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect::<Vec<_>>()
        .join("; ")
}
