//! Reading the log back: one incident's entries, every entry in global order in batches, and the
//! verification of both chains against the heads the store keeps.

use rampart_core::{
    BreakKind, ChainBreak, ChainHead, IncidentId, LogEntry, LogVerifier, VerifySummary,
};

use crate::Store;
use crate::db::on_pool;
use crate::error::StoreError;
use crate::rows::{self, EntryRow};

/// Entries read per query when streaming the whole log.
pub const DEFAULT_BATCH: u32 = 10_000;

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
            sqlx::query_as(
                "SELECT global_seq, incident_id, seq, at, actor, kind, payload, text, prev_hash, \
                 hash, global_prev_hash, global_hash \
                 FROM log_entries WHERE incident_id = $1 ORDER BY seq",
            )
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
        // Batches are read on another task while the last one is checked: on a multi-threaded
        // runtime, reading (the driver hands rows over one at a time, which is most of the cost)
        // and hashing use both cores instead of taking turns.
        let (batches, mut read) = tokio::sync::mpsc::channel(1);
        let store = self.clone();
        tokio::spawn(async move {
            let mut entries = store.entries_in_global_order(DEFAULT_BATCH);
            loop {
                let batch = entries.next_batch().await;
                let more = matches!(&batch, Ok(Some(b)) if b.last().is_some_and(|e| e.global_seq < head.seq));
                if batches.send(batch).await.is_err() || !more {
                    break;
                }
            }
        });
        while let Some(batch) = read.recv().await {
            let Some(batch) = batch? else { break };
            if let Err(bad) = check_up_to(&mut verifier, &batch, head.seq) {
                return Ok(Err(bad));
            }
        }
        Ok(verifier.finish_expecting(head))
    }

    /// Verifies one incident's chain and that it ends at the head recorded in the incident's
    /// projection (which is written in the same transaction as each entry).
    pub async fn verify_incident(&self, incident: IncidentId) -> Result<Verification, StoreError> {
        let expected = self.incident(incident).await?.head();
        let mut verifier = LogVerifier::for_incident(incident);
        let mut found = ChainHead::GENESIS;
        for entry in self.log_of(incident).await? {
            if let Err(bad) = verifier.push(&entry) {
                return Ok(Err(bad));
            }
            found = entry.incident_head();
        }
        let summary = verifier.finish();
        if found != expected {
            return Ok(Err(ChainBreak {
                index: summary.entries,
                entry: None,
                kind: Box::new(BreakKind::Truncated { expected, found }),
            }));
        }
        Ok(Ok(summary))
    }
}

/// Feeds the entries of `batch` up to global sequence number `end` to `verifier`.
fn check_up_to(verifier: &mut LogVerifier, batch: &[LogEntry], end: u64) -> Result<(), ChainBreak> {
    batch
        .iter()
        .take_while(|e| e.global_seq <= end)
        .try_for_each(|entry| verifier.push(entry))
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
        let db = &self.store.db;
        let found: Vec<EntryRow> = on_pool!(&db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT global_seq, incident_id, seq, at, actor, kind, payload, text, prev_hash, \
                 hash, global_prev_hash, global_hash \
                 FROM log_entries WHERE global_seq > $1 ORDER BY global_seq LIMIT $2",
            )
            .bind(self.after)
            .bind(i64::from(self.batch_size))
            .fetch_all(pool)
            .await
        })
        .map_err(db.fail("reading the log"))?;
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
