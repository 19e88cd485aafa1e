//! The plan in the store: every version applied ([`Store::apply_plan`]) and the plan log beside
//! it (reviews, major changes, training completions: [`Store::record_plan_event`]), hash-chained
//! on its own chain and verified against its stored head ([`Store::verify_plan_log`]).
//!
//! Plan log appends are serialised like incident appends: SQLite's `BEGIN IMMEDIATE` on the one
//! writer, and on PostgreSQL the update of the single `plan_log_head` row, which every other
//! append then waits on until commit. A version and its `plan.applied` entry are written in one
//! transaction.

use jiff::Timestamp;
use rampart_core::log::canonical_json;
use rampart_core::{ChainHead, Digest, DomainError, SealError};
use rampart_plan::{
    Applied, Change, Plan, PlanEntry, PlanEvent, PlanLogBreak, PlanLogError, ReviewStatus, diff,
    review_status, value_count, verify_plan_log,
};
use sqlx::Connection;

use crate::Store;
use crate::db::on_pool;
use crate::error::{ErrorClass, StoreError};
use crate::rows;

/// A plan version as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    /// Its number, from 1.
    pub version: u64,
    /// The `plan.applied` entry that made it current.
    pub entry: PlanEntry,
    /// SHA-256 of the plan's canonical JSON.
    pub sha256: Digest,
    /// The plan.
    pub plan: Plan,
    /// The text it was applied from.
    pub source_text: String,
}

/// What [`Store::apply_plan`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanApplied {
    /// The plan became a new version.
    Applied {
        /// The entry recording it (its payload holds the version number).
        entry: Box<PlanEntry>,
        /// What differs from the version before (empty for the first).
        changes: Vec<Change>,
    },
    /// The plan equals the current version: nothing was written.
    Unchanged {
        /// The current version.
        version: u64,
    },
}

const LOCK_HEAD: &str = "UPDATE plan_log_head SET seq = seq WHERE id = 1";
const READ_HEAD: &str = "SELECT seq, hash FROM plan_log_head WHERE id = 1";
const MOVE_HEAD: &str = "UPDATE plan_log_head SET seq = $1, hash = $2 WHERE id = 1";
const CURRENT: &str = "SELECT version, plan FROM plan_versions ORDER BY version DESC LIMIT 1";
const INSERT_ENTRY: &str = "INSERT INTO plan_log (seq, at, actor, kind, payload, text, \
     prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const INSERT_VERSION: &str = "INSERT INTO plan_versions (version, plan_log_seq, sha256, plan, \
     source_text) VALUES ($1, $2, $3, $4, $5)";
const SELECT_LOG: &str =
    "SELECT seq, at, actor, kind, payload, text, prev_hash, hash FROM plan_log ORDER BY seq";
const SELECT_LOG_ENTRY: &str =
    "SELECT seq, at, actor, kind, payload, text, prev_hash, hash FROM plan_log WHERE seq = $1";

/// A plan log row: seq, at, actor, kind, payload, text, prev_hash, hash.
type LogRow = (i64, i64, String, String, String, String, Vec<u8>, Vec<u8>);

/// A version to insert beside its entry: number, hash, canonical JSON, source text.
type VersionRow = (i64, Vec<u8>, String, String);

/// The current version as the transaction reads it: number and canonical JSON.
type Current = Option<(i64, String)>;

impl Store {
    /// Makes `plan` (read from `source`, whose text is `source_text`) the current version,
    /// recorded by `actor` at `at` with `text`, unless it equals the current version.
    pub async fn apply_plan(
        &self,
        actor: &str,
        at: Timestamp,
        source: &str,
        source_text: &str,
        plan: &Plan,
        text: &str,
    ) -> Result<PlanApplied, StoreError> {
        let json = canonical(plan)?;
        let sha256 = Digest::of(json.as_bytes());
        let mut outcome = None;
        self.append_plan_entry(|head, current| {
            let (version, changes) = match current {
                Some((number, stored)) => {
                    let number = rows::to_u64(number, "version", || "plan version".into())?;
                    if Digest::of(stored.as_bytes()) == sha256 {
                        outcome = Some(PlanApplied::Unchanged { version: number });
                        return Ok(None);
                    }
                    (number + 1, diff(&decode_plan(&stored, number)?, plan))
                }
                None => (1, Vec::new()),
            };
            let count = if version == 1 {
                value_count(plan)
            } else {
                changes.len() as u64
            };
            let event = PlanEvent::Applied(Applied {
                version,
                sha256,
                source: source.to_owned(),
                changes: count,
            });
            let entry = seal(head, at, actor, event, text)?;
            let row = (
                rows::to_i64(version, || "plan version".into())?,
                sha256.0.to_vec(),
                json.clone(),
                source_text.to_owned(),
            );
            outcome = Some(PlanApplied::Applied {
                entry: Box::new(entry.clone()),
                changes,
            });
            Ok(Some((entry, Some(row))))
        })
        .await?;
        outcome.ok_or_else(|| StoreError::Interrupted("the plan append wrote nothing".into()))
    }

