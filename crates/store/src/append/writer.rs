//! The writing connection of an open append transaction, on either backend: opening it (the lock
//! and the first read in one round trip on SQLite), the reads made under the lock, and the end of
//! it (the writes with the commit, see [`writes`](super::writes), or a rollback).

use rampart_core::{IncidentId, IncidentKey};
use sqlx::pool::PoolConnection;
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, Postgres, Sqlite};

use super::decided::Decided;
use super::writes::{
    COMMIT, ROLLBACK, STATEMENTS_PER_TRIP, Statement, bind_statement, joined_text,
};
use crate::db::{AppendLock, Db, on_pool};
use crate::error::StoreError;
use crate::incidents;
use crate::rows;

const NEXT_KEY_NUMBER: &str = "INSERT INTO incident_keys (year, last_number) VALUES ($1, 1) \
     ON CONFLICT (year) DO UPDATE SET last_number = incident_keys.last_number + 1 \
     RETURNING last_number";
const SELECT_RECORD: &str = "SELECT record FROM incidents WHERE id = $1";

/// What an append does on failure.
const OPERATION: &str = "appending to the log";
/// The schema's refusal of a log entry that does not extend the global chain head (migration
/// `0008_entries_extend_the_head`).
pub(super) const STALE_HEAD: &str = "log entry does not extend the global chain head";

/// The writing connection with an append transaction open on it.
pub(super) enum Writer {
    Sqlite(Writing<Sqlite>),
    Postgres(Writing<Postgres>),
}

/// A pooled connection that is closed when dropped with the transaction still open (the
/// append's future was dropped half-way), so that no transaction is left behind on it.
pub(super) struct Writing<DB: sqlx::Database> {
    conn: PoolConnection<DB>,
    open: bool,
}

impl<DB: sqlx::Database> Drop for Writing<DB> {
    fn drop(&mut self) {
        if self.open {
            self.conn.close_on_drop();
        }
    }
}

impl From<PoolConnection<Sqlite>> for Writer {
    fn from(conn: PoolConnection<Sqlite>) -> Self {
        Writer::Sqlite(Writing { conn, open: true })
    }
}

impl From<PoolConnection<Postgres>> for Writer {
    fn from(conn: PoolConnection<Postgres>) -> Self {
        Writer::Postgres(Writing { conn, open: true })
    }
}

/// Runs `$body` with `$conn` bound to the writer's connection and `$lock` to its backend's
/// [`AppendLock`].
macro_rules! on_writer {
    ($writer:expr, |$conn:ident, $lock:ident| $body:expr) => {
        match $writer {
            Writer::Sqlite(writing) => {
                let $conn = &mut *writing.conn;
                let $lock = AppendLock::SQLITE;
                $body
            }
            Writer::Postgres(writing) => {
                let $conn = &mut *writing.conn;
                let $lock = AppendLock::POSTGRES;
                $body
            }
        }
    };
}

impl Writer {
    /// Takes the writing connection, opens the transaction with the global write lock, and reads
    /// the global chain head and (where the backend allows it in the same statement) the record of
    /// `first`.
    pub(super) async fn begin(
        db: &Db,
        first: Option<IncidentId>,
    ) -> Result<(Writer, Decided), StoreError> {
        let fail = db.fail(OPERATION);
        let mut writer = Writer::take(db).await?;
        writer.opening();
        // The record as text: decoded only if the cache does not hold the incident.
        let read: (i64, Vec<u8>, Option<String>) = on_writer!(&mut writer, |conn, lock| {
            if let Some(begin) = lock.begin_apart {
                sqlx::query(begin)
                    .execute(&mut *conn)
                    .await
                    .map_err(&fail)?;
            }
            let mut read = sqlx::query_as(lock.lock_and_read);
            if lock.lock_reads_record {
                read = read.bind(first.map(|id| *id.as_uuid()));
            }
            read.fetch_one(&mut *conn).await.map_err(&fail)?
        });
        let (seq, hash, record) = read;
        let head = rows::chain_head((seq, hash), || "the global chain head".to_owned())?;
        let cache_valid = db.appends.cache(|cache| cache.valid_at(head));
        let mut decided = Decided::new(head, cache_valid);
        if let Some(id) = first {
            match (decided.cached(db, id), record) {
                (Some(incident), _) => decided.learn(incident),
                (None, Some(record)) => decided.learn(incidents::decode_record_text(&record, &id)?),
                (None, None) => {}
            }
        }
        Ok((writer, decided))
    }

    /// The writing connection, with no transaction open on it: the one the last append kept, or one
    /// from the pool.
    pub(super) async fn take(db: &Db) -> Result<Writer, StoreError> {
        Ok(match db.appends.kept() {
            Some(kept) => kept,
            None => on_pool!(&db.pool, writer, |pool| {
                pool.acquire().await.map_err(db.fail(OPERATION))?.into()
            }),
        })
    }

    /// Marks a transaction as being opened: dropped from now until it ends, the connection closes.
    fn opening(&mut self) {
        match self {
            Writer::Sqlite(writing) => writing.open = true,
            Writer::Postgres(writing) => writing.open = true,
        }
    }

    /// Makes sure `decided` knows `incident`: from the store's cache when it holds the store as
    /// this transaction found it, else read under the lock.
    pub(super) async fn know(
        &mut self,
        db: &Db,
        decided: &mut Decided,
        incident: IncidentId,
    ) -> Result<(), StoreError> {
        if decided.knows(incident) {
            return Ok(());
        }
        let current = match decided.cached(db, incident) {
            Some(cached) => cached,
            None => self.read(db, incident).await?,
        };
        decided.learn(current);
        Ok(())
    }

