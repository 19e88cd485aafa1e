//! Bad input: every bad record is reported with its place and reason, the rest is read.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{data, read};
use flate2::Compression;
use flate2::write::GzEncoder;
use rampart_ingest::{IngestError, Place, SkipKind, SourceKind};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

const CLOUDTRAIL: &str = "cloudtrail-stratus/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json";

#[test]
fn a_gzipped_cloudtrail_file_reads_like_the_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let plain = read(&data(CLOUDTRAIL)).unwrap();
    let path = write(
        dir.path(),
        "trail.json.gz",
        &gzip(&std::fs::read(data(CLOUDTRAIL)).unwrap()),
    );
    let gz = read(&path).unwrap();
    assert_eq!(gz.kind, SourceKind::CloudTrail);
    assert!(gz.skipped.is_empty());
    let fields =
        |events: &[common::Event]| events.iter().map(|e| e.fields.clone()).collect::<Vec<_>>();
    assert_eq!(fields(&gz.events), fields(&plain.events));
}

#[test]
fn a_truncated_gzip_keeps_the_records_before_the_cut_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let compressed = gzip(&std::fs::read(data(CLOUDTRAIL)).unwrap());
    let path = write(
        dir.path(),
        "trail.json.gz",
        &compressed[..compressed.len() / 2],
    );
    let got = read(&path).unwrap();
    assert!(!got.events.is_empty());
    assert_eq!(got.skipped.len(), 1);
    let skipped = &got.skipped[0];
    assert_eq!(skipped.kind, SkipKind::Truncated);
    assert!(
        matches!(skipped.place, Place::LineColumn { .. }),
        "{skipped}"
    );
    assert!(
        skipped
            .detail
            .contains(&format!("after {} records", got.events.len())),
        "{skipped}"
    );

    let lines: String = (1..=5000)
        .map(|i| format!("{{\"n\": {i}, \"pad\": \"{}\"}}\n", "x".repeat(i % 50)))
        .collect();
    let compressed = gzip(lines.as_bytes());
    let path = write(
        dir.path(),
        "events.jsonl.gz",
        &compressed[..compressed.len() - 100],
    );
    let got = read(&path).unwrap();
    assert_eq!(got.kind, SourceKind::JsonLines);
    let last = got.events.len() as u64;
    assert!(last > 1000 && last < 5000, "{last}");
    // The line the stream broke in is either reported as truncated or, when it broke
    // mid-line, as an incomplete JSON line followed by the truncation.
    let truncated = got.skipped.last().unwrap();
    assert_eq!(truncated.kind, SkipKind::Truncated, "{:?}", got.skipped);
    assert!(
        got.skipped
            .iter()
            .all(|s| matches!(s.place, Place::Line(n) if n > last))
    );
}

#[test]
fn a_broken_json_line_in_the_middle_is_reported_and_the_rest_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "events.jsonl",
        b"{\"a\": 1}\n{\"a\": 2\n\n[1, 2]\r\n{\"a\": 3, \"@timestamp\": \"2024-05-01T00:00:00Z\"}",
    );
    let got = read(&path).unwrap();
    assert_eq!(got.kind, SourceKind::JsonLines);
    assert_eq!(
        got.events.iter().map(|e| e.record).collect::<Vec<_>>(),
        [1, 5]
    );
    assert_eq!(
        got.events[1].timestamp.unwrap().to_string(),
        "2024-05-01T00:00:00Z"
    );
    let places: Vec<_> = got.skipped.iter().map(|s| (s.place, s.kind)).collect();
    assert_eq!(
        places,
        [
            (Place::Line(2), SkipKind::InvalidJson),
            (Place::Line(4), SkipKind::NotAnObject)
        ]
    );
    assert_eq!(
        got.skipped[0].detail,
        "at byte 7 (the end of the text): expected `,` or `}` in an object"
    );
}

#[test]
fn a_json_line_that_is_not_utf8_is_reported_with_its_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "latin1.jsonl",
        b"{\"user\": \"J\xfcrgen\"}\n{\"user\": \"ok\"}\n",
    );
    let got = read(&path).unwrap();
    assert_eq!(got.events.len(), 1);
    assert_eq!(got.events[0].fields["user"], "ok");
    assert_eq!(got.skipped.len(), 1);
    let skipped = &got.skipped[0];
    assert_eq!(
        (skipped.place, skipped.kind),
        (Place::Line(1), SkipKind::InvalidUtf8)
    );
    assert_eq!(skipped.detail, "invalid UTF-8 at byte 11");
}

