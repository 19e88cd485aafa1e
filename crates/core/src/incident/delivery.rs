//! Deliveries of outgoing messages (e-mail, webhooks) as an incident's log records them: one entry
//! per attempt, with its outcome. The outbox that sends them lives outside the domain
//! (`rampart-notify`); the log is where a responder, an assessor or Amazon later reads what was
//! sent, to whom, when, and whether it arrived.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, require_text};
use crate::log::Digest;
use crate::named::named_enum;

named_enum! {
    /// How a delivery attempt ended.
    pub enum DeliveryOutcome ("delivery outcome") {
        /// The receiving server or endpoint accepted the message.
        Sent = "sent",
        /// It failed; another attempt is scheduled.
        Failed = "failed",
        /// It failed and no further attempt will be made.
        GaveUp = "gave_up",
    }
}

/// Payload of `message.delivery_attempted`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryAttempted {
    /// The outbox message id (a UUID), also its `Message-ID` / idempotency header.
    pub message: String,
    /// The caller's idempotency key.
    pub idempotency_key: String,
    /// The channel (`email`, `webhook`).
    pub channel: String,
    /// Addresses or endpoint names.
    pub recipients: Vec<String>,
    /// The subject line.
    pub subject: String,
    /// The attempt number, from 1.
    pub attempt: u32,
    /// How it ended.
    pub outcome: DeliveryOutcome,
    /// The server's answer or the error.
    pub detail: String,
    /// When the next attempt is due (only after a failure that is retried).
    pub next_attempt: Option<Timestamp>,
    /// SHA-256 of the exact bytes sent (the `.eml` of an e-mail, the body of a webhook request).
    pub content_sha256: Option<Digest>,
}

impl DeliveryAttempted {
    /// The entry kind.
    pub const KIND: &'static str = "message.delivery_attempted";

    /// Checks the record for consistency.
    pub(super) fn check(&self) -> Result<(), DomainError> {
        require_text("message id", &self.message)?;
        require_text("idempotency key", &self.idempotency_key)?;
        require_text("channel", &self.channel)?;
        if self.recipients.is_empty() || self.recipients.iter().any(|r| r.trim().is_empty()) {
            return Err(DomainError::Missing {
                field: "recipients",
            });
        }
        if self.attempt == 0 {
            return Err(DomainError::Invalid {
                field: "attempt",
                value: self.attempt.to_string(),
                reason: "attempts are numbered from 1",
            });
        }
        let retried = self.outcome == DeliveryOutcome::Failed;
        if retried != self.next_attempt.is_some() {
            return Err(DomainError::Invalid {
                field: "next attempt",
                value: format!("{:?}", self.next_attempt),
                reason: "a failed attempt that is retried names its next attempt, and no other \
                         outcome does",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent() -> DeliveryAttempted {
        DeliveryAttempted {
            message: "019a0000-0000-7000-8000-000000000001".to_owned(),
            idempotency_key: "page:1".to_owned(),
            channel: "email".to_owned(),
            recipients: vec!["ic@example.org".to_owned()],
            subject: "Paged".to_owned(),
            attempt: 1,
            outcome: DeliveryOutcome::Sent,
            detail: "250 OK".to_owned(),
            next_attempt: None,
            content_sha256: Some(Digest::of(b"eml")),
        }
    }

    #[test]
    fn only_a_retried_failure_names_its_next_attempt() {
        assert!(sent().check().is_ok());
        let retried = DeliveryAttempted {
            outcome: DeliveryOutcome::Failed,
            next_attempt: Some(Timestamp::UNIX_EPOCH),
            ..sent()
        };
        assert!(retried.check().is_ok());
        let no_next = DeliveryAttempted {
            next_attempt: None,
            ..retried
        };
        assert!(no_next.check().is_err());
        let sent_with_next = DeliveryAttempted {
            next_attempt: Some(Timestamp::UNIX_EPOCH),
            ..sent()
        };
        assert!(sent_with_next.check().is_err());
    }

    #[test]
    fn an_attempt_needs_recipients_and_a_number() {
        let nobody = DeliveryAttempted {
            recipients: vec![],
            ..sent()
        };
        assert!(nobody.check().is_err());
        let zeroth = DeliveryAttempted {
            attempt: 0,
            ..sent()
        };
        assert!(zeroth.check().is_err());
    }
}
