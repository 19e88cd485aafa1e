//! The two database backends behind one type, opening them, running their migrations, and turning
//! driver errors into [`StoreError`]s that say what failed and where.
//!
//! Every query is one SQL text run against whichever backend is open: `$1` placeholders, types and
//! clauses that SQLite and PostgreSQL both accept. [`on_pool!`] expands the same code once per
//! backend so each copy is type-checked against its own driver.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::config::{Database, StoreConfig};
use crate::error::StoreError;

/// SQLite schema migrations, embedded in the binary.
pub(crate) static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
/// PostgreSQL schema migrations, embedded in the binary.
pub(crate) static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a writer waits for another process holding the SQLite write lock.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to wait for a PostgreSQL connection before calling the server unavailable.
const POSTGRES_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// SQLite writing connections: appends keep one between them (back in the pool, the driver would
/// ping it on every return, a round trip to its worker thread), the other serves the other writes.
/// SQLite still lets one of them write at a time: every transaction that writes begins `IMMEDIATE`
/// (taking the write lock, waiting up to [`SQLITE_BUSY_TIMEOUT`]), appends are serialised in the
/// process ([`crate::append`]), and other writes are single statements.
const SQLITE_WRITERS: u32 = 2;
/// SQLite readers; WAL lets them run beside the one writer.
const SQLITE_READERS: u32 = 4;
/// PostgreSQL connections per process.
const POSTGRES_CONNECTIONS: u32 = 10;

/// An open database.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    /// SQLite: a single-connection pool for writes (its queue is the in-process writer order, so
    /// writers never spin on SQLite's busy handler) and a pool for reads.
    Sqlite {
        /// The one writing connection.
        writer: SqlitePool,
        /// Reading connections.
        reader: SqlitePool,
    },
    /// PostgreSQL: one pool for everything.
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the pool to use: the SQLite writer or reader (chosen by
/// `writer`/`reader`), or the PostgreSQL pool. `$lock` is bound to the statement that serialises
/// appends on that backend (see [`AppendLock`]).
macro_rules! on_pool {
    ($db:expr, $role:ident, |$pool:ident, $lock:ident| $body:expr) => {
        match $db {
            $crate::db::Pool::Sqlite { $role: $pool, .. } => {
                let $lock = $crate::db::AppendLock::SQLITE;
                let _ = &$lock;
                $body
            }
            $crate::db::Pool::Postgres($pool) => {
                let $lock = $crate::db::AppendLock::POSTGRES;
                let _ = &$lock;
                $body
            }
        }
    };
    ($db:expr, $role:ident, |$pool:ident| $body:expr) => {
        on_pool!($db, $role, |$pool, _lock| $body)
    };
}
pub(crate) use on_pool;

/// How a transaction takes the one global write lock, and how an append talks to each backend.
///
/// SQLite: `BEGIN IMMEDIATE` takes the database write lock at the start of the transaction, so
/// the head read next cannot change before commit. PostgreSQL: a plain `BEGIN`, then the head row
/// is read `FOR UPDATE`, which makes every other append wait on that row until commit.
///
/// SQLite's driver runs each connection on a worker thread and every statement sent is a round trip
/// to it, so on SQLite an append sends its `BEGIN IMMEDIATE` with its first read, and all its writes
/// with the `COMMIT`, as one multi-statement text each (see `append/writes.rs`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AppendLock {
    /// The statement that opens a transaction.
    pub(crate) begin: &'static str,
    /// For an append: the statement sent before [`lock_and_read`](Self::lock_and_read), if that
    /// does not open the transaction itself.
    pub(crate) begin_apart: Option<&'static str>,
    /// For an append: takes the lock (opening the transaction on SQLite) and reads the global
    /// chain head (`seq`, `hash`) and, if [`lock_reads_record`](Self::lock_reads_record), the
    /// record of incident `$1` (else, or when `$1` is NULL or names no incident, NULL).
    pub(crate) lock_and_read: &'static str,
    /// Whether [`lock_and_read`](Self::lock_and_read) reads a record. Not on PostgreSQL: there a
    /// statement that waits for a row lock still reads other tables as they were when it started,
    /// so the record is read by the next statement, once the lock is held.
    pub(crate) lock_reads_record: bool,
    /// Whether an append sends its writes and the commit as one multi-statement text.
    pub(crate) batched_writes: bool,
}

