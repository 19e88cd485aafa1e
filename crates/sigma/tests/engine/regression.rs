//! SigmaHQ regression data: every rule with `regression_tests_path` meets its `match_count` on the
//! JSON twin of its test file, with all three rule folders loaded.

use std::path::Path;

use rampart_sigma::{Document, Event, Matches};

use super::common::{all_rules, data, files, json_events};

/// One regression test: the rule, the events file and the expected minimum number of matches.
struct Case {
    rule_id: String,
    json: std::path::PathBuf,
    match_count: usize,
}

fn yaml(path: &Path) -> yaml_serde::Value {
    yaml_serde::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn cases() -> Vec<Case> {
    let sigma = data().join("sigma");
    let mut out = Vec::new();
    for folder in super::common::rule_folders() {
        for rule_file in files(&folder, "yml") {
            let rule = yaml(&rule_file);
            let Some(info_path) = rule.get("regression_tests_path").and_then(|p| p.as_str()) else {
                continue;
            };
            let info = yaml(&sigma.join(info_path));
            let rule_id = rule["id"].as_str().unwrap().to_owned();
            assert_eq!(
                info["rule_metadata"][0]["id"].as_str(),
                Some(rule_id.as_str())
            );
            for test in info["regression_tests_info"].as_sequence().unwrap() {
                let evtx = test["path"].as_str().unwrap();
                out.push(Case {
                    rule_id: rule_id.clone(),
                    json: sigma.join(evtx).with_extension("json"),
                    match_count: test
                        .get("match_count")
                        .and_then(|m| m.as_u64())
                        .unwrap_or(1) as usize,
                });
            }
        }
    }
    out
}

#[test]
fn every_sigmahq_regression_test_meets_its_match_count() {
    let (rules, _) = all_rules();
    let cases = cases();
    assert_eq!(cases.len(), 202);
    let mut matches = Matches::default();
    let mut failures = Vec::new();
    for case in &cases {
        let rule = rules.find(&case.rule_id).expect("rule loaded");
        let hits = json_events(&case.json)
            .iter()
            .filter(|json| {
                rules.evaluate(&Event::new(&Document::from_value(json)), &mut matches);
                matches.as_slice().contains(&rule)
            })
            .count();
        if hits < case.match_count {
            failures.push(format!(
                "{} ({}): {hits} of {} in {}",
                rules.rule(rule).title,
                case.rule_id,
                case.match_count,
                case.json.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
