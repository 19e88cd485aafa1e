//! Unit tests of sealing and verification on small hand-built logs.

use jiff::Timestamp;
use serde_json::json;

use super::*;
use crate::id::IncidentId;

fn draft(incident: IncidentId, n: i64) -> EntryDraft {
    EntryDraft {
        incident,
        at: Timestamp::from_second(1_790_000_000 + n).unwrap(),
        actor: "alice".into(),
        kind: "incident.note_added".into(),
        payload: json!({"n": n}),
        text: format!("note {n}"),
    }
}

/// Two incidents interleaved: a, b, a, b, a.
fn sample_log() -> Vec<LogEntry> {
    let (a, b) = (IncidentId::generate(), IncidentId::generate());
    let mut log: Vec<LogEntry> = Vec::new();
    for (n, incident) in [a, b, a, b, a].into_iter().enumerate() {
        let head = log
            .iter()
            .rev()
            .find(|e| e.incident == incident)
            .map_or(ChainHead::GENESIS, LogEntry::incident_head);
        let global = log.last().map_or(ChainHead::GENESIS, LogEntry::global_head);
        log.push(seal(draft(incident, n as i64), head, global).unwrap());
    }
    log
}

#[test]
fn sealed_entries_chain_per_incident_and_globally() {
    let log = sample_log();
    assert_eq!(
        log.iter()
            .map(|e| (e.seq, e.global_seq))
            .collect::<Vec<_>>(),
        [(1, 1), (1, 2), (2, 3), (2, 4), (3, 5)]
    );
    assert_eq!(log[0].prev_hash, Digest::GENESIS);
    assert_eq!(log[2].prev_hash, log[0].hash);
    assert_eq!(log[2].global_prev_hash, log[1].global_hash);
    let summary = verify_log(&log).unwrap();
    assert_eq!(summary.entries, 5);
    assert_eq!(summary.incidents, 2);
    assert_eq!(summary.global_head, log[4].global_head());
}

#[test]
fn sealing_refuses_bad_drafts() {
    let incident = IncidentId::generate();
    let g = ChainHead::GENESIS;
    let mut d = draft(incident, 1);
    d.actor = "  ".into();
    assert_eq!(seal(d, g, g), Err(SealError::EmptyActor));
    let mut d = draft(incident, 1);
    d.kind = "Incident Opened".into();
    assert!(matches!(seal(d, g, g), Err(SealError::BadKind { .. })));
    let mut d = draft(incident, 1);
    d.payload = json!({"amount": 1.5});
    assert!(matches!(seal(d, g, g), Err(SealError::Payload(_))));
    let full = ChainHead {
        seq: u64::MAX,
        hash: Digest::GENESIS,
    };
    assert_eq!(
        seal(draft(incident, 1), full, g),
        Err(SealError::ChainFull { chain: "incident" })
    );
}

#[test]
fn sealing_keeps_whole_microseconds() {
    let mut d = draft(IncidentId::generate(), 1);
    d.at = "2026-11-23T10:00:00.123456789Z".parse().unwrap();
    let e = seal(d, ChainHead::GENESIS, ChainHead::GENESIS).unwrap();
    assert_eq!(e.at.to_string(), "2026-11-23T10:00:00.123456Z");
}

#[test]
fn edited_text_is_named_as_content_hash_mismatch() {
    let mut log = sample_log();
    log[3].text.push('!');
    let err = verify_log(&log).unwrap_err();
    assert_eq!(err.index, 3);
    assert!(matches!(*err.kind, BreakKind::ContentHash { .. }));
}

#[test]
fn deleted_entry_is_named_at_the_entry_after_it() {
    let mut log = sample_log();
    log.remove(2);
    let err = verify_log(&log).unwrap_err();
    assert_eq!(err.index, 2);
    assert_eq!(err.entry.unwrap().global_seq, 4);
    assert_eq!(
        *err.kind,
        BreakKind::GlobalSeq {
            expected: 3,
            found: 4
        }
    );
}

#[test]
fn lost_newest_entries_show_against_an_outside_head() {
    let log = sample_log();
    let head = log[4].global_head();
    let mut verifier = LogVerifier::new();
    for entry in &log[..4] {
        verifier.push(entry).unwrap();
    }
    let err = verifier.finish_expecting(head).unwrap_err();
    assert!(matches!(*err.kind, BreakKind::Truncated { .. }));
    assert_eq!(err.entry, None);
}

#[test]
fn one_incident_verifies_alone() {
    let log = sample_log();
    let a = log[0].incident;
    let mut verifier = LogVerifier::for_incident(a);
    for entry in log.iter().filter(|e| e.incident == a) {
        verifier.push(entry).unwrap();
    }
    assert_eq!(verifier.finish().entries, 3);
    let mut verifier = LogVerifier::for_incident(a);
    let err = log.iter().try_for_each(|e| verifier.push(e)).unwrap_err();
    assert_eq!(err.index, 1);
    assert_eq!(*err.kind, BreakKind::WrongIncident { expected: a });
}