impl AppendLock {
    pub(crate) const SQLITE: AppendLock = AppendLock {
        begin: "BEGIN IMMEDIATE",
        begin_apart: None,
        lock_and_read: "BEGIN IMMEDIATE; \
            SELECT seq, hash, (SELECT record FROM incidents WHERE id = $1) \
            FROM chain_head WHERE id = 1",
        lock_reads_record: true,
        batched_writes: true,
    };
    pub(crate) const POSTGRES: AppendLock = AppendLock {
        begin: "BEGIN",
        begin_apart: Some("BEGIN"),
        lock_and_read: "SELECT seq, hash, NULL FROM chain_head WHERE id = 1 FOR UPDATE",
        lock_reads_record: false,
        batched_writes: false,
    };
}

/// The open database and where it is, for messages.
#[derive(Debug, Clone)]
pub(crate) struct Db {
    pub(crate) pool: Pool,
    /// The open append transaction and the appends queued for it (group commit).
    pub(crate) appends: Arc<crate::append::Appends>,
    place: Arc<str>,
}

impl Db {
    /// Opens (creating if needed) the database named by `config` and brings its schema up to date.
    pub(crate) async fn open(config: &StoreConfig) -> Result<Self, StoreError> {
        let place: Arc<str> = config.place().into();
        let pool = match config.database() {
            Database::Sqlite => {
                let path = config.data_dir().join(crate::config::SQLITE_FILE);
                let options = SqliteConnectOptions::new()
                    .filename(&path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: the WAL is synced at every commit, so an acknowledged append survives
                    // a power loss as well as a crash (docs/storage.md).
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true);
                let opening = |e| sqlite_error(&place, "opening the database", e);
                // A pooled connection to a local file does not go stale: no ping before each
                // use, which would cost a round trip to the driver's worker thread per append.
                let writer = SqlitePoolOptions::new()
                    .max_connections(SQLITE_WRITERS)
                    .test_before_acquire(false)
                    .connect_with(options.clone())
                    .await
                    .map_err(opening)?;
                // A reader's driver may run a whole verification range ahead of the task taking its
                // rows, rather than waiting for room after every row.
                let reader_options = options.row_buffer_size(crate::log::DEFAULT_BATCH as usize);
                let reader = SqlitePoolOptions::new()
                    .max_connections(SQLITE_READERS)
                    .test_before_acquire(false)
                    .connect_with(reader_options)
                    .await
                    .map_err(opening)?;
                migrate(&SQLITE_MIGRATIONS, &writer, &place, Backend::Sqlite).await?;
                Pool::Sqlite { writer, reader }
            }
            Database::Postgres { url } => {
                let options = PgConnectOptions::from_str(url).map_err(|e| {
                    StoreError::Config(format!("database URL {place} cannot be used: {e}"))
                })?;
                let pool = PgPoolOptions::new()
                    .max_connections(POSTGRES_CONNECTIONS)
                    .acquire_timeout(POSTGRES_ACQUIRE_TIMEOUT)
                    .connect_with(options)
                    .await
                    .map_err(|e| postgres_error(&place, "connecting", e))?;
                migrate(&POSTGRES_MIGRATIONS, &pool, &place, Backend::Postgres).await?;
                Pool::Postgres(pool)
            }
        };
        Ok(Self {
            pool,
            appends: Arc::default(),
            place,
        })
    }

