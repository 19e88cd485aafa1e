//! The incident's registers: legal-process requests for Amazon data (each starts its own Amazon
//! 24-hour legal-process clock) and law-enforcement engagement, with the notification holds law
//! enforcement asks for. A hold that is not lifted blocks notices to affected people.
//!
//! Each record is a log entry like any other change ([`RegisterAction`], carried by
//! `Action::Register`); its id is the `seq` of the entry that recorded it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::response::decode;
use super::rules::not_in_future;
use crate::error::{DomainError, ReplayError, require_text};
use crate::log::LogEntry;
use crate::time::ZonedTime;

/// Payload of `legal_process.recorded`: a legal demand for Amazon data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalProcessRecorded {
    /// Who makes the demand (court, agency, party).
    pub requester: String,
    /// The instrument: subpoena, warrant, court order, …
    pub instrument: String,
    /// What data it seeks.
    pub scope: String,
    /// When it was received: the Amazon legal-process clock starts here.
    pub received: ZonedTime,
}

/// Payload of `law_enforcement.engaged`: the incident was referred to law enforcement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LawEnforcementEngaged {
    /// The agency.
    pub agency: String,
    /// The contact there (officer, agent).
    pub contact: String,
    /// Their case number, if given.
    pub case_number: Option<String>,
    /// When the incident was referred.
    pub referred: ZonedTime,
    /// What was shared with them.
    pub shared: String,
    /// What they asked for (preservation, a notification hold, …).
    #[serde(default)]
    pub requests: Vec<String>,
}

/// Payload of `notification_hold.requested`: law enforcement asks that affected people are not
/// notified yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldRequested {
    /// The engagement (its entry `seq`) the request came through.
    pub engagement: u64,
    /// The officer who asked.
    pub officer: String,
    /// When it was asked.
    pub requested_on: ZonedTime,
    /// Until when, or when to review it again; the hold stays until lifted.
    pub until: Option<ZonedTime>,
}

/// Payload of `notification_hold.lifted`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldLifted {
    /// The hold (its entry `seq`).
    pub hold: u64,
    /// Why (e.g. the agency's written release).
    pub reason: String,
}

/// A change to the registers, as carried by one log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegisterAction {
    /// A legal-process request recorded.
    LegalProcess(LegalProcessRecorded),
    /// Law enforcement engaged.
    LawEnforcement(LawEnforcementEngaged),
    /// A notification hold requested.
    HoldRequested(HoldRequested),
    /// A notification hold lifted.
    HoldLifted(HoldLifted),
}

/// A record of a register, with the entry that made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Recorded<T> {
    /// The `seq` of the entry that recorded it.
    pub id: u64,
    /// Who recorded it.
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// What.
    #[serde(flatten)]
    pub record: T,
}

/// A notification hold and, once lifted, by whom, when and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Hold {
    /// The request.
    #[serde(flatten)]
    pub request: Recorded<HoldRequested>,
    /// Who lifted it, when and why.
    pub lifted: Option<(String, Timestamp, String)>,
}

/// The registers of an incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registers {
    /// Legal-process requests, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_process: Vec<Recorded<LegalProcessRecorded>>,
    /// Law-enforcement engagements, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub law_enforcement: Vec<Recorded<LawEnforcementEngaged>>,
    /// Notification holds, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<Hold>,
}

impl RegisterAction {
    /// Every kind string of a register action.
    pub const KINDS: [&'static str; 4] = [
        "legal_process.recorded",
        "law_enforcement.engaged",
        "notification_hold.requested",
        "notification_hold.lifted",
    ];

    /// The entry kind that carries this action.
    pub fn kind(&self) -> &'static str {
        Self::KINDS[match self {
            Self::LegalProcess(_) => 0,
            Self::LawEnforcement(_) => 1,
            Self::HoldRequested(_) => 2,
            Self::HoldLifted(_) => 3,
        }]
    }

    /// The action's data as JSON (keys not yet sorted).
    pub(crate) fn to_value(&self) -> Result<Value, serde_json::Error> {
        match self {
            Self::LegalProcess(p) => serde_json::to_value(p),
            Self::LawEnforcement(p) => serde_json::to_value(p),
            Self::HoldRequested(p) => serde_json::to_value(p),
            Self::HoldLifted(p) => serde_json::to_value(p),
        }
    }

    /// The register action `entry` carries, or `None` when its kind is not a register kind.
    pub(crate) fn from_entry(entry: &LogEntry) -> Result<Option<Self>, ReplayError> {
        Ok(Some(match entry.kind.as_str() {
            "legal_process.recorded" => Self::LegalProcess(decode(entry)?),
            "law_enforcement.engaged" => Self::LawEnforcement(decode(entry)?),
            "notification_hold.requested" => Self::HoldRequested(decode(entry)?),
            "notification_hold.lifted" => Self::HoldLifted(decode(entry)?),
            _ => return Ok(None),
        }))
    }
}

impl Registers {
    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self == &Registers::default()
    }

    /// The holds not lifted.
    pub fn active_holds(&self) -> impl Iterator<Item = &Hold> {
        self.holds.iter().filter(|h| h.lifted.is_none())
    }

    /// Checks `action` against the registers as they stand.
    pub(super) fn check(&self, action: &RegisterAction, now: Timestamp) -> Result<(), DomainError> {
        match action {
            RegisterAction::LegalProcess(l) => {
                require_text("requester", &l.requester)?;
                require_text("instrument", &l.instrument)?;
                require_text("scope", &l.scope)?;
                not_in_future("legal process received", Some(l.received), now)
            }
            RegisterAction::LawEnforcement(e) => {
                require_text("agency", &e.agency)?;
                require_text("contact", &e.contact)?;
                require_text("what was shared", &e.shared)?;
                not_in_future("referral date", Some(e.referred), now)
            }
            RegisterAction::HoldRequested(h) => {
                require_text("officer", &h.officer)?;
                not_in_future("hold requested on", Some(h.requested_on), now)?;
                if !self.law_enforcement.iter().any(|e| e.id == h.engagement) {
                    return Err(DomainError::Invalid {
                        field: "engagement",
                        value: h.engagement.to_string(),
                        reason: "a hold names a law-enforcement engagement of this incident (see \
                                 `rampart register list`)",
                    });
                }
                Ok(())
            }
            RegisterAction::HoldLifted(l) => {
                require_text("reason for lifting the hold", &l.reason)?;
                if !self.active_holds().any(|h| h.request.id == l.hold) {
                    return Err(DomainError::Invalid {
                        field: "hold",
                        value: l.hold.to_string(),
                        reason: "no hold of this incident with this id is in force",
                    });
                }
                Ok(())
            }
        }
    }

    /// Applies a checked action recorded by `entry`.
    pub(super) fn fold(&mut self, action: RegisterAction, entry: &LogEntry) {
        fn recorded<T>(entry: &LogEntry, record: T) -> Recorded<T> {
            Recorded {
                id: entry.seq,
                by: entry.actor.clone(),
                at: entry.at,
                record,
            }
        }
        match action {
            RegisterAction::LegalProcess(l) => self.legal_process.push(recorded(entry, l)),
            RegisterAction::LawEnforcement(e) => self.law_enforcement.push(recorded(entry, e)),
            RegisterAction::HoldRequested(h) => self.holds.push(Hold {
                request: recorded(entry, h),
                lifted: None,
            }),
            RegisterAction::HoldLifted(l) => {
                if let Some(hold) = self.holds.iter_mut().find(|h| h.request.id == l.hold) {
                    hold.lifted = Some((entry.actor.clone(), entry.at, l.reason));
                }
            }
        }
    }
}
