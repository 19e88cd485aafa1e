//! `rampart plan` with the real binary: the built-in plan shows and validates, a broken copy is
//! refused with file:line, the schema prints.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

fn rampart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .env_remove("RAMPART_DATA_DIR")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn default_plan_validates() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    std::fs::write(&file, rampart_plan::DEFAULT_PLAN_TOML).unwrap();
    let out = rampart(&["plan", "validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("valid: 6 roles, 0 members"), "{text}");
    assert!(
        text.contains("note: no member can hold role impoc"),
        "{text}"
    );
}

#[test]
fn broken_copy_fails_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    let text = rampart_plan::DEFAULT_PLAN_TOML.replacen(
        "role = \"impoc\"\ndue = \"detected + 24h\"",
        "role = \"janitor\"\ndue = \"detected + 24h\"",
        1,
    );
    let line = text[..text.find("\"janitor\"").unwrap()]
        .matches('\n')
        .count()
        + 1;
    std::fs::write(&file, &text).unwrap();
    let out = rampart(&["plan", "validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let expected = format!("{}:{line}: ", file.display());
    assert!(
        err.lines()
            .any(|l| l.starts_with(&expected) && l.contains("janitor")),
        "{err}"
    );
    assert!(err.contains("refused: 1 problem(s)"), "{err}");

    let out = rampart(&["--json", "plan", "validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["problems"][0]["line"], line);
}

#[test]
fn every_rule_problem_gets_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("loops.toml");
    let text = rampart_plan::DEFAULT_PLAN_TOML
        .replacen(
            "ack_within = \"30m\"\n",
            "ack_within = \"30m\"\nnext = \"on_call_commander\"\n",
            1,
        )
        .replacen(
            "types = [\"credential_compromise\"]",
            "types = [\"payment_fraud\"]",
            1,
        );
    std::fs::write(&file, &text).unwrap();
    let out = rampart(&["plan", "validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let prefix = format!("{}:", file.display());
    assert_eq!(
        err.lines().filter(|l| l.starts_with(&prefix)).count(),
        2,
        "{err}"
    );
    assert!(
        err.contains("loops") && err.contains("payment_fraud"),
        "{err}"
    );
}

#[test]
fn missing_file_is_not_found() {
    let out = rampart(&["plan", "validate", "/nonexistent/plan.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn show_prints_the_built_in_plan_for_people_and_machines() {
    let out = rampart(&["plan", "show"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "Amazon Incident Management Point of Contact (IMPOC)",
        "3p-security@amazon.com, security@amazon.com",
        "Report the incident to Amazon",
        "detected + 24h",
        "Review: every 6 months, after every major change",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    let out = rampart(&["--json", "plan", "show"]);
    let plan: rampart_plan::Plan = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan, rampart_plan::default_plan().unwrap());
}

#[test]
fn show_of_a_file_prints_that_plan() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    let text = rampart_plan::DEFAULT_PLAN_TOML.replacen(
        "name = \"Incident Response Plan\"",
        "name = \"Acme IR Plan\"",
        1,
    );
    std::fs::write(&file, text).unwrap();
    let out = rampart(&["plan", "show", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Acme IR Plan\n"));
}

#[test]
fn schema_prints_as_json() {
    let out = rampart(&["plan", "schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema, rampart_plan::schema());
}
