//! Actions: the changes a log entry can carry, each with its `kind` string and payload.
//!
//! The payload of an entry is the serde form of the action's data, with object keys sorted.
//! Reading an entry back ([`Action::from_entry`]) is the inverse; an unknown kind or a payload that
//! does not fit its kind is an error, never skipped.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::delivery::DeliveryAttempted;
use super::details::Detail;
use super::evidence::{Custody, EvidenceMeta};
use super::facts::{ClockMet, ClockMissed, FactsRecorded};
use super::kind::IncidentType;
use super::lifecycle::State;
use super::notices::NoticeAction;
use super::registers::RegisterAction;
use super::response::ResponseAction;
use super::roles::Role;
use super::severity::{Impact, Severity, SeverityOverride};
use crate::error::{DomainError, ReplayError};
use crate::id::IncidentKey;
use crate::log::{Digest, LogEntry};
use crate::time::ZonedTime;

/// A change to an incident, as carried by one log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The incident is opened (always entry 1).
    Opened(Opened),
    /// Descriptive fields change.
    Updated(Updated),
    /// The lifecycle state changes (including dismissal and reopening).
    Transitioned(Transitioned),
    /// A note; its text is the entry's free text.
    NoteAdded,
    /// An item is added to the record of details.
    DetailAdded(Detail),
    /// An item is removed from the record of details.
    DetailRemoved(DetailRemoved),
    /// An evidence file is recorded.
    EvidenceAdded(EvidenceAdded),
    /// An evidence item changes hands.
    CustodyTransferred(CustodyTransferred),
    /// Someone takes a role.
    RoleAssigned(RoleAssigned),
    /// A role is left vacant.
    RoleUnassigned(RoleUnassigned),
    /// The severity is set by hand, or handed back to the matrix.
    SeverityOverridden(SeverityOverridden),
    /// The incident's log was exported (an evidence pack left the system).
    Exported(Exported),
    /// Facts that start notification clocks: residents affected, legal process, materiality.
    FactsRecorded(FactsRecorded),
    /// A notification clock ended: the notice was given.
    ClockMet(ClockMet),
    /// A notification clock ended without the notice in time.
    ClockMissed(ClockMissed),
    /// The response: identification, tasks, pages (see [`ResponseAction`]).
    Response(ResponseAction),
    /// An attempt to deliver an outgoing message of the incident, and its outcome.
    DeliveryAttempted(DeliveryAttempted),
    /// The registers: legal-process requests, law enforcement, notification holds.
    Register(RegisterAction),
    /// Notices: drafted, revised, approved, signed off, overridden, sent.
    Notice(NoticeAction),
}

/// Payload of `incident.opened`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Opened {
    /// The human key.
    pub key: IncidentKey,
    /// A one-line title.
    pub title: String,
    /// What is known so far.
    pub summary: String,
    /// The type.
    pub incident_type: IncidentType,
    /// The impact assessment, if made.
    pub impact: Option<Impact>,
    /// A severity set by hand, if any.
    pub severity_override: Option<SeverityOverride>,
    /// Amazon Information involved.
    pub amazon_information: bool,
    /// Personal data involved.
    pub personal_data: bool,
    /// A drill, kept out of statistics.
    pub drill: bool,
    /// When it happened, if known.
    pub occurred: Option<ZonedTime>,
    /// When it was detected (Amazon's clock starts here).
    pub detected: ZonedTime,
    /// When it was reported.
    pub reported: ZonedTime,
}

