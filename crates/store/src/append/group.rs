//! Group commit: appends that arrive while another is being decided share its transaction, its
//! commit and its one sync of the disk.
//!
//! Appends queue for the one open transaction (a fair lock: first come, first served). The first
//! opens it (takes the global write lock, reads the head); each next one decides its entry in it,
//! under the same lock, against its incident as the earlier entries of the group left it. The
//! append that finds nobody queued behind it sends every write of the group with the commit, then
//! acknowledges each member; nobody is acknowledged before that commit is on disk. A refused
//! decision leaves the group as it was; a failed commit fails every member. When an append leaves
//! others queued it starts a committer task, queued behind them, so that an open group is always
//! committed even if the appends after it are abandoned.
//!
//! Bulk appends ([`Store::append_batch`](crate::Store::append_batch)) and openings run alone: they
//! commit the open group first, then run their own transaction, all or nothing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError};

use rampart_core::{DomainError, EntryDraft, Incident, IncidentId};
use tokio::sync::{Mutex, MutexGuard, oneshot};

use super::Appended;
use super::cache::Cache;
use super::decided::Decided;
use super::writer::Writer;
use crate::db::{Db, Pool};
use crate::error::StoreError;

/// Solo commits in a row after which an append takes the one-trip way ([`presumed`]).
const SOLO_BEFORE_ONE_TRIP: usize = 4;

/// The open append transaction of a store, if any, and the appends queued for it.
#[derive(Default)]
pub(crate) struct Appends {
    open: Mutex<Option<Group>>,
    queued: AtomicUsize,
    /// Commits in a row that carried one append with none waiting when they ended. Appends take
    /// the one-trip way only after [`SOLO_BEFORE_ONE_TRIP`] of them: while appends come together,
    /// they do better sharing a transaction than committing one at a time.
    solo_commits: AtomicUsize,
    /// The SQLite connection the last append wrote on, kept for the next one: back in the pool,
    /// the driver would ping it (a round trip to its worker thread) on every return.
    kept: std::sync::Mutex<Option<Writer>>,
    /// The incidents as the last commit left them.
    cache: std::sync::Mutex<Cache>,
}

impl std::fmt::Debug for Appends {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Appends")
            .field("queued", &self.queued.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// An open transaction with the entries decided in it, and whom to acknowledge at its commit.
pub(super) struct Group {
    writer: Writer,
    decided: Decided,
    members: Vec<oneshot::Sender<Result<Appended, StoreError>>>,
    committer: bool,
}

/// What one append learns of its group's commit.
type Ack = oneshot::Receiver<Result<Appended, StoreError>>;

impl Appends {
    /// The connection kept by the last append, if any.
    pub(super) fn kept(&self) -> Option<Writer> {
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Keeps `writer`, whose transaction has ended, for the next append.
    pub(super) fn keep(&self, writer: Writer) {
        *self.kept.lock().unwrap_or_else(PoisonError::into_inner) = Some(writer);
    }

    /// Runs `f` on the cache of incidents (appends are serialised: nobody waits here).
    pub(super) fn cache<T>(&self, f: impl FnOnce(&mut Cache) -> T) -> T {
        f(&mut self.cache.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Gives the kept connection back to its pool, which can then close.
    pub(crate) fn release(&self) {
        drop(self.kept());
    }

    /// Counts, as a commit of `members` appends ends, whether it was a solo commit.
    fn note_contention(&self, members: usize) {
        if members > 1 || self.queued.load(Ordering::Acquire) > 0 {
            self.solo_commits.store(0, Ordering::Release);
        } else {
            self.solo_commits.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Waits for the open transaction, counted among the queued appends meanwhile.
    async fn enter(&self) -> MutexGuard<'_, Option<Group>> {
        struct Queued<'a>(&'a AtomicUsize);
        impl Drop for Queued<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::AcqRel);
            }
        }
        self.queued.fetch_add(1, Ordering::AcqRel);
        let _queued = Queued(&self.queued);
        self.open.lock().await
    }

    /// The transaction to oneself: the open group, if any, is committed first.
    pub(super) async fn alone(&self, db: &Db) -> MutexGuard<'_, Option<Group>> {
        let mut open = self.enter().await;
        if let Some(group) = open.take() {
            group.commit(db).await;
        }
        open
    }

    /// Appends the entry `decide` decides for `incident` in the open group (opening one if
    /// none is), and returns it once the group's commit is on disk.
    pub(super) async fn join<G>(
        self: &Arc<Self>,
        db: &Db,
        incident: IncidentId,
        mut decide: G,
    ) -> Result<Appended, StoreError>
    where
        G: FnMut(&Incident) -> Result<EntryDraft, DomainError> + Send,
    {
        let mut open = self.enter().await;
        let alone = self.queued.load(Ordering::Acquire) == 0;
        let solo = self.solo_commits.load(Ordering::Acquire) >= SOLO_BEFORE_ONE_TRIP;
        if open.is_none()
            && alone
            && solo
            && let Some(appended) = presumed(db, incident, &mut decide).await
        {
            self.note_contention(1);
            return appended;
        }
        let group = match open.take() {
            Some(group) => open.insert(group),
            None => {
                let (writer, decided) = Writer::begin(db, Some(incident)).await?;
                open.insert(Group {
                    writer,
                    decided,
                    members: Vec::new(),
                    committer: false,
                })
            }
        };
        // Dropped half-way (the caller gave up), this still sees the group committed.
        let mut guard = CommitLater {
            appends: self,
            db,
            armed: !group.committer,
        };
        let ack = group.add(db, incident, decide).await;
        guard.armed = false;
        if self.queued.load(Ordering::Acquire) == 0 {
            if let Some(group) = open.take() {
                group.commit(db).await;
            }
        } else if !group.committer {
            group.committer = true;
            spawn_committer(self, db);
        }
        drop(open);
        ack?.await.unwrap_or_else(|_| {
            Err(StoreError::Interrupted(
                "the transaction holding this append was abandoned before its commit".to_owned(),
            ))
        })
    }
}

impl Group {
    /// Decides the entry of `incident` in this group and registers for the commit.
    async fn add<G>(&mut self, db: &Db, incident: IncidentId, decide: G) -> Result<Ack, StoreError>
    where
        G: FnOnce(&Incident) -> Result<EntryDraft, DomainError>,
    {
        self.writer.know(db, &mut self.decided, incident).await?;
        self.decided.next(incident, decide)?;
        let (tell, ack) = oneshot::channel();
        self.members.push(tell);
        Ok(ack)
    }

