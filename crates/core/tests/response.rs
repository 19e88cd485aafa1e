//! The response on an incident: the identification checklist and decision, playbook tasks and
//! their statuses and due times, pages with acknowledgement and escalation — all through log
//! entries that replay.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use common::Journal;
use jiff::Timestamp;
use rampart_core::incident::{
    Command, Decision, DueAnchor, PageEscalated, Paged, Recipient, ResponseCommand, Role, State,
    TaskSpec, TaskStatus, TasksCreated,
};
use rampart_core::{DomainError, Incident, IncidentId};

fn respond(cmd: ResponseCommand) -> Command {
    Command::Respond(cmd)
}

fn answers(pairs: &[(&str, bool)]) -> Command {
    let map: BTreeMap<String, bool> = pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
    respond(ResponseCommand::AnswerChecklist(map))
}

fn decide(decision: Decision, reason: Option<&str>) -> Command {
    respond(ResponseCommand::Identify {
        decision,
        reason: reason.map(str::to_owned),
        at: None,
    })
}

fn task(id: &str, anchor: DueAnchor, minutes: u32, required: bool) -> TaskSpec {
    TaskSpec {
        id: id.into(),
        title: format!("Task {id}"),
        description: String::new(),
        role: Role::Impoc,
        anchor,
        after_minutes: minutes,
        required,
        kind: "manual".into(),
        playbook: "test".into(),
    }
}

fn change(id: &str, to: TaskStatus, reason: Option<&str>) -> Command {
    respond(ResponseCommand::ChangeTask {
        task: id.into(),
        to,
        reason: reason.map(str::to_owned),
    })
}

fn ana() -> Recipient {
    Recipient {
        member: "ana".into(),
        name: "Ana".into(),
        email: "ana@example.org".into(),
    }
}

/// An incident in triage.
fn triaged(j: &mut Journal) -> IncidentId {
    let id = j.open(1, "Unknown SP-API calls");
    j.transition(id, State::Triage);
    id
}

#[test]
fn confirming_needs_a_yes_and_sets_the_confirmed_time() {
    let mut j = Journal::default();
    let id = triaged(&mut j);
    let err = j
        .try_run(id, decide(Decision::Confirmed, None), "")
        .unwrap_err();
    assert!(err.to_string().contains("at least one \"yes\""), "{err}");
    j.run(id, answers(&[("amazon_information", false)]), "");
    assert!(
        j.try_run(id, decide(Decision::Confirmed, None), "")
            .is_err()
    );
    j.run(id, answers(&[("unauthorized_access", true)]), "");
    let entry = j.run(id, decide(Decision::Confirmed, None), "");
    assert_eq!(entry.kind, "incident.identified");
    let incident = &j.incidents[&id];
    assert_eq!(incident.state(), State::Confirmed);
    assert!(incident.times().confirmed.is_some());
    let decision = incident.response().decision.as_ref().unwrap();
    assert_eq!(
        (decision.decision, decision.by.as_str()),
        (Decision::Confirmed, "alice@example.com")
    );
    assert_eq!(incident.response().checklist.len(), 2);
    assert_eq!(Incident::replay(&j.entries_of(id)).unwrap(), *incident);
}

#[test]
fn dismissing_needs_a_reason_and_follows_the_lifecycle() {
    let mut j = Journal::default();
    let id = j.open(1, "Odd login");
    let early = j.try_run(id, decide(Decision::Dismissed, Some("test account")), "");
    assert!(matches!(early, Err(DomainError::IllegalTransition { .. })));
    j.transition(id, State::Triage);
    let no_reason = j
        .try_run(id, decide(Decision::Dismissed, None), "")
        .unwrap_err();
    assert!(matches!(no_reason, DomainError::ReasonRequired { .. }));
    j.run(
        id,
        decide(Decision::Dismissed, Some("a tester's own account")),
        "",
    );
    assert_eq!(j.incidents[&id].state(), State::Dismissed);
    assert!(j.incidents[&id].times().confirmed.is_none());
}

