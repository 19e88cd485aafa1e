//! The outbox: messages waiting to leave (e-mail, webhooks), the exact bytes each one sent, and
//! every attempt to deliver it. `rampart-notify` decides what to send and how; this module keeps
//! the rows and the rules that make delivery safe across crashes and across nodes:
//!
//! - [`Store::outbox_enqueue`] writes a message and its attachments in one transaction. The
//!   idempotency key is unique: the same message enqueued twice is one row; a different message
//!   under a used key is refused.
//! - [`Store::outbox_claim`] leases the next due message of a channel to one dispatcher in a single
//!   statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the one writer on SQLite), counting the
//!   attempt. A message whose lease ran out (its dispatcher died while sending) is due again.
//! - [`Store::outbox_finish`] records the attempt and the message's next state in one transaction,
//!   only while the dispatcher still holds the lease.

mod row;

use jiff::Timestamp;
use rampart_core::IncidentId;
use sqlx::Connection;
use uuid::Uuid;

pub use row::{AttemptRecord, MessageRecord};

use crate::Store;
use crate::db::{Pool, on_pool};
use crate::error::StoreError;
use crate::select::{Param, Select, run_select};
use row::{AttemptRow, MessageRow, micros};

/// Where a message is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// Waiting for its next attempt.
    Pending,
    /// Leased to a dispatcher that is sending it.
    Sending,
    /// Delivered: the receiving server or endpoint accepted it.
    Sent,
    /// Given up on after its last allowed attempt, or on a permanent refusal.
    Failed,
}

impl MessageState {
    /// Every state, in order.
    pub const ALL: [MessageState; 4] = [Self::Pending, Self::Sending, Self::Sent, Self::Failed];

    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    /// The state with the stored name `name`.
    pub fn from_name(name: &str) -> Option<MessageState> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A file sent with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name shown to the recipient.
    pub file_name: String,
    /// Its media type (`message/rfc822`, `application/pdf`, …).
    pub media_type: String,
    /// Its bytes.
    pub content: Vec<u8>,
}

/// A message to put in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// Its id (UUIDv7).
    pub id: Uuid,
    /// The caller's key: enqueueing the same key again does not add a message.
    pub idempotency_key: String,
    /// SHA-256 of the content, to tell a repeat from a different message under the same key.
    pub fingerprint: [u8; 32],
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
    /// Files sent with it.
    pub attachments: Vec<Attachment>,
    /// Attempts before giving up.
    pub max_attempts: u32,
    /// When it was enqueued; it is due at once.
    pub created_at: Timestamp,
}

/// What [`Store::outbox_enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// The message was added with this id.
    Added(Uuid),
    /// The same message was already in the outbox under this id; nothing was written.
    AlreadyQueued(Uuid),
}

impl Enqueued {
    /// The id of the message, new or existing.
    pub fn id(self) -> Uuid {
        match self {
            Enqueued::Added(id) | Enqueued::AlreadyQueued(id) => id,
        }
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// Delivered.
    Sent,
    /// Failed; the message is due again at `at`.
    Retry {
        /// When the next attempt is due.
        at: Timestamp,
    },
    /// Failed for good: no further attempt.
    GaveUp,
}

impl AttemptOutcome {
    /// The stored name of the attempt's outcome.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Retry { .. } => "failed",
            Self::GaveUp => "gave_up",
        }
    }
}

/// A finished attempt to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedAttempt {
    /// The message.
    pub message: Uuid,
    /// The dispatcher that holds the lease.
    pub owner: String,
    /// The attempt number the claim gave.
    pub attempt: u32,
    /// When sending started.
    pub started_at: Timestamp,
    /// When it ended.
    pub finished_at: Timestamp,
    /// How it ended.
    pub outcome: AttemptOutcome,
    /// The server's answer or the error, for people.
    pub detail: String,
}

/// Which messages [`Store::outbox_list`] returns, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxFilter {
    /// Only messages in this state.
    pub state: Option<MessageState>,
    /// Only messages of this incident.
    pub incident: Option<IncidentId>,
    /// At most this many (all when `None`).
    pub limit: Option<u32>,
}