    /// Appends a review, major change or training record to the plan log. A review needs a
    /// version applied, and names the current one.
    pub async fn record_plan_event(
        &self,
        actor: &str,
        at: Timestamp,
        event: PlanEvent,
        text: &str,
    ) -> Result<PlanEntry, StoreError> {
        let mut written = None;
        self.append_plan_entry(|head, current| {
            let refuse = |reason| {
                StoreError::Refused(DomainError::Invalid {
                    field: "plan log entry",
                    value: event.kind().to_owned(),
                    reason,
                })
            };
            match (&event, current) {
                (PlanEvent::Applied(_), _) => {
                    return Err(refuse("a version is applied with apply_plan"));
                }
                (PlanEvent::Reviewed(r), Some((version, _)))
                    if i64::try_from(r.version).ok() != Some(version) =>
                {
                    return Err(refuse("a review approves the current plan version"));
                }
                (PlanEvent::Reviewed(_), None) => {
                    return Err(refuse("no plan version is applied yet"));
                }
                _ => {}
            }
            let entry = seal(head, at, actor, event.clone(), text)?;
            written = Some(entry.clone());
            Ok(Some((entry, None)))
        })
        .await?;
        written.ok_or_else(|| StoreError::Interrupted("the plan append wrote nothing".into()))
    }

    /// Runs one plan log append: locks the head, reads it and the current version, lets
    /// `decide` seal the entry (or decline with `None`), writes it and its version row.
    async fn append_plan_entry<F>(&self, decide: F) -> Result<(), StoreError>
    where
        F: FnOnce(
                ChainHead,
                Current,
            ) -> Result<Option<(PlanEntry, Option<VersionRow>)>, StoreError>
            + Send,
    {
        let fail = self.db.fail("appending to the plan log");
        on_pool!(&self.db.pool, writer, |pool, lock| {
            let mut conn = pool.acquire().await.map_err(&fail)?;
            let result: Result<(), StoreError> = async {
                let mut tx = conn.begin_with(lock.begin).await.map_err(&fail)?;
                sqlx::query(LOCK_HEAD)
                    .execute(&mut *tx)
                    .await
                    .map_err(&fail)?;
                let head: (i64, Vec<u8>) = sqlx::query_as(READ_HEAD)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(&fail)?;
                let head = rows::chain_head(head, || "the plan log head".to_owned())?;
                let current: Current = sqlx::query_as(CURRENT)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(&fail)?;
                let Some((entry, version)) = decide(head, current)? else {
                    return Ok(());
                };
                let what = || format!("plan log entry {}", entry.seq);
                let seq = rows::to_i64(entry.seq, what)?;
                sqlx::query(INSERT_ENTRY)
                    .bind(seq)
                    .bind(entry.at.as_microsecond())
                    .bind(&entry.actor)
                    .bind(entry.event.kind())
                    .bind(entry.event.payload().to_string())
                    .bind(&entry.text)
                    .bind(entry.prev_hash.0.to_vec())
                    .bind(entry.hash.0.to_vec())
                    .execute(&mut *tx)
                    .await
                    .map_err(&fail)?;
                if let Some((number, sha256, plan, source_text)) = version {
                    sqlx::query(INSERT_VERSION)
                        .bind(number)
                        .bind(seq)
                        .bind(sha256)
                        .bind(plan)
                        .bind(source_text)
                        .execute(&mut *tx)
                        .await
                        .map_err(&fail)?;
                }
                sqlx::query(MOVE_HEAD)
                    .bind(seq)
                    .bind(entry.hash.0.to_vec())
                    .execute(&mut *tx)
                    .await
                    .map_err(&fail)?;
                tx.commit().await.map_err(&fail)?;
                Ok(())
            }
            .await;
            if result
                .as_ref()
                .is_err_and(|e| e.class() == ErrorClass::Unavailable)
            {
                conn.close_on_drop();
            }
            result
        })
    }

