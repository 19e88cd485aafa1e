//! Every reader over the team's shared corpora: exact counts, nothing skipped.
#![allow(clippy::unwrap_used)]

mod common;

use common::{data, files, read};
use jiff::{RoundMode, TimestampRound, Unit};
use rampart_ingest::SourceKind;
use serde_json::Value;

#[test]
fn loghub_openssh_reads_2000_syslog_lines_with_520_failed_passwords() {
    let read = read(&data("loghub/OpenSSH/OpenSSH_2k.log")).unwrap();
    assert_eq!(read.kind, SourceKind::Syslog);
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert_eq!(read.events.len(), 2000);
    assert_eq!(read.events.last().unwrap().record, 2000);
    let failed: Vec<_> = read
        .events
        .iter()
        .filter(|e| e.fields["auth_method"] == "password" && e.fields["outcome"] == "failure")
        .collect();
    assert_eq!(failed.len(), 520);
    let from_top_source = failed
        .iter()
        .filter(|e| e.fields["source_ip"] == "183.62.140.253")
        .count();
    assert_eq!(from_top_source, 286);
    let invalid_user_lines = read
        .events
        .iter()
        .filter(|e| e.fields.get("auth_method").is_none() && e.fields["invalid_user"] == true)
        .count();
    assert_eq!(invalid_user_lines, 113);
    let accepted = read
        .events
        .iter()
        .filter(|e| e.fields["outcome"] == "success")
        .count();
    assert_eq!(accepted, 1);
    assert!(
        read.events
            .iter()
            .all(|e| e.timestamp.is_some() && e.fields["host"] == "LabSZ")
    );
}

#[test]
fn loghub_linux_reads_2000_syslog_lines() {
    let read = read(&data("loghub/Linux/Linux_2k.log")).unwrap();
    assert_eq!(read.kind, SourceKind::Syslog);
    assert!(read.skipped.is_empty(), "{:?}", read.skipped);
    assert_eq!(read.events.len(), 2000);
    let pam = read
        .events
        .iter()
        .filter(|e| e.fields["program"] == "sshd(pam_unix)")
        .count();
    assert_eq!(pam, 677);
}

#[test]
fn stratus_cloudtrail_reads_2900_records_from_55_files() {
    let paths = files(&data("cloudtrail-stratus/CloudTrail"), "json");
    assert_eq!(paths.len(), 55);
    let mut total = 0;
    for path in &paths {
        let read = read(path).unwrap();
        assert_eq!(read.kind, SourceKind::CloudTrail, "{}", path.display());
        assert!(read.skipped.is_empty(), "{:?}", read.skipped);
        assert!(
            read.events
                .iter()
                .all(|e| e.timestamp.is_some() && e.fields["eventName"].is_string())
        );
        assert!(
            read.events
                .iter()
                .enumerate()
                .all(|(i, e)| e.record == i as u64 + 1)
        );
        total += read.events.len();
    }
    assert_eq!(total, 2900);
}

#[test]
fn evtx_attack_samples_read_every_record() {
    let paths = files(&data("evtx-attack-samples"), "evtx");
    assert_eq!(paths.len(), 277);
    let (mut events, mut skipped) = (0, 0);
    for path in &paths {
        let read = read(path).unwrap();
        assert_eq!(read.kind, SourceKind::Evtx);
        assert!(
            read.events
                .iter()
                .all(|e| e.fields.pointer("/Event/System/EventID").is_some())
        );
        events += read.events.len();
        skipped += read.skipped.len();
    }
    assert_eq!(
        (events, skipped),
        (EVTX_ATTACK_RECORDS, EVTX_ATTACK_SKIPPED)
    );
}

/// Records the evtx crate renders from the 277 files, and the ones it reports unreadable.
const EVTX_ATTACK_RECORDS: usize = 8255;
const EVTX_ATTACK_SKIPPED: usize = 0;

/// The twins were rendered by another evtx release: GUIDs upper-case without braces, times cut
/// to the microsecond, trailing spaces of values trimmed. Everything else (structure, names,
/// types, values) must be identical.
fn normalize(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::String(text) => {
            let text = text.trim_end().to_owned();
            let bare = text.trim_start_matches('{').trim_end_matches('}');
            if bare.len() == 36
                && bare.bytes().filter(|&b| b == b'-').count() == 4
                && bare.len() + 2 >= text.len()
            {
                Value::String(bare.to_ascii_uppercase())
            } else if let Ok(ts) = text.parse::<jiff::Timestamp>() {
                Value::String(
                    ts.round(
                        TimestampRound::new()
                            .smallest(Unit::Microsecond)
                            .mode(RoundMode::Trunc),
                    )
                    .unwrap()
                    .to_string(),
                )
            } else {
                Value::String(text)
            }
        }
        other => other,
    }
}

/// The path and values of the first leaf where two JSON values differ.
fn first_difference(got: &Value, want: &Value, path: String) -> Option<String> {
    match (got, want) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                (Some(x), Some(y)) => first_difference(x, y, format!("{path}/{k}")),
                (x, y) => Some(format!("{path}/{k}: {x:?} vs {y:?}")),
            })
        }
        (a, b) if a == b => None,
        (a, b) => Some(format!("{path}: {a:?} vs {b:?}")),
    }
}

#[test]
fn evtx_records_have_the_shape_of_the_regression_json_twins() {
    let twins = files(&data("sigma/regression_data"), "json");
    assert_eq!(twins.len(), 202);
    let (mut compared, mut differences) = (0, Vec::new());
    for twin in &twins {
        // The twins hold one pretty-printed object per event, one after the other.
        let text = std::fs::read_to_string(twin).unwrap();
        let expected: Vec<Value> = serde_json::Deserializer::from_str(&text)
            .into_iter()
            .map(|value| normalize(value.unwrap()))
            .collect();
        let read = read(&twin.with_extension("evtx")).unwrap();
        assert!(read.skipped.is_empty());
        let fields: Vec<Value> = read
            .events
            .into_iter()
            .map(|e| normalize(e.fields))
            .collect();
        assert_eq!(fields.len(), expected.len(), "{}", twin.display());
        for (got, want) in fields.iter().zip(&expected) {
            if let Some(difference) = first_difference(got, want, String::new()) {
                differences.push(difference);
            }
        }
        compared += fields.len();
    }
    assert_eq!(compared, 238);
    // One twin was edited by hand: its EVTX says `Explorer.EXE`.
    assert_eq!(
        differences,
        [
            r#"/Event/EventData/ParentCommandLine: String("C:\\Windows\\Explorer.EXE") vs String("C:\\Windows\\Explorer.exe")"#
        ]
    );
}
