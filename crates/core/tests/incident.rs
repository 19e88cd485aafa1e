//! The incident record driven through its commands: lifecycle, rules, replay.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Journal, busy_journal, evidence_meta};
use rampart_core::incident::{
    Command, Detail, Impact, IncidentType, OpenIncident, Role, Severity, State, TypeCatalog,
    Updated,
};
use rampart_core::{DomainError, Incident, IncidentId, IncidentKey, ReplayError, ZonedTime};

fn open_cmd(j: &Journal) -> OpenIncident {
    OpenIncident {
        id: IncidentId::generate(),
        key: IncidentKey::new(2026, 7).unwrap(),
        title: "Phishing mail clicked".into(),
        summary: String::new(),
        incident_type: IncidentType::CredentialCompromise,
        impact: None,
        severity_override: None,
        amazon_information: true,
        personal_data: false,
        drill: false,
        occurred: Some(j.now()),
        detected: None,
        reported: None,
    }
}

#[test]
fn incident_runs_the_whole_lifecycle_and_records_each_milestone() {
    let mut j = Journal::default();
    let id = j.open(1, "Ransom note on the file server");
    for to in [
        State::Triage,
        State::Confirmed,
        State::Containment,
        State::Eradication,
        State::Recovery,
        State::PostIncidentReview,
        State::Closed,
    ] {
        let entry = j.transition(id, to);
        assert_eq!(entry.kind, "incident.transitioned");
        assert_eq!(entry.payload["to"], to.name());
    }
    let incident = &j.incidents[&id];
    assert_eq!(incident.state(), State::Closed);
    let t = incident.times();
    // Opened at minute 0, each transition one minute later; entering containment records nothing.
    let minute = |z: Option<ZonedTime>| {
        (z.unwrap().instant().as_second() - t.reported.instant().as_second()) / 60
    };
    assert_eq!(minute(t.confirmed), 2);
    assert_eq!(minute(t.contained), 4);
    assert_eq!(minute(t.eradicated), 5);
    assert_eq!(minute(t.recovered), 6);
    assert_eq!(minute(t.closed), 7);
    assert_eq!(t.detected, t.reported);
    assert_eq!(t.reported.to_string(), "2026-11-23T04:00:00-05:00");
}

#[test]
fn illegal_transition_is_refused_naming_the_allowed_states() {
    let mut j = Journal::default();
    let id = j.open(1, "Odd DNS traffic");
    let err = j
        .try_run(
            id,
            Command::Transition {
                to: State::Closed,
                at: None,
                reason: None,
            },
            "",
        )
        .unwrap_err();
    assert_eq!(
        err,
        DomainError::IllegalTransition {
            from: State::Reported,
            to: State::Closed,
            allowed: vec![State::Triage]
        }
    );
    assert!(err.to_string().contains("allowed from reported: triage"));
    assert_eq!(j.log.len(), 1, "a refused command writes nothing");
}

#[test]
fn dismissal_needs_a_reason_and_reopening_is_logged() {
    let mut j = Journal::default();
    let id = j.open(1, "Port scan");
    j.transition(id, State::Triage);
    let dismiss = |reason: Option<&str>| Command::Transition {
        to: State::Dismissed,
        at: None,
        reason: reason.map(str::to_owned),
    };
    assert_eq!(
        j.try_run(id, dismiss(Some("  ")), "").unwrap_err(),
        DomainError::ReasonRequired {
            what: "dismissing an incident"
        }
    );
    j.run(id, dismiss(Some("Internet background noise")), "");
    assert_eq!(j.incidents[&id].state(), State::Dismissed);
    let reopen = Command::Transition {
        to: State::Triage,
        at: None,
        reason: Some("Same source hit the admin panel".into()),
    };
    let entry = j.run(id, reopen, "");
    assert_eq!(entry.payload["from"], "dismissed");
    assert_eq!(entry.payload["reason"], "Same source hit the admin panel");
    assert_eq!(j.incidents[&id].state(), State::Triage);
}

#[test]
fn reopening_a_closed_incident_clears_closed_but_keeps_the_other_facts() {
    let mut j = Journal::default();
    let id = j.open(1, "Stolen API key");
    for to in [
        State::Triage,
        State::Confirmed,
        State::Containment,
        State::Eradication,
        State::Recovery,
        State::PostIncidentReview,
        State::Closed,
    ] {
        j.transition(id, to);
    }
    let confirmed = j.incidents[&id].times().confirmed;
    let reopen = Command::Transition {
        to: State::Triage,
        at: None,
        reason: Some("Key used again".into()),
    };
    j.run(id, reopen, "");
    let times = j.incidents[&id].times();
    assert_eq!(times.closed, None);
    assert_eq!(times.confirmed, confirmed);
}