#[test]
fn json_that_is_not_a_records_document_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "other.json",
        b"{\n  \"foo\": 1,\n  \"bar\": [1, 2]\n}\n",
    );
    let got = read(&path).unwrap();
    assert_eq!(got.kind, SourceKind::CloudTrail);
    assert!(got.events.is_empty());
    assert_eq!(got.skipped.len(), 1);
    assert_eq!(
        (got.skipped[0].kind, got.skipped[0].place),
        (SkipKind::NotCloudTrail, Place::File)
    );

    let path = write(dir.path(), "records.json", b"{\"Records\": 5}");
    let got = read(&path).unwrap();
    assert_eq!(got.skipped[0].kind, SkipKind::NotCloudTrail);
    assert!(
        got.skipped[0].detail.contains("array"),
        "{}",
        got.skipped[0]
    );

    let path = write(
        dir.path(),
        "mixed.json",
        b"{\"Records\": [{\"eventName\": \"A\"}, 7, {\"eventName\": \"B\"}], \"x\": {}}",
    );
    let got = read(&path).unwrap();
    assert_eq!(
        got.events.iter().map(|e| e.record).collect::<Vec<_>>(),
        [1, 3]
    );
    assert_eq!(
        (got.skipped[0].kind, got.skipped[0].place),
        (SkipKind::NotAnObject, Place::Element(2))
    );

    let path = write(
        dir.path(),
        "trailing.json",
        b"{\"Records\": [{\"eventName\": \"A\"}]} {",
    );
    let got = read(&path).unwrap();
    assert_eq!(got.events.len(), 1);
    assert_eq!(got.skipped[0].kind, SkipKind::InvalidJson);
}

#[test]
fn garbage_evtx_fails_the_file_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "garbage.evtx", &[0x42; 70_000]);
    match read(&path) {
        Err(IngestError::Evtx { reason, .. }) => assert!(!reason.is_empty()),
        other => panic!(
            "expected an EVTX error, got {:?}",
            other.map(|r| r.events.len())
        ),
    }
}

#[test]
fn a_damaged_evtx_chunk_is_reported_at_its_offset_and_the_other_chunks_read() {
    let original =
        data("evtx-attack-samples/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx");
    let whole = read(&original).unwrap();
    let mut bytes = std::fs::read(&original).unwrap();
    // Overwrite the second chunk's signature and header.
    let second_chunk = 4096 + 65536;
    bytes[second_chunk..second_chunk + 512].fill(0xAB);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "damaged.evtx", &bytes);
    let got = read(&path).unwrap();
    assert!(!got.skipped.is_empty());
    assert!(got.skipped.iter().all(|s| s.kind == SkipKind::InvalidEvtx));
    assert_eq!(
        got.skipped[0].place,
        Place::Byte(second_chunk as u64),
        "{}",
        got.skipped[0]
    );
    assert!(got.events.len() < whole.events.len() && got.events.len() > whole.events.len() / 2);
}

#[test]
fn files_of_no_known_format_are_errors_naming_what_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    for (name, content, expected) in [
        (
            "notes.md",
            &b"## OpenSSH logs\n"[..],
            "begins with \"## OpenSSH logs\"",
        ),
        ("empty.log", b"", "empty"),
    ] {
        let path = write(dir.path(), name, content);
        match read(&path) {
            Err(IngestError::UnknownFormat { reason, .. }) => assert_eq!(reason, expected),
            other => panic!("{name}: {:?}", other.map(|r| r.kind)),
        }
    }
}

#[test]
fn a_non_syslog_line_in_a_syslog_file_is_reported_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let content = "Dec 10 06:55:46 LabSZ sshd[1]: Invalid user a from 1.2.3.4\n\
                   garbage in the middle\n\
                   <34>1 2003-10-11T22:14:15.003Z host su - ID47 - 'su root' failed\n";
    let path = write(dir.path(), "auth.log", content.as_bytes());
    let got = read(&path).unwrap();
    assert_eq!(got.kind, SourceKind::Syslog);
    assert_eq!(
        got.events.iter().map(|e| e.record).collect::<Vec<_>>(),
        [1, 3]
    );
    assert_eq!(
        (got.skipped[0].place, got.skipped[0].kind),
        (Place::Line(2), SkipKind::InvalidSyslog)
    );
}
