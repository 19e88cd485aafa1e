//! Every step and bullet of both source plans lives in the default plan. The table names, for
//! each, the plan element that carries it and a phrase that element's text must contain, so
//! dropping or gutting the element fails here.
#![allow(clippy::unwrap_used)]

use rampart_plan::{DEFAULT_PLAN_TOML, Plan, default_plan};

/// (source plan, step, the step's or bullet's text, plan element, phrase the element must contain)
const SEED_MAP: &[(&str, &str, &str, &str, &str)] = &[
    // Source 000: the general breach-response plan.
    (
        "000",
        "1",
        "Survey the damage: internal investigation of the impact on critical business functions",
        "task:survey_damage",
        "impact on critical business functions",
    ),
    (
        "000",
        "1",
        "Identify the attacker, discover unknown security vulnerabilities, determine improvements",
        "task:investigate_attacker_and_vulnerabilities",
        "identify the attacker",
    ),
    (
        "000",
        "1",
        "If Amazon data is involved, see the additional steps of step 7",
        "playbook:amazon_information",
        "Amazon Information involved",
    ),
    (
        "000",
        "2",
        "Attempt to limit additional damage: keep an attack from spreading",
        "playbook:contain_spread",
        "keep the attack from spreading",
    ),
    (
        "000",
        "2",
        "Re-routing network traffic",
        "task:contain_reroute_traffic",
        "Re-route network traffic",
    ),
    (
        "000",
        "2",
        "Filtering or blocking traffic",
        "task:contain_filter_traffic",
        "Filter or block traffic",
    ),
    (
        "000",
        "2",
        "Isolating all or parts of the compromised network",
        "task:contain_isolate_network",
        "Isolate all or parts of the compromised network",
    ),
    (
        "000",
        "3",
        "Record the details: a written log of what actions were taken",
        "task:keep_written_log",
        "written log of what actions were taken",
    ),
    (
        "000",
        "3",
        "Affected systems",
        "task:record_affected_systems",
        "affected system",
    ),
    (
        "000",
        "3",
        "Compromised accounts",
        "task:record_compromised_accounts",
        "compromised",
    ),
    (
        "000",
        "3",
        "Disrupted services",
        "task:record_disrupted_services",
        "disrupted service",
    ),
    (
        "000",
        "3",
        "Data and network affected by the incident",
        "task:record_data_and_networks",
        "data and network affected",
    ),
    (
        "000",
        "3",
        "Amount and type of damage done to the systems",
        "task:record_damage",
        "amount and type of damage",
    ),
    (
        "000",
        "3",
        "Logs from servers, database servers, and workstations",
        "task:collect_logs",
        "servers, database servers, and workstations",
    ),
    (
        "000",
        "4",
        "Engage law enforcement: a major breach should always be reported",
        "task:report_to_law_enforcement",
        "always reported to law enforcement",
    ),
    (
        "000",
        "4",
        "The Federal Bureau of Investigation (FBI)",
        "contact:fbi",
        "Federal Bureau of Investigation",
    ),
    (
        "000",
        "4",
        "The U.S. Secret Service (USSS)",
        "contact:usss",
        "Secret Service",
    ),
    (
        "000",
        "4",
        "The U.S. Immigration and Customs Enforcement (ICE)",
        "contact:ice_hsi",
        "Immigration and Customs Enforcement",
    ),
    (
        "000",
        "4",
        "The District Attorney",
        "contact:district_attorney",
        "District Attorney",
    ),
    (
        "000",
        "4",
        "State and Local law enforcement",
        "contact:state_local_police",
        "State and local law enforcement",
    ),
    (
        "000",
        "5",
        "Notify those affected when a breach puts an individual's information at risk",
        "task:notify_affected_individuals",
        "individual's information at risk",
    ),
    (
        "000",
        "5",
        "Notified via letter, phone, email, or in person",
        "task:notify_affected_individuals",
        "letter, phone, email, or in person",
    ),
    (
        "000",
        "5",
        "Law enforcement directs whether notification is delayed",
        "rule:law_enforcement_delay",
        "whether notification of affected individuals is delayed",
    ),
    (
        "000",
        "5",
        "The notification should not include unnecessary personal information",
        "rule:notice_minimum_personal_data",
        "unnecessary personal information",
    ),
    (
        "000",
        "6",
        "Document all mistakes",
        "task:document_mistakes",
        "Document all mistakes",
    ),
    (
        "000",
        "6",
        "Assess how the mistakes could have been avoided",
        "task:assess_avoidability",
        "could have been avoided",
    ),
    (
        "000",
        "6",
        "Ensure training programs incorporate lessons learnt",
        "task:update_training",
        "training programs incorporate lessons learnt",
    ),
    (
        "000",
        "7",
        "Inform Amazon within 24 hours via email to security@amazon.com",
        "task:notify_amazon",
        "within 24 hours of detection",
    ),
    (
        "000",
        "7",
        "Amazon's security address security@amazon.com",
        "contact:amazon_security",
        "security@amazon.com",
    ),
    (
        "000",
        "7",
        "Make collected incident information available to Amazon upon request",
        "rule:amazon_information_on_request",
        "available to Amazon upon request",
    ),
    (
        "000",
        "7",
        "Make collected incident information available to Amazon upon request",
        "task:prepare_amazon_information",
        "available to Amazon upon request",
    ),
    (
        "000",
        "7",
        "Do not notify any regulatory authority, nor any customer, on behalf of Amazon unless Amazon requests in writing",
        "rule:no_notice_on_amazons_behalf",
        "on behalf of Amazon unless Amazon specifically requests in writing",
    ),
    (
        "000",
        "7",
        "Amazon reserves the right to review and approve the form and content of any notification",
        "rule:amazon_reviews_notices",
        "review and approve the form and content",
    ),
    (
        "000",
        "7",
        "Amazon reviews notices before they go to any party",
        "task:submit_notices_to_amazon",
        "review and approval of its form and content",
    ),
    (
        "000",
        "7",
        "Inform Amazon within 24 hours when Amazon data is sought by legal process or law enforcement",
        "rule:amazon_legal_process",
        "within 24 hours when Amazon data is being sought",
    ),
    (
        "000",
        "7",
        "Inform Amazon within 24 hours when Amazon data is sought by legal process or law enforcement",
        "task:notify_amazon_legal_process",
        "within 24 hours of receipt",
    ),
    // Source 001: the Amazon developer account plan.
    (
        "001",
        "objective",
        "Systematic approach for monitoring, detecting, and responding to threats involving Amazon Information",
        "objective",
        "monitoring, detecting, and responding",
    ),
    (
        "001",
        "1",
        "Assemble an Incident Response Team (IRT) with defined roles and responsibilities",
        "role:commander",
        "Incident Commander",
    ),
    (
        "001",
        "1",
        "Assemble an Incident Response Team (IRT) with defined roles and responsibilities",
        "role:scribe",
        "written log",
    ),
    (
        "001",
        "1",
        "Assemble an Incident Response Team (IRT) with defined roles and responsibilities",
        "role:technical_lead",
        "containment",
    ),
    (
        "001",
        "1",
        "Assemble an Incident Response Team (IRT) with defined roles and responsibilities",
        "role:communications_lead",
        "communication protocols",
    ),
    (
        "001",
        "1",
        "Assemble an Incident Response Team (IRT) with defined roles and responsibilities",
        "role:legal_privacy",
        "notification duties",
    ),
    (
        "001",
        "1",
        "Assemble an Incident Response Team (IRT) with defined roles and responsibilities",
        "role:impoc",
        "Point of Contact",
    ),
    (
        "001",
        "1",
        "Conduct regular training sessions for the IRT to ensure readiness",
        "training:incident_response",
        "ensure readiness",
    ),
    (
        "001",
        "1",
        "Develop communication protocols for internal and external stakeholders",
        "rule:communication_protocols",
        "internal and external stakeholders",
    ),
    (
        "001",
        "2",
        "Implement continuous monitoring tools to detect unusual activities or potential threats",
        "rule:continuous_monitoring",
        "continuous monitoring tools",
    ),
    (
        "001",
        "2",
        "Regularly review and update monitoring parameters to align with evolving threat landscapes",
        "rule:update_monitoring",
        "evolving threat landscapes",
    ),
    (
        "001",
        "2",
        "Establish baseline behaviors for system operations to aid in the detection of anomalies",
        "rule:baselines",
        "baseline behaviors",
    ),
    (
        "001",
        "3",
        "Define criteria for a security incident: unauthorized access",
        "criterion:unauthorized_access",
        "unauthorized access",
    ),
    (
        "001",
        "3",
        "Define criteria for a security incident: data breaches",
        "criterion:data_breach",
        "data breach",
    ),
    (
        "001",
        "3",
        "Define criteria for a security incident: system compromises",
        "criterion:system_compromise",
        "system compromised",
    ),
    (
        "001",
        "3",
        "Define criteria for a security incident: Amazon Information involved",
        "criterion:amazon_information",
        "Amazon Information",
    ),
    (
        "001",
        "3",
        "Ensure all team members are aware of these criteria",
        "training:incident_criteria",
        "criteria for a security incident",
    ),
    (
        "001",
        "3",
        "And know how to report suspected incidents",
        "rule:report_suspected_incidents",
        "suspects a security incident reports it",
    ),
    (
        "001",
        "4",
        "Report immediately to Amazon via email at 3p-security@amazon.com",
        "task:notify_amazon",
        "immediately",
    ),
    (
        "001",
        "4",
        "Amazon's security address 3p-security@amazon.com",
        "contact:amazon_security",
        "3p-security@amazon.com",
    ),
    (
        "001",
        "4",
        "Document all relevant details: nature of the incident, affected systems, actions taken",
        "task:keep_written_log",
        "nature of the incident, affected systems, and any actions taken",
    ),
    (
        "001",
        "5",
        "Activate the Incident Response Team to assess and contain the incident",
        "task:activate_team",
        "Activate the Incident Response Team to assess and contain",
    ),
    (
        "001",
        "5",
        "Follow the predefined response procedures based on the type and severity",
        "task:activate_team",
        "predefined response procedures for the incident's type and severity",
    ),
    (
        "001",
        "5",
        "Implement measures to prevent further unauthorized access or damage",
        "task:contain_prevent_access",
        "prevent further unauthorized access or damage",
    ),
    (
        "001",
        "6",
        "Restore affected systems and services to their normal operations",
        "task:restore_services",
        "normal operations",
    ),
    (
        "001",
        "6",
        "Apply necessary patches or updates to address vulnerabilities",
        "task:apply_patches",
        "patches or updates",
    ),
    (
        "001",
        "6",
        "Monitor systems for any signs of residual issues or recurrence",
        "task:monitor_recurrence",
        "residual issues or recurrence",
    ),
    (
        "001",
        "7",
        "Conduct a thorough review of the incident, response actions, and recovery processes",
        "task:post_incident_review",
        "response actions, and recovery processes",
    ),
    (
        "001",
        "7",
        "Identify lessons learned and areas for improvement",
        "task:assess_avoidability",
        "lessons learned and areas for improvement",
    ),
    (
        "001",
        "7",
        "Update the incident response plan and monitoring tools as necessary",
        "task:update_plan_and_monitoring",
        "monitoring tools",
    ),
    (
        "001",
        "8",
        "Maintain comprehensive records of all security incidents, responses, and recovery actions",
        "rule:maintain_records",
        "comprehensive records",
    ),
    (
        "001",
        "8",
        "Regularly report incident statistics and trends to relevant stakeholders",
        "rule:report_statistics",
        "statistics and trends",
    ),
    (
        "001",
        "8",
        "Ensure compliance with legal and regulatory requirements for incident reporting",
        "rule:legal_compliance",
        "legal and regulatory requirements",
    ),
    (
        "001",
        "8",
        "Ensure compliance with legal and regulatory requirements for incident reporting",
        "task:assess_reporting_duties",
        "regulatory incident-reporting requirements",
    ),
    (
        "001",
        "9",
        "Regularly review and update the incident response plan",
        "review",
        "every 6 months; after major change: true",
    ),
    (
        "001",
        "9",
        "Conduct periodic drills and simulations to test the effectiveness of the response plan",
        "rule:drills",
        "drills and simulations",
    ),
    (
        "001",
        "9",
        "Engage in information sharing with industry peers and security organizations",
        "rule:information_sharing",
        "information sharing with industry peers",
    ),
    (
        "001",
        "9",
        "Engage in information sharing with industry peers and security organizations",
        "contact:industry_peers",
        "Information sharing",
    ),
];

