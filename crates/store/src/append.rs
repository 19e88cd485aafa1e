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
//! round trips to the driver's worker thread and one sync of the WAL. Concurrent single appends
//! share a transaction and its commit ([`group`]). An append that comes alone, for an incident
//! this process wrote last, is one round trip: it decides against the incident as cached and sends
//! the lock, the writes and the commit together; the schema refuses its entry if another process
//! moved the global head meanwhile, and the append then takes the ordinary way.

mod cache;
mod decided;
mod group;
mod writer;
mod writes;

use rampart_core::{DomainError, EntryDraft, Incident, IncidentId, IncidentKey, LogEntry};

use crate::Store;
use crate::error::StoreError;
pub(crate) use group::Appends;
use writer::Writer;

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
    /// store unchanged. Appends made at the same time may share one transaction and its commit;
    /// each returns once that commit is durable.
    ///
    /// `decide` may be called more than once: an append first decides against the incident as this
    /// process last wrote it, and decides again against the stored incident if another process
    /// wrote since (or if that first decision was refused). Only the last call's result counts,
    /// so `decide` should have no effect beyond its result (or overwrite what an earlier call left).
    pub async fn append<G>(&self, incident: IncidentId, decide: G) -> Result<Appended, StoreError>
    where
        G: FnMut(&Incident) -> Result<EntryDraft, DomainError> + Send,
    {
        self.db.appends.join(&self.db, incident, decide).await
    }

    /// Opens one incident per decision, in order, in a single transaction: all of them or none.
    /// Each takes the next key of `key_year`. For bulk work (imports), where one commit per
    /// incident would be slow.
    pub async fn open_incidents<F>(
        &self,
        key_year: u16,
        decisions: Vec<F>,
    ) -> Result<Vec<Appended>, StoreError>
    where
        F: FnOnce(IncidentKey) -> Result<EntryDraft, DomainError> + Send,
    {
        let targets = decisions
            .into_iter()
            .map(|decide| Target::Open {
                year: key_year,
                decide,
            })
            .collect();
        self.transact::<F, NextDecision>(targets).await
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
        let _alone = self.db.appends.alone(&self.db).await;
        let first = targets.first().and_then(Target::incident);
        let (mut writer, mut decided) = Writer::begin(&self.db, first).await?;
        let outcome: Result<(), StoreError> = async {
            for target in targets {
                match target {
                    Target::Open { year, decide } => {
                        let key = writer.next_key(&self.db, year).await?;
                        decided.open(decide(key)?)?;
                    }
                    Target::Next { incident, decide } => {
                        writer.know(&self.db, &mut decided, incident).await?;
                        decided.next(incident, decide)?;
                    }
                }
            }
            Ok(())
        }
        .await;
        match outcome {
            Ok(()) => {
                writer.commit(&self.db, &decided).await?;
                Ok(decided.appended)
            }
            Err(e) => {
                writer.rollback(&self.db).await;
                Err(e)
            }
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
