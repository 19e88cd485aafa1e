//! The append: the one way anything is written. In a single transaction it takes the global write
//! lock, reads the global chain head and the incident, lets the caller decide the entry against
//! the incident as it is now, seals the entry, applies it to the projection, and writes the entry,
//! the projection and its evidence rows: all or nothing. (The global head row follows each inserted
//! entry by a trigger of the schema.)
//!
//! Appends are serialised globally because every entry links to the one global chain head (see
//! [`AppendLock`](crate::db::AppendLock) for how each backend does it, and `docs/storage.md`).
//! The lock is taken in the same round trip as the first read, and the writes are collected while
//! deciding and sent together with the commit ([`writes`]): on SQLite an ordinary append is two
//! round trips to the driver's worker thread and one sync of the WAL.

mod decided;
mod writes;

use rampart_core::{DomainError, EntryDraft, IdError, Incident, IncidentId, IncidentKey, LogEntry};
use sqlx::AssertSqlSafe;
use sqlx::pool::PoolConnection;
use sqlx::types::Json;

use crate::Store;
use crate::db::on_pool;
use crate::error::StoreError;
use crate::incidents;
use crate::rows;
use decided::Decided;
use writes::{COMMIT, ROLLBACK, STATEMENTS_PER_TRIP, Statement, bind_statement, joined_text};

/// What an append wrote: the sealed entry and the incident with it applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The entry as stored.
    pub entry: LogEntry,
    /// The incident after the entry.
    pub incident: Incident,
}

/// The draft of an opening entry, given the key the store assigns.
type OpenDecision = fn(IncidentKey) -> Result<EntryDraft, DomainError>;
/// The draft of an incident's next entry, given the incident as it is.
type NextDecision = fn(&Incident) -> Result<EntryDraft, DomainError>;

/// Which incident an append is for, and how its entry is decided.
enum Target<F, G> {
    /// A new incident whose key takes the next number of `year`.
    Open { year: u16, decide: F },
    /// An existing incident.
    Next { incident: IncidentId, decide: G },
}

const NEXT_KEY_NUMBER: &str = "INSERT INTO incident_keys (year, last_number) VALUES ($1, 1) \
     ON CONFLICT (year) DO UPDATE SET last_number = incident_keys.last_number + 1 \
     RETURNING last_number";
const SELECT_RECORD: &str = "SELECT record FROM incidents WHERE id = $1";

impl Store {
    /// Opens an incident: assigns the next key of `key_year` (`INC-<key_year>-NNNN`), asks
    /// `decide` for the opening entry with that key (typically [`Incident::open`]) and appends it.
    pub async fn open_incident<F>(&self, key_year: u16, decide: F) -> Result<Appended, StoreError>
    where
        F: FnOnce(IncidentKey) -> Result<EntryDraft, DomainError> + Send,
    {
        let target = Target::Open {
            year: key_year,
            decide,
        };
        let mut appended = self.transact::<F, NextDecision>(vec![target]).await?;
        appended.pop().ok_or(StoreError::Interrupted(
            "the append wrote nothing".to_owned(),
        ))
    }

    /// Appends the next entry of an incident. `decide` sees the incident as it is under the write
    /// lock (typically it calls [`Incident::decide`]) and returns the draft to seal. A refused
    /// decision, a draft that does not seal, or an entry the incident does not accept leaves the
    /// store unchanged.
    pub async fn append<G>(&self, incident: IncidentId, decide: G) -> Result<Appended, StoreError>
    where
        G: FnOnce(&Incident) -> Result<EntryDraft, DomainError> + Send,
    {
        let mut appended = self.append_batch(vec![(incident, decide)]).await?;
        appended.pop().ok_or(StoreError::Interrupted(
            "the append wrote nothing".to_owned(),
        ))
    }

    /// Appends one entry per `(incident, decide)` pair, in order, in a single transaction: all of
    /// them or none. Each decision sees its incident as the earlier entries of the batch left it.
    /// For bulk work (imports, many changes at once), where one commit per entry would be slow.
    pub async fn append_batch<G>(
        &self,
        changes: Vec<(IncidentId, G)>,
    ) -> Result<Vec<Appended>, StoreError>
    where
        G: FnOnce(&Incident) -> Result<EntryDraft, DomainError> + Send,
    {
        let targets = changes
            .into_iter()
            .map(|(incident, decide)| Target::Next { incident, decide })
            .collect();
        self.transact::<OpenDecision, G>(targets).await
    }

