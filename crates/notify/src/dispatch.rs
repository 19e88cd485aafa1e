//! The dispatcher: claims due messages one at a time, renders each once, sends it, appends the
//! attempt to the incident's log, and records the outcome.
//!
//! The order of one attempt is: claim (a lease, counted as an attempt) → render if not yet
//! rendered (stored, so retries send the same bytes) → send → append `message.delivery_attempted`
//! to the incident's log → record the attempt and the message's next state (only while the lease
//! is still held). A crash before the send leaves the lease to run out and the message is sent by
//! the next claim; a crash after the receiver accepted the message and before the outcome was
//! recorded makes that next claim send it again — the one at-least-once window, which the
//! `Message-ID` / `Idempotency-Key` headers let receivers close.

use std::future::Future;
use std::time::Duration;

use jiff::Timestamp;
use rampart_core::incident::{DeliveryAttempted, DeliveryOutcome, TypeCatalog};
use rampart_core::{Command, Context, Digest, ZonedTime};
use rampart_store::Store;
use rampart_store::outbox::{AttemptOutcome, FinishedAttempt, MessageRecord};

use crate::config::NotifyConfig;
use crate::error::NotifyError;
use crate::message::Channel;
use crate::smtp::SmtpSender;
use crate::webhook::WebhookSender;

/// How long [`Dispatcher::run`] waits before looking again when nothing was due.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// What one attempt came to, as a transport reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Accepted by the receiver.
    Sent(String),
    /// Failed in a way worth retrying.
    Failed(String),
    /// Refused for good (a permanent SMTP error, an HTTP 4xx, an unusable message).
    Refused(String),
}

/// What a pass of [`Dispatcher::deliver_due`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Messages delivered.
    pub sent: u32,
    /// Attempts that failed and will be retried.
    pub retried: u32,
    /// Messages given up on.
    pub gave_up: u32,
    /// Attempts whose lease ran out before the outcome could be recorded.
    pub lost: u32,
}

impl Pass {
    /// Attempts made in the pass.
    pub fn attempts(&self) -> u32 {
        self.sent + self.retried + self.gave_up + self.lost
    }
}

/// Delivers due messages from the outbox through the configured transports.
pub struct Dispatcher {
    store: Store,
    config: NotifyConfig,
    smtp: Option<SmtpSender>,
    webhooks: WebhookSender,
    owner: String,
    types: TypeCatalog,
}

impl Dispatcher {
    /// A dispatcher over `store` with `config`. Channels without a transport (e-mail with no SMTP
    /// relay configured) are left alone: their messages wait, pending.
    pub fn new(store: Store, config: NotifyConfig) -> Result<Dispatcher, NotifyError> {
        let smtp = config.smtp.as_ref().map(SmtpSender::new).transpose()?;
        let webhooks = WebhookSender::new(&config.webhooks)?;
        let types = TypeCatalog::with_custom::<&str>(&[])
            .map_err(|e| NotifyError::config("incident types", e.to_string()))?;
        Ok(Dispatcher {
            store,
            config,
            smtp,
            webhooks,
            owner: format!("dispatcher-{}", uuid::Uuid::now_v7()),
            types,
        })
    }

    /// Delivers every message due now, one at a time, until none is due; returns what it did.
    pub async fn deliver_due(&self) -> Result<Pass, NotifyError> {
        let mut pass = Pass::default();
        loop {
            let before = pass.attempts();
            for channel in self.channels() {
                self.deliver_one(channel, &mut pass).await?;
            }
            if pass.attempts() == before {
                return Ok(pass);
            }
        }
    }

