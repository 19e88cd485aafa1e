//! Reading the log back: one incident's entries, every entry in global order in batches, and the
//! verification of both chains against the heads the store keeps.

use std::collections::VecDeque;

use futures_util::TryStreamExt;
use rampart_core::{
    BreakKind, ChainBreak, ChainHead, EntryHasher, HashedEntry, Incident, IncidentId, LogEntry,
    LogVerifier, VerifySummary,
};
use tokio::task::JoinHandle;

use crate::Store;
use crate::db::on_pool;
use crate::error::StoreError;
use crate::rows::{self, EntryRow, select_entries};

/// Entries read per query when streaming the whole log.
pub const DEFAULT_BATCH: u32 = 10_000;
/// Ranges of the log read at the same time during verification, each on its own reading
/// connection: three of SQLite's four, so that a server verifying its log still answers other
/// reads. Two keep both cores of a small machine busy; a third rides out the pauses of each
/// connection's hand-over (500,000 entries, busy 2-core machine: 2.8–3.4 s against 3.0–3.7 s).
const READS_IN_FLIGHT: usize = 3;

/// The outcome of verifying stored entries: a summary, or the first bad entry.
pub type Verification = Result<VerifySummary, ChainBreak>;

impl Store {
    /// The head of the global chain: the number of entries and the last `global_hash`.
    pub async fn global_head(&self) -> Result<ChainHead, StoreError> {
        let row: (i64, Vec<u8>) = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as("SELECT seq, hash FROM chain_head WHERE id = 1")
                .fetch_one(pool)
                .await
        })
        .map_err(self.db.fail("reading the global chain head"))?;
        rows::chain_head(row, || "global chain head".to_owned())
    }

    /// Every entry of one incident, in its order.
    pub async fn log_of(&self, incident: IncidentId) -> Result<Vec<LogEntry>, StoreError> {
        let found: Vec<EntryRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(select_entries!("WHERE incident_id = $1 ORDER BY seq"))
                .bind(incident.as_uuid())
                .fetch_all(pool)
                .await
        })
        .map_err(self.db.fail("reading an incident's log"))?;
        found.into_iter().map(EntryRow::into_entry).collect()
    }

    /// All entries in global order, read `batch_size` at a time so that a log of any length is
    /// walked in bounded memory.
    pub fn entries_in_global_order(&self, batch_size: u32) -> GlobalEntries<'_> {
        GlobalEntries {
            store: self,
            after: 0,
            batch_size: batch_size.max(1),
            done: false,
        }
    }

    /// Verifies the whole log (both chains, every entry) and that it ends at the stored global head:
    /// an edit, deletion, insertion or reordering anywhere is named by its first bad entry.
    pub async fn verify_log(&self) -> Result<Verification, StoreError> {
        // The head is read first: entries appended while this runs lie beyond it and are left for
        // the next verification.
        let head = self.global_head().await?;
        let mut verifier = LogVerifier::new();
        // The log is read in ranges of global sequence numbers, [`READS_IN_FLIGHT`] at a time, each
        // on a task of its own that decodes and hashes every entry as it arrives; this task checks
        // the links of the earliest range meanwhile. Reading (the driver hands rows over one at a
        // time) and hashing use every core. A range the tampering left short or empty is read all
        // the same, and the checks name what is missing.
        let mut ranges = (0..head.seq)
            .step_by(DEFAULT_BATCH as usize)
            .map(|after| (after, head.seq.min(after + u64::from(DEFAULT_BATCH))));
        let mut reading = Reads(VecDeque::new());
        loop {
            reading.fill(self, &mut ranges);
            let Some(next) = reading.0.pop_front() else {
                break;
            };
            let batch = next.await.map_err(|e| {
                StoreError::Interrupted(format!("reading the log for verification stopped: {e}"))
            })??;
            reading.fill(self, &mut ranges);
            if let Err(bad) = batch.into_iter().try_for_each(|e| verifier.push_hashed(e)) {
                return Ok(Err(bad));
            }
        }
        Ok(verifier.finish_expecting(head))
    }

    /// Verifies one incident's chain and that it ends at the head recorded in the incident's
    /// projection (which is written in the same transaction as each entry).
    pub async fn verify_incident(&self, incident: IncidentId) -> Result<Verification, StoreError> {
        let recorded = self.incident(incident).await?;
        let log = self.log_of(incident).await?;
        Ok(verify_incident_log(&recorded, &log))
    }
}

