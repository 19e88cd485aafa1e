//! The incident record from the command line, end to end with the real binary on SQLite: open,
//! transition, note, assign, record details, add and hand over evidence, verify, export; tampering
//! with the stored log through the `sqlite3` tool; and bad input that must leave the store as it was.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::Data;

/// An incident with a realistic record: 13 entries (opening it at high severity activates the
/// default plan, which creates the playbook tasks).
fn worked_incident(record: &Data, dir: &Path) -> (String, String) {
    let key = record
        .ok(&[
            "incident",
            "open",
            "--title",
            "Unknown SP-API calls from 203.0.113.7",
            "--type",
            "unauthorized access",
            "--amazon-data",
            "--personal-data",
            "--functional-impact",
            "low",
            "--information-impact",
            "privacy_breach",
            "--recoverability",
            "supplemented",
            "--detected",
            "2026-01-05T08:15:00-05:00",
        ])
        .trim()
        .to_owned();
    record.ok(&["incident", "transition", &key, "triage"]);
    record.ok(&["incident", "transition", &key, "confirmed"]);
    record.ok(&["incident", "note", &key, "Rotated the LWA client secret."]);
    record.ok(&["incident", "assign", &key, "commander", "alice"]);
    record.ok(&[
        "incident",
        "affected",
        &key,
        "system",
        "orders-db-1",
        "--description",
        "replica read",
    ]);
    record.ok(&[
        "incident",
        "affected",
        &key,
        "account",
        "svc-spapi",
        "--system",
        "orders-db-1",
    ]);
    record.ok(&[
        "incident",
        "affected",
        &key,
        "data",
        "--category",
        "order_data",
        "--records",
        "1200",
        "--amazon",
        "--personal",
    ]);
    record.ok(&[
        "incident",
        "affected",
        &key,
        "damage",
        "investigation",
        "--estimate",
        "4200.50",
    ]);
    let file = dir.join("auth.log");
    std::fs::write(
        &file,
        "Jan  5 08:14:02 db1 sshd[811]: Failed password for root\n",
    )
    .unwrap();
    let sha = record
        .ok(&[
            "evidence",
            "add",
            &key,
            file.to_str().unwrap(),
            "--description",
            "auth log",
        ])
        .trim()
        .to_owned();
    record.ok(&[
        "evidence",
        "custody",
        &key,
        &sha,
        "--to",
        "outside counsel",
        "--reason",
        "legal hold",
    ]);
    record.ok(&["incident", "transition", &key, "containment"]);
    (key, sha)
}