    /// Delivers due messages until `shutdown` completes, looking again every second when nothing
    /// was due. A store failure ends the loop with the error.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) -> Result<(), NotifyError> {
        tokio::pin!(shutdown);
        loop {
            self.deliver_due().await?;
            tokio::select! {
                () = &mut shutdown => return Ok(()),
                () = tokio::time::sleep(POLL_INTERVAL) => {}
            }
        }
    }

    fn channels(&self) -> impl Iterator<Item = Channel> + '_ {
        Channel::ALL.into_iter().filter(|c| match c {
            Channel::Email => self.smtp.is_some(),
            Channel::Webhook => !self.config.webhooks.is_empty(),
        })
    }

    /// Claims and delivers one due message of `channel`, if any.
    async fn deliver_one(&self, channel: Channel, pass: &mut Pass) -> Result<(), NotifyError> {
        let now = Timestamp::now();
        let lease_until = now + self.config.lease;
        let Some(record) = self
            .store
            .outbox_claim(&self.owner, channel.name(), now, lease_until)
            .await?
        else {
            return Ok(());
        };
        let attempt = record.attempts;
        let started_at = Timestamp::now();
        let (delivery, digest) = match self.rendered(channel, &record).await? {
            Ok(bytes) => {
                let delivery = self.send(channel, &record, &bytes).await;
                (delivery, Some(Digest::of(&bytes)))
            }
            Err(problem) => (Delivery::Refused(problem), None),
        };
        let finished_at = Timestamp::now();
        let outcome = match &delivery {
            Delivery::Sent(_) => AttemptOutcome::Sent,
            Delivery::Failed(_) if attempt < record.max_attempts => AttemptOutcome::Retry {
                at: finished_at + self.config.retry.delay_after(attempt),
            },
            Delivery::Failed(_) | Delivery::Refused(_) => AttemptOutcome::GaveUp,
        };
        let detail = match delivery {
            Delivery::Sent(d) | Delivery::Failed(d) | Delivery::Refused(d) => d,
        };
        // The outcome is recorded even when the log entry cannot be written, so a message that
        // was sent is not sent again; the log failure is then reported.
        let logged = match record.incident {
            Some(incident) => {
                let entry = attempted(&record, attempt, outcome, &detail, digest);
                let text = describe(&entry);
                let ctx = Context {
                    actor: &self.config.actor,
                    now: ZonedTime::utc(Timestamp::now()),
                    types: &self.types,
                };
                self.store
                    .append(incident, |current| {
                        current.decide(&ctx, Command::RecordDelivery(entry.clone()), text.clone())
                    })
                    .await
                    .map(drop)
            }
            None => Ok(()),
        };
        let recorded = self
            .store
            .outbox_finish(&FinishedAttempt {
                message: record.id,
                owner: self.owner.clone(),
                attempt,
                started_at,
                finished_at,
                outcome,
                detail,
            })
            .await?;
        let count = match (recorded, outcome) {
            (false, _) => &mut pass.lost,
            (true, AttemptOutcome::Sent) => &mut pass.sent,
            (true, AttemptOutcome::Retry { .. }) => &mut pass.retried,
            (true, AttemptOutcome::GaveUp) => &mut pass.gave_up,
        };
        *count += 1;
        logged?;
        Ok(())
    }

    /// The bytes to send: stored by an earlier attempt, or rendered now and stored. The inner
    /// error is a message that cannot be rendered (it is given up on).
    async fn rendered(
        &self,
        channel: Channel,
        record: &MessageRecord,
    ) -> Result<Result<Vec<u8>, String>, NotifyError> {
        if let Some(bytes) = &record.rendered {
            return Ok(Ok(bytes.clone()));
        }
        let rendered = match channel {
            Channel::Email => match &self.smtp {
                Some(smtp) => {
                    let attachments = self.store.outbox_attachments(record.id).await?;
                    smtp.render(record, &attachments)
                }
                None => Err("no SMTP relay is configured".to_owned()),
            },
            Channel::Webhook => self.webhooks.render(record),
        };
        if let Ok(bytes) = &rendered {
            self.store
                .outbox_set_rendered(record.id, &self.owner, bytes)
                .await?;
        }
        Ok(rendered)
    }

    async fn send(&self, channel: Channel, record: &MessageRecord, bytes: &[u8]) -> Delivery {
        match channel {
            Channel::Email => match &self.smtp {
                Some(smtp) => smtp.send(record, bytes).await,
                None => Delivery::Failed("no SMTP relay is configured".to_owned()),
            },
            Channel::Webhook => self.webhooks.send(record, bytes).await,
        }
    }
}

/// The log record of an attempt.
fn attempted(
    record: &MessageRecord,
    attempt: u32,
    outcome: AttemptOutcome,
    detail: &str,
    content_sha256: Option<Digest>,
) -> DeliveryAttempted {
    let (outcome, next_attempt) = match outcome {
        AttemptOutcome::Sent => (DeliveryOutcome::Sent, None),
        AttemptOutcome::Retry { at } => (DeliveryOutcome::Failed, Some(at)),
        AttemptOutcome::GaveUp => (DeliveryOutcome::GaveUp, None),
    };
    DeliveryAttempted {
        message: record.id.to_string(),
        idempotency_key: record.idempotency_key.clone(),
        channel: record.channel.clone(),
        recipients: record.recipients.clone(),
        subject: record.subject.clone(),
        attempt,
        outcome,
        detail: detail.to_owned(),
        next_attempt,
        content_sha256,
    }
}

/// The entry's free text: one line a person reads in the log.
fn describe(d: &DeliveryAttempted) -> String {
    let what = format!(
        "{} to {} ({:?}), attempt {}",
        d.channel,
        d.recipients.join(", "),
        d.subject,
        d.attempt
    );
    match (d.outcome, d.next_attempt) {
        (DeliveryOutcome::Sent, _) => format!("{what}: sent"),
        (DeliveryOutcome::Failed, Some(next)) => {
            format!("{what}: failed ({}); next attempt at {next}", d.detail)
        }
        _ => format!("{what}: gave up ({})", d.detail),
    }
}

/// An error and its causes on one line.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}