#[test]
fn tasks_move_through_their_statuses_with_reasons_where_needed() {
    let mut j = Journal::default();
    let id = triaged(&mut j);
    let created = TasksCreated {
        plan_version: 1,
        tasks: vec![
            task("notify_amazon", DueAnchor::Detected, 24 * 60, true),
            task("reroute", DueAnchor::Confirmed, 60, false),
        ],
    };
    j.run(
        id,
        respond(ResponseCommand::CreateTasks(created.clone())),
        "",
    );
    let twice = j.try_run(id, respond(ResponseCommand::CreateTasks(created)), "");
    assert!(twice.is_err(), "task ids are unique on an incident");

    assert!(
        j.try_run(id, change("notify_amazon", TaskStatus::Skipped, None), "")
            .is_err()
    );
    j.run(id, change("reroute", TaskStatus::Skipped, None), "");
    j.run(
        id,
        change("notify_amazon", TaskStatus::InProgress, None),
        "",
    );
    j.run(id, change("notify_amazon", TaskStatus::Done, None), "");
    assert!(
        j.try_run(id, change("notify_amazon", TaskStatus::Done, None), "")
            .is_err()
    );
    assert!(
        j.try_run(id, change("notify_amazon", TaskStatus::Open, None), "")
            .is_err()
    );
    j.run(
        id,
        change("notify_amazon", TaskStatus::Open, Some("report bounced")),
        "",
    );
    let unknown = j
        .try_run(id, change("nothing", TaskStatus::Done, None), "")
        .unwrap_err();
    assert!(unknown.to_string().contains("notify_amazon"), "{unknown}");

    let incident = &j.incidents[&id];
    let tasks = &incident.response().tasks;
    assert_eq!(tasks[0].status, TaskStatus::Open);
    assert_eq!(tasks[0].reason.as_deref(), Some("report bounced"));
    assert_eq!(tasks[1].status, TaskStatus::Skipped);
    assert_eq!(Incident::replay(&j.entries_of(id)).unwrap(), *incident);
}

#[test]
fn due_times_count_from_their_timestamp_and_flag_overdue_tasks() {
    let mut j = Journal::default();
    let id = triaged(&mut j);
    let created = TasksCreated {
        plan_version: 1,
        tasks: vec![
            task("notify_amazon", DueAnchor::Detected, 24 * 60, true),
            task("restore", DueAnchor::Contained, 60, true),
        ],
    };
    j.run(id, respond(ResponseCommand::CreateTasks(created)), "");
    let incident = &j.incidents[&id];
    let times = incident.times();
    let tasks = &incident.response().tasks;
    let detected = times.detected.instant();
    let due = tasks[0].due(times).unwrap();
    assert_eq!(due.duration_since(detected).as_hours(), 24);
    assert_eq!(tasks[1].due(times), None, "not contained yet");
    let before: Timestamp = due.checked_sub(jiff::SignedDuration::from_mins(1)).unwrap();
    let after: Timestamp = due.checked_add(jiff::SignedDuration::from_mins(1)).unwrap();
    assert!(!tasks[0].is_overdue(times, before));
    assert!(tasks[0].is_overdue(times, after));
    assert!(!tasks[1].is_overdue(times, after));
    assert_eq!(tasks[0].owner(incident.roles()), None);
    j.run(
        id,
        Command::AssignRole {
            role: Role::Impoc,
            person: "ana".into(),
        },
        "",
    );
    let incident = &j.incidents[&id];
    assert_eq!(
        incident.response().tasks[0].owner(incident.roles()),
        Some("ana")
    );
}

#[test]
fn pages_are_acknowledged_once_and_escalate_only_while_open() {
    let mut j = Journal::default();
    let id = triaged(&mut j);
    let empty = Paged {
        step: "on_call".into(),
        ack_within_minutes: 15,
        recipients: vec![],
        reason: "activated".into(),
    };
    assert!(
        j.try_run(id, respond(ResponseCommand::Page(empty.clone())), "")
            .is_err()
    );
    let paged = Paged {
        recipients: vec![ana()],
        ..empty
    };
    let entry = j.run(id, respond(ResponseCommand::Page(paged)), "");
    let page = entry.seq;
    let since = j.incidents[&id].response().pages[0].step_since;
    let later = since
        .checked_add(jiff::SignedDuration::from_mins(1))
        .unwrap();
    let escalate = |at: Timestamp| {
        respond(ResponseCommand::EscalatePage(PageEscalated {
            page,
            step: "all_commanders".into(),
            ack_within_minutes: 15,
            at,
            recipients: vec![ana()],
        }))
    };
    let too_early = since
        .checked_sub(jiff::SignedDuration::from_mins(1))
        .unwrap();
    assert!(j.try_run(id, escalate(too_early), "").is_err());
    j.run(id, escalate(later), "");
    let p = &j.incidents[&id].response().pages[0];
    assert_eq!((p.step.as_str(), p.step_since), ("all_commanders", later));
    assert_eq!(p.history, vec![("on_call".to_owned(), since)]);

    j.run(id, respond(ResponseCommand::AcknowledgePage { page }), "");
    let again = j.try_run(id, respond(ResponseCommand::AcknowledgePage { page }), "");
    assert!(again.is_err());
    assert!(
        j.try_run(id, escalate(later), "").is_err(),
        "an acknowledged page stays put"
    );
    let p = &j.incidents[&id].response().pages[0];
    assert_eq!(p.acknowledged.as_ref().unwrap().0, "alice@example.com");
    assert_eq!(
        Incident::replay(&j.entries_of(id)).unwrap(),
        j.incidents[&id]
    );
}
