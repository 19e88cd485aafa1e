//! SigmaHQ's AWS rules over the Stratus Red Team CloudTrail records.

use std::collections::BTreeMap;

use rampart_sigma::{Document, Event, Matches, RuleSet};

use super::common::{data, files, json_events};

fn detections_per_rule() -> BTreeMap<String, usize> {
    let (rules, report) = RuleSet::builder()
        .add_path(data().join("sigma/rules/cloud/aws"))
        .build()
        .unwrap();
    assert!(report.rejected.is_empty());
    assert_eq!(report.detection_rules, 57);
    let mut counts = BTreeMap::new();
    let mut matches = Matches::default();
    for file in files(&data().join("cloudtrail-stratus/CloudTrail"), "json") {
        for record in json_events(&file) {
            rules.evaluate(&Event::new(&Document::from_value(&record)), &mut matches);
            for rule in matches.as_slice() {
                let path = &rules.rule(*rule).path;
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                *counts.entry(stem).or_default() += 1;
            }
        }
    }
    counts
}

/// Checked by hand against the records: 6 StopLogging/UpdateTrail/DeleteTrail calls to
/// cloudtrail.amazonaws.com; 8 DeleteBucket calls of which 3 failed with `BucketNotEmpty` (the
/// rule wants success or no error code); 76 records of an assumed role issued by a role (nested
/// `userIdentity.sessionContext.sessionIssuer.type`); and no TruffleHog user agent among the 15
/// GetCallerIdentity calls, so that rule stays silent.
#[test]
fn aws_rules_fire_on_stratus_red_team_records_as_checked_by_hand() {
    let counts = detections_per_rule();
    let expected: BTreeMap<String, usize> = [
        ("aws_cloudtrail_bucket_deleted", 5),
        ("aws_cloudtrail_console_login_success_without_mfa", 1),
        ("aws_cloudtrail_disable_logging", 6),
        ("aws_cloudtrail_new_route_added", 6),
        ("aws_cloudtrail_security_group_change_ingress_egress", 6),
        ("aws_cloudtrail_ssm_malicious_usage", 1),
        ("aws_cloudtrail_vpc_flow_logs_deleted", 1),
        ("aws_enum_buckets", 3),
        ("aws_iam_backdoor_users_keys", 2),
        ("aws_snapshot_backup_exfiltration", 2),
        ("aws_sts_assumerole_misuse", 76),
    ]
    .into_iter()
    .map(|(rule, n)| (rule.to_owned(), n))
    .collect();
    assert_eq!(counts, expected);
    assert!(!counts.contains_key("aws_sts_getcalleridentity_trufflehog"));
}

/// With all three rule folders loaded, only AWS rules fire on CloudTrail records: the mapping
/// keeps every other product (Linux keyword rules, zeek's `not selection` over `id.orig_h`)
/// and the product-less web server, proxy, DNS and firewall rules off records carrying
/// `eventSource` and `awsRegion`.
#[test]
fn only_aws_rules_see_cloudtrail_records() {
    let (rules, _) = super::common::all_rules();
    let mut matches = Matches::default();
    let mut fired = BTreeMap::<String, usize>::new();
    for file in files(&data().join("cloudtrail-stratus/CloudTrail"), "json") {
        for record in json_events(&file) {
            rules.evaluate(&Event::new(&Document::from_value(&record)), &mut matches);
            for rule in matches.as_slice() {
                let product = rules.rule(*rule).logsource.product.clone();
                *fired.entry(product.unwrap_or_default()).or_default() += 1;
            }
        }
    }
    assert_eq!(fired.keys().collect::<Vec<_>>(), ["aws"]);
    // The same record without its region is no longer CloudTrail to the mapping: the zeek rule
    // over a missing `id.orig_h` (`not selection`) fires on it, as on any other JSON document.
    let rdp = "Publicly Accessible RDP Service";
    let mut record =
        serde_json::json!({"eventSource": "s3.amazonaws.com", "awsRegion": "us-east-1"});
    let titles = |record: &serde_json::Value, matches: &mut Matches| {
        rules.evaluate(&Event::new(&Document::from_value(record)), matches);
        let titles: Vec<String> = matches
            .as_slice()
            .iter()
            .map(|r| rules.rule(*r).title.clone())
            .collect();
        titles
    };
    assert!(!titles(&record, &mut matches).iter().any(|t| t == rdp));
    record.as_object_mut().unwrap().remove("awsRegion");
    assert!(titles(&record, &mut matches).iter().any(|t| t == rdp));
}
