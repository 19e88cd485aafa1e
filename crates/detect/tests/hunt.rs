//! The hunt engine over real files: detections, correlation across files, the summary.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use rampart_detect::{
    DetectionKind, Hunt, HuntOptions, Level, SkipKind, SourceKind, collect_files, load_rules,
};

fn data(relative: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(relative)
}

const FAILED_PASSWORD: &str = "title: SSH Failed Password
id: 5f0c6a3e-7d2b-4c1e-9a8f-2b6d4e1c0a91
name: sshd_failed_password
logsource: {product: linux, service: sshd}
detection:
    selection: {auth_method: password, outcome: failure}
    condition: selection
level: low
";

const BRUTE_FORCE: &str = "title: SSH Brute Force
id: 9c3e1b7a-2f4d-4e8b-b1a6-7d5c0e9f3a24
correlation:
    type: event_count
    rules: [sshd_failed_password]
    group-by: [source_ip]
    timespan: 10m
    condition: {gte: 10}
    generate: true
level: high
";

fn rules_dir(rules: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in rules {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn a_brute_force_split_across_two_rotated_logs_is_still_one_series() {
    let rules = rules_dir(&[("failed.yml", FAILED_PASSWORD), ("brute.yml", BRUTE_FORCE)]);
    let (rules, load) = load_rules(&[rules.path().to_owned()]).unwrap();
    assert_eq!((load.detection_rules, load.correlation_rules), (1, 1));

    let logs = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(data("loghub/OpenSSH/OpenSSH_2k.log")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(logs.path().join("auth.log.1"), lines[..1000].join("\n")).unwrap();
    std::fs::write(logs.path().join("auth.log"), lines[1000..].join("\n")).unwrap();
    let files = collect_files(&[logs.path().to_owned()]).unwrap();
    assert_eq!(files.len(), 2);

    let hunt = Hunt::new(&rules, &load, HuntOptions::default());
    let report = hunt.run(&files, &|_, _| {});
    let correlations: Vec<_> = report
        .detections
        .iter()
        .filter(|d| d.kind == DetectionKind::Correlation)
        .collect();
    // The same 44 windows as over the single file: the windows straddling line 1000 are whole.
    assert_eq!(correlations.len(), 44);
    let matches = report
        .detections
        .iter()
        .filter(|d| d.kind == DetectionKind::Match)
        .count();
    assert_eq!(
        matches, 520,
        "`generate: true` keeps the referenced rule's own detections"
    );
    assert!(
        report
            .detections
            .windows(2)
            .all(|w| w[0].timestamp <= w[1].timestamp)
    );
    assert_eq!(report.summary.events.get(&SourceKind::Syslog), Some(&2000));
    assert_eq!(report.summary.detections.get(&Level::High), Some(&44));
    assert_eq!(report.summary.detections.get(&Level::Low), Some(&520));
}

#[test]
fn detections_carry_rule_place_time_and_event_and_min_level_filters() {
    let rules = rules_dir(&[("failed.yml", FAILED_PASSWORD)]);
    let (rules, load) = load_rules(&[rules.path().to_owned()]).unwrap();
    let files = vec![data("loghub/OpenSSH/OpenSSH_2k.log")];
    let report = Hunt::new(&rules, &load, HuntOptions::default()).run(&files, &|_, _| {});
    assert_eq!(report.detections.len(), 520);
    let first = &report.detections[0];
    assert_eq!(
        first.rule_id.as_deref(),
        Some("5f0c6a3e-7d2b-4c1e-9a8f-2b6d4e1c0a91")
    );
    assert_eq!(
        (first.rule_title.as_str(), first.level),
        ("SSH Failed Password", Level::Low)
    );
    assert_eq!(first.source.as_deref(), Some(files[0].as_path()));
    assert_eq!(first.record, Some(6));
    let event: serde_json::Value = serde_json::from_str(first.event.get()).unwrap();
    assert_eq!(event["source_ip"], "173.234.31.186");
    assert!(
        first
            .timestamp
            .unwrap()
            .to_string()
            .ends_with("-12-10T06:55:48Z")
    );

    let quiet = Hunt::new(
        &rules,
        &load,
        HuntOptions {
            min_level: Level::Medium,
        },
    )
    .run(&files, &|_, _| {});
    assert!(quiet.detections.is_empty());
    assert_eq!(quiet.summary.total_events(), 2000);
}

#[test]
fn the_summary_counts_files_events_skips_and_unreadable_files() {
    let rules = rules_dir(&[("failed.yml", FAILED_PASSWORD)]);
    let (rules, load) = load_rules(&[rules.path().to_owned()]).unwrap();
    let logs = tempfile::tempdir().unwrap();
    std::fs::write(
        logs.path().join("a.jsonl"),
        "{\"x\": 1}\nnot json\n{\"x\": 2}\n",
    )
    .unwrap();
    std::fs::write(logs.path().join("notes.txt"), "just notes\n").unwrap();
    std::fs::write(logs.path().join("broken.evtx"), [0u8; 10]).unwrap();
    let files = collect_files(&[
        logs.path().to_owned(),
        data("cloudtrail-stratus/CloudTrail"),
    ])
    .unwrap();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let report = Hunt::new(&rules, &load, HuntOptions::default()).run(&files, &|_, _| {
        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    let summary = &report.summary;
    assert_eq!(done.into_inner(), 58);
    assert_eq!(summary.files.get(&SourceKind::CloudTrail), Some(&55));
    assert_eq!(summary.files.get(&SourceKind::JsonLines), Some(&1));
    assert_eq!(summary.total_events(), 2902);
    assert_eq!(summary.skipped.get(&SkipKind::InvalidJson), Some(&1));
    assert_eq!(
        summary.skipped_examples[0].to_string(),
        format!(
            "{}: line 2: invalid JSON: at byte 0: expected a value",
            logs.path().join("a.jsonl").display()
        )
    );
    let unreadable: Vec<_> = summary
        .unreadable
        .iter()
        .map(|u| (u.path.file_name().unwrap().to_str().unwrap(), u.not_a_log))
        .collect();
    assert_eq!(unreadable, [("broken.evtx", false), ("notes.txt", true)]);
    assert_eq!(summary.rules.detection, 1);
}