    /// A plan version: `Some(n)` for version n, `None` for the current one; `Ok(None)` when
    /// there is no such version (or none applied).
    pub async fn plan_version(
        &self,
        version: Option<u64>,
    ) -> Result<Option<PlanVersion>, StoreError> {
        let number = match version {
            Some(n) => Some(rows::to_i64(n, || "plan version".into())?),
            None => None,
        };
        let found: Option<(i64, i64, Vec<u8>, String, String)> =
            on_pool!(&self.db.pool, reader, |pool| {
                sqlx::query_as(
                    "SELECT version, plan_log_seq, sha256, plan, source_text FROM plan_versions \
                     WHERE ($1 IS NULL OR version = $1) ORDER BY version DESC LIMIT 1",
                )
                .bind(number)
                .fetch_optional(pool)
                .await
            })
            .map_err(self.db.fail("reading a plan version"))?;
        let Some((number, seq, sha256, json, source_text)) = found else {
            return Ok(None);
        };
        let what = || format!("plan version {number}");
        let found: Option<LogRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(SELECT_LOG_ENTRY)
                .bind(seq)
                .fetch_optional(pool)
                .await
        })
        .map_err(self.db.fail("reading the plan log"))?;
        let entry = found
            .map(entry_of)
            .transpose()?
            .ok_or_else(|| StoreError::Undecodable {
                what: what(),
                detail: format!("its plan log entry {seq} is missing"),
            })?;
        Ok(Some(PlanVersion {
            version: rows::to_u64(number, "version", what)?,
            entry,
            sha256: rows::digest(&sha256, "sha256", what)?,
            plan: decode_plan(&json, number)?,
            source_text,
        }))
    }

    /// The plan in force (the current version's), without its log entry and source: what each
    /// incident page shows its checklist and pages from. `None` before any version is applied.
    pub async fn plan_in_force(&self) -> Result<Option<Plan>, StoreError> {
        let current: Current = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(CURRENT).fetch_optional(pool).await
        })
        .map_err(self.db.fail("reading the plan in force"))?;
        current
            .map(|(number, json)| decode_plan(&json, number))
            .transpose()
    }

    /// The whole plan log, oldest first.
    pub async fn plan_log(&self) -> Result<Vec<PlanEntry>, StoreError> {
        let found: Vec<LogRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(SELECT_LOG).fetch_all(pool).await
        })
        .map_err(self.db.fail("reading the plan log"))?;
        found.into_iter().map(entry_of).collect()
    }

    /// The plan's review situation at `now` (what `rampart plan status` and the dashboard show);
    /// `None` before any version is applied.
    pub async fn plan_review_status(
        &self,
        now: Timestamp,
    ) -> Result<Option<ReviewStatus>, StoreError> {
        let Some(current) = self.plan_version(None).await? else {
            return Ok(None);
        };
        let log = self.plan_log().await?;
        Ok(review_status(&current.plan.review, &log, now))
    }

    /// Verifies the plan log's chain and that it ends at the stored head: `Ok(Ok(entries))`,
    /// or `Ok(Err(first break))`.
    pub async fn verify_plan_log(&self) -> Result<Result<u64, PlanLogBreak>, StoreError> {
        let head: (i64, Vec<u8>) = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(READ_HEAD).fetch_one(pool).await
        })
        .map_err(self.db.fail("reading the plan log head"))?;
        let head = rows::chain_head(head, || "the plan log head".to_owned())?;
        let entries = self.plan_log().await?;
        Ok(verify_plan_log(&entries, head))
    }
}

fn seal(
    head: ChainHead,
    at: Timestamp,
    actor: &str,
    event: PlanEvent,
    text: &str,
) -> Result<PlanEntry, StoreError> {
    PlanEntry::seal(head, at, actor, event, text).map_err(|e| match e {
        PlanLogError::EmptyActor => StoreError::Refused(DomainError::Missing { field: "actor" }),
        PlanLogError::Payload(p) => StoreError::Unsealable(SealError::Payload(p)),
        PlanLogError::Full => StoreError::Unsealable(SealError::ChainFull { chain: "plan" }),
        PlanLogError::BadEntry { seq, message, .. } => StoreError::Undecodable {
            what: format!("plan log entry {seq}"),
            detail: message,
        },
    })
}

/// The plan's canonical JSON text (sorted keys, no whitespace), which its hash covers.
fn canonical(plan: &Plan) -> Result<String, StoreError> {
    let encode = |detail: String| StoreError::Undecodable {
        what: "the plan to apply".to_owned(),
        detail,
    };
    let value = serde_json::to_value(plan).map_err(|e| encode(e.to_string()))?;
    let mut bytes = Vec::new();
    canonical_json(&value, &mut bytes).map_err(|e| encode(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| encode(e.to_string()))
}

fn decode_plan(json: &str, version: impl std::fmt::Display) -> Result<Plan, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Undecodable {
        what: format!("plan version {version}"),
        detail: e.to_string(),
    })
}

fn entry_of(row: LogRow) -> Result<PlanEntry, StoreError> {
    let (seq, at, actor, kind, payload, text, prev_hash, hash) = row;
    let what = || format!("plan log entry {seq}");
    let bad = |detail: String| StoreError::Undecodable {
        what: what(),
        detail,
    };
    let seq = rows::to_u64(seq, "seq", what)?;
    let payload: serde_json::Value =
        serde_json::from_str(&payload).map_err(|e| bad(format!("payload is not JSON: {e}")))?;
    Ok(PlanEntry {
        seq,
        at: Timestamp::from_microsecond(at).map_err(|e| bad(format!("time {at} µs: {e}")))?,
        actor,
        event: PlanEvent::from_parts(seq, &kind, payload).map_err(|e| bad(e.to_string()))?,
        text,
        prev_hash: rows::digest(&prev_hash, "prev_hash", what)?,
        hash: rows::digest(&hash, "hash", what)?,
    })
}
