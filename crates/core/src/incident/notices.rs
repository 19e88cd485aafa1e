//! Notices an incident sends (to affected people, regulators, customers, others), as its log
//! records them: drafted with a first body, revised into new versions, approved, signed off by
//! Amazon, a personal-data finding overridden with a reason, Amazon's written request attached,
//! and sending started for one version. Which gates hold a notice back is decided with
//! `rampart-notice` by the caller; here the record stays consistent: approvals, sign-offs and
//! overrides name a version that exists, and a notice is sent once.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::response::decode;
use crate::error::{DomainError, ReplayError, require_text};
use crate::log::{Digest, LogEntry};

/// A recipient of a notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeRecipient {
    /// The name.
    pub name: String,
    /// `email`, `letter`, `phone` or `in_person`.
    pub channel: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
}

/// Payload of `notice.drafted`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeDrafted {
    /// `affected_people`, `regulator`, `customer` or `other`.
    pub audience: String,
    /// The subject (e-mail) or heading (letter).
    pub subject: String,
    /// The first body (version 1).
    pub body: String,
    /// The template it was rendered from (`name@version`), if any.
    pub template: Option<String>,
    /// Who receives it.
    pub recipients: Vec<NoticeRecipient>,
    /// Sent on behalf of Amazon (needs Amazon's written request as evidence).
    pub on_behalf_of_amazon: bool,
}

/// Payload of `notice.revised`: a new version of the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeRevised {
    /// The notice (its entry `seq`).
    pub notice: u64,
    /// The new body.
    pub body: String,
}

/// Payload of the entries about one version of a notice: `notice.approved`,
/// `notice.amazon_approved`, `notice.amazon_reviewed`, `notice.pii_overridden`,
/// `notice.changes_requested`, `notice.sending`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeVersion {
    /// The notice (its entry `seq`).
    pub notice: u64,
    /// The version, from 1.
    pub version: u32,
    /// Why (required to override the personal-data check and to request changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Payload of `notice.amazon_request_attached`: Amazon's written request to notify on its behalf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmazonRequestAttached {
    /// The notice.
    pub notice: u64,
    /// The evidence item holding the request.
    pub evidence: Digest,
}

/// Payload of `notice.contact_recorded`: a letter mailed, a call made, a visit paid to one
/// recipient of a notice that is being sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactRecorded {
    /// The notice.
    pub notice: u64,
    /// The recipient's position in the notice's list, from 0.
    pub recipient: usize,
    /// Who mailed, called or visited.
    pub by: String,
    /// When.
    pub at: crate::time::ZonedTime,
    /// The outcome: `mailed`, `reached`, `voicemail`, `no answer`, …
    pub outcome: String,
}

/// A change to a notice, as carried by one log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeAction {
    /// Drafted.
    Drafted(NoticeDrafted),
    /// A new body version.
    Revised(NoticeRevised),
    /// One version approved, signed off, overridden, sent back or sent; the kind is
    /// [`NoticeAction::KINDS`]`[2..]`.
    Version(&'static str, NoticeVersion),
    /// Amazon's written request attached.
    AmazonRequest(AmazonRequestAttached),
    /// A letter, call or visit recorded.
    Contact(ContactRecorded),
}

/// A notice as its entries leave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Notice {
    /// The `seq` of the entry that drafted it.
    pub id: u64,
    /// What was drafted (with the first body).
    #[serde(flatten)]
    pub draft: NoticeDrafted,
    /// Every body, version 1 first.
    pub versions: Vec<String>,
    /// Per version event: (kind, version, by, reason), oldest first.
    pub events: Vec<(String, u32, String, Option<String>)>,
    /// Amazon's written request, if attached.
    pub amazon_request: Option<Digest>,
    /// Letters, calls and visits recorded, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<ContactRecorded>,
}

impl Notice {
    /// The current version number.
    pub fn version(&self) -> u32 {
        u32::try_from(self.versions.len()).unwrap_or(u32::MAX)
    }

    /// The current body.
    pub fn body(&self) -> &str {
        self.versions.last().map_or("", String::as_str)
    }

    /// Whether the current version has an event of `kind` (`notice.approved`, …).
    pub fn has(&self, kind: &str) -> bool {
        let v = self.version();
        self.events.iter().any(|(k, n, _, _)| k == kind && *n == v)
    }

    /// The reason of the current version's event of `kind`.
    pub fn reason(&self, kind: &str) -> Option<&str> {
        let v = self.version();
        self.events
            .iter()
            .rev()
            .find(|(k, n, _, _)| k == kind && *n == v)
            .and_then(|(_, _, _, r)| r.as_deref())
    }

    /// Whether any version was sent.
    pub fn sent(&self) -> bool {
        self.events.iter().any(|(k, ..)| k == "notice.sending")
    }
}

impl NoticeAction {
    /// Every kind string of a notice action.
    pub const KINDS: [&'static str; 10] = [
        "notice.drafted",
        "notice.revised",
        "notice.approved",
        "notice.amazon_approved",
        "notice.amazon_reviewed",
        "notice.pii_overridden",
        "notice.changes_requested",
        "notice.sending",
        "notice.amazon_request_attached",
        "notice.contact_recorded",
    ];

