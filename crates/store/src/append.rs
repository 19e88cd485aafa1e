//! The append: the one way anything is written. In a single transaction it takes the global write
//! lock, reads the global chain head and the incident, lets the caller decide the entry against
//! the incident as it is now, seals the entry, inserts it, applies it to the projection and stores
//! the projection and its evidence rows: all or nothing. (The global head row follows each inserted
//! entry by a trigger of the schema.)
//!
//! Appends are serialised globally because every entry links to the one global chain head (see
//! [`AppendLock`](crate::db::AppendLock) for how each backend does it, and `docs/storage.md`).

use rampart_core::{
    ChainHead, Digest, DomainError, EntryDraft, IdError, Incident, IncidentId, IncidentKey,
    LogEntry, seal,
};
use sqlx::Connection;
use sqlx::types::Json;
use uuid::Uuid;

use crate::Store;
use crate::db::on_pool;
use crate::error::{ErrorClass, StoreError};
use crate::incidents::{self, ProjectionRow};
use crate::rows::{self, EntryRow};

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
const INSERT_INCIDENT: &str = "INSERT INTO incidents (id, state, severity, incident_type, title, \
     amazon_information, personal_data, drill, detected_at, updated_at, record, key_year, \
     key_number) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
const UPDATE_INCIDENT: &str = "UPDATE incidents SET state = $2, severity = $3, \
     incident_type = $4, title = $5, amazon_information = $6, personal_data = $7, drill = $8, \
     detected_at = $9, updated_at = $10, record = $11 WHERE id = $1";
const INSERT_ENTRY: &str = "INSERT INTO log_entries (global_seq, incident_id, seq, at, actor, \
     kind, payload, text, prev_hash, hash, global_prev_hash, global_hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
const UPSERT_EVIDENCE: &str = "INSERT INTO evidence (incident_id, sha256, size, media_type, \
     file_name, description, added_by, custodian, global_seq) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
     ON CONFLICT (incident_id, sha256) DO UPDATE SET custodian = excluded.custodian";

