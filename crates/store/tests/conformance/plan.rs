//! The plan in the store: versions applied, the plan log and its chain, reviews, and the response
//! entries (identification, tasks, pages) on incidents.

use std::collections::BTreeMap;

use jiff::Timestamp;
use rampart_core::incident::{
    Command, Decision, DueAnchor, Recipient, ResponseCommand, Role, State, TaskSpec, TaskStatus,
    TasksCreated,
};
use rampart_plan::{MajorChange, PlanEvent, ReviewState, Reviewed, default_plan};
use rampart_store::{Database, ErrorClass, PlanApplied};

use crate::support::{self, ACTOR, TestStore, conformance, open, try_raw};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn version_of(applied: &PlanApplied) -> u64 {
    match applied {
        PlanApplied::Applied { entry, .. } => match &entry.event {
            PlanEvent::Applied(a) => a.version,
            other => panic!("applied as {other:?}"),
        },
        PlanApplied::Unchanged { version } => *version,
    }
}

conformance! {
    async fn versions_are_numbered_logged_and_read_back(t: TestStore) {
        let s = &t.store;
        assert_eq!(s.plan_version(None).await.unwrap(), None);
        assert_eq!(s.plan_in_force().await.unwrap(), None);
        let first = default_plan().unwrap();
        let when = at("2026-01-05T09:00:00Z");
        let applied = s.apply_plan(ACTOR, when, "plan.toml", "text 1", &first, "").await.unwrap();
        assert_eq!(version_of(&applied), 1);
        let again = s.apply_plan(ACTOR, when, "plan.toml", "text 1", &first, "").await.unwrap();
        assert_eq!(again, PlanApplied::Unchanged { version: 1 });

        let mut second = first.clone();
        second.review.approver = "the CEO".into();
        let applied = s
            .apply_plan(ACTOR, at("2026-02-01T09:00:00Z"), "plan.toml", "text 2", &second, "CEO")
            .await
            .unwrap();
        let PlanApplied::Applied { entry, changes } = &applied else { panic!("{applied:?}") };
        assert_eq!(version_of(&applied), 2);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "review.approver");
        assert_eq!(entry.text, "CEO");

        let current = s.plan_version(None).await.unwrap().unwrap();
        assert_eq!((current.version, current.plan.clone()), (2, second));
        assert_eq!(current.source_text, "text 2");
        assert_eq!(current.entry, **entry);
        assert_eq!(s.plan_in_force().await.unwrap(), Some(current.plan.clone()));
        let old = s.plan_version(Some(1)).await.unwrap().unwrap();
        assert_eq!((old.version, old.plan), (1, first));
        assert_eq!(s.plan_version(Some(3)).await.unwrap(), None);
        let log = s.plan_log().await.unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(s.verify_plan_log().await.unwrap(), Ok(2));
    }

    async fn reviews_and_major_changes_drive_the_review_status(t: TestStore) {
        let s = &t.store;
        let plan = default_plan().unwrap();
        let refused = s
            .record_plan_event(ACTOR, at("2026-01-01T00:00:00Z"), reviewed(1), "")
            .await
            .unwrap_err();
        assert_eq!(refused.class(), ErrorClass::BadInput);
        assert!(s.plan_log().await.unwrap().is_empty());

        s.apply_plan(ACTOR, at("2026-01-05T09:00:00Z"), "p", "", &plan, "").await.unwrap();
        let wrong = s.record_plan_event(ACTOR, at("2026-01-06T00:00:00Z"), reviewed(2), "").await;
        assert_eq!(wrong.unwrap_err().class(), ErrorClass::BadInput);
        s.record_plan_event(ACTOR, at("2026-01-06T00:00:00Z"), reviewed(1), "fine")
            .await
            .unwrap();
        let status = s.plan_review_status(at("2026-03-01T00:00:00Z")).await.unwrap().unwrap();
        assert_eq!(status.state, ReviewState::Current);
        assert_eq!(status.due_by, at("2026-07-06T00:00:00Z"));

        let change = PlanEvent::MajorChange(MajorChange { description: "new AWS account".into() });
        s.record_plan_event(ACTOR, at("2026-03-02T00:00:00Z"), change, "").await.unwrap();
        let status = s.plan_review_status(at("2026-03-03T00:00:00Z")).await.unwrap().unwrap();
        assert_eq!(status.state, ReviewState::Due);
        assert!(status.reasons[0].contains("new AWS account"), "{:?}", status.reasons);
        let status = s.plan_review_status(at("2026-07-07T00:00:00Z")).await.unwrap().unwrap();
        assert_eq!(status.state, ReviewState::Overdue);
        assert_eq!(s.verify_plan_log().await.unwrap(), Ok(3));
    }

    async fn the_plan_log_refuses_rewrites_and_reports_tampering(t: TestStore) {
        let s = &t.store;
        s.apply_plan(ACTOR, at("2026-01-05T09:00:00Z"), "p", "", &default_plan().unwrap(), "")
            .await
            .unwrap();
        s.record_plan_event(ACTOR, at("2026-01-06T00:00:00Z"), reviewed(1), "").await.unwrap();
        assert!(try_raw(&t, "UPDATE plan_log SET actor = 'mallory'").await.is_err());
        assert!(try_raw(&t, "DELETE FROM plan_versions").await.is_err());
        let drop_guard = match t.config.database() {
            Database::Sqlite => "DROP TRIGGER plan_log_is_append_only_update",
            Database::Postgres { .. } => "DROP TRIGGER plan_log_is_append_only ON plan_log",
        };
        try_raw(&t, drop_guard).await.unwrap();
        try_raw(&t, "UPDATE plan_log SET actor = 'mallory' WHERE seq = 1").await.unwrap();
        let broken = s.verify_plan_log().await.unwrap().unwrap_err();
        assert_eq!(broken.seq, 1);
    }

    async fn concurrent_plan_log_appends_chain_in_order(t: TestStore) {
        let s = &t.store;
        let record = |n: u32| async move {
            let change = PlanEvent::MajorChange(MajorChange { description: format!("change {n}") });
            s.record_plan_event(ACTOR, Timestamp::now(), change, "").await.unwrap()
        };
        let (a, b, c, d) = tokio::join!(record(1), record(2), record(3), record(4));
        let mut seqs = vec![a.seq, b.seq, c.seq, d.seq];
        seqs.sort_unstable();
        assert_eq!(seqs, [1, 2, 3, 4]);
        assert_eq!(s.verify_plan_log().await.unwrap(), Ok(4));
    }

    async fn response_entries_are_stored_and_verify(t: TestStore) {
        let incident = open(&t.store, "Unknown SP-API calls").await.incident;
        let triage = Command::Transition { to: State::Triage, at: None, reason: None };
        support::change(&t.store, &incident, triage, "").await;
        let answers = BTreeMap::from([("amazon_information".to_owned(), true)]);
        let answered = Command::Respond(ResponseCommand::AnswerChecklist(answers));
        support::change(&t.store, &incident, answered, "").await;
        let confirm = Command::Respond(ResponseCommand::Identify {
            decision: Decision::Confirmed,
            reason: None,
            at: None,
        });
        let confirmed = support::change(&t.store, &incident, confirm, "").await.incident;
        assert_eq!(confirmed.state(), State::Confirmed);
        assert!(confirmed.times().confirmed.is_some());
        let task = TaskSpec {
            id: "notify_amazon".into(),
            title: "Report the incident to Amazon".into(),
            description: String::new(),
            role: Role::Impoc,
            anchor: DueAnchor::Detected,
            after_minutes: 24 * 60,
            required: true,
            kind: "notice".into(),
            playbook: "amazon_information".into(),
        };
        let created = Command::Respond(ResponseCommand::CreateTasks(TasksCreated {
            plan_version: 1,
            tasks: vec![task],
        }));
        support::change(&t.store, &incident, created, "").await;
        let page = Command::Respond(ResponseCommand::Page(rampart_core::incident::Paged {
            step: "on_call_commander".into(),
            ack_within_minutes: 15,
            recipients: vec![Recipient {
                member: "ana".into(),
                name: "Ana".into(),
                email: "ana@example.org".into(),
            }],
            reason: "activated".into(),
        }));
        let paged = support::change(&t.store, &incident, page, "").await;
        let started = Command::Respond(ResponseCommand::ChangeTask {
            task: "notify_amazon".into(),
            to: TaskStatus::InProgress,
            reason: None,
        });
        support::change(&t.store, &incident, started, "").await;
        let ack = Command::Respond(ResponseCommand::AcknowledgePage { page: paged.entry.seq });
        let last = support::change(&t.store, &incident, ack, "").await.incident;

        let stored = t.store.incident(incident.id()).await.unwrap();
        assert_eq!(stored, last);
        assert_eq!(stored.response().tasks[0].status, TaskStatus::InProgress);
        assert!(!stored.response().pages[0].is_open());
        let replayed = rampart_core::Incident::replay(&t.store.log_of(incident.id()).await.unwrap());
        assert_eq!(replayed.unwrap(), stored);
        assert!(t.store.verify_incident(incident.id()).await.unwrap().is_ok());
    }
}

fn reviewed(version: u64) -> PlanEvent {
    PlanEvent::Reviewed(Reviewed {
        version,
        approver: "Carol Example (CEO)".into(),
    })
}
