//! The incident (SPEC §3) as a projection of its log.
//!
//! An [`Incident`] changes only by [`Incident::apply`]ing a sealed [`LogEntry`]; [`Incident::replay`]
//! rebuilds it from its entries, so a stored copy can always be re-derived and checked. New changes
//! go the other way: [`Incident::decide`] validates a [`Command`] against the current state and
//! yields the [`EntryDraft`](crate::log::EntryDraft) to seal and append; the same rules run again when the
//! entry is applied, so a log that breaks them does not replay.

mod action;
mod decide;
mod delivery;
mod details;
mod evidence;
mod facts;
mod kind;
mod lifecycle;
mod notices;
mod registers;
mod response;
mod roles;
mod rules;
mod severity;

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use action::{
    Action, CustodyTransferred, DetailRemoved, EvidenceAdded, Exported, Opened, RoleAssigned,
    RoleUnassigned, SeverityOverridden, Transitioned, Updated,
};
pub use decide::{Command, Context, OpenIncident};
pub use delivery::{DeliveryAttempted, DeliveryOutcome};
pub use details::{
    AffectedNetwork, AffectedSystem, CompromisedAccount, Damage, DataAffected, Detail,
    DetailRecord, DisruptedService,
};
pub use evidence::{Custody, Evidence, EvidenceMeta, FileName, MAX_FILE_NAME_LEN, MediaType};
pub use facts::{
    ClockFacts, ClockId, ClockMet, ClockMissed, ClockOutcome, FactsRecorded, Proof, Region,
};
pub use kind::{IncidentType, TypeCatalog};
pub use lifecycle::{Milestone, State};
pub use notices::{
    AmazonRequestAttached, ContactRecorded, Notice, NoticeAction, NoticeDrafted, NoticeRecipient,
    NoticeRevised, NoticeVersion,
};
pub use registers::{
    Hold, HoldLifted, HoldRequested, LawEnforcementEngaged, LegalProcessRecorded, Recorded,
    RegisterAction, Registers,
};
pub use response::{
    ChecklistAnswered, Decision, DecisionRecord, DueAnchor, Identified, Page, PageAcknowledged,
    PageEscalated, Paged, Recipient, Response, ResponseAction, ResponseCommand, Task, TaskChanged,
    TaskSpec, TaskStatus, TasksCreated,
};
pub use roles::Role;
pub use severity::{
    FunctionalImpact, Impact, InformationImpact, Recoverability, Severity, SeverityOverride,
};

use crate::error::ReplayError;
use crate::id::{IncidentId, IncidentKey};
use crate::log::{ChainHead, LogEntry};
use crate::time::ZonedTime;

/// The flags that change how an incident is handled.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize,
)]
pub struct Flags {
    /// Amazon Information is involved (as stated; see [`Incident::amazon_information`]).
    pub amazon_information: bool,
    /// Personal data is involved (as stated; see [`Incident::personal_data`]).
    pub personal_data: bool,
    /// A drill: handled like an incident, kept out of statistics.
    pub drill: bool,
}

/// The incident's timestamps; each is a separate fact because clocks start from different ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Timestamps {
    /// When it happened, if known.
    pub occurred: Option<ZonedTime>,
    /// When it was detected.
    pub detected: ZonedTime,
    /// When it was reported.
    pub reported: ZonedTime,
    /// When it was confirmed as an incident (first time).
    pub confirmed: Option<ZonedTime>,
    /// When containment was achieved (first time).
    pub contained: Option<ZonedTime>,
    /// When the cause was removed (first time).
    pub eradicated: Option<ZonedTime>,
    /// When systems were restored (first time).
    pub recovered: Option<ZonedTime>,
    /// When it was closed (cleared on reopening).
    pub closed: Option<ZonedTime>,
}

/// An incident: the state its log folds to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Incident {
    id: IncidentId,
    key: IncidentKey,
    title: String,
    summary: String,
    incident_type: IncidentType,
    impact: Option<Impact>,
    severity_override: Option<SeverityOverride>,
    flags: Flags,
    state: State,
    times: Timestamps,
    details: Vec<DetailRecord>,
    evidence: Vec<Evidence>,
    roles: BTreeMap<Role, String>,
    /// Facts that start notification clocks (absent when none is recorded).
    #[serde(default, skip_serializing_if = "ClockFacts::is_empty")]
    facts: ClockFacts,
    /// How each ended clock ended (absent when none has).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    clock_outcomes: BTreeMap<ClockId, ClockOutcome>,
    /// Identification, tasks and pages (absent while there are none, and in records written
    /// before they existed).
    #[serde(default, skip_serializing_if = "Response::is_empty")]
    response: Response,
    /// Legal process, law enforcement and notification holds (absent while empty).
    #[serde(default, skip_serializing_if = "Registers::is_empty")]
    registers: Registers,
    /// Notices, oldest first (absent while there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notices: Vec<Notice>,
    opened_by: String,
    opened_at: Timestamp,
    updated_at: Timestamp,
    head: ChainHead,
}

