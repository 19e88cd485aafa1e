//! Global filters (filters specification) and multi-document files.

use rampart_sigma::{Document, Event, Matches, RuleSet};
use serde_json::json;

const RULE: &str = r#"
title: Whoami
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
logsource: {product: windows, category: process_creation}
detection:
    selection: {Image|endswith: '\whoami.exe'}
    condition: selection
level: medium
"#;

const FILTER: &str = r#"
title: Administrators may run whoami
logsource: {product: windows, category: process_creation}
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095
    selection:
        User|startswith: 'adm_'
    condition: not selection
"#;

fn sysmon(user: &str) -> serde_json::Value {
    json!({"Event": {"System": {"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1},
        "EventData": {"Image": "C:\\Windows\\System32\\whoami.exe", "User": user}}})
}

fn hits(rules: &RuleSet, json: &serde_json::Value) -> usize {
    let mut m = Matches::default();
    rules.evaluate(&Event::new(&Document::from_value(json)), &mut m);
    m.len()
}

#[test]
fn a_global_filter_removes_matches_of_the_rules_it_names() {
    let (rules, report) = RuleSet::builder()
        .add_str("rule.yml", RULE)
        .add_str("filter.yml", FILTER)
        .build()
        .unwrap();
    assert_eq!((report.detection_rules, report.filters), (1, 1));
    assert_eq!(hits(&rules, &sysmon("alice")), 1);
    assert_eq!(hits(&rules, &sysmon("adm_alice")), 0);
}

#[test]
fn a_filter_naming_an_unknown_rule_is_rejected_with_its_line() {
    let (_, report) = RuleSet::builder()
        .add_str("filter.yml", FILTER)
        .build()
        .unwrap();
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].line, 6);
}

#[test]
fn multi_document_files_load_every_document_and_count_lines() {
    let text = format!(
        "{RULE}---\n{}",
        RULE.replace("6f3e2987", "7f3e2987")
            .replace("whoami", "hostname")
    );
    let broken = format!(
        "{text}---\ntitle: Broken\nlogsource: {{}}\ndetection:\n    sel: {{a|nosuch: 1}}\n    condition: sel\n"
    );
    let (rules, report) = RuleSet::builder()
        .add_str("multi.yml", broken)
        .build()
        .unwrap();
    assert_eq!(report.detection_rules, 2);
    assert_eq!(rules.rules()[1].line, 10);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].line, 22, "{}", report.rejected[0]);
    assert!(
        report.rejected[0]
            .to_string()
            .contains("unknown modifier `nosuch`")
    );
}

#[test]
fn process_creation_from_security_4688_uses_the_renamed_fields() {
    let (rules, _) = RuleSet::builder()
        .add_str("rule.yml", RULE)
        .build()
        .unwrap();
    let security = json!({"Event": {"System": {"Channel": "Security", "EventID": 4688},
        "EventData": {"NewProcessName": "C:\\Windows\\System32\\whoami.exe"}}});
    assert_eq!(hits(&rules, &security), 1);
    let wrong_id = json!({"Event": {"System": {"Channel": "Security", "EventID": 4689},
        "EventData": {"NewProcessName": "C:\\Windows\\System32\\whoami.exe"}}});
    assert_eq!(hits(&rules, &wrong_id), 0);
    let wrong_channel = json!({"Event": {"System": {"Channel": "Application", "EventID": 1},
        "EventData": {"Image": "C:\\Windows\\System32\\whoami.exe"}}});
    assert_eq!(hits(&rules, &wrong_channel), 0);
}
