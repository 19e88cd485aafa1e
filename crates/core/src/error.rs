//! Errors: [`DomainError`] when a command breaks a rule of the domain, [`ReplayError`] when stored
//! entries cannot be folded into an incident. Each says what, which value and what is allowed.

use jiff::Timestamp;

use crate::id::IncidentId;
use crate::incident::{Role, State};
use crate::log::Digest;
use crate::time::ZonedTime;

/// A command or value refused by the rules of the domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A name outside a closed vocabulary.
    #[error("unknown {what} {value:?}; allowed: {}", allowed.join(", "))]
    Unknown {
        /// Which vocabulary (`state`, `role`, `incident type`, …).
        what: &'static str,
        /// The rejected text.
        value: String,
        /// The names accepted.
        allowed: Vec<String>,
    },
    /// A configured incident type name that cannot be used.
    #[error(
        "incident type name {value:?} must be 1 to 48 characters of a-z, 0-9 and '_', starting with a letter"
    )]
    BadTypeName {
        /// The rejected name.
        value: String,
    },
    /// An amount of money cannot be read.
    #[error("amount {value:?} is not valid: {reason}")]
    BadAmount {
        /// The rejected text.
        value: String,
        /// Why.
        reason: String,
    },
    /// Not an ISO 4217 alphabetic code.
    #[error("currency {value:?} is not an ISO 4217 code of three letters such as USD or EUR")]
    BadCurrency {
        /// The rejected text.
        value: String,
    },
    /// A required value is empty.
    #[error("{field} is required and must not be empty")]
    Missing {
        /// What is missing.
        field: &'static str,
    },
    /// A value of the right type that the rules refuse.
    #[error("invalid {field} {value:?}: {reason}")]
    Invalid {
        /// Which value.
        field: &'static str,
        /// The rejected value.
        value: String,
        /// Why.
        reason: &'static str,
    },
    /// A transition the lifecycle does not allow.
    #[error(
        "cannot move an incident from {from} to {to}; allowed from {from}: {}",
        names(allowed)
    )]
    IllegalTransition {
        /// The current state.
        from: State,
        /// The requested state.
        to: State,
        /// The states reachable from `from`.
        allowed: Vec<State>,
    },
    /// Dismissing, reopening and overriding need a reason.
    #[error("{what} needs a reason")]
    ReasonRequired {
        /// What needs one.
        what: &'static str,
    },
    /// A stated time later than now.
    #[error("{field} {value} is in the future (now is {now})")]
    InFuture {
        /// Which time.
        field: &'static str,
        /// The stated time.
        value: ZonedTime,
        /// The reference "now".
        now: Timestamp,
    },
    /// Two stated times in an impossible order.
    #[error("{earlier} ({earlier_value}) must not be after {later} ({later_value})")]
    TimeOrder {
        /// The time that must come first.
        earlier: &'static str,
        /// Its value.
        earlier_value: ZonedTime,
        /// The time that must come later.
        later: &'static str,
        /// Its value.
        later_value: ZonedTime,
    },
    /// An incident type the configuration does not offer.
    #[error("incident type {value:?} is not configured; allowed: {}", allowed.join(", "))]
    TypeNotConfigured {
        /// The type.
        value: String,
        /// The configured types.
        allowed: Vec<String>,
    },
    /// An update that changes nothing.
    #[error("nothing to change: every given value equals the current one")]
    NothingToChange,
    /// No detail item with this id.
    #[error("the incident has no detail #{id}")]
    UnknownDetail {
        /// The id asked for.
        id: u64,
    },
    /// No evidence item with this content address.
    #[error("the incident has no evidence with SHA-256 {sha256}")]
    UnknownEvidence {
        /// The address asked for.
        sha256: Digest,
    },
    /// The evidence item was already added.
    #[error("evidence with SHA-256 {sha256} is already recorded on this incident")]
    DuplicateEvidence {
        /// Its address.
        sha256: Digest,
    },
    /// A custody handover that does not start with the current custodian, or goes nowhere.
    #[error("custody of {sha256} is with {custodian:?}; {problem}")]
    Custody {
        /// The evidence.
        sha256: Digest,
        /// Who holds it.
        custodian: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// Unassigning a role nobody holds.
    #[error("nobody holds the role {role}")]
    RoleVacant {
        /// The role.
        role: Role,
    },
    /// The action could not be written as a payload.
    #[error("cannot encode {kind} payload: {message}")]
    Encode {
        /// The action kind.
        kind: &'static str,
        /// Why.
        message: String,
    },
}

fn names(states: &[State]) -> String {
    let names: Vec<&str> = states.iter().map(|s| s.name()).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// Stored entries that do not fold into an incident.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// No entries at all.
    #[error("an incident needs at least its opening entry; none given")]
    Empty,
    /// The first entry does not open the incident.
    #[error(
        "the first entry of incident {incident} is entry {seq} of kind {kind:?}; an incident starts with entry 1 of kind incident.opened"
    )]
    NotOpened {
        /// The incident.
        incident: IncidentId,
        /// The seq found.
        seq: u64,
        /// The kind found.
        kind: String,
    },
    /// An entry of another incident.
    #[error("entry {seq} belongs to incident {found}, not {expected}")]
    WrongIncident {
        /// The incident being rebuilt.
        expected: IncidentId,
        /// The entry's incident.
        found: IncidentId,
        /// The entry's seq.
        seq: u64,
    },
    /// An entry that does not follow the last one applied.
    #[error("entry {found} of incident {incident} does not follow entry {head}")]
    OutOfOrder {
        /// The incident.
        incident: IncidentId,
        /// The seq of the last entry applied.
        head: u64,
        /// The seq of the entry given.
        found: u64,
    },
    /// A kind this version does not know.
    #[error("entry {seq} of incident {incident} has unknown kind {kind:?}")]
    UnknownKind {
        /// The incident.
        incident: IncidentId,
        /// The entry's seq.
        seq: u64,
        /// The kind.
        kind: String,
    },
    /// A payload that does not match its kind.
    #[error("entry {seq} of incident {incident} ({kind}) has a malformed payload: {message}")]
    BadPayload {
        /// The incident.
        incident: IncidentId,
        /// The entry's seq.
        seq: u64,
        /// The kind.
        kind: String,
        /// What is wrong.
        message: String,
    },
    /// An entry whose change the rules refuse at that point of the history.
    #[error("entry {seq} of incident {incident} breaks a rule: {source}")]
    Rule {
        /// The incident.
        incident: IncidentId,
        /// The entry's seq.
        seq: u64,
        /// The rule broken.
        source: DomainError,
    },
}

/// Refuses an empty or whitespace-only `value`.
pub(crate) fn require_text(field: &'static str, value: &str) -> Result<(), DomainError> {
    if value.trim().is_empty() {
        Err(DomainError::Missing { field })
    } else {
        Ok(())
    }
}