impl Incident {
    /// Rebuilds an incident from all its entries, oldest first.
    pub fn replay<'a>(
        entries: impl IntoIterator<Item = &'a LogEntry>,
    ) -> Result<Incident, ReplayError> {
        let mut entries = entries.into_iter();
        let first = entries.next().ok_or(ReplayError::Empty)?;
        let mut incident = Self::from_opening(first)?;
        entries.try_for_each(|entry| incident.apply(entry))?;
        Ok(incident)
    }

    /// The incident as its opening entry (entry 1) creates it.
    pub fn from_opening(entry: &LogEntry) -> Result<Incident, ReplayError> {
        let opened = match Action::from_entry(entry)? {
            Action::Opened(opened)
                if entry.seq == 1 && entry.prev_hash == ChainHead::GENESIS.hash =>
            {
                opened
            }
            _ => {
                return Err(ReplayError::NotOpened {
                    incident: entry.incident,
                    seq: entry.seq,
                    kind: entry.kind.clone(),
                });
            }
        };
        rules::check_opened(&opened, entry.at).map_err(|source| ReplayError::Rule {
            incident: entry.incident,
            seq: entry.seq,
            source,
        })?;
        Ok(Incident {
            id: entry.incident,
            key: opened.key,
            title: opened.title,
            summary: opened.summary,
            incident_type: opened.incident_type,
            impact: opened.impact,
            severity_override: opened.severity_override,
            flags: Flags {
                amazon_information: opened.amazon_information,
                personal_data: opened.personal_data,
                drill: opened.drill,
            },
            state: State::Reported,
            times: Timestamps {
                occurred: opened.occurred,
                detected: opened.detected,
                reported: opened.reported,
                confirmed: None,
                contained: None,
                eradicated: None,
                recovered: None,
                closed: None,
            },
            details: Vec::new(),
            evidence: Vec::new(),
            roles: BTreeMap::new(),
            facts: ClockFacts::default(),
            clock_outcomes: BTreeMap::new(),
            response: Response::default(),
            registers: Registers::default(),
            notices: Vec::new(),
            opened_by: entry.actor.clone(),
            opened_at: entry.at,
            updated_at: entry.at,
            head: entry.incident_head(),
        })
    }

    /// Folds the next entry of this incident into its state, after checking that it follows the
    /// last applied entry and that its change obeys the rules at this point of the history.
    pub fn apply(&mut self, entry: &LogEntry) -> Result<(), ReplayError> {
        if entry.incident != self.id {
            return Err(ReplayError::WrongIncident {
                expected: self.id,
                found: entry.incident,
                seq: entry.seq,
            });
        }
        if entry.seq != self.head.seq.saturating_add(1) || entry.prev_hash != self.head.hash {
            return Err(ReplayError::OutOfOrder {
                incident: self.id,
                head: self.head.seq,
                found: entry.seq,
            });
        }
        let action = Action::from_entry(entry)?;
        rules::check(self, &action, entry.at).map_err(|source| ReplayError::Rule {
            incident: self.id,
            seq: entry.seq,
            source,
        })?;
        self.fold(action, entry);
        self.head = entry.incident_head();
        self.updated_at = entry.at;
        Ok(())
    }

    /// Applies a checked action.
    fn fold(&mut self, action: Action, entry: &LogEntry) {
        match action {
            // Refused by the rules on an opened incident, or recorded for the reader only.
            Action::Opened(_)
            | Action::NoteAdded
            | Action::Exported(_)
            | Action::DeliveryAttempted(_) => {}
            Action::Updated(u) => self.fold_update(u),
            Action::Transitioned(t) => self.fold_transition(&t),
            Action::DetailAdded(detail) => self.details.push(DetailRecord {
                id: entry.seq,
                detail,
            }),
            Action::DetailRemoved(r) => self.details.retain(|d| d.id != r.id),
            Action::EvidenceAdded(e) => self.evidence.push(Evidence {
                meta: e.meta,
                added_by: entry.actor.clone(),
                custodian: e.custodian,
                custody: Vec::new(),
            }),
            Action::CustodyTransferred(t) => {
                if let Some(item) = self.evidence.iter_mut().find(|e| e.meta.sha256 == t.sha256) {
                    item.custodian.clone_from(&t.custody.to);
                    item.custody.push(t.custody);
                }
            }
            Action::RoleAssigned(a) => {
                self.roles.insert(a.role, a.person);
            }
            Action::RoleUnassigned(u) => {
                self.roles.remove(&u.role);
            }
            Action::SeverityOverridden(o) => {
                self.severity_override = o.severity.map(|severity| SeverityOverride {
                    severity,
                    reason: o.reason,
                });
            }
            Action::FactsRecorded(f) => self.fold_facts(f),
            Action::ClockMet(m) => {
                let outcome = ClockOutcome::Met {
                    at: m.at,
                    proof: m.proof,
                    recorded_in: entry.seq,
                };
                self.clock_outcomes.insert(m.clock, outcome);
            }
            Action::ClockMissed(m) => {
                let outcome = ClockOutcome::Missed {
                    reason: m.reason,
                    recorded_in: entry.seq,
                };
                self.clock_outcomes.insert(m.clock, outcome);
            }
            Action::Response(r) => {
                if let ResponseAction::Identified(i) = &r {
                    self.fold_transition(&i.transition());
                }
                self.response.fold(r, entry);
            }
            Action::Register(r) => {
                if let RegisterAction::LegalProcess(l) = &r {
                    // The first request starts the legal-process clock; later ones add their own.
                    self.facts.legal_process_received.get_or_insert(l.received);
                }
                self.registers.fold(r, entry);
            }
            Action::Notice(n) => notices::fold(&mut self.notices, n, entry),
        }
    }

    fn fold_update(&mut self, u: Updated) {
        fn replace<T>(slot: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *slot = value;
            }
        }
        replace(&mut self.title, u.title);
        replace(&mut self.summary, u.summary);
        replace(&mut self.incident_type, u.incident_type);
        replace(&mut self.flags.amazon_information, u.amazon_information);
        replace(&mut self.flags.personal_data, u.personal_data);
        replace(&mut self.times.detected, u.detected);
        replace(&mut self.times.reported, u.reported);
        if u.impact.is_some() {
            self.impact = u.impact;
        }
        if u.occurred.is_some() {
            self.times.occurred = u.occurred;
        }
    }

    fn fold_transition(&mut self, t: &Transitioned) {
        if t.from.is_terminal() {
            self.times.closed = None;
        }
        self.state = t.to;
        let times = &mut self.times;
        let slot = match t.to.milestone() {
            Some(Milestone::Confirmed) => &mut times.confirmed,
            Some(Milestone::Contained) => &mut times.contained,
            Some(Milestone::Eradicated) => &mut times.eradicated,
            Some(Milestone::Recovered) => &mut times.recovered,
            Some(Milestone::Closed) => &mut times.closed,
            None => return,
        };
        // The first time a milestone is reached is the fact clocks and statistics use.
        slot.get_or_insert(t.at);
    }

    /// The permanent id.
    pub fn id(&self) -> IncidentId {
        self.id
    }

    /// The human key.
    pub fn key(&self) -> IncidentKey {
        self.key
    }

    /// The one-line title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// What is known.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// The type.
    pub fn incident_type(&self) -> &IncidentType {
        &self.incident_type
    }

    /// The impact assessment, if made.
    pub fn impact(&self) -> Option<&Impact> {
        self.impact.as_ref()
    }

    /// The override in force, if any.
    pub fn severity_override(&self) -> Option<&SeverityOverride> {
        self.severity_override.as_ref()
    }

    /// The severity: the override if one is in force, else the matrix's, else `None` (not yet assessed).
    pub fn severity(&self) -> Option<Severity> {
        match &self.severity_override {
            Some(o) => Some(o.severity),
            None => self.impact.map(|i| i.severity()),
        }
    }

    /// The flags as stated.
    pub fn flags(&self) -> Flags {
        self.flags
    }

    /// Whether Amazon Information is involved: stated, or recorded on any data affected.
    pub fn amazon_information(&self) -> bool {
        self.flags.amazon_information || self.data_affected().any(|d| d.amazon_information)
    }

    /// Whether personal data is involved: stated, or recorded on any data affected.
    pub fn personal_data(&self) -> bool {
        self.flags.personal_data || self.data_affected().any(|d| d.personal_data)
    }

    fn data_affected(&self) -> impl Iterator<Item = &DataAffected> {
        self.details.iter().filter_map(|d| match &d.detail {
            Detail::Data(data) => Some(data),
            _ => None,
        })
    }

    /// The lifecycle state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The timestamps.
    pub fn times(&self) -> &Timestamps {
        &self.times
    }

    /// The record of details.
    pub fn details(&self) -> &[DetailRecord] {
        &self.details
    }

    /// The evidence items, in the order added.
    pub fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    /// Who holds which role.
    pub fn roles(&self) -> &BTreeMap<Role, String> {
        &self.roles
    }

    /// Who opened it.
    pub fn opened_by(&self) -> &str {
        &self.opened_by
    }

    /// When the opening entry was written.
    pub fn opened_at(&self) -> Timestamp {
        self.opened_at
    }

    /// When the last entry was written.
    pub fn updated_at(&self) -> Timestamp {
        self.updated_at
    }

    /// The head of its chain: the last entry applied.
    pub fn head(&self) -> ChainHead {
        self.head
    }

    /// Identification, tasks and pages.
    pub fn response(&self) -> &Response {
        &self.response
    }

    /// Legal process, law enforcement and notification holds.
    pub fn registers(&self) -> &Registers {
        &self.registers
    }

    /// The notices, oldest first.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }
}