/// The columns a [`MessageRow`] reads, as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, idempotency_key, incident_id, channel, recipients, subject, body, created_at, state, \
         attempts, max_attempts, next_attempt_at, lease_until, rendered, sent_at, last_error"
    };
}

const FIND_KEY: &str = "SELECT id, fingerprint FROM outbox_messages WHERE idempotency_key = $1";
const INCIDENT_EXISTS: &str = "SELECT id FROM incidents WHERE id = $1";
const INSERT_MESSAGE: &str = "INSERT INTO outbox_messages (id, idempotency_key, fingerprint, \
     incident_id, channel, recipients, subject, body, created_at, state, attempts, max_attempts, \
     next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $10, $9) \
     ON CONFLICT (idempotency_key) DO NOTHING";
const INSERT_ATTACHMENT: &str = "INSERT INTO outbox_attachments (message_id, position, \
     file_name, media_type, content) VALUES ($1, $2, $3, $4, $5)";
/// Leases the next due message of channel `$3` at time `$4` to `$1` until `$2`. The PostgreSQL
/// text adds `FOR UPDATE SKIP LOCKED` so concurrent dispatchers never claim the same row.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE outbox_messages SET state = 'sending', lease_owner = $1, lease_until = $2, \
             attempts = attempts + 1 WHERE id = (SELECT id FROM outbox_messages \
             WHERE channel = $3 AND ((state = 'pending' AND next_attempt_at <= $4) \
             OR (state = 'sending' AND lease_until <= $4)) \
             ORDER BY next_attempt_at, id LIMIT 1",
            $lock,
            ") RETURNING ",
            columns!()
        )
    };
}
const CLAIM_SQLITE: &str = claim_sql!("");
const CLAIM_POSTGRES: &str = claim_sql!(" FOR UPDATE SKIP LOCKED");
const SET_RENDERED: &str = "UPDATE outbox_messages SET rendered = $3 \
     WHERE id = $1 AND lease_owner = $2 AND state = 'sending' AND rendered IS NULL";
const FINISH: &str = "UPDATE outbox_messages SET state = $4, next_attempt_at = $5, sent_at = $6, \
     last_error = $7, lease_owner = NULL, lease_until = NULL \
     WHERE id = $1 AND lease_owner = $2 AND attempts = $3 AND state = 'sending'";
const INSERT_ATTEMPT: &str = "INSERT INTO outbox_attempts (message_id, attempt, started_at, \
     finished_at, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6)";
const SELECT_ATTEMPTS: &str = "SELECT attempt, started_at, finished_at, outcome, detail \
     FROM outbox_attempts WHERE message_id = $1 ORDER BY attempt";
const SELECT_ATTACHMENTS: &str = "SELECT file_name, media_type, content FROM outbox_attachments \
     WHERE message_id = $1 ORDER BY position";
const SELECT_MESSAGE: &str = concat!("SELECT ", columns!(), " FROM outbox_messages WHERE id = $1");
const RETRY: &str = "UPDATE outbox_messages SET state = 'pending', next_attempt_at = $2, \
     max_attempts = attempts + $3, last_error = NULL \
     WHERE id = $1 AND state IN ('pending', 'failed')";

