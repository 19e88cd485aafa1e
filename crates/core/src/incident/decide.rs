//! Deciding: a command from a person is checked against the incident and becomes the draft of the
//! log entry that will carry it.

use super::action::{
    Action, CustodyTransferred, DetailRemoved, EvidenceAdded, Exported, Opened, RoleAssigned,
    RoleUnassigned, SeverityOverridden, Transitioned, Updated,
};
use super::delivery::DeliveryAttempted;
use super::details::Detail;
use super::evidence::{Custody, EvidenceMeta};
use super::facts::{ClockId, ClockMet, ClockMissed, FactsRecorded, Proof};
use super::kind::{IncidentType, TypeCatalog};
use super::lifecycle::State;
use super::notices::NoticeAction;
use super::registers::RegisterAction;
use super::response::ResponseCommand;
use super::roles::Role;
use super::severity::{Impact, Severity, SeverityOverride};
use super::{Incident, rules};
use crate::error::{DomainError, require_text};
use crate::id::{IncidentId, IncidentKey};
use crate::log::{Digest, EntryDraft};
use crate::time::ZonedTime;

/// Who is acting, when, and under which configuration.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The person (or service) making the change.
    pub actor: &'a str,
    /// The current time, with the actor's UTC offset; the entry is recorded at this instant.
    pub now: ZonedTime,
    /// The incident types this deployment accepts.
    pub types: &'a TypeCatalog,
}

/// What is needed to open an incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenIncident {
    /// The new incident's id.
    pub id: IncidentId,
    /// Its key (the store assigns the next number of the year).
    pub key: IncidentKey,
    /// A one-line title.
    pub title: String,
    /// What is known so far.
    pub summary: String,
    /// The type.
    pub incident_type: IncidentType,
    /// The impact assessment, if made.
    pub impact: Option<Impact>,
    /// A severity set by hand, with its reason.
    pub severity_override: Option<SeverityOverride>,
    /// Amazon Information involved.
    pub amazon_information: bool,
    /// Personal data involved.
    pub personal_data: bool,
    /// A drill.
    pub drill: bool,
    /// When it happened, if known.
    pub occurred: Option<ZonedTime>,
    /// When it was detected (defaults to when it was reported).
    pub detected: Option<ZonedTime>,
    /// When it was reported (defaults to now).
    pub reported: Option<ZonedTime>,
}

/// A change a person asks for on an open incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Change descriptive fields; fields equal to the current value are dropped.
    Update(Updated),
    /// Move to another lifecycle state.
    Transition {
        /// The target state.
        to: State,
        /// When it took effect (defaults to now).
        at: Option<ZonedTime>,
        /// Why (required for dismissal and reopening).
        reason: Option<String>,
    },
    /// Add a note: the entry's text.
    Note,
    /// Add an item to the record of details.
    AddDetail(Detail),
    /// Remove an item from the record of details.
    RemoveDetail {
        /// Its id.
        id: u64,
        /// Why.
        reason: String,
    },
    /// Record an evidence file (already stored under its SHA-256).
    AddEvidence {
        /// Its metadata.
        meta: EvidenceMeta,
        /// Who holds it first (defaults to the actor).
        custodian: Option<String>,
    },
    /// Hand an evidence item from its custodian to someone else.
    TransferCustody {
        /// Which evidence.
        sha256: Digest,
        /// The new custodian.
        to: String,
        /// When (defaults to now).
        at: Option<ZonedTime>,
        /// Why.
        reason: String,
    },
    /// Give a role to someone.
    AssignRole {
        /// The role.
        role: Role,
        /// Who.
        person: String,
    },
    /// Leave a role vacant.
    UnassignRole {
        /// The role.
        role: Role,
    },
    /// Set the severity by hand, or return it to the matrix with `None`.
    OverrideSeverity {
        /// The severity.
        severity: Option<Severity>,
        /// Why.
        reason: String,
    },
    /// Record that the log, up to its current head, was exported.
    RecordExport,
    /// Record that the log, up to its current head, was disclosed to someone, and what of it.
    RecordDisclosure {
        /// To whom.
        to: String,
        /// What (the parts of the pack).
        what: Vec<String>,
    },
    /// Record facts that start notification clocks; counts and times equal to the current ones
    /// are dropped.
    RecordFacts(FactsRecorded),
    /// End a clock as met by a notice.
    MeetClock {
        /// Which clock.
        clock: ClockId,
        /// When the notice was given (defaults to now).
        at: Option<ZonedTime>,
        /// The entry or evidence of the notice.
        proof: Proof,
    },
    /// End a clock as missed.
    MissClock {
        /// Which clock.
        clock: ClockId,
        /// Why.
        reason: String,
    },
    /// Change the response: identification, tasks, pages.
    Respond(ResponseCommand),
    /// Record an attempt to deliver an outgoing message of the incident (the outbox does).
    RecordDelivery(DeliveryAttempted),
    /// Record in a register: a legal-process request, law enforcement engaged, a hold.
    Register(RegisterAction),
    /// Draft, revise, approve, sign off, override or send a notice.
    Notice(NoticeAction),
}

impl Incident {
    /// Checks an opening and returns the draft of entry 1.
    pub fn open(
        ctx: &Context<'_>,
        cmd: OpenIncident,
        text: String,
    ) -> Result<EntryDraft, DomainError> {
        check_type(ctx.types, &cmd.incident_type)?;
        let reported = cmd.reported.unwrap_or(ctx.now);
        let opened = Opened {
            key: cmd.key,
            title: cmd.title,
            summary: cmd.summary,
            incident_type: cmd.incident_type,
            impact: cmd.impact,
            severity_override: cmd.severity_override,
            amazon_information: cmd.amazon_information,
            personal_data: cmd.personal_data,
            drill: cmd.drill,
            occurred: cmd.occurred,
            detected: cmd.detected.unwrap_or(reported),
            reported,
        };
        rules::check_opened(&opened, ctx.now.instant())?;
        draft(ctx, cmd.id, &Action::Opened(opened), text)
    }

