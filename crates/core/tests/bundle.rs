//! Export bundles verify on their own, in Rust and with the stand-alone Python script that follows
//! `docs/log-format.md`; any changed byte is either rejected or changes nothing.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command as Process;

use common::busy_journal;
use jiff::Timestamp;
use rampart_core::bundle::{BundleError, verify_bundle};
use rampart_core::{Bundle, ChainHead, LogEntry};

fn export() -> Bundle {
    let (j, a, _) = busy_journal();
    let head = j
        .log
        .last()
        .map_or(ChainHead::GENESIS, LogEntry::global_head);
    let at: Timestamp = "2026-11-23T15:00:00Z".parse().unwrap();
    Bundle::new(j.entries_of(a), head, at).unwrap()
}

fn python_verify(json: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    std::fs::write(&path, json).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/verify-bundle.py");
    let out = Process::new("python3")
        .arg(script)
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr)
}

/// The byte range of entry `n`'s `"text"` value in the serialized bundle.
fn text_offset(json: &str, entry: &LogEntry) -> usize {
    let needle = format!("\"text\":{}", serde_json::to_string(&entry.text).unwrap());
    json.find(&needle).unwrap() + "\"text\":\"".len()
}

#[test]
fn exported_bundle_verifies_alone() {
    let bundle = export();
    let summary = verify_bundle(&bundle).unwrap();
    assert_eq!(summary.entries, bundle.entries.len() as u64);
    assert_eq!(bundle.evidence.len(), 1);
    // Incident a's entries are interleaved with b's: each gap hangs from an anchor.
    assert!(!bundle.anchors.is_empty());
    let json = serde_json::to_string(&bundle).unwrap();
    let back: Bundle = serde_json::from_str(&json).unwrap();
    assert_eq!(back, bundle);
}

#[test]
fn python_script_verifies_a_good_bundle_and_names_a_changed_entry() {
    let bundle = export();
    let json = serde_json::to_string(&bundle).unwrap();
    let (code, stderr) = python_verify(json.as_bytes());
    assert_eq!(code, 0, "{stderr}");

    // One byte of entry 5's free text changed.
    let target = &bundle.entries[4];
    let at = text_offset(&json, target);
    let mut bytes = json.into_bytes();
    bytes[at] ^= 0x01;
    let (code, stderr) = python_verify(&bytes);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("log entry #5"), "{stderr}");
    assert!(stderr.contains("content hash mismatch"), "{stderr}");
    let changed: Bundle = serde_json::from_slice(&bytes).unwrap();
    match verify_bundle(&changed) {
        Err(BundleError::Chain(b)) => assert_eq!(b.index, 4),
        other => panic!("{other:?}"),
    }
}

#[test]
fn python_script_follows_the_documented_encoding_for_payload_and_time() {
    // Unicode, escapes, nested objects and large integers in the payload; a fractional time.
    let bundle = export();
    let json = serde_json::to_string(&bundle).unwrap();
    assert!(json.contains("customer addresses"));
    let (code, stderr) = python_verify(json.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    // A changed payload value is caught by the script too.
    let entries = json.find("\"entries\":").unwrap();
    let (head, tail) = json.split_at(entries);
    let changed = format!(
        "{head}{}",
        tail.replacen("\"record_count\":1200", "\"record_count\":1201", 1)
    );
    assert_ne!(changed, json);
    let (code, stderr) = python_verify(changed.as_bytes());
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn every_single_byte_change_is_rejected_or_harmless() {
    let bundle = export();
    let text = serde_json::to_string(&bundle).unwrap();
    // Everything but `exported_at` and `global_head`, which record the export rather than the incident.
    let attested = text.find("\"incident\":").unwrap()..text.find("\"anchors\":").unwrap();
    let json = text.into_bytes();
    let mut harmless = 0;
    for i in attested {
        let mut bytes = json.clone();
        bytes[i] ^= 0x04;
        let Ok(changed) = serde_json::from_slice::<Bundle>(&bytes) else {
            continue;
        };
        if verify_bundle(&changed).is_ok() {
            // Only a different spelling of the same values may pass (e.g. `z` for `Z`).
            assert_eq!(changed, bundle, "byte {i} changed undetected");
            harmless += 1;
        }
    }
    assert!(harmless < json.len() / 100, "{harmless} harmless changes");
}

#[test]
fn a_bundle_with_a_missing_entry_or_wrong_projection_fails() {
    let mut missing = export();
    missing.entries.remove(3);
    assert!(matches!(
        verify_bundle(&missing),
        Err(BundleError::Chain(_))
    ));

    let mut tail_cut = export();
    tail_cut.entries.pop();
    assert!(verify_bundle(&tail_cut).is_err());

    let mut format = export();
    format.format = "rampart.bundle.v0".into();
    assert!(matches!(
        verify_bundle(&format),
        Err(BundleError::Format { .. })
    ));

    let good = export();
    let mut evidence = good.clone();
    evidence.evidence.clear();
    assert_eq!(verify_bundle(&evidence), Err(BundleError::Manifest));

    let mut anchors = good;
    anchors.anchors.pop();
    assert_eq!(verify_bundle(&anchors), Err(BundleError::Anchors));
}

#[test]
fn evidence_content_is_checked_against_the_manifest() {
    let bundle = export();
    let item = &bundle.evidence[0];
    assert!(
        item.check_content(b"sshd[1]: Accepted password for root")
            .is_ok()
    );
    assert!(
        item.check_content(b"sshd[1]: Accepted password for r00t")
            .is_err()
    );
}