/// Binds the projection columns shared by [`INSERT_INCIDENT`] and [`UPDATE_INCIDENT`], `$1` to
/// `$11`.
macro_rules! bind_projection {
    ($query:expr, $row:expr, $incident:expr) => {
        $query
            .bind($row.id)
            .bind($row.state)
            .bind($row.severity)
            .bind(&$row.incident_type)
            .bind(&$row.title)
            .bind($row.amazon_information)
            .bind($row.personal_data)
            .bind($row.drill)
            .bind($row.detected_at)
            .bind($row.updated_at)
            .bind(Json($incident))
    };
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
            let mut conn = pool.acquire().await.map_err(&fail)?;
            let appended: Result<Vec<Appended>, StoreError> = async {
                // Any early return drops `tx`, which rolls the transaction back.
                let mut tx = conn.begin_with(lock.begin).await.map_err(&fail)?;
                let head: (i64, Vec<u8>) = sqlx::query_as(lock.read_head)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(&fail)?;
                let mut global_head =
                    rows::chain_head(head, || "the global chain head".to_owned())?;
                let mut appended = Vec::with_capacity(targets.len());
                for target in targets {
                    let (entry, incident, before) = match target {
                        Target::Open { year, decide } => {
                            IncidentKey::new(year, 1)?;
                            let (number,): (i64,) = sqlx::query_as(NEXT_KEY_NUMBER)
                                .bind(i64::from(year))
                                .fetch_one(&mut *tx)
                                .await
                                .map_err(&fail)?;
                            let entry = seal(
                                decide(next_key(year, number)?)?,
                                ChainHead::GENESIS,
                                global_head,
                            )?;
                            let incident = Incident::from_opening(&entry)?;
                            let row = ProjectionRow::of(&incident);
                            bind_projection!(sqlx::query(INSERT_INCIDENT), row, &incident)
                                .bind(row.key_year)
                                .bind(row.key_number)
                                .execute(&mut *tx)
                                .await
                                .map_err(&fail)?;
                            (entry, incident, Vec::new())
                        }
                        Target::Next { incident, decide } => {
                            let record: Option<(Json<serde_json::Value>,)> =
                                sqlx::query_as(SELECT_RECORD)
                                    .bind(incident.as_uuid())
                                    .fetch_optional(&mut *tx)
                                    .await
                                    .map_err(&fail)?;
                            let (Json(record),) = record.ok_or_else(|| {
                                StoreError::IncidentNotFound(incident.to_string())
                            })?;
                            let mut current = incidents::decode_record(record, &incident)?;
                            let entry = seal(decide(&current)?, current.head(), global_head)?;
                            let before = custodians(&current);
                            current.apply(&entry)?;
                            let row = ProjectionRow::of(&current);
                            bind_projection!(sqlx::query(UPDATE_INCIDENT), row, &current)
                                .execute(&mut *tx)
                                .await
                                .map_err(&fail)?;
                            (entry, current, before)
                        }
                    };
                    let row = EntryRow::from_entry(&entry)?;
                    sqlx::query(INSERT_ENTRY)
                        .bind(row.global_seq)
                        .bind(row.incident_id)
                        .bind(row.seq)
                        .bind(row.at)
                        .bind(&row.actor)
                        .bind(&row.kind)
                        .bind(&row.payload)
                        .bind(&row.text)
                        .bind(&row.prev_hash)
                        .bind(&row.hash)
                        .bind(&row.global_prev_hash)
                        .bind(&row.global_hash)
                        .execute(&mut *tx)
                        .await
                        .map_err(&fail)?;
                    for item in evidence_changes(&before, &incident, &row)? {
                        sqlx::query(UPSERT_EVIDENCE)
                            .bind(item.incident_id)
                            .bind(item.sha256)
                            .bind(item.size)
                            .bind(item.media_type)
                            .bind(item.file_name)
                            .bind(item.description)
                            .bind(item.added_by)
                            .bind(item.custodian)
                            .bind(item.global_seq)
                            .execute(&mut *tx)
                            .await
                            .map_err(&fail)?;
                    }
                    global_head = entry.global_head();
                    appended.push(Appended { entry, incident });
                }
                tx.commit().await.map_err(&fail)?;
                Ok(appended)
            }
            .await;
            if appended
                .as_ref()
                .is_err_and(|e| e.class() == ErrorClass::Unavailable)
            {
                // After a failed statement or commit the engine may already have rolled back
                // (SQLite does on a full disk), which leaves the driver's transaction bookkeeping
                // for this connection out of step: a fresh connection is the safe way on.
                conn.close_on_drop();
            }
            appended
        })
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

/// Each evidence item's address and custodian, to find what an entry added or handed over.
fn custodians(incident: &Incident) -> Vec<(Digest, String)> {
    incident
        .evidence()
        .iter()
        .map(|item| (item.meta.sha256, item.custodian.clone()))
        .collect()
}

/// An evidence row to insert, or whose custodian to update.
struct EvidenceRow<'a> {
    incident_id: Uuid,
    sha256: Vec<u8>,
    size: i64,
    media_type: &'a str,
    file_name: &'a str,
    description: &'a str,
    added_by: &'a str,
    custodian: &'a str,
    global_seq: i64,
}

/// The evidence rows the entry `row` changes: items it added, items it handed over.
fn evidence_changes<'a>(
    before: &[(Digest, String)],
    incident: &'a Incident,
    row: &EntryRow,
) -> Result<Vec<EvidenceRow<'a>>, StoreError> {
    incident
        .evidence()
        .iter()
        .filter(|item| {
            !before.iter().any(|(sha256, custodian)| {
                *sha256 == item.meta.sha256 && *custodian == item.custodian
            })
        })
        .map(|item| {
            let size = rows::to_i64(item.meta.size, || format!("evidence {}", item.meta.sha256))?;
            Ok(EvidenceRow {
                incident_id: row.incident_id,
                sha256: item.meta.sha256.0.to_vec(),
                size,
                media_type: item.meta.media_type.as_str(),
                file_name: item.meta.file_name.as_str(),
                description: &item.meta.description,
                added_by: &item.added_by,
                custodian: &item.custodian,
                global_seq: row.global_seq,
            })
        })
        .collect()
}