#[test]
fn times_in_the_future_are_refused() {
    let mut j = Journal::default();
    let id = j.open(1, "Suspicious login");
    let tomorrow: ZonedTime = "2026-11-24T09:00:00-05:00".parse().unwrap();
    let err = j
        .try_run(
            id,
            Command::Update(Updated {
                detected: Some(tomorrow),
                ..Updated::default()
            }),
            "",
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::InFuture {
                field: "detected",
                ..
            }
        ),
        "{err}"
    );
    let mut cmd = open_cmd(&j);
    cmd.reported = Some(tomorrow);
    assert!(matches!(
        Incident::open(&j.ctx(), cmd, String::new()),
        Err(DomainError::InFuture {
            field: "reported",
            ..
        })
    ));
}

#[test]
fn occurrence_after_detection_is_refused() {
    let j = Journal::default();
    let mut cmd = open_cmd(&j);
    cmd.detected = Some("2026-11-23T03:00:00-05:00".parse().unwrap());
    cmd.occurred = Some("2026-11-23T04:00:00-05:00".parse().unwrap());
    let err = Incident::open(&j.ctx(), cmd, String::new()).unwrap_err();
    assert!(matches!(err, DomainError::TimeOrder { .. }), "{err}");
}

#[test]
fn unconfigured_type_is_refused_and_configured_one_accepted() {
    let mut j = Journal::default();
    let mut cmd = open_cmd(&j);
    cmd.incident_type = IncidentType::Custom("payment_fraud".into());
    let err = Incident::open(&j.ctx(), cmd.clone(), String::new()).unwrap_err();
    assert!(err.to_string().contains("insider_misuse"), "{err}");
    j.types = TypeCatalog::with_custom(&["payment fraud"]).unwrap();
    assert!(Incident::open(&j.ctx(), cmd, String::new()).is_ok());
}

#[test]
fn severity_comes_from_the_matrix_unless_overridden_with_a_reason() {
    let mut j = Journal::default();
    let id = j.open(1, "Database exfiltration");
    assert_eq!(j.incidents[&id].severity(), None);
    let impact = Impact {
        functional: "low".parse().unwrap(),
        information: "privacy breach".parse().unwrap(),
        recoverability: "extended".parse().unwrap(),
    };
    let entry = j.run(
        id,
        Command::Update(Updated {
            impact: Some(impact),
            title: Some("Database exfiltration".into()),
            ..Updated::default()
        }),
        "",
    );
    // The unchanged title is dropped: the entry names only what changed.
    assert_eq!(entry.payload.as_object().unwrap().len(), 1);
    assert_eq!(j.incidents[&id].severity(), Some(Severity::Critical));
    let no_reason = Command::OverrideSeverity {
        severity: Some(Severity::High),
        reason: String::new(),
    };
    assert!(matches!(
        j.try_run(id, no_reason, ""),
        Err(DomainError::ReasonRequired { .. })
    ));
    let with_reason = Command::OverrideSeverity {
        severity: Some(Severity::High),
        reason: "Data was encrypted at rest".into(),
    };
    j.run(id, with_reason, "");
    assert_eq!(j.incidents[&id].severity(), Some(Severity::High));
    let back = Command::OverrideSeverity {
        severity: None,
        reason: "Encryption key was on the same host".into(),
    };
    j.run(id, back, "");
    assert_eq!(j.incidents[&id].severity(), Some(Severity::Critical));
}

#[test]
fn data_affected_raises_the_amazon_and_personal_flags() {
    let (j, a, b) = busy_journal();
    assert!(j.incidents[&a].amazon_information());
    assert!(j.incidents[&a].personal_data());
    assert!(!j.incidents[&a].flags().amazon_information);
    assert!(!j.incidents[&b].amazon_information());
}