/// The rows of the table whose element is missing from `plan` or no longer says its phrase.
fn dropped(plan: &Plan) -> Vec<String> {
    let mut dropped = Vec::new();
    for (seed, step, text, element, phrase) in SEED_MAP {
        match plan.element_text(element) {
            None => dropped.push(format!(
                "seed {seed} step {step} {text:?}: no element {element}"
            )),
            Some(found) if !found.to_lowercase().contains(&phrase.to_lowercase()) => dropped.push(
                format!("seed {seed} step {step} {text:?}: {element} no longer says {phrase:?}"),
            ),
            Some(_) => {}
        }
    }
    dropped
}

#[test]
fn every_seed_step_and_bullet_lives_in_the_default_plan() {
    let missing = dropped(&default_plan().unwrap());
    assert!(
        missing.is_empty(),
        "dropped from the default plan:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_step_of_both_seeds_is_in_the_table() {
    let steps = |seed: &str| -> Vec<&str> {
        let mut steps: Vec<&str> = SEED_MAP
            .iter()
            .filter(|row| row.0 == seed)
            .map(|row| row.1)
            .collect();
        steps.dedup();
        steps
    };
    assert_eq!(steps("000"), ["1", "2", "3", "4", "5", "6", "7"]);
    assert_eq!(
        steps("001"),
        ["objective", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
    );
}

#[test]
fn the_mapping_notices_a_dropped_or_gutted_element() {
    let renamed = DEFAULT_PLAN_TOML.replacen("id = \"collect_logs\"", "id = \"gather_logs\"", 1);
    let missing = dropped(&Plan::from_toml("edited.toml", &renamed).unwrap());
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(
        missing[0].contains("Logs from servers")
            && missing[0].contains("no element task:collect_logs")
    );

    let gutted = DEFAULT_PLAN_TOML.replacen(
        "Conduct periodic drills and simulations",
        "Practise now and then",
        1,
    );
    let missing = dropped(&Plan::from_toml("edited.toml", &gutted).unwrap());
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].contains("no longer says"));
}
