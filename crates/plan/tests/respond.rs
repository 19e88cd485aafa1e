//! Running the default plan with a team: activation of a high-severity unauthorized access with
//! Amazon Information, escalation of an unacknowledged page at explicit times, the review
//! cadence, and training due per role.

#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::Date;
use rampart_core::incident::{
    Command, Context, IncidentType, OpenIncident, Role, Severity, SeverityOverride, TypeCatalog,
};
use rampart_core::{ChainHead, Incident, IncidentId, IncidentKey, ZonedTime, seal};
use rampart_plan::{
    Applied, MajorChange, Member, Plan, PlanEntry, PlanEvent, ReviewState, Reviewed,
    TrainingRecord, TrainingState, default_plan, escalations, review_status, training_status,
};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn member(name: &str, roles: &[Role]) -> Member {
    Member {
        name: name.into(),
        email: format!("{}@example.org", name.to_lowercase()),
        phone: None,
        roles: roles.to_vec(),
    }
}

/// The default plan with a team: ana and ben take turns as commander, cy is the IMPOC.
fn staffed() -> Plan {
    let mut plan = default_plan().unwrap();
    plan.members.insert(
        "ana".into(),
        member("Ana", &[Role::Commander, Role::TechnicalLead]),
    );
    plan.members.insert(
        "ben".into(),
        member("Ben", &[Role::Commander, Role::Scribe]),
    );
    plan.members.insert(
        "cy".into(),
        member("Cy", &[Role::Impoc, Role::LegalPrivacy]),
    );
    plan.rotations.get_mut("commander").unwrap().members = vec!["ana".into(), "ben".into()];
    plan.rotations.get_mut("impoc").unwrap().members = vec!["cy".into()];
    assert!(plan.check().is_empty(), "{:?}", plan.check());
    plan
}

/// A high-severity unauthorized access involving Amazon Information, opened at `now`.
fn incident(now: Timestamp) -> Incident {
    let types = TypeCatalog::default();
    let ctx = Context {
        actor: "ana",
        now: ZonedTime::utc(now),
        types: &types,
    };
    let cmd = OpenIncident {
        id: IncidentId::generate(),
        key: IncidentKey::new(2026, 1).unwrap(),
        title: "Unknown SP-API calls".into(),
        summary: String::new(),
        incident_type: IncidentType::UnauthorizedAccess,
        impact: None,
        severity_override: Some(SeverityOverride {
            severity: Severity::High,
            reason: "Amazon data read".into(),
        }),
        amazon_information: true,
        personal_data: false,
        drill: false,
        occurred: None,
        detected: None,
        reported: None,
    };
    let draft = Incident::open(&ctx, cmd, String::new()).unwrap();
    let entry = seal(draft, ChainHead::GENESIS, ChainHead::GENESIS).unwrap();
    let mut incident = Incident::from_opening(&entry).unwrap();
    let assign = Command::AssignRole {
        role: Role::Scribe,
        person: "ben".into(),
    };
    let draft = incident.decide(&ctx, assign, String::new()).unwrap();
    let entry = seal(draft, incident.head(), entry.global_head()).unwrap();
    incident.apply(&entry).unwrap();
    incident
}

#[test]
fn activation_creates_the_seed_tasks_fills_roles_from_the_rotation_and_pages_the_commander() {
    let plan = staffed();
    let now = at("2026-01-12T10:00:00Z");
    let activation = plan.activation(&incident(now), now);
    let ids: Vec<&str> = activation.tasks.iter().map(|t| t.id.as_str()).collect();
    for expected in [
        "activate_team",
        "survey_damage",
        "contain_filter_traffic",
        "report_to_law_enforcement",
        "notify_amazon",
        "submit_notices_to_amazon",
    ] {
        assert!(ids.contains(&expected), "{expected} missing from {ids:?}");
    }
    assert!(
        !ids.contains(&"notify_affected_individuals"),
        "no personal data"
    );
    assert!(
        !ids.contains(&"rotate_credentials"),
        "not a credential compromise"
    );
    let notify = activation
        .tasks
        .iter()
        .find(|t| t.id == "notify_amazon")
        .unwrap();
    assert_eq!((notify.role, notify.after_minutes), (Role::Impoc, 24 * 60));

    // The second week of the rotation is ben's; the scribe is taken already.
    assert!(
        activation
            .assignments
            .contains(&(Role::Commander, "ben".to_owned()))
    );
    assert!(
        activation
            .assignments
            .contains(&(Role::Impoc, "cy".to_owned()))
    );
    assert!(
        !activation
            .assignments
            .iter()
            .any(|(r, _)| *r == Role::Scribe)
    );
    let (step, recipients) = activation.page.unwrap();
    assert_eq!(step.id, "on_call_commander");
    assert_eq!(recipients.len(), 1);
    assert_eq!(recipients[0].email, "ben@example.org");
}

