//! Every SigmaHQ rule in the three active folders loads and compiles.

use super::common::all_rules;

#[test]
fn every_sigmahq_rule_loads_and_compiles() {
    let (rules, report) = all_rules();
    for rejection in &report.rejected {
        eprintln!("rejected: {rejection}");
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    let rejected: Vec<String> = report.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(
        rejected,
        Vec::<String>::new(),
        "rules the specification makes invalid"
    );
    assert_eq!(report.files, 3141 + 473 + 140);
    assert_eq!(report.detection_rules, rules.rules().len());
    assert_eq!(report.detection_rules, 3141 + 473 + 140);
}

#[test]
fn a_rule_set_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<rampart_sigma::RuleSet>();
    shareable::<rampart_sigma::Matches>();
}
