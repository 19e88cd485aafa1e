//! The facts clocks start from and how clocks end, as log entries: recorded, refused, replayed.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Journal, evidence_meta};
use rampart_core::incident::{
    ClockId, ClockOutcome, Command, FactsRecorded, Proof, Region, Updated,
};
use rampart_core::{DomainError, Incident, ZonedTime};

fn region(code: &str) -> Region {
    code.parse().unwrap()
}

fn clock(name: &str) -> ClockId {
    name.parse().unwrap()
}

fn t(text: &str) -> ZonedTime {
    text.parse().unwrap()
}

#[test]
fn residents_legal_process_and_materiality_are_recorded_and_replayed() {
    let mut j = Journal::default();
    let id = j.open(1, "Orders exported by a stolen API key");
    let facts = FactsRecorded {
        residents: [(region("US-CA"), 1_200), (region("DE"), 40)].into(),
        legal_process_received: Some(t("2026-11-23T03:00:00-05:00")),
        materiality_determined: None,
        reason: None,
    };
    j.run(id, Command::RecordFacts(facts), "");
    // Only what changes is written: CA stays, DE goes (0 removes), TX is new.
    let entry = j.run(
        id,
        Command::RecordFacts(FactsRecorded {
            residents: [
                (region("US-CA"), 1_200),
                (region("DE"), 0),
                (region("US-TX"), 300),
            ]
            .into(),
            ..FactsRecorded::default()
        }),
        "",
    );
    assert_eq!(entry.kind, "incident.facts_recorded");
    assert_eq!(
        entry.payload["residents"],
        serde_json::json!({"DE": 0, "US-TX": 300})
    );
    let facts = j.incidents[&id].clock_facts().clone();
    assert_eq!(facts.affected(), 1_500);
    assert_eq!(facts.residents.get(&region("DE")), None);
    assert_eq!(
        facts.legal_process_received,
        Some(t("2026-11-23T03:00:00-05:00"))
    );
    let replayed = Incident::replay(&j.entries_of(id)).unwrap();
    assert_eq!(replayed.clock_facts(), &facts);
}

#[test]
fn moving_a_recorded_time_needs_a_reason() {
    let mut j = Journal::default();
    let id = j.open(1, "Subpoena for order data");
    let at = |s: &str| FactsRecorded {
        legal_process_received: Some(t(s)),
        ..FactsRecorded::default()
    };
    j.run(id, Command::RecordFacts(at("2026-11-23T08:00:00Z")), "");
    let err = j
        .try_run(id, Command::RecordFacts(at("2026-11-23T07:00:00Z")), "")
        .unwrap_err();
    assert!(matches!(err, DomainError::ReasonRequired { .. }), "{err}");
    let same = j
        .try_run(id, Command::RecordFacts(at("2026-11-23T08:00:00Z")), "")
        .unwrap_err();
    assert_eq!(same, DomainError::NothingToChange);
    let mut moved = at("2026-11-23T07:00:00Z");
    moved.reason = Some("the front desk logged the courier an hour late".into());
    j.run(id, Command::RecordFacts(moved), "");
    let future = j
        .try_run(id, Command::RecordFacts(at("2027-01-01T00:00:00Z")), "")
        .unwrap_err();
    assert!(matches!(future, DomainError::InFuture { .. }), "{future}");
}

#[test]
fn changing_the_detection_time_needs_a_reason() {
    let mut j = Journal::default();
    let id = j.open(1, "Phishing");
    let earlier = Updated {
        detected: Some(t("2026-11-23T08:00:00Z")),
        ..Updated::default()
    };
    let err = j
        .try_run(id, Command::Update(earlier.clone()), "")
        .unwrap_err();
    assert!(matches!(err, DomainError::ReasonRequired { .. }), "{err}");
    let with_reason = Updated {
        reason: Some("the first alert fired at 08:00".into()),
        ..earlier
    };
    let entry = j.run(id, Command::Update(with_reason), "");
    assert_eq!(entry.payload["reason"], "the first alert fired at 08:00");
    assert_eq!(j.incidents[&id].times().detected, t("2026-11-23T08:00:00Z"));
}

#[test]
fn a_clock_ends_once_met_with_proof_or_missed_with_a_reason() {
    let mut j = Journal::default();
    let id = j.open(1, "Unknown SP-API calls");
    let note = j.run(id, Command::Note, "E-mailed security@amazon.com at 10:02.");
    let content = b"From: us\r\nTo: security@amazon.com\r\n\r\nreport";
    j.run(
        id,
        Command::AddEvidence {
            meta: evidence_meta(content, "report.eml"),
            custodian: None,
        },
        "",
    );
    let met = |entry: Option<u64>, evidence| Command::MeetClock {
        clock: clock("amazon_incident.notice"),
        at: None,
        proof: Proof { entry, evidence },
    };
    assert!(matches!(
        j.try_run(id, met(None, None), "").unwrap_err(),
        DomainError::Missing { .. }
    ));
    assert!(matches!(
        j.try_run(id, met(Some(99), None), "").unwrap_err(),
        DomainError::Invalid {
            field: "proof entry",
            ..
        }
    ));
    let unknown = rampart_core::Digest::of(b"not evidence");
    assert!(matches!(
        j.try_run(id, met(None, Some(unknown)), "").unwrap_err(),
        DomainError::UnknownEvidence { .. }
    ));
    let sha = rampart_core::Digest::of(content);
    let entry = j.run(id, met(Some(note.seq), Some(sha)), "");
    assert_eq!(entry.kind, "clock.met");
    assert!(
        j.try_run(id, met(Some(note.seq), None), "").is_err(),
        "met twice"
    );
    let missed = |reason: &str| Command::MissClock {
        clock: clock("gdpr.art33"),
        reason: reason.into(),
    };
    assert!(matches!(
        j.try_run(id, missed(" "), "").unwrap_err(),
        DomainError::ReasonRequired { .. }
    ));
    j.run(id, missed("the DPO was unreachable over the holiday"), "");
    let outcomes = j.incidents[&id].clock_outcomes().clone();
    assert!(matches!(
        outcomes[&clock("amazon_incident.notice")],
        ClockOutcome::Met { recorded_in, .. } if recorded_in == entry.seq
    ));
    assert!(matches!(
        outcomes[&clock("gdpr.art33")],
        ClockOutcome::Missed { .. }
    ));
    assert_eq!(
        Incident::replay(&j.entries_of(id)).unwrap(),
        j.incidents[&id]
    );
}