#[test]
fn a_whole_incident_is_recorded_verified_and_exported() {
    let record = Data::new();
    let work = tempfile::tempdir().unwrap();
    let (key, sha) = worked_incident(&record, work.path());
    assert!(key.starts_with("INC-") && key.ends_with("-0001"), "{key}");

    let shown = record.json(&["incident", "show", &key]);
    let incident = &shown["incident"];
    assert_eq!(shown["log"].as_array().unwrap().len(), 13);
    assert_eq!(incident["state"], "containment");
    assert_eq!(
        record
            .json(&["incident", "list", "--state", "containment"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(
        record
            .json(&["incident", "list", "--state", "closed"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let evidence = record.json(&["evidence", "list", &key]);
    assert_eq!(evidence[0]["sha256"], sha.as_str());
    assert_eq!(evidence[0]["custodian"], "outside counsel");

    // The evidence comes back out byte for byte, checked against its address.
    let copy = work.path().join("copy.log");
    record.ok(&[
        "evidence",
        "get",
        &key,
        &sha,
        "--out",
        copy.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(work.path().join("auth.log")).unwrap()
    );

    assert_eq!(record.verified_entries(), 13);
    record.ok(&["verify", &key]);

    // The bundle verifies with no database, in Rust and with the documented Python script.
    let bundle = work.path().join("bundle.json");
    let bundle_arg = bundle.to_str().unwrap();
    record.ok(&["export", &key, "--out", bundle_arg, "--include-evidence"]);
    assert!(
        work.path()
            .join(format!("bundle.json.evidence/{sha}"))
            .is_file()
    );
    assert_eq!(
        record.verified_entries(),
        14,
        "the export is itself a log entry"
    );
    let alone = Data::empty();
    alone.ok(&["verify", "--bundle", bundle_arg]);
    assert!(
        !alone.data.exists(),
        "verifying a bundle must not create a store"
    );
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/verify-bundle.py"
    );
    let python = Command::new("python3")
        .arg(script)
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(
        python.status.success(),
        "{}",
        String::from_utf8_lossy(&python.stdout)
    );

    // One byte changed in the bundle: it no longer verifies.
    let text = std::fs::read_to_string(&bundle).unwrap();
    let changed = text.replacen("Rotated the LWA", "Rotated thE LWA", 1);
    assert_ne!(changed, text);
    std::fs::write(&bundle, changed).unwrap();
    let stderr = alone.fails(3, &["verify", "--bundle", bundle_arg]);
    // The note is entry #5: opened, tasks created, triage, confirmed, the note.
    assert!(stderr.contains("#5"), "names the changed entry: {stderr}");
}

#[test]
fn tampering_with_the_stored_log_is_detected_and_the_first_bad_entry_named() {
    let record = Data::new();
    let work = tempfile::tempdir().unwrap();
    let (key, _) = worked_incident(&record, work.path());
    let (second, _) = worked_incident(&record, work.path());
    record.ok(&["verify"]);

    let cases: &[(&str, &str)] = &[
        // An edited note.
        (
            "UPDATE log_entries SET text = 'nothing happened' WHERE global_seq = 4",
            "#4 (global #4)",
        ),
        // An edited time.
        (
            "UPDATE log_entries SET at = at + 1 WHERE global_seq = 2",
            "#2 (global #2)",
        ),
        // A deleted entry: the next one is named.
        (
            "DELETE FROM log_entries WHERE global_seq = 6",
            "#7 (global #7)",
        ),
        // The first incident deleted whole: the entry after the hole is named.
        (
            "DELETE FROM evidence WHERE global_seq <= 13; DELETE FROM log_entries WHERE global_seq <= 13",
            "#1 (global #14)",
        ),
        // The newest incident deleted whole: the log ends before the stored chain head.
        (
            "DELETE FROM evidence WHERE global_seq > 13; DELETE FROM log_entries WHERE global_seq > 13",
            "log ends at global #13",
        ),
        // Two entries swapped.
        (
            "UPDATE log_entries SET global_seq = -1 WHERE global_seq = 3; \
             UPDATE log_entries SET global_seq = 3 WHERE global_seq = 5; \
             UPDATE log_entries SET global_seq = 5 WHERE global_seq = -1",
            "(global #3)",
        ),
        // An inserted entry: a copy of entry 3 (renumbered) at global #5, the rest moved up one.
        (
            "UPDATE log_entries SET global_seq = -(global_seq + 1) WHERE global_seq >= 5; \
             UPDATE log_entries SET global_seq = -global_seq WHERE global_seq < 0; \
             INSERT INTO log_entries SELECT 5, incident_id, seq + 1000, at, actor, kind, payload, text, \
             prev_hash, hash, global_prev_hash, global_hash FROM log_entries WHERE global_seq = 3",
            "(global #5)",
        ),
    ];
    for (sql, named) in cases {
        let copy = record.copy();
        copy.sqlite(&format!("PRAGMA foreign_keys = OFF; DROP TRIGGER IF EXISTS log_entries_are_append_only_update; DROP TRIGGER IF EXISTS log_entries_are_append_only_delete; DROP TRIGGER IF EXISTS log_entries_extend_the_head; {sql}"));
        let stderr = copy.fails(3, &["verify"]);
        assert!(stderr.contains("verification failed"), "{sql}: {stderr}");
        assert!(
            stderr.contains(named),
            "{sql}: expected {named:?} in {stderr}"
        );
    }
    // The untouched store still verifies, and so do both incidents on their own.
    record.ok(&["verify"]);
    record.ok(&["verify", &key]);
    record.ok(&["verify", &second]);
}

#[test]
fn bad_input_is_refused_precisely_and_changes_nothing() {
    let record = Data::new();
    let work = tempfile::tempdir().unwrap();
    let (key, sha) = worked_incident(&record, work.path());
    let before = record.verified_entries();

    let stderr = record.fails(
        1,
        &[
            "incident",
            "open",
            "--title",
            "x",
            "--type",
            "alien_invasion",
        ],
    );
    assert!(
        stderr.contains("alien_invasion") && stderr.contains("unauthorized_access"),
        "{stderr}"
    );
    let stderr = record.fails(1, &["incident", "transition", &key, "closed"]);
    assert!(
        stderr.contains("eradication"),
        "names the allowed states: {stderr}"
    );
    let stderr = record.fails(1, &["incident", "transition", &key, "sideways"]);
    assert!(stderr.contains("sideways"), "{stderr}");
    let stderr = record.fails(
        1,
        &["incident", "update", &key, "--detected", "yesterday-ish"],
    );
    assert!(stderr.contains("--detected"), "{stderr}");
    let stderr = record.fails(
        1,
        &[
            "incident",
            "update",
            &key,
            "--occurred",
            "2999-01-01T00:00:00Z",
        ],
    );
    assert!(stderr.contains("future"), "{stderr}");
    record.fails(1, &["incident", "assign", &key, "janitor", "bob"]);
    record.fails(
        1,
        &[
            "incident",
            "affected",
            &key,
            "damage",
            "fraud",
            "--estimate",
            "12,00",
        ],
    );
    record.fails(2, &["incident", "note", "INC-2026-0999", "hello"]);
    record.fails(
        2,
        &[
            "evidence",
            "add",
            &key,
            work.path().join("missing.log").to_str().unwrap(),
        ],
    );
    record.fails(
        2,
        &[
            "evidence",
            "custody",
            &key,
            &"0".repeat(64),
            "--to",
            "bob",
            "--reason",
            "r",
        ],
    );
    record.fails(
        1,
        &[
            "evidence", "custody", &key, &sha, "--to", "bob", "--reason", "",
        ],
    );

    assert_eq!(record.verified_entries(), before, "nothing was appended");
    assert_eq!(
        record.json(&["incident", "list"]).as_array().unwrap().len(),
        1
    );
}

#[test]
fn a_database_from_a_newer_version_or_a_corrupted_one_is_refused() {
    let record = Data::new();
    let newer = record.copy();
    newer.sqlite(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, \
         execution_time) VALUES (999999, 'future', CURRENT_TIMESTAMP, 1, x'00', 0)",
    );
    let stderr = newer.fails(4, &["incident", "list"]);
    assert!(stderr.contains("newer version"), "{stderr}");

    let corrupted = record.copy();
    let db = corrupted.data.join("rampart.db");
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[..100].fill(0x5a);
    std::fs::write(&db, bytes).unwrap();
    let stderr = corrupted.fails(4, &["incident", "list"]);
    assert!(stderr.contains("rampart.db"), "{stderr}");
}