    /// The entry kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Drafted(_) => Self::KINDS[0],
            Self::Revised(_) => Self::KINDS[1],
            Self::Version(kind, _) => kind,
            Self::AmazonRequest(_) => Self::KINDS[8],
            Self::Contact(_) => Self::KINDS[9],
        }
    }

    /// A version event of `kind` (one of [`NoticeAction::KINDS`]`[2..8]`), or `None`.
    pub fn version(kind: &str, v: NoticeVersion) -> Option<Self> {
        Self::KINDS[2..8]
            .iter()
            .find(|k| **k == kind)
            .map(|k| Self::Version(k, v))
    }

    pub(crate) fn to_value(&self) -> Result<Value, serde_json::Error> {
        match self {
            Self::Drafted(p) => serde_json::to_value(p),
            Self::Revised(p) => serde_json::to_value(p),
            Self::Version(_, p) => serde_json::to_value(p),
            Self::AmazonRequest(p) => serde_json::to_value(p),
            Self::Contact(p) => serde_json::to_value(p),
        }
    }

    pub(crate) fn from_entry(entry: &LogEntry) -> Result<Option<Self>, ReplayError> {
        let kind = entry.kind.as_str();
        Ok(Some(match kind {
            "notice.drafted" => Self::Drafted(decode(entry)?),
            "notice.revised" => Self::Revised(decode(entry)?),
            "notice.amazon_request_attached" => Self::AmazonRequest(decode(entry)?),
            "notice.contact_recorded" => Self::Contact(decode(entry)?),
            _ => match Self::KINDS[2..8].iter().find(|k| **k == kind) {
                Some(k) => Self::Version(k, decode(entry)?),
                None => return Ok(None),
            },
        }))
    }
}

fn find(notices: &[Notice], id: u64) -> Result<&Notice, DomainError> {
    notices
        .iter()
        .find(|n| n.id == id)
        .ok_or(DomainError::Invalid {
            field: "notice",
            value: id.to_string(),
            reason: "no notice of this incident has this id (see `rampart notice list`)",
        })
}

/// Checks `action` against the notices as they stand; `evidence` tells whether a digest names an
/// evidence item of the incident.
pub(super) fn check(
    notices: &[Notice],
    action: &NoticeAction,
    evidence: impl Fn(&Digest) -> bool,
) -> Result<(), DomainError> {
    let not_sent = |n: &Notice| match n.sent() {
        true => Err(DomainError::Invalid {
            field: "notice",
            value: n.id.to_string(),
            reason: "this notice was sent; draft a new one",
        }),
        false => Ok(()),
    };
    match action {
        NoticeAction::Drafted(d) => {
            require_text("subject", &d.subject)?;
            require_text("body", &d.body)?;
            if d.recipients.is_empty() {
                return Err(DomainError::Missing {
                    field: "recipients",
                });
            }
            Ok(())
        }
        NoticeAction::Revised(r) => {
            require_text("body", &r.body)?;
            not_sent(find(notices, r.notice)?)
        }
        NoticeAction::Version(kind, v) => {
            let n = find(notices, v.notice)?;
            if v.version != n.version() {
                return Err(DomainError::Invalid {
                    field: "version",
                    value: v.version.to_string(),
                    reason: "only the current version of a notice can be approved, overridden or sent",
                });
            }
            if matches!(*kind, "notice.pii_overridden" | "notice.changes_requested") {
                require_text("reason", v.reason.as_deref().unwrap_or(""))?;
            }
            not_sent(n)
        }
        NoticeAction::Contact(c) => {
            let n = find(notices, c.notice)?;
            require_text("who made the contact", &c.by)?;
            require_text("outcome", &c.outcome)?;
            if !n.sent() {
                return Err(DomainError::Invalid {
                    field: "notice",
                    value: n.id.to_string(),
                    reason: "a letter, call or visit is recorded once the notice passed its gates \
                             (rampart notice send)",
                });
            }
            match n.draft.recipients.get(c.recipient) {
                Some(r) if r.channel != "email" => Ok(()),
                _ => Err(DomainError::Invalid {
                    field: "recipient",
                    value: c.recipient.to_string(),
                    reason: "name a recipient of this notice by letter, phone or in person",
                }),
            }
        }
        NoticeAction::AmazonRequest(a) => {
            find(notices, a.notice)?;
            if !evidence(&a.evidence) {
                return Err(DomainError::UnknownEvidence { sha256: a.evidence });
            }
            Ok(())
        }
    }
}

/// Applies a checked action recorded by `entry`.
pub(super) fn fold(notices: &mut Vec<Notice>, action: NoticeAction, entry: &LogEntry) {
    let by = entry.actor.clone();
    match action {
        NoticeAction::Drafted(draft) => notices.push(Notice {
            id: entry.seq,
            versions: vec![draft.body.clone()],
            draft,
            events: Vec::new(),
            amazon_request: None,
            contacts: Vec::new(),
        }),
        NoticeAction::Revised(r) => {
            if let Some(n) = notices.iter_mut().find(|n| n.id == r.notice) {
                n.versions.push(r.body);
            }
        }
        NoticeAction::Version(kind, v) => {
            if let Some(n) = notices.iter_mut().find(|n| n.id == v.notice) {
                n.events.push((kind.to_owned(), v.version, by, v.reason));
            }
        }
        NoticeAction::AmazonRequest(a) => {
            if let Some(n) = notices.iter_mut().find(|n| n.id == a.notice) {
                n.amazon_request = Some(a.evidence);
            }
        }
        NoticeAction::Contact(c) => {
            if let Some(n) = notices.iter_mut().find(|n| n.id == c.notice) {
                n.contacts.push(c);
            }
        }
    }
}
