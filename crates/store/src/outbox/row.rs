//! Outbox rows as the database returns them, checked on the way back: a row altered outside
//! Rampart is reported as undecodable with its place, never skipped.

use jiff::Timestamp;
use rampart_core::IncidentId;
use uuid::Uuid;

use super::MessageState;
use crate::error::StoreError;

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// Its id.
    pub id: Uuid,
    /// The caller's idempotency key.
    pub idempotency_key: String,
    /// The incident it belongs to, if any.
    pub incident: Option<IncidentId>,
    /// The channel (`email`, `webhook`).
    pub channel: String,
    /// Addresses or endpoint names.
    pub recipients: Vec<String>,
    /// The subject line.
    pub subject: String,
    /// The text.
    pub body: String,
    /// When it was enqueued.
    pub created_at: Timestamp,
    /// Where it is in its delivery.
    pub state: MessageState,
    /// Attempts started so far (a claim counts one).
    pub attempts: u32,
    /// Attempts allowed before giving up.
    pub max_attempts: u32,
    /// When the next attempt is due (pending), or when it ended (sent, failed).
    pub next_attempt_at: Timestamp,
    /// Until when the dispatcher sending it holds it (sending).
    pub lease_until: Option<Timestamp>,
    /// The exact bytes sent, fixed by the first attempt.
    pub rendered: Option<Vec<u8>>,
    /// When it was delivered.
    pub sent_at: Option<Timestamp>,
    /// The last failure, while not sent.
    pub last_error: Option<String>,
}

/// A finished delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    /// Its number, from 1.
    pub attempt: u32,
    /// When sending started.
    pub started_at: Timestamp,
    /// When it ended.
    pub finished_at: Timestamp,
    /// `sent`, `failed` (retried later) or `gave_up`.
    pub outcome: String,
    /// The server's answer or the error.
    pub detail: String,
}

/// An `outbox_messages` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct MessageRow {
    id: Uuid,
    idempotency_key: String,
    incident_id: Option<Uuid>,
    channel: String,
    recipients: String,
    subject: String,
    body: String,
    created_at: i64,
    state: String,
    attempts: i64,
    max_attempts: i64,
    next_attempt_at: i64,
    lease_until: Option<i64>,
    rendered: Option<Vec<u8>>,
    sent_at: Option<i64>,
    last_error: Option<String>,
}

impl MessageRow {
    /// The record this row holds.
    pub(super) fn into_record(self) -> Result<MessageRecord, StoreError> {
        let id = self.id;
        let bad = |detail: String| StoreError::Undecodable {
            what: format!("outbox message {id}"),
            detail,
        };
        let time = |column: &str, value: i64| {
            Timestamp::from_microsecond(value).map_err(|e| bad(format!("{column} {value} µs: {e}")))
        };
        let count = |column: &str, value: i64| {
            u32::try_from(value).map_err(|_| bad(format!("{column} is out of range ({value})")))
        };
        Ok(MessageRecord {
            id,
            incident: self
                .incident_id
                .map(IncidentId::from_uuid)
                .transpose()
                .map_err(|e| bad(format!("incident_id: {e}")))?,
            recipients: serde_json::from_str(&self.recipients)
                .map_err(|e| bad(format!("recipients are not a JSON list of strings: {e}")))?,
            created_at: time("created_at", self.created_at)?,
            state: MessageState::from_name(&self.state)
                .ok_or_else(|| bad(format!("unknown state {:?}", self.state)))?,
            attempts: count("attempts", self.attempts)?,
            max_attempts: count("max_attempts", self.max_attempts)?,
            next_attempt_at: time("next_attempt_at", self.next_attempt_at)?,
            lease_until: self
                .lease_until
                .map(|t| time("lease_until", t))
                .transpose()?,
            sent_at: self.sent_at.map(|t| time("sent_at", t)).transpose()?,
            idempotency_key: self.idempotency_key,
            channel: self.channel,
            subject: self.subject,
            body: self.body,
            rendered: self.rendered,
            last_error: self.last_error,
        })
    }
}

/// An `outbox_attempts` row.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct AttemptRow {
    attempt: i64,
    started_at: i64,
    finished_at: i64,
    outcome: String,
    detail: String,
}

impl AttemptRow {
    /// The record this row of message `id` holds.
    pub(super) fn into_record(self, id: Uuid) -> Result<AttemptRecord, StoreError> {
        let bad = |detail: String| StoreError::Undecodable {
            what: format!("attempt {} of outbox message {id}", self.attempt),
            detail,
        };
        let time = |column: &str, value: i64| {
            Timestamp::from_microsecond(value).map_err(|e| bad(format!("{column} {value} µs: {e}")))
        };
        Ok(AttemptRecord {
            attempt: u32::try_from(self.attempt)
                .map_err(|_| bad(format!("attempt is out of range ({})", self.attempt)))?,
            started_at: time("started_at", self.started_at)?,
            finished_at: time("finished_at", self.finished_at)?,
            outcome: self.outcome,
            detail: self.detail,
        })
    }
}

/// A time as stored: microseconds since the Unix epoch.
pub(super) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}