impl Store {
    /// Puts `message` in the outbox, due at once, unless a message with its idempotency key is
    /// there already: then nothing is written and the existing id is returned, or, when the stored
    /// message has other content, the enqueue is refused as a conflict naming the key.
    pub async fn outbox_enqueue(&self, message: &NewMessage) -> Result<Enqueued, StoreError> {
        let fail = self.db.fail("enqueueing a message");
        let recipients =
            serde_json::to_string(&message.recipients).map_err(|e| StoreError::Undecodable {
                what: format!("recipients of message {}", message.id),
                detail: e.to_string(),
            })?;
        on_pool!(&self.db.pool, writer, |pool, lock| {
            let mut conn = pool.acquire().await.map_err(&fail)?;
            let mut tx = conn.begin_with(lock.begin).await.map_err(&fail)?;
            if let Some(incident) = message.incident {
                let found: Option<(Uuid,)> = sqlx::query_as(INCIDENT_EXISTS)
                    .bind(incident.as_uuid())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(&fail)?;
                if found.is_none() {
                    return Err(StoreError::IncidentNotFound(incident.to_string()));
                }
            }
            let inserted = sqlx::query(INSERT_MESSAGE)
                .bind(message.id)
                .bind(&message.idempotency_key)
                .bind(message.fingerprint.to_vec())
                .bind(message.incident.map(|i| *i.as_uuid()))
                .bind(&message.channel)
                .bind(&recipients)
                .bind(&message.subject)
                .bind(&message.body)
                .bind(micros(message.created_at))
                .bind(i64::from(message.max_attempts))
                .execute(&mut *tx)
                .await
                .map_err(&fail)?
                .rows_affected();
            if inserted == 0 {
                let (id, fingerprint): (Uuid, Vec<u8>) = sqlx::query_as(FIND_KEY)
                    .bind(&message.idempotency_key)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(&fail)?;
                if fingerprint != message.fingerprint {
                    return Err(StoreError::Conflict {
                        operation: "enqueueing a message",
                        detail: format!(
                            "idempotency key {:?} is already used by message {id}, which has \
                             other content; use a new key for a different message",
                            message.idempotency_key
                        ),
                    });
                }
                return Ok(Enqueued::AlreadyQueued(id));
            }
            for (position, a) in message.attachments.iter().enumerate() {
                sqlx::query(INSERT_ATTACHMENT)
                    .bind(message.id)
                    .bind(i64::try_from(position).unwrap_or(i64::MAX))
                    .bind(&a.file_name)
                    .bind(&a.media_type)
                    .bind(&a.content)
                    .execute(&mut *tx)
                    .await
                    .map_err(&fail)?;
            }
            tx.commit().await.map_err(&fail)?;
            Ok(Enqueued::Added(message.id))
        })
    }

