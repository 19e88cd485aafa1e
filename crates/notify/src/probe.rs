//! One-off test deliveries, outside the outbox, to check a relay or an endpoint before relying on
//! it (`rampart notify test`). Nothing is stored and nothing is retried.

use jiff::Timestamp;
use rampart_store::outbox::{MessageRecord, MessageState};
use uuid::Uuid;

use crate::config::{SmtpConfig, WebhookConfig};
use crate::dispatch::Delivery;
use crate::error::NotifyError;
use crate::smtp::SmtpSender;
use crate::webhook::WebhookSender;

const SUBJECT: &str = "Rampart test message";
const BODY: &str = "This is a test message from Rampart. If you can read it, delivery works.\n";

/// Sends a test e-mail to `to` through the relay `config` names; returns the relay's answer.
pub async fn test_smtp(config: &SmtpConfig, to: &str) -> Result<String, NotifyError> {
    to.parse::<lettre::message::Mailbox>()
        .map_err(|e| NotifyError::invalid("to", format!("{to:?}: {e}")))?;
    let record = record("email", to);
    let sender = SmtpSender::new(config)?;
    let bytes = sender
        .render(&record, &[])
        .map_err(|detail| NotifyError::TestFailed { detail })?;
    outcome(sender.send(&record, &bytes).await)
}

/// Posts a test message to the webhook endpoint `config`; returns the endpoint's answer.
pub async fn test_webhook(config: &WebhookConfig) -> Result<String, NotifyError> {
    let record = record("webhook", &config.name);
    let sender = WebhookSender::new(std::slice::from_ref(config))?;
    let bytes = sender
        .render(&record)
        .map_err(|detail| NotifyError::TestFailed { detail })?;
    outcome(sender.send(&record, &bytes).await)
}

fn outcome(delivery: Delivery) -> Result<String, NotifyError> {
    match delivery {
        Delivery::Sent(detail) => Ok(detail),
        Delivery::Failed(detail) | Delivery::Refused(detail) => {
            Err(NotifyError::TestFailed { detail })
        }
    }
}

fn record(channel: &str, to: &str) -> MessageRecord {
    let id = Uuid::now_v7();
    let now = Timestamp::now();
    MessageRecord {
        id,
        idempotency_key: format!("test:{id}"),
        incident: None,
        channel: channel.to_owned(),
        recipients: vec![to.to_owned()],
        subject: SUBJECT.to_owned(),
        body: BODY.to_owned(),
        created_at: now,
        state: MessageState::Sending,
        attempts: 1,
        max_attempts: 1,
        next_attempt_at: now,
        lease_until: None,
        rendered: None,
        sent_at: None,
        last_error: None,
    }
}