#[test]
fn custody_moves_only_from_the_current_custodian() {
    let (mut j, a, _) = busy_journal();
    let sha = rampart_core::Digest::of(b"sshd[1]: Accepted password for root");
    let evidence = &j.incidents[&a].evidence()[0];
    assert_eq!(evidence.custodian, "carol");
    assert_eq!(evidence.custody[0].from, "alice@example.com");
    assert_eq!(evidence.meta.file_name.as_str(), "auth.log");
    let again = Command::TransferCustody {
        sha256: sha,
        to: "carol".into(),
        at: None,
        reason: "Again".into(),
    };
    assert!(matches!(
        j.try_run(a, again, ""),
        Err(DomainError::Custody { .. })
    ));
    let duplicate = Command::AddEvidence {
        meta: evidence_meta(b"sshd[1]: Accepted password for root", "copy.log"),
        custodian: None,
    };
    assert!(matches!(
        j.try_run(a, duplicate, ""),
        Err(DomainError::DuplicateEvidence { .. })
    ));
}

#[test]
fn details_are_removed_by_id_with_a_reason() {
    let (mut j, a, _) = busy_journal();
    let id = j.incidents[&a].details()[0].id;
    assert!(matches!(
        j.incidents[&a].details()[0].detail,
        Detail::Data(_)
    ));
    let unknown = Command::RemoveDetail {
        id: 999,
        reason: "typo".into(),
    };
    assert_eq!(
        j.try_run(a, unknown, "").unwrap_err(),
        DomainError::UnknownDetail { id: 999 }
    );
    j.run(
        a,
        Command::RemoveDetail {
            id,
            reason: "Recorded on the wrong incident".into(),
        },
        "",
    );
    assert!(j.incidents[&a].details().is_empty());
    assert!(!j.incidents[&a].amazon_information());
}

#[test]
fn roles_are_assigned_and_vacated() {
    let (mut j, a, _) = busy_journal();
    assert_eq!(j.incidents[&a].roles()[&Role::Commander], "bob");
    let vacate = |role| Command::UnassignRole { role };
    assert!(matches!(
        j.try_run(a, vacate(Role::Scribe), ""),
        Err(DomainError::RoleVacant { role: Role::Scribe })
    ));
    j.run(a, vacate(Role::Commander), "");
    assert!(j.incidents[&a].roles().is_empty());
}

#[test]
fn a_note_needs_text() {
    let (mut j, a, _) = busy_journal();
    assert_eq!(
        j.try_run(a, Command::Note, " ").unwrap_err(),
        DomainError::Missing { field: "note text" }
    );
}

#[test]
fn replay_rebuilds_exactly_the_projection() {
    let (j, a, b) = busy_journal();
    for id in [a, b] {
        let replayed = Incident::replay(&j.entries_of(id)).unwrap();
        assert_eq!(&replayed, &j.incidents[&id]);
        let json = serde_json::to_string(&replayed).unwrap();
        assert_eq!(serde_json::from_str::<Incident>(&json).unwrap(), replayed);
    }
}

#[test]
fn replay_refuses_a_log_that_does_not_fold() {
    let (j, a, _) = busy_journal();
    let entries = j.entries_of(a);
    assert_eq!(Incident::replay(&[]), Err(ReplayError::Empty));
    assert!(matches!(
        Incident::replay(&entries[1..]),
        Err(ReplayError::NotOpened { .. })
    ));
    let mut skipped = entries.clone();
    skipped.remove(2);
    assert!(matches!(
        Incident::replay(&skipped),
        Err(ReplayError::OutOfOrder { .. })
    ));
    let mut unknown = entries;
    unknown[1].kind = "incident.teleported".into();
    assert!(matches!(
        Incident::replay(&unknown),
        Err(ReplayError::UnknownKind { .. })
    ));
}

#[test]
fn record_export_names_the_head_before_it() {
    let (mut j, a, _) = busy_journal();
    let head = j.incidents[&a].head();
    let entry = j.run(a, Command::RecordExport, "Sent to Amazon security");
    assert_eq!(entry.payload["through_seq"], head.seq);
    assert_eq!(entry.payload["head"], head.hash.to_string());
}

#[test]
fn an_update_that_changes_nothing_is_refused() {
    let (mut j, a, _) = busy_journal();
    let title = j.incidents[&a].title().to_owned();
    let same = Command::Update(Updated {
        title: Some(title),
        ..Updated::default()
    });
    assert_eq!(
        j.try_run(a, same, "").unwrap_err(),
        DomainError::NothingToChange
    );
}

#[test]
fn every_entry_names_its_actor() {
    let (j, a, _) = busy_journal();
    let mut ctx = j.ctx();
    ctx.actor = " ";
    let err = j.incidents[&a]
        .decide(&ctx, Command::Note, "Called the bank".into())
        .unwrap_err();
    assert_eq!(err, DomainError::Missing { field: "actor" });
}