    /// Commits the group (rolls it back if it holds nothing) and acknowledges every member.
    async fn commit(self, db: &Db) {
        let Group {
            writer,
            decided,
            members,
            ..
        } = self;
        if members.is_empty() {
            writer.rollback(db).await;
            return;
        }
        let committed = writer.commit(db, &decided).await;
        db.appends.note_contention(members.len());
        match committed {
            Ok(()) => {
                for (member, appended) in members.into_iter().zip(decided.appended) {
                    // A member that gave up waiting is not there to hear it.
                    let _ = member.send(Ok(appended));
                }
            }
            Err(e) => {
                for member in members {
                    let _ = member.send(Err(shared(&e)));
                }
            }
        }
    }
}

/// The append in one round trip, when SQLite is the backend and the cache holds `incident` (the
/// caller has checked that no group is open and that appends are not coming together): the entry
/// is decided against the cache, presuming nothing was written since the last commit, and the
/// lock, the writes and the commit go in one text. The schema refuses an entry that does not extend the global head, so a
/// wrong presumption writes nothing. `None` when this does not apply, when the presumption was
/// wrong, or when the decision was refused (a refusal is final only against the incident as
/// stored): the append then takes the ordinary way, which decides again.
async fn presumed<G>(
    db: &Db,
    incident: IncidentId,
    decide: &mut G,
) -> Option<Result<Appended, StoreError>>
where
    G: FnMut(&Incident) -> Result<EntryDraft, DomainError>,
{
    if !matches!(db.pool, Pool::Sqlite { .. }) {
        return None;
    }
    let (head, current) = db.appends.cache(|cache| cache.presume(incident))?;
    let mut decided = Decided::new(head, true);
    decided.learn(current);
    decided.next(incident, &mut *decide).ok()?;
    let committed = match Writer::take(db).await {
        Ok(writer) => writer.commit_presumed(db, &decided).await,
        Err(e) => Err(e),
    };
    match committed {
        Ok(true) => decided.appended.pop().map(Ok),
        Ok(false) => None,
        Err(e) => Some(Err(e)),
    }
}

/// Starts a task that commits the open group once the appends queued now have joined it.
fn spawn_committer(appends: &Arc<Appends>, db: &Db) {
    let (appends, db) = (Arc::clone(appends), db.clone());
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let mut open = appends.open.lock().await;
            if let Some(group) = open.take() {
                group.commit(&db).await;
            }
        });
    }
}

/// Starts a committer if dropped while armed.
struct CommitLater<'a> {
    appends: &'a Arc<Appends>,
    db: &'a Db,
    armed: bool,
}

impl Drop for CommitLater<'_> {
    fn drop(&mut self) {
        if self.armed {
            spawn_committer(self.appends, self.db);
        }
    }
}

/// The failure of a group's commit as each member receives it.
fn shared(e: &StoreError) -> StoreError {
    match e {
        StoreError::DiskFull { place, detail } => StoreError::DiskFull {
            place: place.clone(),
            detail: detail.clone(),
        },
        StoreError::Corrupt { place, detail } => StoreError::Corrupt {
            place: place.clone(),
            detail: detail.clone(),
        },
        other => StoreError::Interrupted(format!(
            "the transaction holding this append failed to commit: {other}"
        )),
    }
}
