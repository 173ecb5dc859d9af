//! Connecting to the database and migrating it at launch.
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::config::AppConfig;

/// About how large one multi-row statement may grow (SQL and values). A
/// message to PostgreSQL larger than one TCP segment (64 KiB on loopback)
/// ends in a partial segment that, since sqlx does not set TCP_NODELAY, waits
/// for the server's delayed ACK: 40 ms for the whole batch. Measured: 480-row
/// inserts made the batched roll call 2.5 times slower than one roster at a
/// time; cut into 120-row statements it became faster.
pub const STATEMENT_BYTES: usize = 32 * 1024;

/// The WAL file is truncated to this after a checkpoint (32 MiB).
pub const JOURNAL_SIZE_LIMIT: u64 = 32 * 1024 * 1024;

/// Opens the pool with deliberate settings. SQLite: WAL so readers never wait
/// for the writer, a busy timeout so writers queue instead of failing, foreign
/// keys on (SQLite leaves them off per connection).
pub async fn connect(config: &AppConfig) -> Result<DatabaseConnection, DbErr> {
    let url = config.effective_database_url();
    if !config.is_postgres() {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            DbErr::Custom(format!(
                "cannot create data directory {}: {e}",
                config.data_dir.display()
            ))
        })?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(config.db_max_connections)
        .min_connections(config.db_min_connections)
        .connect_timeout(Duration::from_secs(config.db_connect_timeout_secs))
        .acquire_timeout(Duration::from_secs(config.db_acquire_timeout_secs))
        .idle_timeout(Duration::from_secs(config.db_idle_timeout_secs))
        .max_lifetime(Duration::from_secs(30 * 60))
        .sqlx_logging(false);
    if config.is_postgres() {
        options
            .statement_timeout(Duration::from_secs(30))
            .set_application_name("kouza")
            .map_sqlx_postgres_pool_opts(|pool| {
                pool.after_release(keep_unless_in_transaction::<sea_orm::sqlx::Postgres>)
            });
    } else {
        options.map_sqlx_sqlite_pool_opts(|pool| {
            pool.after_release(keep_unless_in_transaction::<sea_orm::sqlx::Sqlite>)
        });
        let busy = Duration::from_millis(config.sqlite_busy_timeout_ms);
        let synchronous = if config.sqlite_synchronous == "normal" {
            SqliteSynchronous::Normal
        } else {
            SqliteSynchronous::Full
        };
        options.map_sqlx_sqlite_opts(move |opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(synchronous)
                .foreign_keys(true)
                .busy_timeout(busy)
                .create_if_missing(true)
                // The WAL is checkpointed every 1000 pages (SQLite's automatic
                // checkpoint, stated here so nobody turns it off unknowingly);
                // after a checkpoint the file is cut back to this size, so a
                // burst of writes does not leave a huge WAL behind.
                .pragma("wal_autocheckpoint", "1000")
                .pragma("journal_size_limit", JOURNAL_SIZE_LIMIT.to_string())
        });
    }
    Database::connect(options).await
}

/// Whether a connection handed back to the pool may be used again: not if it
/// is still inside a transaction. sqlx forgets nothing on a failed savepoint
/// release or rollback (its depth count stays up), so such a connection would
/// start the next request inside the old transaction — holding SQLite's write
/// lock, or refusing every statement on PostgreSQL. Closed instead, which
/// rolls the transaction back. A rollback of a dropped transaction is only
/// queued, so a connection that looks inside one is flushed (pinged) first.
fn keep_unless_in_transaction<DB>(
    conn: &mut DB::Connection,
    _: sea_orm::sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<bool, sea_orm::sqlx::Error>> + Send + '_>,
>
where
    DB: sea_orm::sqlx::Database,
{
    use sea_orm::sqlx::Connection;
    Box::pin(async move {
        if !conn.is_in_transaction() {
            return Ok(true);
        }
        conn.ping().await?;
        let inside = conn.is_in_transaction();
        if inside {
            tracing::warn!("a connection came back inside a transaction; closing it");
        }
        Ok(!inside)
    })
}

/// Brings the schema up to date. On PostgreSQL several instances may start at
/// once, so the migration runs under an advisory lock.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let txn = db.begin().await?;
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7400201)")
            .await?;
        Migrator::up(&txn, None).await?;
        txn.commit().await
    } else {
        Migrator::up(db, None).await
    }
}

/// Brings the schema up to date and loads the reference curricula, once, even
/// when several instances start at the same moment: on PostgreSQL both run in
/// one transaction under the migration's advisory lock, so the second instance
/// waits and then finds everything in place (the reference load reads, then
/// inserts, which two instances must not do at once).
pub async fn migrate_and_load_reference(
    db: &DatabaseConnection,
) -> Result<usize, crate::error::Error> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let txn = db.begin().await?;
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7400201)")
            .await?;
        Migrator::up(&txn, None).await?;
        let added = crate::services::curricula::load_reference(&txn).await?;
        txn.commit().await?;
        Ok(added)
    } else {
        Migrator::up(db, None).await?;
        let txn = begin_write(db).await?;
        let added = crate::services::curricula::load_reference(&txn).await?;
        txn.commit().await?;
        Ok(added)
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock at
/// BEGIN, so two writers queue on the busy timeout instead of deadlocking on
/// a lock upgrade.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        isolation_level: None,
        access_mode: Some(AccessMode::ReadWrite),
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    })
    .await
}