    /// Leases the next message of `channel` that is due at `now` (pending and due, or sending
    /// with its lease run out) to `owner` until `lease_until`, counting the attempt. `None` when
    /// nothing is due.
    pub async fn outbox_claim(
        &self,
        owner: &str,
        channel: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let fail = self.db.fail("claiming a message to send");
        let claim = match &self.db.pool {
            Pool::Sqlite { .. } => CLAIM_SQLITE,
            Pool::Postgres(_) => CLAIM_POSTGRES,
        };
        let row: Option<MessageRow> = on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query_as(claim)
                .bind(owner)
                .bind(micros(lease_until))
                .bind(channel)
                .bind(micros(now))
                .fetch_optional(pool)
                .await
                .map_err(&fail)?
        });
        row.map(MessageRow::into_record).transpose()
    }

    /// Stores the exact bytes a message sends (the `.eml` of an e-mail, the body of a webhook
    /// request) while `owner` holds its lease, unless they were stored by an earlier attempt:
    /// every retry sends what the first attempt rendered. Returns whether they were stored.
    pub async fn outbox_set_rendered(
        &self,
        id: Uuid,
        owner: &str,
        rendered: &[u8],
    ) -> Result<bool, StoreError> {
        let fail = self.db.fail("storing a rendered message");
        let done = on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query(SET_RENDERED)
                .bind(id)
                .bind(owner)
                .bind(rendered)
                .execute(pool)
                .await
                .map_err(&fail)?
                .rows_affected()
        });
        Ok(done == 1)
    }

    /// Records a finished attempt and moves its message on (sent, pending again, or failed), in
    /// one transaction, if `attempt.owner` still holds the lease for that attempt. Returns `false`
    /// and writes nothing when the lease was lost (it ran out and another dispatcher took over).
    pub async fn outbox_finish(&self, attempt: &FinishedAttempt) -> Result<bool, StoreError> {
        let fail = self.db.fail("recording a delivery attempt");
        let (state, next, sent_at, error) = match attempt.outcome {
            AttemptOutcome::Sent => (MessageState::Sent, attempt.finished_at, true, None),
            AttemptOutcome::Retry { at } => (
                MessageState::Pending,
                at,
                false,
                Some(attempt.detail.as_str()),
            ),
            AttemptOutcome::GaveUp => (
                MessageState::Failed,
                attempt.finished_at,
                false,
                Some(attempt.detail.as_str()),
            ),
        };
        on_pool!(&self.db.pool, writer, |pool, lock| {
            let mut conn = pool.acquire().await.map_err(&fail)?;
            let mut tx = conn.begin_with(lock.begin).await.map_err(&fail)?;
            let updated = sqlx::query(FINISH)
                .bind(attempt.message)
                .bind(&attempt.owner)
                .bind(i64::from(attempt.attempt))
                .bind(state.name())
                .bind(micros(next))
                .bind(sent_at.then(|| micros(attempt.finished_at)))
                .bind(error)
                .execute(&mut *tx)
                .await
                .map_err(&fail)?
                .rows_affected();
            if updated != 1 {
                return Ok(false);
            }
            sqlx::query(INSERT_ATTEMPT)
                .bind(attempt.message)
                .bind(i64::from(attempt.attempt))
                .bind(micros(attempt.started_at))
                .bind(micros(attempt.finished_at))
                .bind(attempt.outcome.name())
                .bind(&attempt.detail)
                .execute(&mut *tx)
                .await
                .map_err(&fail)?;
            tx.commit().await.map_err(&fail)?;
            Ok(true)
        })
    }

    /// The message with this id, if any.
    pub async fn outbox_message(&self, id: Uuid) -> Result<Option<MessageRecord>, StoreError> {
        let fail = self.db.fail("reading a message");
        let row: Option<MessageRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(SELECT_MESSAGE)
                .bind(id)
                .fetch_optional(pool)
                .await
                .map_err(&fail)?
        });
        row.map(MessageRow::into_record).transpose()
    }

    /// The finished attempts of a message, in order.
    pub async fn outbox_attempts(&self, id: Uuid) -> Result<Vec<AttemptRecord>, StoreError> {
        let fail = self.db.fail("reading delivery attempts");
        let rows: Vec<AttemptRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(SELECT_ATTEMPTS)
                .bind(id)
                .fetch_all(pool)
                .await
                .map_err(&fail)?
        });
        rows.into_iter().map(|r| r.into_record(id)).collect()
    }

    /// The attachments of a message, in order.
    pub async fn outbox_attachments(&self, id: Uuid) -> Result<Vec<Attachment>, StoreError> {
        let fail = self.db.fail("reading attachments");
        let rows: Vec<(String, String, Vec<u8>)> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(SELECT_ATTACHMENTS)
                .bind(id)
                .fetch_all(pool)
                .await
                .map_err(&fail)?
        });
        Ok(rows
            .into_iter()
            .map(|(file_name, media_type, content)| Attachment {
                file_name,
                media_type,
                content,
            })
            .collect())
    }

    /// The messages `filter` selects, newest first.
    pub async fn outbox_list(
        &self,
        filter: &OutboxFilter,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let fail = self.db.fail("listing the outbox");
        // Only the filters given, so that an incident's messages are found by its index.
        let mut select = Select::table("outbox_messages", columns!());
        select.equal("state", filter.state.map(MessageState::name));
        if let Some(incident) = filter.incident {
            select.and(|s| format!("incident_id = {}", s.bind(Param::Id(*incident.as_uuid()))));
        }
        select.push(" ORDER BY created_at DESC, id DESC");
        select.limit(filter.limit.map_or(i64::MAX, i64::from));
        let rows: Vec<MessageRow> = on_pool!(&self.db.pool, reader, |pool| {
            run_select!(&select, pool, fetch_all).map_err(&fail)?
        });
        rows.into_iter().map(MessageRow::into_record).collect()
    }

    /// Makes a failed (or pending) message due again at `now` with `attempts` more attempts
    /// allowed, and returns it; `None` when there is no such message. Refused as a conflict for a
    /// message that is being sent or was sent.
    pub async fn outbox_retry(
        &self,
        id: Uuid,
        now: Timestamp,
        attempts: u32,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let fail = self.db.fail("retrying a message");
        let updated = on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query(RETRY)
                .bind(id)
                .bind(micros(now))
                .bind(i64::from(attempts))
                .execute(pool)
                .await
                .map_err(&fail)?
                .rows_affected()
        });
        let Some(message) = self.outbox_message(id).await? else {
            return Ok(None);
        };
        if updated == 0 {
            return Err(StoreError::Conflict {
                operation: "retrying a message",
                detail: format!(
                    "message {id} is {}; only a pending or failed message can be retried",
                    message.state.name()
                ),
            });
        }
        Ok(Some(message))
    }
}
