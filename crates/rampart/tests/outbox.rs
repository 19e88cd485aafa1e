//! `rampart outbox` and `rampart notify` with the real binary: listing an empty outbox, exit codes
//! for a malformed and an unknown message id, and a delivery configuration refused with its place
//! and without showing the secret it was given.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

fn rampart(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rampart"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("RAMPART_DATABASE_URL")
        .env_remove("RAMPART_SMTP_PASSWORD")
        .env("RAMPART_ACTOR", "alice");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn an_empty_outbox_lists_nothing_and_ids_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let out = rampart(dir.path(), &["outbox", "list", "--json"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "[]");

    let out = rampart(dir.path(), &["outbox", "show", "not-an-id"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is not a message id"));

    let unknown = "019a0000-0000-7000-8000-000000000000";
    let out = rampart(dir.path(), &["outbox", "retry", unknown], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("not found in the outbox"));

    let out = rampart(dir.path(), &["outbox", "list", "--state", "lost"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("pending, sending, sent, failed"));
}

#[test]
fn a_bad_delivery_configuration_is_refused_with_its_place_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rampart.toml"),
        "[notify.smtp]\nhost = \"mail.example.org\"\nfrom = \"rampart@example.org\"\n",
    )
    .unwrap();
    let secret = "s3cret-smtp-pass";
    let out = rampart(
        dir.path(),
        &["outbox", "deliver", "--once"],
        &[("RAMPART_SMTP_PASSWORD", secret)],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("rampart.toml"), "{err}");
    assert!(err.contains("[notify.smtp] username"), "{err}");
    assert!(!err.contains(secret), "{err}");

    let out = rampart(dir.path(), &["notify", "test", "--webhook", "nope"], &[]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn deliver_once_with_nothing_configured_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = rampart(dir.path(), &["outbox", "deliver", "--once"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("0 sent, 0 to retry, 0 given up"));
}