impl Store {
    /// The entries with global sequence numbers in `(after, last]`, in order, each hashed as its
    /// row arrives (the rows are not collected first: a task busy with each row keeps pace with the
    /// driver instead of waiting for every row in turn).
    async fn hashed_entries_in(
        &self,
        after: u64,
        last: u64,
    ) -> Result<Vec<HashedEntry>, StoreError> {
        let bound = |n| rows::to_i64(n, || format!("global sequence number {n}"));
        let (first, second) = (bound(after)?, bound(last)?);
        let capacity = usize::try_from(last.saturating_sub(after)).unwrap_or(0);
        let mut hashed = Vec::with_capacity(capacity.min(DEFAULT_BATCH as usize));
        let mut hasher = EntryHasher::default();
        let fail = self.db.fail("reading the log");
        on_pool!(&self.db.pool, reader, |pool| {
            let mut rows = sqlx::query_as::<_, EntryRow>(select_entries!(
                "WHERE global_seq > $1 AND global_seq <= $2 ORDER BY global_seq"
            ))
            .bind(first)
            .bind(second)
            .fetch(pool);
            while let Some(row) = rows.try_next().await.map_err(&fail)? {
                hashed.push(hasher.hash(row.into_entry()?));
            }
        });
        Ok(hashed)
    }

    /// Runs a query of entries that binds two integers.
    async fn fetch_entries(
        &self,
        sql: &'static str,
        first: i64,
        second: i64,
    ) -> Result<Vec<EntryRow>, StoreError> {
        on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(sql)
                .bind(first)
                .bind(second)
                .fetch_all(pool)
                .await
        })
        .map_err(self.db.fail("reading the log"))
    }
}

/// Ranges of the log being read for verification, earliest first; dropped early (a bad entry was
/// found, or the caller gave up), it stops the reads still running.
struct Reads(VecDeque<JoinHandle<Result<Vec<HashedEntry>, StoreError>>>);

impl Reads {
    /// Starts reading the next ranges until [`READS_IN_FLIGHT`] are being read.
    fn fill(&mut self, store: &Store, ranges: &mut impl Iterator<Item = (u64, u64)>) {
        while self.0.len() < READS_IN_FLIGHT {
            let Some((after, last)) = ranges.next() else {
                return;
            };
            let store = store.clone();
            self.0.push_back(tokio::spawn(async move {
                store.hashed_entries_in(after, last).await
            }));
        }
    }
}

impl Drop for Reads {
    fn drop(&mut self) {
        for read in &self.0 {
            read.abort();
        }
    }
}

/// Verifies `log`, the whole log of `incident` as read with [`Store::log_of`] after `incident`
/// itself, and that it ends at the head recorded in `incident` (as [`Store::verify_incident`]
/// does, for a caller that already holds both).
pub fn verify_incident_log(incident: &Incident, log: &[LogEntry]) -> Verification {
    let expected = incident.head();
    let mut verifier = LogVerifier::for_incident(incident.id());
    let mut found = ChainHead::GENESIS;
    for entry in log {
        verifier.push(entry)?;
        found = entry.incident_head();
    }
    let summary = verifier.finish();
    if found != expected {
        return Err(ChainBreak {
            index: summary.entries,
            entry: None,
            kind: Box::new(BreakKind::Truncated { expected, found }),
        });
    }
    Ok(summary)
}

/// A walk over every log entry in global order, a batch at a time
/// ([`Store::entries_in_global_order`]).
#[derive(Debug)]
pub struct GlobalEntries<'s> {
    store: &'s Store,
    after: i64,
    batch_size: u32,
    done: bool,
}

impl GlobalEntries<'_> {
    /// The next batch, or `None` after the last entry.
    pub async fn next_batch(&mut self) -> Result<Option<Vec<LogEntry>>, StoreError> {
        if self.done {
            return Ok(None);
        }
        let found = self
            .store
            .fetch_entries(
                select_entries!("WHERE global_seq > $1 ORDER BY global_seq LIMIT $2"),
                self.after,
                i64::from(self.batch_size),
            )
            .await?;
        if found.len() < self.batch_size as usize {
            self.done = true;
        }
        match found.last() {
            Some(last) => self.after = last.global_seq,
            None => return Ok(None),
        }
        found
            .into_iter()
            .map(EntryRow::into_entry)
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}