    async fn transact<F, G>(&self, targets: Vec<Target<F, G>>) -> Result<Vec<Appended>, StoreError>
    where
        F: FnOnce(IncidentKey) -> Result<EntryDraft, DomainError> + Send,
        G: FnOnce(&Incident) -> Result<EntryDraft, DomainError> + Send,
    {
        let fail = self.db.fail("appending to the log");
        on_pool!(&self.db.pool, writer, |pool, lock| {
            let mut guard = Writing {
                conn: pool.acquire().await.map_err(&fail)?,
                open: true,
            };
            let appended: Result<Vec<Appended>, StoreError> = async {
                let conn = &mut *guard.conn;
                if let Some(begin) = lock.begin_apart {
                    sqlx::query(begin)
                        .execute(&mut *conn)
                        .await
                        .map_err(&fail)?;
                }
                let first = targets.first().and_then(Target::incident);
                let mut read = sqlx::query_as(lock.lock_and_read);
                if lock.lock_reads_record {
                    read = read.bind(first.map(|id| *id.as_uuid()));
                }
                let (seq, hash, record): (i64, Vec<u8>, Option<Json<serde_json::Value>>) =
                    read.fetch_one(&mut *conn).await.map_err(&fail)?;
                let head = rows::chain_head((seq, hash), || "the global chain head".to_owned())?;
                let mut decided = Decided::new(head);
                if let (Some(id), Some(Json(record))) = (first, record) {
                    decided.learn(incidents::decode_record(record, &id)?);
                }
                for target in targets {
                    match target {
                        Target::Open { year, decide } => {
                            IncidentKey::new(year, 1)?;
                            let (number,): (i64,) = sqlx::query_as(NEXT_KEY_NUMBER)
                                .bind(i64::from(year))
                                .fetch_one(&mut *conn)
                                .await
                                .map_err(&fail)?;
                            decided.open(decide(next_key(year, number)?)?)?;
                        }
                        Target::Next { incident, decide } => {
                            if !decided.knows(incident) {
                                let record: Option<(Json<serde_json::Value>,)> =
                                    sqlx::query_as(SELECT_RECORD)
                                        .bind(incident.as_uuid())
                                        .fetch_optional(&mut *conn)
                                        .await
                                        .map_err(&fail)?;
                                let (Json(record),) = record.ok_or_else(|| {
                                    StoreError::IncidentNotFound(incident.to_string())
                                })?;
                                decided.learn(incidents::decode_record(record, &incident)?);
                            }
                            decided.next(incident, decide)?;
                        }
                    }
                }
                let statements = decided.statements();
                if lock.batched_writes {
                    let mut trips: Vec<&[Statement<'_>]> =
                        statements.chunks(STATEMENTS_PER_TRIP).collect();
                    if trips.is_empty() {
                        trips.push(&[]);
                    }
                    let last = trips.len() - 1;
                    for (n, trip) in trips.into_iter().enumerate() {
                        let mut query = sqlx::query(AssertSqlSafe(joined_text(trip, n == last)));
                        for statement in trip {
                            query = bind_statement!(query, statement);
                        }
                        query.execute(&mut *conn).await.map_err(&fail)?;
                    }
                } else {
                    for statement in &statements {
                        bind_statement!(sqlx::query(statement.sql()), statement)
                            .execute(&mut *conn)
                            .await
                            .map_err(&fail)?;
                    }
                    sqlx::query(COMMIT)
                        .execute(&mut *conn)
                        .await
                        .map_err(&fail)?;
                }
                drop(statements);
                Ok(decided.appended)
            }
            .await;
            // Committed, or rolled back here; if the rollback fails too (SQLite may already have
            // rolled back, on a full disk), the connection is closed, which ends any transaction.
            guard.open = appended.is_err()
                && sqlx::query(ROLLBACK)
                    .execute(&mut *guard.conn)
                    .await
                    .is_err();
            appended
        })
    }
}

/// The writing connection during an append. Closed when dropped with the transaction still open
/// (the append's future was dropped half-way), so that no transaction is left behind on it.
struct Writing<DB: sqlx::Database> {
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

impl<F, G> Target<F, G> {
    /// The existing incident this target appends to.
    fn incident(&self) -> Option<IncidentId> {
        match self {
            Target::Open { .. } => None,
            Target::Next { incident, .. } => Some(*incident),
        }
    }
}

/// The key with the `number` the year's counter gave out.
fn next_key(year: u16, number: i64) -> Result<IncidentKey, StoreError> {
    u32::try_from(number)
        .ok()
        .and_then(|number| IncidentKey::new(year, number).ok())
        .ok_or_else(|| {
            StoreError::Key(IdError::BadKey {
                value: format!("INC-{year}-{number:04}"),
            })
        })
}