    /// Reads the record of `incident` under the lock.
    async fn read(
        &mut self,
        db: &Db,
        incident: IncidentId,
    ) -> Result<rampart_core::Incident, StoreError> {
        let found: Option<(Json<serde_json::Value>,)> = on_writer!(self, |conn, _lock| {
            sqlx::query_as(SELECT_RECORD)
                .bind(incident.as_uuid())
                .fetch_optional(&mut *conn)
                .await
        })
        .map_err(db.fail(OPERATION))?;
        let (Json(record),) =
            found.ok_or_else(|| StoreError::IncidentNotFound(incident.to_string()))?;
        incidents::decode_record(record, &incident)
    }

    /// Takes the next key number of `year`.
    pub(super) async fn next_key(&mut self, db: &Db, year: u16) -> Result<IncidentKey, StoreError> {
        IncidentKey::new(year, 1)?;
        let (number,): (i64,) = on_writer!(self, |conn, _lock| {
            sqlx::query_as(NEXT_KEY_NUMBER)
                .bind(i64::from(year))
                .fetch_one(&mut *conn)
                .await
        })
        .map_err(db.fail(OPERATION))?;
        u32::try_from(number)
            .ok()
            .and_then(|number| IncidentKey::new(year, number).ok())
            .ok_or_else(|| {
                StoreError::Key(rampart_core::IdError::BadKey {
                    value: format!("INC-{year}-{number:04}"),
                })
            })
    }

    /// Sends the writes of `decided` and commits; on failure rolls back.
    pub(super) async fn commit(self, db: &Db, decided: &Decided) -> Result<(), StoreError> {
        self.write(db, decided, false).await.map_err(|(e, _)| e)
    }

    /// Opens the transaction with the global write lock, sends the writes of `decided` (decided
    /// against the cache, before anything was read) and commits, in one text: one round trip to
    /// SQLite's driver. `Ok(false)` when the schema refused the first entry because the global head
    /// is no longer the cache's (another process appended since): nothing was written and the
    /// cache is emptied.
    pub(super) async fn commit_presumed(
        mut self,
        db: &Db,
        decided: &Decided,
    ) -> Result<bool, StoreError> {
        self.opening();
        match self.write(db, decided, true).await {
            Ok(()) => Ok(true),
            Err((_, true)) => Ok(false),
            Err((e, false)) => Err(e),
        }
    }

    /// Sends the writes of `decided` and commits, opening the transaction first if `opens` (SQLite
    /// only). On failure rolls back and says whether the failure was the schema's refusal of an
    /// entry that does not extend the global head.
    async fn write(
        mut self,
        db: &Db,
        decided: &Decided,
        opens: bool,
    ) -> Result<(), (StoreError, bool)> {
        let statements = decided.statements();
        let sent: Result<(), sqlx::Error> = on_writer!(&mut self, |conn, lock| {
            async {
                if lock.batched_writes {
                    let mut trips: Vec<&[Statement<'_>]> =
                        statements.chunks(STATEMENTS_PER_TRIP).collect();
                    if trips.is_empty() {
                        trips.push(&[]);
                    }
                    let last = trips.len() - 1;
                    for (n, trip) in trips.into_iter().enumerate() {
                        let mut text = joined_text(trip, n == last);
                        if opens && n == 0 {
                            text.insert_str(0, &format!("{};\n", lock.begin));
                        }
                        let mut query = sqlx::query(AssertSqlSafe(text));
                        for statement in trip {
                            query = bind_statement!(query, statement);
                        }
                        query.execute(&mut *conn).await?;
                    }
                } else {
                    for statement in &statements {
                        bind_statement!(sqlx::query(statement.sql()), statement)
                            .execute(&mut *conn)
                            .await?;
                    }
                    sqlx::query(COMMIT).execute(&mut *conn).await?;
                }
                Ok(())
            }
            .await
        });
        match sent {
            Ok(()) => {
                db.appends.cache(|cache| {
                    cache.committed(decided.global_head(), decided.incidents());
                });
                self.close_transaction(db);
                Ok(())
            }
            Err(e) => {
                let stale = matches!(&e, sqlx::Error::Database(d) if d.message() == STALE_HEAD);
                db.appends.cache(super::cache::Cache::forget);
                self.rollback(db).await;
                Err((db.fail(OPERATION)(e), stale))
            }
        }
    }

    /// Rolls the transaction back. If that fails too (SQLite may already have rolled back, on a
    /// full disk), the connection is closed, which ends any transaction.
    pub(super) async fn rollback(mut self, db: &Db) {
        let rolled_back = on_writer!(&mut self, |conn, _lock| {
            sqlx::query(ROLLBACK).execute(&mut *conn).await.is_ok()
        });
        if rolled_back {
            self.close_transaction(db);
        }
    }

    /// Marks the transaction ended: a SQLite connection is kept for the next append, a PostgreSQL
    /// one goes back to the pool (which checks it is still alive before handing it out again).
    fn close_transaction(mut self, db: &Db) {
        match &mut self {
            Writer::Sqlite(writing) => {
                writing.open = false;
                db.appends.keep(self);
            }
            Writer::Postgres(writing) => writing.open = false,
        }
    }
}
