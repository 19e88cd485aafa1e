//! The rules every change must obey, checked once when a command is decided and again when the
//! entry is applied (with the entry's own time as "now"), so that decide and replay cannot drift.

use jiff::Timestamp;

use super::action::{Action, Opened, Transitioned, Updated};
use super::{Incident, facts};
use crate::error::{DomainError, require_text};
use crate::time::ZonedTime;

/// Checks the opening of an incident.
pub(super) fn check_opened(o: &Opened, now: Timestamp) -> Result<(), DomainError> {
    require_text("title", &o.title)?;
    if let Some(so) = &o.severity_override {
        require_reason("overriding the severity", Some(&so.reason))?;
    }
    not_in_future("reported", Some(o.reported), now)?;
    check_times(o.occurred, o.detected, now)
}

/// Checks `action` against the incident as it stands.
pub(super) fn check(
    incident: &Incident,
    action: &Action,
    now: Timestamp,
) -> Result<(), DomainError> {
    match action {
        Action::Opened(_) => Err(DomainError::Invalid {
            field: "kind",
            value: action.kind().to_owned(),
            reason: "an incident is opened only once",
        }),
        Action::Updated(u) => check_update(incident, u, now),
        Action::Transitioned(t) => check_transition(incident, t, now),
        Action::NoteAdded => Ok(()),
        Action::DetailAdded(detail) => detail.validate(),
        Action::DetailRemoved(r) => {
            require_reason("removing a detail", Some(&r.reason))?;
            let known = incident.details.iter().any(|d| d.id == r.id);
            ensure(known, || DomainError::UnknownDetail { id: r.id })
        }
        Action::EvidenceAdded(e) => {
            require_text("custodian", &e.custodian)?;
            let sha256 = e.meta.sha256;
            let known = incident.evidence.iter().any(|x| x.meta.sha256 == sha256);
            ensure(!known, || DomainError::DuplicateEvidence { sha256 })
        }
        Action::CustodyTransferred(t) => {
            let sha256 = t.sha256;
            let item = incident
                .evidence
                .iter()
                .find(|x| x.meta.sha256 == sha256)
                .ok_or(DomainError::UnknownEvidence { sha256 })?;
            let custody = |problem| DomainError::Custody {
                sha256,
                custodian: item.custodian.clone(),
                problem,
            };
            require_text("new custodian", &t.custody.to)?;
            require_reason("a custody handover", Some(&t.custody.reason))?;
            if t.custody.from != item.custodian {
                return Err(custody("a handover must start with the current custodian"));
            }
            if t.custody.to == t.custody.from {
                return Err(custody("a handover must go to someone else"));
            }
            not_in_future("handover time", Some(t.custody.at), now)
        }
        Action::RoleAssigned(a) => {
            require_text("person", &a.person)?;
            let holds = incident.roles.get(&a.role) == Some(&a.person);
            ensure(!holds, || DomainError::NothingToChange)
        }
        Action::RoleUnassigned(u) => ensure(incident.roles.contains_key(&u.role), || {
            DomainError::RoleVacant { role: u.role }
        }),
        Action::SeverityOverridden(o) => {
            require_reason("overriding the severity", Some(&o.reason))?;
            let current = incident.severity_override.as_ref().map(|x| x.severity);
            ensure(o.severity != current, || DomainError::NothingToChange)
        }
        Action::Exported(e) => {
            let names_head = e.through_seq == incident.head.seq && e.head == incident.head.hash;
            ensure(names_head, || DomainError::Invalid {
                field: "export head",
                value: format!("{} at entry {}", e.head, e.through_seq),
                reason: "an export record must name the entry before it",
            })
        }
        Action::FactsRecorded(f) => facts::check_facts(incident, f, now),
        Action::ClockMet(m) => facts::check_met(incident, m, now),
        Action::ClockMissed(m) => {
            facts::check_open(incident, &m.clock)?;
            require_reason("a missed clock", Some(&m.reason))
        }
        Action::DeliveryAttempted(d) => d.check(),
        Action::Register(r) => incident.registers.check(r, now),
        Action::Notice(n) => super::notices::check(&incident.notices, n, |sha256| {
            incident.evidence.iter().any(|e| e.meta.sha256 == *sha256)
        }),
        Action::Response(r) => {
            if let super::response::ResponseAction::Identified(i) = r {
                check_transition(incident, &i.transition(), now)?;
            }
            incident.response.check(r, now)
        }
    }
}

fn check_update(incident: &Incident, u: &Updated, now: Timestamp) -> Result<(), DomainError> {
    if u.fields().is_empty() {
        return Err(DomainError::NothingToChange);
    }
    if let Some(title) = &u.title {
        require_text("title", title)?;
    }
    not_in_future("reported", u.reported, now)?;
    let occurred = u.occurred.or(incident.times.occurred);
    let detected = u.detected.unwrap_or(incident.times.detected);
    check_times(occurred, detected, now)?;
    if u.occurred.is_some() || u.detected.is_some() || u.reported.is_some() {
        require_reason(
            "changing a timestamp (it moves the clocks it starts)",
            u.reason.as_deref(),
        )?;
    }
    Ok(())
}

fn check_transition(
    incident: &Incident,
    t: &Transitioned,
    now: Timestamp,
) -> Result<(), DomainError> {
    let from = incident.state;
    if t.from != from || !from.allowed_targets().contains(&t.to) {
        return Err(DomainError::IllegalTransition {
            from,
            to: t.to,
            allowed: from.allowed_targets().to_vec(),
        });
    }
    if from.needs_reason(t.to) {
        let what = if from.is_terminal() {
            "reopening an incident"
        } else {
            "dismissing an incident"
        };
        require_reason(what, t.reason.as_deref())?;
    }
    not_in_future("transition time", Some(t.at), now)
}

/// Occurrence precedes detection, and neither lies in the future.
fn check_times(
    occurred: Option<ZonedTime>,
    detected: ZonedTime,
    now: Timestamp,
) -> Result<(), DomainError> {
    not_in_future("occurred", occurred, now)?;
    not_in_future("detected", Some(detected), now)?;
    match occurred {
        Some(occurred) if occurred.instant() > detected.instant() => Err(DomainError::TimeOrder {
            earlier: "occurred",
            earlier_value: occurred,
            later: "detected",
            later_value: detected,
        }),
        _ => Ok(()),
    }
}

/// Refuses a time after `now`.
pub(super) fn not_in_future(
    field: &'static str,
    value: Option<ZonedTime>,
    now: Timestamp,
) -> Result<(), DomainError> {
    match value {
        Some(value) if value.is_after(now) => Err(DomainError::InFuture { field, value, now }),
        _ => Ok(()),
    }
}

fn require_reason(what: &'static str, reason: Option<&str>) -> Result<(), DomainError> {
    match reason {
        Some(r) if !r.trim().is_empty() => Ok(()),
        _ => Err(DomainError::ReasonRequired { what }),
    }
}

/// `Ok` if `ok`, else the error `error` builds.
fn ensure(ok: bool, error: impl FnOnce() -> DomainError) -> Result<(), DomainError> {
    if ok { Ok(()) } else { Err(error()) }
}