    /// Checks `cmd` against this incident and returns the draft of the entry that carries it.
    /// `text` is the entry's free text (the note itself for [`Command::Note`]).
    pub fn decide(
        &self,
        ctx: &Context<'_>,
        cmd: Command,
        text: String,
    ) -> Result<EntryDraft, DomainError> {
        let action = match cmd {
            Command::Update(update) => Action::Updated(self.changes(ctx, update)?),
            Command::Transition { to, at, reason } => Action::Transitioned(Transitioned {
                from: self.state,
                to,
                at: at.unwrap_or(ctx.now),
                reason,
            }),
            Command::Note => {
                require_text("note text", &text)?;
                Action::NoteAdded
            }
            Command::AddDetail(detail) => Action::DetailAdded(detail),
            Command::RemoveDetail { id, reason } => {
                Action::DetailRemoved(DetailRemoved { id, reason })
            }
            Command::AddEvidence { meta, custodian } => Action::EvidenceAdded(EvidenceAdded {
                meta,
                custodian: custodian.unwrap_or_else(|| ctx.actor.to_owned()),
            }),
            Command::TransferCustody {
                sha256,
                to,
                at,
                reason,
            } => {
                let from = self
                    .evidence
                    .iter()
                    .find(|e| e.meta.sha256 == sha256)
                    .map(|e| e.custodian.clone())
                    .ok_or(DomainError::UnknownEvidence { sha256 })?;
                Action::CustodyTransferred(CustodyTransferred {
                    sha256,
                    custody: Custody {
                        from,
                        to,
                        at: at.unwrap_or(ctx.now),
                        reason,
                    },
                })
            }
            Command::AssignRole { role, person } => {
                Action::RoleAssigned(RoleAssigned { role, person })
            }
            Command::UnassignRole { role } => Action::RoleUnassigned(RoleUnassigned { role }),
            Command::OverrideSeverity { severity, reason } => {
                Action::SeverityOverridden(SeverityOverridden { severity, reason })
            }
            Command::RecordExport => Action::Exported(Exported {
                through_seq: self.head.seq,
                head: self.head.hash,
                to: None,
                what: Vec::new(),
            }),
            Command::RecordDisclosure { to, what } => {
                require_text("disclosed to", &to)?;
                Action::Exported(Exported {
                    through_seq: self.head.seq,
                    head: self.head.hash,
                    to: Some(to),
                    what,
                })
            }
            Command::RecordFacts(f) => Action::FactsRecorded(self.new_facts(f)),
            Command::MeetClock { clock, at, proof } => Action::ClockMet(ClockMet {
                clock,
                at: at.unwrap_or(ctx.now),
                proof,
            }),
            Command::MissClock { clock, reason } => {
                Action::ClockMissed(ClockMissed { clock, reason })
            }
            Command::Respond(c) => Action::Response(self.response.decide(self.state, ctx.now, c)?),
            Command::RecordDelivery(d) => Action::DeliveryAttempted(d),
            Command::Register(r) => Action::Register(r),
            Command::Notice(n) => Action::Notice(n),
        };
        rules::check(self, &action, ctx.now.instant())?;
        draft(ctx, self.id, &action, text)
    }

    /// The part of `update` that differs from the current values.
    fn changes(&self, ctx: &Context<'_>, u: Updated) -> Result<Updated, DomainError> {
        if let Some(t) = &u.incident_type {
            check_type(ctx.types, t)?;
        }
        fn changed<T: PartialEq>(new: Option<T>, current: &T) -> Option<T> {
            new.filter(|v| v != current)
        }
        Ok(Updated {
            title: changed(u.title, &self.title),
            summary: changed(u.summary, &self.summary),
            incident_type: changed(u.incident_type, &self.incident_type),
            impact: u.impact.filter(|v| Some(v) != self.impact.as_ref()),
            amazon_information: changed(u.amazon_information, &self.flags.amazon_information),
            personal_data: changed(u.personal_data, &self.flags.personal_data),
            occurred: u
                .occurred
                .filter(|v| Some(v) != self.times.occurred.as_ref()),
            detected: changed(u.detected, &self.times.detected),
            reported: changed(u.reported, &self.times.reported),
            reason: u.reason,
        })
    }

    /// The part of `f` that differs from the facts recorded.
    fn new_facts(&self, mut f: FactsRecorded) -> FactsRecorded {
        let current = &self.facts;
        f.residents
            .retain(|r, n| current.residents.get(r).copied().unwrap_or(0) != *n);
        f.legal_process_received = f
            .legal_process_received
            .filter(|t| current.legal_process_received != Some(*t));
        f.materiality_determined = f
            .materiality_determined
            .filter(|t| current.materiality_determined != Some(*t));
        f
    }
}

fn check_type(types: &TypeCatalog, t: &IncidentType) -> Result<(), DomainError> {
    if types.types().any(|x| x == t) {
        Ok(())
    } else {
        Err(DomainError::TypeNotConfigured {
            value: t.name().to_owned(),
            allowed: types.types().map(|x| x.name().to_owned()).collect(),
        })
    }
}

fn draft(
    ctx: &Context<'_>,
    incident: IncidentId,
    action: &Action,
    text: String,
) -> Result<EntryDraft, DomainError> {
    require_text("actor", ctx.actor)?;
    Ok(EntryDraft {
        incident,
        at: ctx.now.instant(),
        actor: ctx.actor.to_owned(),
        kind: action.kind().to_owned(),
        payload: action.payload()?,
        text,
    })
}