    /// A mapper from driver errors during `operation` to store errors.
    pub(crate) fn fail(&self, operation: &'static str) -> impl Fn(sqlx::Error) -> StoreError + '_ {
        move |e| match self.pool {
            Pool::Sqlite { .. } => sqlite_error(&self.place, operation, e),
            Pool::Postgres(_) => postgres_error(&self.place, operation, e),
        }
    }

    /// Closes every connection (SQLite checkpoints its WAL on the last close).
    pub(crate) async fn close(&self) {
        self.appends.release();
        match &self.pool {
            Pool::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

async fn migrate<'a, A>(
    migrator: &Migrator,
    pool: A,
    place: &str,
    backend: Backend,
) -> Result<(), StoreError>
where
    A: sqlx::Acquire<'a>,
    <A::Connection as std::ops::Deref>::Target: sqlx::migrate::Migrate,
{
    let latest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    migrator.run(pool).await.map_err(|e| match e {
        MigrateError::VersionMissing(version) => StoreError::NewerSchema {
            place: place.to_owned(),
            version,
            latest,
        },
        MigrateError::VersionMismatch(version) | MigrateError::Dirty(version) => {
            StoreError::SchemaMismatch {
                place: place.to_owned(),
                version,
            }
        }
        MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => match backend {
            Backend::Sqlite => sqlite_error(place, "migrating the schema", e),
            Backend::Postgres => postgres_error(place, "migrating the schema", e),
        },
        other => StoreError::Unavailable {
            place: place.to_owned(),
            operation: "migrating the schema",
            source: Box::new(other),
        },
    })
}

/// SQLite primary result codes that mean the file itself is damaged or the disk is full.
const SQLITE_CORRUPT: i64 = 11;
const SQLITE_FULL: i64 = 13;
const SQLITE_NOTADB: i64 = 26;

fn sqlite_error(place: &str, operation: &'static str, e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let primary = db
            .code()
            .and_then(|c| c.parse::<i64>().ok())
            .map(|c| c & 0xff);
        match primary {
            Some(SQLITE_CORRUPT | SQLITE_NOTADB) => {
                return StoreError::Corrupt {
                    place: place.to_owned(),
                    detail: db.message().to_owned(),
                };
            }
            Some(SQLITE_FULL) => {
                return StoreError::DiskFull {
                    place: place.to_owned(),
                    detail: db.message().to_owned(),
                };
            }
            _ => {}
        }
    }
    unavailable(place, operation, e)
}

/// PostgreSQL SQLSTATEs for a full disk and for damaged data or indexes.
const PG_DISK_FULL: &str = "53100";
const PG_DATA_CORRUPTED: &str = "XX001";
const PG_INDEX_CORRUPTED: &str = "XX002";

fn postgres_error(place: &str, operation: &'static str, e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        match db.code().as_deref() {
            Some(PG_DISK_FULL) => {
                return StoreError::DiskFull {
                    place: place.to_owned(),
                    detail: db.message().to_owned(),
                };
            }
            Some(PG_DATA_CORRUPTED | PG_INDEX_CORRUPTED) => {
                return StoreError::Corrupt {
                    place: place.to_owned(),
                    detail: db.message().to_owned(),
                };
            }
            _ => {}
        }
    }
    unavailable(place, operation, e)
}

fn unavailable(place: &str, operation: &'static str, e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        return StoreError::Conflict {
            operation,
            detail: db.message().to_owned(),
        };
    }
    if let sqlx::Error::Io(io) = &e
        && io.kind() == std::io::ErrorKind::StorageFull
    {
        return StoreError::DiskFull {
            place: place.to_owned(),
            detail: io.to_string(),
        };
    }
    StoreError::Unavailable {
        place: place.to_owned(),
        operation,
        source: Box::new(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(migrator: &Migrator) -> Vec<(i64, String)> {
        migrator
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    #[test]
    fn both_backends_ship_the_same_migrations() {
        let sqlite = listing(&SQLITE_MIGRATIONS);
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, listing(&POSTGRES_MIGRATIONS));
    }
}
