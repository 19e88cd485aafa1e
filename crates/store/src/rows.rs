//! Rows as the database returns them, and their conversion to and from the domain's records.
//!
//! Conversions back to the domain check every value (a 32-byte hash, a non-negative sequence
//! number, a UUIDv7, JSON that parses): a row altered outside Rampart is reported as undecodable
//! with its place instead of panicking or being skipped.

use jiff::Timestamp;
use rampart_core::{ChainHead, Digest, IncidentId, LogEntry};
use uuid::Uuid;

use crate::error::StoreError;

/// A query of log entries: every column in [`EntryRow`]'s order (which its [`sqlx::FromRow`]
/// relies on), then the further columns `$more` (starting with a comma, if any) and the rest of
/// the statement after `FROM log_entries`.
macro_rules! select_entries {
    ($rest:literal) => {
        $crate::rows::select_entries!("", $rest)
    };
    ($more:literal, $rest:literal) => {
        concat!(
            "SELECT global_seq, incident_id, seq, at, actor, kind, payload, text, prev_hash, ",
            "hash, global_prev_hash, global_hash",
            $more,
            " FROM log_entries ",
            $rest
        )
    };
}
pub(crate) use select_entries;

/// A stored log entry, column for column, in the order of [`select_entries`].
#[derive(Debug)]
pub(crate) struct EntryRow {
    pub(crate) global_seq: i64,
    pub(crate) incident_id: Uuid,
    pub(crate) seq: i64,
    pub(crate) at: i64,
    pub(crate) actor: String,
    pub(crate) kind: String,
    pub(crate) payload: String,
    pub(crate) text: String,
    pub(crate) prev_hash: Vec<u8>,
    pub(crate) hash: Vec<u8>,
    pub(crate) global_prev_hash: Vec<u8>,
    pub(crate) global_hash: Vec<u8>,
}

/// Columns are taken by position, not looked up by name: logs are read a million rows at a time.
impl<'r, R> sqlx::FromRow<'r, R> for EntryRow
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Vec<u8>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(Self {
            global_seq: row.try_get(0)?,
            incident_id: row.try_get(1)?,
            seq: row.try_get(2)?,
            at: row.try_get(3)?,
            actor: row.try_get(4)?,
            kind: row.try_get(5)?,
            payload: row.try_get(6)?,
            text: row.try_get(7)?,
            prev_hash: row.try_get(8)?,
            hash: row.try_get(9)?,
            global_prev_hash: row.try_get(10)?,
            global_hash: row.try_get(11)?,
        })
    }
}

impl EntryRow {
    /// The row for a sealed entry.
    pub(crate) fn from_entry(entry: &LogEntry) -> Result<Self, StoreError> {
        let what = || format!("log entry {}", entry.global_seq);
        Ok(Self {
            global_seq: to_i64(entry.global_seq, what)?,
            incident_id: *entry.incident.as_uuid(),
            seq: to_i64(entry.seq, what)?,
            at: entry.at.as_microsecond(),
            actor: entry.actor.clone(),
            kind: entry.kind.clone(),
            payload: entry.payload.to_string(),
            text: entry.text.clone(),
            prev_hash: entry.prev_hash.0.to_vec(),
            hash: entry.hash.0.to_vec(),
            global_prev_hash: entry.global_prev_hash.0.to_vec(),
            global_hash: entry.global_hash.0.to_vec(),
        })
    }

    /// The entry this row holds.
    pub(crate) fn into_entry(self) -> Result<LogEntry, StoreError> {
        let what = || format!("log entry {}", self.global_seq);
        let bad = |detail: String| StoreError::Undecodable {
            what: what(),
            detail,
        };
        Ok(LogEntry {
            incident: IncidentId::from_uuid(self.incident_id).map_err(|e| bad(e.to_string()))?,
            seq: to_u64(self.seq, "seq", what)?,
            global_seq: to_u64(self.global_seq, "global_seq", what)?,
            at: Timestamp::from_microsecond(self.at)
                .map_err(|e| bad(format!("time {} µs: {e}", self.at)))?,
            payload: serde_json::from_str(&self.payload)
                .map_err(|e| bad(format!("payload is not JSON: {e}")))?,
            prev_hash: digest(&self.prev_hash, "prev_hash", what)?,
            hash: digest(&self.hash, "hash", what)?,
            global_prev_hash: digest(&self.global_prev_hash, "global_prev_hash", what)?,
            global_hash: digest(&self.global_hash, "global_hash", what)?,
            actor: self.actor,
            kind: self.kind,
            text: self.text,
        })
    }
}

/// A chain head as stored (`seq`, `hash`).
pub(crate) fn chain_head(
    (seq, hash): (i64, Vec<u8>),
    what: impl Fn() -> String,
) -> Result<ChainHead, StoreError> {
    Ok(ChainHead {
        seq: to_u64(seq, "seq", &what)?,
        hash: digest(&hash, "hash", &what)?,
    })
}

/// A stored 32-byte digest.
pub(crate) fn digest(
    bytes: &[u8],
    column: &str,
    what: impl Fn() -> String,
) -> Result<Digest, StoreError> {
    <[u8; 32]>::try_from(bytes)
        .map(Digest)
        .map_err(|_| StoreError::Undecodable {
            what: what(),
            detail: format!("{column} has {} bytes, not 32", bytes.len()),
        })
}

/// A stored sequence number or count.
pub(crate) fn to_u64(
    value: i64,
    column: &str,
    what: impl Fn() -> String,
) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Undecodable {
        what: what(),
        detail: format!("{column} is negative ({value})"),
    })
}

/// A sequence number as stored (the databases' integers are signed 64-bit).
pub(crate) fn to_i64(value: u64, what: impl Fn() -> String) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Undecodable {
        what: what(),
        detail: format!("sequence number {value} exceeds the stored range"),
    })
}
