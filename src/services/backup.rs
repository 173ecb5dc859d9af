//! Online backup of the SQLite database while the service keeps running.
//! `VACUUM INTO` copies one consistent snapshot (a single read transaction,
//! so writers are not stopped and nothing half-committed is copied) into a
//! new file. The copy is written next to the target as `<name>.partial`,
//! flushed to disk and then renamed, so the target path only ever holds a
//! complete backup; it is then opened and checked with `integrity_check`.
//! PostgreSQL is backed up with `pg_dump` instead (docs/RELIABILITY.md).
use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

use crate::error::Error;

/// What was written.
#[derive(Debug, Clone)]
pub struct Backup {
    pub path: PathBuf,
    pub bytes: u64,
}

/// Writes a consistent copy of the SQLite database to `target`, which must
/// not exist yet. Refused on PostgreSQL.
pub async fn sqlite_online(db: &DatabaseConnection, target: &Path) -> Result<Backup, Error> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(Error::Internal(
            "online backup is for SQLite; back up PostgreSQL with pg_dump".into(),
        ));
    }
    if target.exists() {
        return Err(Error::Internal(format!(
            "{} exists already; a backup never overwrites a file",
            target.display()
        )));
    }
    let io = |what: &str, e: std::io::Error| Error::Internal(format!("{what}: {e}"));
    let mut partial = target.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    if partial.exists() {
        // Left by a backup that was interrupted; never a finished one.
        std::fs::remove_file(&partial).map_err(|e| io("remove old partial backup", e))?;
    }
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [partial.display().to_string().into()],
    ))
    .await?;
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("flush backup", e))?;
    std::fs::rename(&partial, target).map_err(|e| io("rename backup", e))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename itself is durable only once the directory is flushed.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    let verdict = integrity_check(target).await?;
    if verdict != "ok" {
        return Err(Error::Internal(format!(
            "the backup at {} failed integrity_check: {verdict}",
            target.display()
        )));
    }
    let bytes = std::fs::metadata(target)
        .map_err(|e| io("read backup size", e))?
        .len();
    Ok(Backup {
        path: target.to_path_buf(),
        bytes,
    })
}

/// `PRAGMA integrity_check` of an SQLite file, opened read-only: "ok" when sound.
pub async fn integrity_check(file: &Path) -> Result<String, Error> {
    let url = format!("sqlite://{}?mode=ro", file.display());
    let conn = Database::connect(url.as_str()).await?;
    let rows = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await?;
    conn.close().await.ok();
    let lines: Result<Vec<String>, _> = rows.iter().map(|r| r.try_get_by_index(0)).collect();
    Ok(lines?.join("; "))
}