/// Payload of `incident.updated`: only the fields that change are present.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Updated {
    /// New title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// New summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// New type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_type: Option<IncidentType>,
    /// New impact assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
    /// New Amazon Information flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amazon_information: Option<bool>,
    /// New personal data flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_data: Option<bool>,
    /// When it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred: Option<ZonedTime>,
    /// When it was detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected: Option<ZonedTime>,
    /// When it was reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported: Option<ZonedTime>,
    /// Why (required when a timestamp changes: the clocks it starts move).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Updated {
    /// The names of the fields present, in payload order.
    pub fn fields(&self) -> Vec<&'static str> {
        let present = [
            ("title", self.title.is_some()),
            ("summary", self.summary.is_some()),
            ("incident_type", self.incident_type.is_some()),
            ("impact", self.impact.is_some()),
            ("amazon_information", self.amazon_information.is_some()),
            ("personal_data", self.personal_data.is_some()),
            ("occurred", self.occurred.is_some()),
            ("detected", self.detected.is_some()),
            ("reported", self.reported.is_some()),
        ];
        present
            .into_iter()
            .filter(|(_, p)| *p)
            .map(|(f, _)| f)
            .collect()
    }
}

/// Payload of `incident.transitioned`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Transitioned {
    /// The state left.
    pub from: State,
    /// The state entered.
    pub to: State,
    /// When it took effect (may be before the entry is written).
    pub at: ZonedTime,
    /// Why (required for dismissal and reopening).
    pub reason: Option<String>,
}

/// Payload of `incident.detail_removed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct DetailRemoved {
    /// The id of the item removed.
    pub id: u64,
    /// Why (e.g. recorded in error).
    pub reason: String,
}

/// Payload of `evidence.added`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct EvidenceAdded {
    /// The file's metadata.
    pub meta: EvidenceMeta,
    /// Who holds it first.
    pub custodian: String,
}

/// Payload of `evidence.custody_transferred`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct CustodyTransferred {
    /// Which evidence.
    pub sha256: Digest,
    /// The handover.
    pub custody: Custody,
}

/// Payload of `incident.role_assigned`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct RoleAssigned {
    /// The role.
    pub role: Role,
    /// Who takes it (replacing any previous holder).
    pub person: String,
}

/// Payload of `incident.role_unassigned`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct RoleUnassigned {
    /// The role left vacant.
    pub role: Role,
}

/// Payload of `incident.severity_overridden`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct SeverityOverridden {
    /// The severity set, or `None` to return to the matrix.
    pub severity: Option<Severity>,
    /// Why.
    pub reason: String,
}

/// Payload of `incident.exported`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Exported {
    /// The last entry included in the export.
    pub through_seq: u64,
    /// Its hash: the export can later be matched to this entry.
    pub head: Digest,
    /// Who the export was disclosed to (information on request), if anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// What was disclosed (the parts of the pack).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub what: Vec<String>,
}

impl Action {
    /// Every kind string, for documentation and storage checks.
    pub const KINDS: [&'static str; 15] = [
        "incident.opened",
        "incident.updated",
        "incident.transitioned",
        "incident.note_added",
        "incident.detail_added",
        "incident.detail_removed",
        "evidence.added",
        "evidence.custody_transferred",
        "incident.role_assigned",
        "incident.role_unassigned",
        "incident.severity_overridden",
        "incident.exported",
        "incident.facts_recorded",
        "clock.met",
        "clock.missed",
    ];

