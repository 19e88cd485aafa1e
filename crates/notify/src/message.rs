//! A message to send, checked before it enters the outbox: addresses that parse, a subject that
//! fits on one header line, a webhook endpoint name, attachments with plain file names.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use rampart_core::IncidentId;
use rampart_store::outbox::{self, NewMessage};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::error::NotifyError;

/// Attempts a message gets before the outbox gives up on it.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 10;
/// The longest idempotency key accepted.
const MAX_KEY_LEN: usize = 200;
/// The longest subject accepted (one header line, RFC 5322 §2.1.1).
const MAX_SUBJECT_LEN: usize = 900;
/// The most recipients one e-mail may have.
const MAX_RECIPIENTS: usize = 100;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// E-mail over the configured SMTP relay; `to` holds addresses.
    Email,
    /// An HTTP POST to one configured webhook endpoint; `to` holds its name.
    Webhook,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Webhook];

    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A message's id in the outbox: a UUIDv7, also its `Message-ID` (e-mail) and `Idempotency-Key`
/// (webhooks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(pub Uuid);

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for MessageId {
    type Err = NotifyError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(text.trim())
            .map(MessageId)
            .map_err(|e| NotifyError::invalid("id", format!("{text:?} is not a message id: {e}")))
    }
}

/// A file sent with an e-mail (the exact `.eml` of a report, a PDF letter, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name shown to the recipient (no path).
    pub file_name: String,
    /// Its media type, e.g. `application/pdf` or `message/rfc822`.
    pub media_type: String,
    /// Its bytes.
    pub content: Vec<u8>,
}

/// A message to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// How it travels.
    pub channel: Channel,
    /// E-mail addresses (`Name <addr@example.org>` or `addr@example.org`), or the one webhook
    /// endpoint's name.
    pub to: Vec<String>,
    /// The subject (e-mail) or title (webhooks).
    pub subject: String,
    /// The plain text.
    pub body: String,
    /// The incident it belongs to: every delivery attempt is then appended to its log.
    pub incident: Option<IncidentId>,
    /// The caller's key for this message: enqueueing the same key again does not add a message.
    /// Choose it from what makes the message unique, e.g. `page:INC-2026-0001:7:alice`.
    pub idempotency_key: String,
    /// Files sent with it (e-mail only).
    pub attachments: Vec<Attachment>,
    /// Attempts before giving up ([`DEFAULT_MAX_ATTEMPTS`] from the constructors).
    pub max_attempts: u32,
}

