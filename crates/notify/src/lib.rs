//! Delivery for Rampart: an outbox in the store feeding e-mail over SMTP and webhooks over HTTPS,
//! with retries, idempotency, and every attempt recorded in the incident's log.
//!
//! - [`Outbox::enqueue`] puts a [`Message`] in the outbox (the store's `outbox_messages` table,
//!   SQLite or PostgreSQL) and returns its [`MessageId`]. Its idempotency key makes a repeat a
//!   no-op: enqueueing the same key twice yields one message (a different message under a used
//!   key is refused). Nothing is sent by enqueueing; the caller's transaction is the store's.
//! - A [`Dispatcher`] delivers due messages: it leases one (a claim in one statement, so two
//!   dispatchers never send the same message at once), renders it once (the exact `.eml` or
//!   request body is stored, so every retry sends the same bytes with the same `Message-ID`),
//!   sends it, appends a `message.delivery_attempted` entry to the incident's log when the
//!   message belongs to an incident, and records the outcome. Failures are retried with
//!   exponential backoff ([`RetryPolicy`]) until the message's attempt limit; permanent refusals
//!   (SMTP 5xx, HTTP 4xx) give up at once.
//! - [`NotifyConfig`] is the `[notify]` table of `rampart.toml` (SMTP relay, webhook endpoints,
//!   retry timing) with secrets from the environment; secrets never appear in `Debug` output,
//!   errors or the log.
//!
//! Delivery is exactly once except in one window: a dispatcher that dies after the receiver
//! accepted a message and before the outcome was recorded leaves the message leased; when the
//! lease runs out another dispatcher sends it again, with the same `Message-ID` header (e-mail)
//! or `Idempotency-Key` header (webhooks), so receivers can drop the repeat. `docs/notify.md`
//! describes the configuration, the payloads and their signature.

#![forbid(unsafe_code)]

mod config;
mod dispatch;
mod error;
mod message;
mod probe;
mod retry;
mod smtp;
mod webhook;

use rampart_store::Store;
use rampart_store::outbox::Enqueued;

pub use config::{
    NotifyConfig, SMTP_PASSWORD_ENV, Secret, Settings, SmtpConfig, SmtpSecurity, WebhookConfig,
    WebhookFormat,
};
pub use dispatch::{Dispatcher, Pass};
pub use error::NotifyError;
pub use message::{Attachment, Channel, DEFAULT_MAX_ATTEMPTS, Message, MessageId};
pub use probe::{test_smtp, test_webhook};
pub use rampart_store::outbox::{AttemptRecord, MessageRecord, MessageState, OutboxFilter};
pub use retry::RetryPolicy;
pub use webhook::{SIGNATURE_HEADER, sign};

/// The outbox: where messages wait to be delivered.
#[derive(Debug, Clone, Copy)]
pub struct Outbox;

impl Outbox {
    /// Puts `message` in the outbox, due at once, and returns its id. When a message with the
    /// same idempotency key is there already, nothing is written and its id is returned; a
    /// message with other content under a used key is refused ([`NotifyError::Store`] with a
    /// conflict naming the key). A malformed message (a bad address, an empty subject, an unknown
    /// incident) is refused with the field and the reason.
    pub async fn enqueue(store: &Store, message: Message) -> Result<MessageId, NotifyError> {
        Ok(Self::enqueue_checked(store, message).await?.0)
    }

    /// Like [`Outbox::enqueue`], also telling whether the message was new (`true`) or already
    /// queued under its idempotency key (`false`).
    pub async fn enqueue_checked(
        store: &Store,
        message: Message,
    ) -> Result<(MessageId, bool), NotifyError> {
        let row = message.into_new(jiff::Timestamp::now())?;
        Ok(match store.outbox_enqueue(&row).await? {
            Enqueued::Added(id) => (MessageId(id), true),
            Enqueued::AlreadyQueued(id) => (MessageId(id), false),
        })
    }

    /// The messages `filter` selects, newest first.
    pub async fn list(
        store: &Store,
        filter: &OutboxFilter,
    ) -> Result<Vec<MessageRecord>, NotifyError> {
        Ok(store.outbox_list(filter).await?)
    }

    /// One message and its finished attempts.
    pub async fn show(
        store: &Store,
        id: MessageId,
    ) -> Result<(MessageRecord, Vec<AttemptRecord>), NotifyError> {
        let message = store
            .outbox_message(id.0)
            .await?
            .ok_or(NotifyError::MessageNotFound(id))?;
        let attempts = store.outbox_attempts(id.0).await?;
        Ok((message, attempts))
    }

    /// Makes a failed message due again now with [`DEFAULT_MAX_ATTEMPTS`] more attempts. A
    /// message that is sent or being sent is refused.
    pub async fn retry(store: &Store, id: MessageId) -> Result<MessageRecord, NotifyError> {
        let (message, _) = Self::show(store, id).await?;
        if !matches!(message.state, MessageState::Pending | MessageState::Failed) {
            return Err(NotifyError::NotRetryable {
                id,
                state: message.state,
            });
        }
        store
            .outbox_retry(id.0, jiff::Timestamp::now(), DEFAULT_MAX_ATTEMPTS)
            .await?
            .ok_or(NotifyError::MessageNotFound(id))
    }
}
