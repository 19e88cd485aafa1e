//! `rampart hunt` end to end: the real binary over the shared corpora.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn data(relative: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(relative)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hunt")).join(name)
}

fn hunt(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .arg("hunt")
        .args(args)
        .output()
        .unwrap()
}

/// The JSON lines of a successful hunt.
fn detections(output: &Output) -> Vec<Value> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn count_by_title(detections: &[Value]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for detection in detections {
        *counts
            .entry(detection["rule_title"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    counts
}

#[test]
fn sigmahq_aws_rules_over_stratus_cloudtrail_give_the_hand_verified_counts() {
    let rules = data("sigma/rules/cloud/aws");
    let output = hunt(&[
        Path::new("--rules"),
        &rules,
        Path::new("--jsonl"),
        &data("cloudtrail-stratus/CloudTrail"),
    ]);
    let found = detections(&output);
    // Each count was checked against the 2,900 records with an independent script applying the
    // rule's selection (case-insensitive equality, `null` as absent) by hand. The data has 15
    // GetCallerIdentity calls but none from TruffleHog's user agent, so neither TruffleHog
    // rule fires; 3 of the 8 DeleteBucket calls failed (BucketNotEmpty) and do not count.
    let expected: BTreeMap<String, usize> = [
        ("AWS Bucket Deleted", 5),
        ("AWS CloudTrail Important Change", 6), // StopLogging 3, DeleteTrail 3
        ("AWS IAM Backdoor Users Keys", 2),
        ("AWS STS AssumeRole Misuse", 76),
        ("AWS Snapshot Backup Exfiltration", 2),
        ("AWS Successful Console Login Without MFA", 1),
        ("AWS VPC Flow Logs Deleted", 1),
        ("Ingress/Egress Security Group Modification", 6),
        ("New Network Route Added", 6),
        ("Potential Bucket Enumeration on AWS", 3),
        ("Potential Malicious Usage of CloudTrail System Manager", 1),
    ]
    .into_iter()
    .map(|(title, n)| (title.to_owned(), n))
    .collect();
    assert_eq!(count_by_title(&found), expected);
    let stopped: Vec<_> = found
        .iter()
        .filter(|d| d["event"]["eventName"] == "StopLogging")
        .map(|d| d["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(stopped, ["4db60cc0-36fb-42b7-9b58-a5b53019fb74"; 3]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("2900 events"), "{stderr}");
    assert!(
        stderr.contains("detections: 109 (high 2, medium 28, low 79)"),
        "{stderr}"
    );
}

#[test]
fn an_sshd_brute_force_correlation_fires_per_address_and_window() {
    let rules = fixture("sshd_brute_force.yml");
    let log = data("loghub/OpenSSH/OpenSSH_2k.log");
    let output = hunt(&[
        Path::new("--rules"),
        &rules,
        Path::new("--min-level"),
        Path::new("high"),
        Path::new("--jsonl"),
        &log,
    ]);
    let found = detections(&output);
    // 520 "Failed password" lines; windows of 10 within 10 minutes per source address, each
    // window closing when it fires. Checked with an independent script over the raw lines.
    assert_eq!(found.len(), 44);
    let mut by_address: BTreeMap<&str, usize> = BTreeMap::new();
    for detection in &found {
        assert_eq!(detection["kind"], "correlation");
        assert_eq!(detection["event"]["events"], 10);
        *by_address
            .entry(detection["event"]["group"]["source_ip"].as_str().unwrap())
            .or_default() += 1;
    }
    let expected = [
        ("103.99.0.122", 4),
        ("112.95.230.3", 2),
        ("183.62.140.253", 28),
        ("185.190.58.151", 1),
        ("187.141.143.180", 8),
        ("5.188.10.180", 1),
    ];
    assert_eq!(by_address.into_iter().collect::<Vec<_>>(), expected);
    let first = &found[0];
    assert_eq!(first["record"], 65, "the line of the tenth failure");
    assert!(
        first["event"]["first"]
            .as_str()
            .unwrap()
            .ends_with("-12-10T07:27:52Z")
    );
    assert!(
        first["timestamp"]
            .as_str()
            .unwrap()
            .ends_with("-12-10T07:28:14Z")
    );
}

#[test]
fn the_full_sigmahq_rule_set_over_evtx_attack_samples_runs_clean() {
    let output = hunt(&[
        Path::new("--rules"),
        &data("sigma/rules"),
        Path::new("--rules"),
        &data("sigma/rules-emerging-threats"),
        Path::new("--rules"),
        &data("sigma/rules-threat-hunting"),
        Path::new("--jsonl"),
        &data("evtx-attack-samples"),
    ]);
    let found = detections(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("0 rejected"), "{stderr}");
    assert!(
        stderr.contains("read: 277 files (evtx 277), 8255 events"),
        "{stderr}"
    );
    assert!(stderr.contains("skipped records: 0"), "{stderr}");
    assert!(found.len() > 1000, "{}", found.len());
    for detection in &found {
        for field in [
            "rule_id",
            "rule_title",
            "level",
            "timestamp",
            "source",
            "record",
            "tags",
            "event",
        ] {
            assert!(
                detection.get(field).is_some(),
                "{field} missing in {detection}"
            );
        }
        let timestamp = detection["timestamp"].as_str().unwrap();
        assert!(timestamp.parse::<jiff::Timestamp>().is_ok(), "{timestamp}");
        // The file's own record number (as evtx_dump shows it); exported logs renumber, so it
        // may differ from the EventRecordID inside the event.
        assert!(detection["record"].as_u64().is_some_and(|r| r > 0));
        assert!(detection["event"]["Event"]["System"]["EventRecordID"].is_u64());
        assert!(Path::new(detection["source"].as_str().unwrap()).is_file());
    }
}

#[test]
fn directories_and_paths_with_spaces_are_hunted_recursively() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("case 42/host a");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy(
        data("loghub/OpenSSH/OpenSSH_2k.log"),
        nested.join("auth log.txt"),
    )
    .unwrap();
    let output = hunt(&[
        Path::new("--rules"),
        &fixture("sshd_brute_force.yml"),
        Path::new("--csv"),
        dir.path(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let csv = String::from_utf8(output.stdout).unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("timestamp,level,rule_id,rule_title")
    );
    // The 44 correlations; the failed-password rule only feeds them (no `generate: true`).
    assert_eq!(lines.count(), 44);
    assert!(csv.contains("case 42/host a/auth log.txt"));
}

#[test]
fn unreadable_rules_and_missing_inputs_fail_with_their_exit_codes() {
    let missing = hunt(&[
        Path::new("--rules"),
        Path::new("/nonexistent/rules"),
        &data("loghub"),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/rules"));

    let no_rules = tempfile::tempdir().unwrap();
    let empty = hunt(&[Path::new("--rules"), no_rules.path(), &data("loghub")]);
    assert_eq!(empty.status.code(), Some(1));

    let no_input = hunt(&[
        Path::new("--rules"),
        &fixture("sshd_brute_force.yml"),
        Path::new("/nonexistent/logs"),
    ]);
    assert_eq!(no_input.status.code(), Some(2));

    let usage = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["hunt", "--min-level", "severe"])
        .output()
        .unwrap();
    assert_eq!(
        usage.status.code(),
        Some(2),
        "clap reports bad usage with 2"
    );
}

#[test]
fn malformed_records_are_counted_and_the_hunt_still_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("events.jsonl"),
        "{\"program\": \"sshd\", \"auth_method\": \"password\", \"outcome\": \"failure\", \"timestamp\": \"2024-01-01T00:00:00Z\"}\n{broken\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("bad.evtx"), b"not an evtx file").unwrap();
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(
        rules.path().join("failed.yml"),
        "title: Failed Password\nid: 1d3c6b0e-52f4-4f0e-8a61-0c1f6a2e9b11\nlogsource: {product: linux, service: sshd}\n\
         detection:\n  selection: {auth_method: password, outcome: failure}\n  condition: selection\nlevel: low\n",
    )
    .unwrap();
    let output = hunt(&[
        Path::new("--rules"),
        rules.path(),
        Path::new("--jsonl"),
        dir.path(),
    ]);
    let found = detections(&output);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["record"], 1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("skipped records: 1 (invalid JSON: 1)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("events.jsonl: line 2: invalid JSON"),
        "{stderr}"
    );
    assert!(stderr.contains("1 unreadable"), "{stderr}");
}
