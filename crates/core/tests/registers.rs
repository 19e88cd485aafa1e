//! The registers as log entries: legal-process requests (the first sets the legal-process fact),
//! law-enforcement engagement, notification holds requested and lifted; bad records refused;
//! everything replays.

#![allow(clippy::unwrap_used)]

mod common;

use common::Journal;
use rampart_core::incident::{
    Command, HoldLifted, HoldRequested, LawEnforcementEngaged, LegalProcessRecorded, RegisterAction,
};
use rampart_core::{DomainError, Incident, ZonedTime};

fn t(text: &str) -> ZonedTime {
    text.parse().unwrap()
}

fn subpoena(received: &str) -> Command {
    Command::Register(RegisterAction::LegalProcess(LegalProcessRecorded {
        requester: "District Court of King County".into(),
        instrument: "subpoena".into(),
        scope: "order records of seller account A1".into(),
        received: t(received),
    }))
}

fn engagement() -> Command {
    Command::Register(RegisterAction::LawEnforcement(LawEnforcementEngaged {
        agency: "FBI Seattle field office".into(),
        contact: "SA Dana Reyes".into(),
        case_number: Some("SE-2026-118".into()),
        referred: t("2026-11-23T02:00:00-05:00"),
        shared: "access logs of 22 Nov; the attacker's IP addresses".into(),
        requests: vec!["preserve the logs".into(), "hold customer notices".into()],
    }))
}

fn hold(engagement: u64) -> Command {
    Command::Register(RegisterAction::HoldRequested(HoldRequested {
        engagement,
        officer: "SA Dana Reyes".into(),
        requested_on: t("2026-11-23T02:30:00-05:00"),
        until: Some(t("2026-11-30T07:00:00-05:00")),
    }))
}

#[test]
fn requests_engagements_and_holds_are_recorded_and_replayed() {
    let mut j = Journal::default();
    let id = j.open(1, "Orders exported by a stolen API key");
    let first = j.run(id, subpoena("2026-11-23T03:00:00-05:00"), "");
    assert_eq!(first.kind, "legal_process.recorded");
    j.run(id, subpoena("2026-11-23T03:30:00-05:00"), "");
    let incident = &j.incidents[&id];
    // The first request starts the legal-process clock fact; both are in the register.
    assert_eq!(
        incident.clock_facts().legal_process_received,
        Some(t("2026-11-23T03:00:00-05:00"))
    );
    assert_eq!(incident.registers().legal_process.len(), 2);
    assert_eq!(incident.registers().legal_process[0].id, first.seq);

    let engaged = j.run(id, engagement(), "");
    let held = j.run(id, hold(engaged.seq), "");
    let registers = j.incidents[&id].registers();
    assert_eq!(registers.law_enforcement[0].record.requests.len(), 2);
    assert_eq!(registers.active_holds().count(), 1);

    let lift = |reason: &str| {
        Command::Register(RegisterAction::HoldLifted(HoldLifted {
            hold: held.seq,
            reason: reason.into(),
        }))
    };
    let err = j.try_run(id, lift(" "), "").unwrap_err();
    assert!(matches!(err, DomainError::Missing { .. }), "{err}");
    j.run(
        id,
        lift("the agency released the hold in writing on 24 Nov"),
        "",
    );
    assert_eq!(j.incidents[&id].registers().active_holds().count(), 0);
    // Lifted once: a second lift names no hold in force.
    let again = j.try_run(id, lift("again"), "").unwrap_err().to_string();
    assert!(again.contains("no hold"), "{again}");

    let replayed = Incident::replay(&j.entries_of(id)).unwrap();
    assert_eq!(&replayed, &j.incidents[&id]);
}

#[test]
fn bad_register_records_are_refused_with_the_field() {
    let mut j = Journal::default();
    let id = j.open(1, "Phishing");
    let future = j
        .try_run(id, subpoena("2027-01-01T00:00:00Z"), "")
        .unwrap_err();
    assert!(
        matches!(
            future,
            DomainError::InFuture {
                field: "legal process received",
                ..
            }
        ),
        "{future}"
    );
    let no_engagement = j.try_run(id, hold(99), "").unwrap_err().to_string();
    assert!(no_engagement.contains("engagement"), "{no_engagement}");
    let Command::Register(RegisterAction::LawEnforcement(mut blank)) = engagement() else {
        unreachable!()
    };
    blank.agency = String::new();
    let err = j
        .try_run(
            id,
            Command::Register(RegisterAction::LawEnforcement(blank)),
            "",
        )
        .unwrap_err();
    assert_eq!(err, DomainError::Missing { field: "agency" });
    assert_eq!(j.incidents[&id].head().seq, 1, "nothing was written");
}
