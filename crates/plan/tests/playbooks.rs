//! The default plan's playbooks answer an incident by its type, severity and flags.
#![allow(clippy::unwrap_used)]

use rampart_core::incident::{IncidentType, Role, Severity};
use rampart_plan::{Anchor, Flag, TaskKind, default_plan};

fn task_ids(incident_type: IncidentType, severity: Severity, flags: &[Flag]) -> Vec<String> {
    let plan = default_plan().unwrap();
    plan.tasks_for(&incident_type, severity, flags)
        .map(|(_, t)| t.id.clone())
        .collect()
}

#[test]
fn high_unauthorized_access_with_amazon_information_gets_the_seed_tasks() {
    let plan = default_plan().unwrap();
    let tasks: Vec<_> = plan
        .tasks_for(
            &IncidentType::UnauthorizedAccess,
            Severity::High,
            &[Flag::AmazonInformation],
        )
        .map(|(_, t)| t)
        .collect();
    let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
    for id in [
        "activate_team",
        "survey_damage",
        "collect_logs",
        "contain_isolate_network",
        "report_to_law_enforcement",
        "notify_amazon",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(
        !ids.contains(&"notify_affected_individuals"),
        "no personal data flagged"
    );
    let notify_amazon = tasks.iter().find(|t| t.id == "notify_amazon").unwrap();
    assert_eq!(notify_amazon.role, Role::Impoc);
    assert_eq!(notify_amazon.kind, TaskKind::Notice);
    assert_eq!(
        (notify_amazon.due.anchor, notify_amazon.due.after.minutes()),
        (Anchor::Detected, 24 * 60)
    );
}

#[test]
fn amazon_clock_starts_at_detection_and_legal_process_clock_at_receipt() {
    let ids = task_ids(IncidentType::LegalProcessRequest, Severity::Low, &[]);
    assert!(
        ids.contains(&"notify_amazon_legal_process".to_owned()),
        "{ids:?}"
    );
    assert!(
        !ids.contains(&"contain_isolate_network".to_owned()),
        "a subpoena is not contained"
    );
    let plan = default_plan().unwrap();
    let task = plan
        .playbooks
        .iter()
        .flat_map(|p| &p.tasks)
        .find(|t| t.id == "notify_amazon_legal_process")
        .unwrap();
    assert_eq!(task.due.to_string(), "reported + 24h");
}

#[test]
fn law_enforcement_is_engaged_for_major_breaches_only() {
    assert!(
        !task_ids(IncidentType::Malware, Severity::Medium, &[])
            .contains(&"report_to_law_enforcement".to_owned())
    );
    assert!(
        task_ids(IncidentType::Malware, Severity::Critical, &[])
            .contains(&"report_to_law_enforcement".to_owned())
    );
}

#[test]
fn individuals_are_notified_when_personal_data_is_at_risk() {
    let ids = task_ids(
        IncidentType::DataBreach,
        Severity::Low,
        &[Flag::PersonalData],
    );
    assert!(
        ids.contains(&"notify_affected_individuals".to_owned()),
        "{ids:?}"
    );
}

#[test]
fn task_ids_are_unique_across_applying_playbooks() {
    let mut ids = task_ids(
        IncidentType::CredentialCompromise,
        Severity::Critical,
        &[Flag::AmazonInformation, Flag::PersonalData],
    );
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count);
    assert!(ids.contains(&"rotate_credentials".to_owned()));
}

#[test]
fn default_plan_needs_people_before_it_can_page() {
    let gaps = default_plan().unwrap().gaps();
    assert!(
        gaps.iter().any(|g| g == "no member can hold role impoc"),
        "{gaps:?}"
    );
    assert!(
        gaps.iter()
            .any(|g| g == "rotation commander has nobody on it"),
        "{gaps:?}"
    );
}

#[test]
fn a_stored_plan_reads_back_from_json_unchanged() {
    let plan = default_plan().unwrap();
    let json = serde_json::to_string(&plan).unwrap();
    let back: rampart_plan::Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan);
    assert!(back.check().is_empty());
}