    /// The entry kind that carries this action.
    pub fn kind(&self) -> &'static str {
        let index = match self {
            Self::Opened(_) => 0,
            Self::Updated(_) => 1,
            Self::Transitioned(_) => 2,
            Self::NoteAdded => 3,
            Self::DetailAdded(_) => 4,
            Self::DetailRemoved(_) => 5,
            Self::EvidenceAdded(_) => 6,
            Self::CustodyTransferred(_) => 7,
            Self::RoleAssigned(_) => 8,
            Self::RoleUnassigned(_) => 9,
            Self::SeverityOverridden(_) => 10,
            Self::Exported(_) => 11,
            Self::FactsRecorded(_) => 12,
            Self::ClockMet(_) => 13,
            Self::ClockMissed(_) => 14,
            Self::Response(r) => return r.kind(),
            Self::DeliveryAttempted(_) => return DeliveryAttempted::KIND,
            Self::Register(r) => return r.kind(),
            Self::Notice(n) => return n.kind(),
        };
        Self::KINDS[index]
    }

    /// The entry payload: the action's data with object keys sorted.
    pub fn payload(&self) -> Result<Value, DomainError> {
        let value = match self {
            Self::Opened(p) => serde_json::to_value(p),
            Self::Updated(p) => serde_json::to_value(p),
            Self::Transitioned(p) => serde_json::to_value(p),
            Self::NoteAdded => Ok(Value::Object(serde_json::Map::new())),
            Self::DetailAdded(p) => serde_json::to_value(p),
            Self::DetailRemoved(p) => serde_json::to_value(p),
            Self::EvidenceAdded(p) => serde_json::to_value(p),
            Self::CustodyTransferred(p) => serde_json::to_value(p),
            Self::RoleAssigned(p) => serde_json::to_value(p),
            Self::RoleUnassigned(p) => serde_json::to_value(p),
            Self::SeverityOverridden(p) => serde_json::to_value(p),
            Self::Exported(p) => serde_json::to_value(p),
            Self::FactsRecorded(p) => serde_json::to_value(p),
            Self::ClockMet(p) => serde_json::to_value(p),
            Self::ClockMissed(p) => serde_json::to_value(p),
            Self::Response(r) => r.to_value(),
            Self::DeliveryAttempted(p) => serde_json::to_value(p),
            Self::Register(r) => r.to_value(),
            Self::Notice(n) => n.to_value(),
        };
        let mut value = value.map_err(|e| DomainError::Encode {
            kind: self.kind(),
            message: e.to_string(),
        })?;
        value.sort_all_objects();
        Ok(value)
    }

    /// Reads the action an entry carries.
    pub fn from_entry(entry: &LogEntry) -> Result<Action, ReplayError> {
        let p = Payload(entry);
        Ok(match entry.kind.as_str() {
            "incident.opened" => Self::Opened(p.decode()?),
            "incident.updated" => Self::Updated(p.decode()?),
            "incident.transitioned" => Self::Transitioned(p.decode()?),
            "incident.note_added" => {
                p.decode::<Empty>()?;
                Self::NoteAdded
            }
            "incident.detail_added" => Self::DetailAdded(p.decode()?),
            "incident.detail_removed" => Self::DetailRemoved(p.decode()?),
            "evidence.added" => Self::EvidenceAdded(p.decode()?),
            "evidence.custody_transferred" => Self::CustodyTransferred(p.decode()?),
            "incident.role_assigned" => Self::RoleAssigned(p.decode()?),
            "incident.role_unassigned" => Self::RoleUnassigned(p.decode()?),
            "incident.severity_overridden" => Self::SeverityOverridden(p.decode()?),
            "incident.exported" => Self::Exported(p.decode()?),
            "incident.facts_recorded" => Self::FactsRecorded(p.decode()?),
            "clock.met" => Self::ClockMet(p.decode()?),
            "clock.missed" => Self::ClockMissed(p.decode()?),
            DeliveryAttempted::KIND => Self::DeliveryAttempted(p.decode()?),
            other => {
                if let Some(response) = ResponseAction::from_entry(entry)? {
                    return Ok(Self::Response(response));
                }
                if let Some(register) = RegisterAction::from_entry(entry)? {
                    return Ok(Self::Register(register));
                }
                if let Some(notice) = NoticeAction::from_entry(entry)? {
                    return Ok(Self::Notice(notice));
                }
                return Err(ReplayError::UnknownKind {
                    incident: entry.incident,
                    seq: entry.seq,
                    kind: other.to_owned(),
                });
            }
        })
    }
}

/// The payload of a note: an empty object.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

/// An entry's payload being decoded, for error messages that name the entry.
struct Payload<'a>(&'a LogEntry);

impl Payload<'_> {
    fn decode<T: DeserializeOwned>(&self) -> Result<T, ReplayError> {
        T::deserialize(&self.0.payload).map_err(|e| ReplayError::BadPayload {
            incident: self.0.incident,
            seq: self.0.seq,
            kind: self.0.kind.clone(),
            message: e.to_string(),
        })
    }
}