impl Message {
    /// An e-mail to `to` with `subject` and `body`, under `idempotency_key`.
    pub fn email(
        to: impl IntoIterator<Item = impl Into<String>>,
        subject: impl Into<String>,
        body: impl Into<String>,
        idempotency_key: impl Into<String>,
    ) -> Message {
        Message {
            channel: Channel::Email,
            to: to.into_iter().map(Into::into).collect(),
            subject: subject.into(),
            body: body.into(),
            incident: None,
            idempotency_key: idempotency_key.into(),
            attachments: Vec::new(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// A post to the webhook endpoint named `endpoint` in the configuration.
    pub fn webhook(
        endpoint: impl Into<String>,
        subject: impl Into<String>,
        body: impl Into<String>,
        idempotency_key: impl Into<String>,
    ) -> Message {
        Message {
            channel: Channel::Webhook,
            to: vec![endpoint.into()],
            ..Message::email(Vec::<String>::new(), subject, body, idempotency_key)
        }
    }

    /// The same message, belonging to `incident`.
    pub fn for_incident(self, incident: IncidentId) -> Message {
        Message {
            incident: Some(incident),
            ..self
        }
    }

    /// The same message with `attachment` added.
    pub fn attach(mut self, attachment: Attachment) -> Message {
        self.attachments.push(attachment);
        self
    }

    /// Checks the message and turns it into the row to store, created at `now`.
    pub(crate) fn into_new(self, now: Timestamp) -> Result<NewMessage, NotifyError> {
        self.check()?;
        let fingerprint = self.fingerprint();
        Ok(NewMessage {
            id: Uuid::now_v7(),
            idempotency_key: self.idempotency_key,
            fingerprint,
            incident: self.incident,
            channel: self.channel.name().to_owned(),
            recipients: self.to,
            subject: self.subject,
            body: self.body,
            attachments: self
                .attachments
                .into_iter()
                .map(|a| outbox::Attachment {
                    file_name: a.file_name,
                    media_type: a.media_type,
                    content: a.content,
                })
                .collect(),
            max_attempts: self.max_attempts,
            created_at: now,
        })
    }

    fn check(&self) -> Result<(), NotifyError> {
        let key = &self.idempotency_key;
        if key.trim().is_empty() || key.len() > MAX_KEY_LEN || key.chars().any(char::is_control) {
            return Err(NotifyError::invalid(
                "idempotency key",
                format!("{key:?} must be 1 to {MAX_KEY_LEN} bytes without control characters"),
            ));
        }
        let subject = &self.subject;
        if subject.trim().is_empty()
            || subject.len() > MAX_SUBJECT_LEN
            || subject.chars().any(char::is_control)
        {
            return Err(NotifyError::invalid(
                "subject",
                format!(
                    "must be 1 to {MAX_SUBJECT_LEN} bytes on one line without control characters"
                ),
            ));
        }
        if self.body.trim().is_empty() {
            return Err(NotifyError::invalid("body", "is empty"));
        }
        if self.max_attempts == 0 {
            return Err(NotifyError::invalid("max attempts", "must be at least 1"));
        }
        match self.channel {
            Channel::Email => self.check_email(),
            Channel::Webhook => self.check_webhook(),
        }
    }

    fn check_email(&self) -> Result<(), NotifyError> {
        if self.to.is_empty() || self.to.len() > MAX_RECIPIENTS {
            return Err(NotifyError::invalid(
                "to",
                format!("an e-mail needs 1 to {MAX_RECIPIENTS} recipients"),
            ));
        }
        for (i, to) in self.to.iter().enumerate() {
            to.parse::<lettre::message::Mailbox>().map_err(|e| {
                NotifyError::invalid("to", format!("recipient {} {to:?}: {e}", i + 1))
            })?;
        }
        for (i, a) in self.attachments.iter().enumerate() {
            let bad_name = a.file_name.trim().is_empty()
                || a.file_name
                    .chars()
                    .any(|c| c.is_control() || c == '/' || c == '\\');
            if bad_name {
                return Err(NotifyError::invalid(
                    "attachment",
                    format!(
                        "attachment {} file name {:?} must be a plain name without a path",
                        i + 1,
                        a.file_name
                    ),
                ));
            }
            lettre::message::header::ContentType::parse(&a.media_type).map_err(|e| {
                NotifyError::invalid(
                    "attachment",
                    format!("attachment {} media type {:?}: {e}", i + 1, a.media_type),
                )
            })?;
        }
        Ok(())
    }

    fn check_webhook(&self) -> Result<(), NotifyError> {
        match self.to.as_slice() {
            [name] if crate::config::valid_name(name) => {}
            _ => {
                return Err(NotifyError::invalid(
                    "to",
                    format!(
                        "a webhook goes to exactly one configured endpoint name (letters, digits, \
                         '-' and '_'), not {:?}",
                        self.to
                    ),
                ));
            }
        }
        if !self.attachments.is_empty() {
            return Err(NotifyError::invalid(
                "attachments",
                "webhooks carry no attachments; send files by e-mail",
            ));
        }
        Ok(())
    }

    /// SHA-256 over everything that makes the message what it is, length-prefixed field by field.
    fn fingerprint(&self) -> [u8; 32] {
        let mut hash = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_be_bytes());
            hash.update(bytes);
        };
        field(self.channel.name().as_bytes());
        field(&(self.to.len() as u64).to_be_bytes());
        for to in &self.to {
            field(to.as_bytes());
        }
        field(self.subject.as_bytes());
        field(self.body.as_bytes());
        field(
            self.incident
                .map(|i| i.to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        field(&self.max_attempts.to_be_bytes());
        field(&(self.attachments.len() as u64).to_be_bytes());
        for a in &self.attachments {
            field(a.file_name.as_bytes());
            field(a.media_type.as_bytes());
            field(&a.content);
        }
        hash.finalize().into()
    }
}