#[test]
fn an_unacknowledged_page_escalates_step_by_step_at_the_window_ends() {
    let plan = staffed();
    let paged = at("2026-01-12T10:00:00Z");
    assert!(
        escalations(
            &plan,
            "on_call_commander",
            paged,
            at("2026-01-12T10:14:59Z")
        )
        .is_empty()
    );
    let path = escalations(
        &plan,
        "on_call_commander",
        paged,
        at("2026-01-12T10:15:00Z"),
    );
    let steps: Vec<(&str, Timestamp)> = path.iter().map(|(s, t)| (s.id.as_str(), *t)).collect();
    assert_eq!(steps, [("all_commanders", at("2026-01-12T10:15:00Z"))]);
    let everyone = plan.recipients(&path[0].0.page, path[0].1);
    let emails: Vec<&str> = everyone.iter().map(|r| r.email.as_str()).collect();
    assert_eq!(emails, ["ana@example.org", "ben@example.org"]);

    let late = escalations(
        &plan,
        "on_call_commander",
        paged,
        at("2026-01-12T12:00:00Z"),
    );
    let steps: Vec<(&str, Timestamp)> = late.iter().map(|(s, t)| (s.id.as_str(), *t)).collect();
    assert_eq!(
        steps,
        [
            ("all_commanders", at("2026-01-12T10:15:00Z")),
            ("whole_team", at("2026-01-12T10:30:00Z")),
        ]
    );
    assert!(escalations(&plan, "whole_team", paged, at("2027-01-01T00:00:00Z")).is_empty());
    assert!(escalations(&plan, "no_such_step", paged, at("2027-01-01T00:00:00Z")).is_empty());
}

fn entry(seq: u64, when: &str, event: PlanEvent) -> PlanEntry {
    let head = ChainHead {
        seq: seq - 1,
        hash: rampart_core::Digest::GENESIS,
    };
    PlanEntry::seal(head, at(when), "ana", event, "").unwrap()
}

fn applied(version: u64) -> PlanEvent {
    PlanEvent::Applied(Applied {
        version,
        sha256: rampart_core::Digest::GENESIS,
        source: "plan.toml".into(),
        changes: 1,
    })
}

#[test]
fn reviews_fall_due_every_six_months_after_major_changes_and_new_versions() {
    let review = default_plan().unwrap().review;
    assert_eq!(
        review_status(&review, &[], at("2026-01-01T00:00:00Z")),
        None
    );
    let mut log = vec![entry(1, "2026-01-05T09:00:00Z", applied(1))];
    let status = review_status(&review, &log, at("2026-07-05T09:00:00Z")).unwrap();
    assert_eq!(
        (status.state, status.due_by),
        (ReviewState::Current, at("2026-07-05T09:00:00Z"))
    );
    let status = review_status(&review, &log, at("2026-07-05T09:00:01Z")).unwrap();
    assert_eq!(status.state, ReviewState::Overdue);

    let reviewed = PlanEvent::Reviewed(Reviewed {
        version: 1,
        approver: "Carol (CEO)".into(),
    });
    log.push(entry(2, "2026-06-30T12:00:00Z", reviewed));
    let status = review_status(&review, &log, at("2026-08-01T00:00:00Z")).unwrap();
    assert_eq!(status.state, ReviewState::Current);
    assert_eq!(status.due_by, at("2026-12-30T12:00:00Z"));
    assert_eq!(status.last_review.unwrap().approver, "Carol (CEO)");

    let change = PlanEvent::MajorChange(MajorChange {
        description: "moved the order database".into(),
    });
    log.push(entry(3, "2026-08-02T00:00:00Z", change));
    let status = review_status(&review, &log, at("2026-08-03T00:00:00Z")).unwrap();
    assert_eq!(status.state, ReviewState::Due);
    log.push(entry(4, "2026-08-04T00:00:00Z", applied(2)));
    let status = review_status(&review, &log, at("2026-08-05T00:00:00Z")).unwrap();
    assert_eq!(status.reasons.len(), 2, "{:?}", status.reasons);
    assert_eq!(status.version, 2);
}

#[test]
fn training_is_due_per_role_yearly_and_missing_until_recorded() {
    let plan = staffed();
    let date = |t: &str| t.parse::<Date>().unwrap();
    let record = PlanEvent::TrainingRecorded(TrainingRecord {
        member: "cy".into(),
        training: "amazon_reporting".into(),
        completed: date("2026-01-10"),
        expires: rampart_plan::expiry(date("2026-01-10"), 12),
    });
    let log = vec![entry(1, "2026-01-10T12:00:00Z", record)];
    let status = training_status(&plan, &log, date("2026-06-01"));
    let cy: Vec<_> = status.iter().filter(|s| s.member == "cy").collect();
    let amazon = cy
        .iter()
        .find(|s| s.training == "amazon_reporting")
        .unwrap();
    assert_eq!(amazon.state, TrainingState::Current);
    assert_eq!(amazon.expires, Some(date("2027-01-10")));
    assert!(
        cy.iter()
            .any(|s| s.training == "data_protection" && s.state == TrainingState::Missing)
    );
    // amazon_reporting is required of commanders as well as the IMPOC.
    assert!(
        status
            .iter()
            .any(|s| s.member == "ben" && s.training == "amazon_reporting")
    );
    let later = training_status(&plan, &log, date("2027-01-11"));
    let amazon = later
        .iter()
        .find(|s| s.member == "cy" && s.training == "amazon_reporting")
        .unwrap();
    assert_eq!(amazon.state, TrainingState::Expired);
}
