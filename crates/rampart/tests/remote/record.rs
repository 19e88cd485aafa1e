//! `incident show|update|facts` and `clocks` on a server: the entries name the clocks they move as
//! local ones do, and what is shown is what local mode shows.

use serde_json::Value;

use crate::served::{Served, served, text};

/// Runs `args` locally and on the server; both must succeed with the same standard output. A
/// clock's time left is shown to the minute, so a minute may turn between the two runs: then
/// they are run once more.
fn same_output(s: &Served, args: &[&str]) -> String {
    let mut last = (String::new(), String::new());
    for _ in 0..2 {
        let local = s.local(args);
        let remote = s.remote(args);
        assert_eq!(local.status.code(), Some(0), "{args:?}: {}", text(&local));
        assert_eq!(remote.status.code(), Some(0), "{args:?}: {}", text(&remote));
        let local = String::from_utf8(local.stdout).unwrap();
        let remote = String::from_utf8(remote.stdout).unwrap();
        if local == remote {
            return remote;
        }
        last = (local, remote);
    }
    assert_eq!(last.1, last.0, "{args:?}");
    last.1
}

fn json(s: &Served, args: &[&str]) -> Value {
    let out = s.remote(args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn show_update_facts_and_clocks_on_a_server_are_those_of_local_mode() {
    let s = served();
    let key = "INC-2026-0001";
    // Amazon Information starts Amazon's 24-hour clock from detection, in March: overdue.
    let update = s.remote(&[
        "incident",
        "update",
        key,
        "--amazon-data",
        "true",
        "--detected",
        "2026-03-05T09:00:00-05:00",
        "--reason",
        "found in the API logs",
    ]);
    assert_eq!(update.status.code(), Some(0), "{}", text(&update));
    let said = String::from_utf8_lossy(&update.stderr);
    assert!(
        said.contains("INC-2026-0001: log entry #2 (incident.updated) recorded"),
        "{said}"
    );
    assert!(
        said.contains(
            "clocks recomputed: amazon_incident.notice started, due 2026-03-06T14:00:00Z"
        ),
        "{said}"
    );
    let shown = same_output(&s, &["incident", "show", key]);
    assert!(shown.contains("OVERDUE"), "{shown}");

    s.remote_says(
        &[
            "incident",
            "facts",
            key,
            "--legal-process-received",
            "2026-03-10T12:00:00Z",
            "--residents",
            "US-CA=600",
        ],
        "clocks recomputed: amazon_legal_process.notice started, due 2026-03-11T12:00:00",
    );
    s.remote_says(
        &[
            "incident",
            "update",
            key,
            "--severity",
            "high",
            "--reason",
            "customer data",
        ],
        "INC-2026-0001: log entry #4 (incident.severity_overridden) recorded",
    );
    let shown = same_output(&s, &["incident", "show", key]);
    assert!(
        shown.contains("high (set by hand: customer data)"),
        "{shown}"
    );
    assert!(shown.contains("US-CA 600"), "{shown}");
    assert!(shown.contains("amazon_legal_process.notice"), "{shown}");
    let table = same_output(&s, &["clocks"]);
    assert!(table.contains("amazon_legal_process.notice"), "{table}");
    same_output(&s, &["clocks", "--all"]);

    // JSON: the incident and its log as locally, the clocks in the API's form.
    let remote = json(&s, &["--json", "incident", "show", key]);
    let local: Value =
        serde_json::from_slice(&s.local(&["--json", "incident", "show", key]).stdout).unwrap();
    assert_eq!(remote["incident"], local["incident"]);
    assert_eq!(remote["log"], local["log"]);
    let clocks: Vec<&str> = remote["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["clock"].as_str().unwrap())
        .collect();
    assert_eq!(
        clocks,
        ["amazon_incident.notice", "amazon_legal_process.notice"]
    );
    assert_eq!(remote["pending_clocks"], serde_json::json!([]));
    let all = json(&s, &["--json", "clocks"]);
    assert_eq!(all.as_array().unwrap().len(), 2, "{all:#}");
}

#[test]
fn bad_updates_and_facts_on_a_server_fail_as_locally() {
    let s = served();
    for args in [
        &["incident", "update", "INC-2026-0001"][..],
        &["incident", "update", "INC-2026-0001", "--type", "sideways"],
        &[
            "incident",
            "update",
            "INC-2026-0001",
            "--detected",
            "2026-03-05T09:00:00Z",
        ],
        &["incident", "facts", "INC-2026-0001"],
        &[
            "incident",
            "facts",
            "INC-2026-0001",
            "--residents",
            "US-CA=many",
        ],
        &[
            "incident",
            "update",
            "INC-2026-0001",
            "--severity",
            "huge",
            "--reason",
            "r",
        ],
    ] {
        let local = s.local(args);
        let remote = s.remote(args);
        assert_eq!(local.status.code(), Some(1), "{args:?}: {}", text(&local));
        assert_eq!(remote.status.code(), Some(1), "{args:?}: {}", text(&remote));
    }
    let missing = s.remote(&["incident", "show", "INC-2026-0999"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    // Nothing was written by the refusals.
    let log = json(&s, &["--json", "incident", "show", "INC-2026-0001"]);
    assert_eq!(log["log"].as_array().unwrap().len(), 1);
}
