//! Remote mode against a real `rampart serve` on a loopback port (SQLite): `incident list`,
//! `incident open`, `evidence …`, `export` and `verify` over `/api/v1` print what local mode prints,
//! table and JSON, with the same exit codes for bad input; verbs with no remote form say so; and
//! the token never shows in what the command prints. `record`: show, update, facts and clocks.
#![allow(clippy::unwrap_used)]

mod record;
mod served;

use served::{rampart, served, text};

#[test]
fn listing_and_verifying_on_a_server_print_what_local_mode_prints() {
    let s = served();
    for args in [
        &["incident", "list"][..],
        &["--json", "incident", "list"],
        &["incident", "list", "--state", "reported"],
        &["incident", "list", "--state", "closed"],
        &["verify"],
        &["--json", "verify"],
    ] {
        let local = s.local(args);
        let remote = s.remote(args);
        assert_eq!(local.status.code(), Some(0), "{}", text(&local));
        assert_eq!(remote.status.code(), Some(0), "{}", text(&remote));
        assert_eq!(
            String::from_utf8_lossy(&remote.stdout),
            String::from_utf8_lossy(&local.stdout),
            "{args:?}"
        );
    }
    let listed = String::from_utf8(s.remote(&["incident", "list"]).stdout).unwrap();
    assert!(
        listed.contains("INC-") && listed.contains("Lost laptop"),
        "{listed}"
    );
    assert!(!listed.contains(&s.token));
}

#[test]
fn a_server_refuses_with_the_exit_codes_of_local_mode() {
    let s = served();
    let local = s.local(&["incident", "list", "--state", "sideways"]);
    let remote = s.remote(&["incident", "list", "--state", "sideways"]);
    assert_eq!(local.status.code(), Some(1), "{}", text(&local));
    assert_eq!(remote.status.code(), Some(1), "{}", text(&remote));

    let forged = rampart(
        &s.data,
        &["--server", &s.url, "incident", "list"],
        &[("RAMPART_TOKEN", "forged-token-value")],
    );
    assert_eq!(forged.status.code(), Some(1), "{}", text(&forged));
    assert!(
        text(&forged).contains("unauthenticated"),
        "{}",
        text(&forged)
    );
    assert!(!text(&forged).contains("forged-token-value"));

    let unreachable = rampart(
        &s.data,
        &["--server", "http://127.0.0.1:9", "incident", "list"],
        &[("RAMPART_TOKEN", &s.token)],
    );
    assert_eq!(unreachable.status.code(), Some(4), "{}", text(&unreachable));
    assert!(!text(&unreachable).contains(&s.token));

    let no_token = rampart(&s.data, &["--server", &s.url, "incident", "list"], &[]);
    assert_eq!(no_token.status.code(), Some(1), "{}", text(&no_token));

    let illegal = s.remote(&["incident", "transition", "INC-2026-0001", "closed"]);
    assert_eq!(illegal.status.code(), Some(1), "{}", text(&illegal));
    assert!(
        text(&illegal).contains("triage"),
        "the allowed states are named: {}",
        text(&illegal)
    );
    let nobody = s.remote(&["incident", "note", "INC-2026-0999", "lost"]);
    assert_eq!(nobody.status.code(), Some(2), "{}", text(&nobody));

    let missing = s.remote(&["verify", "INC-2026-0999"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));

    for (args, verb) in [
        (&["outbox", "list"][..], "`rampart outbox`"),
        (
            &["training", "add", "alice", "ir-basics"],
            "`rampart training add`",
        ),
        (
            &[
                "clocks",
                "missed",
                "INC-2026-0001",
                "gdpr.authority",
                "--reason",
                "r",
            ],
            "`rampart clocks met|missed|remind`",
        ),
        (
            &[
                "export",
                "INC-2026-0001",
                "--pack",
                "p.zip",
                "--to",
                "Amazon",
            ],
            "`rampart export --pack`",
        ),
    ] {
        let elsewhere = s.remote(args);
        assert_eq!(elsewhere.status.code(), Some(1), "{}", text(&elsewhere));
        assert!(
            text(&elsewhere).contains(verb) && text(&elsewhere).contains("has no remote form"),
            "{}",
            text(&elsewhere)
        );
    }
}

#[test]
fn incidents_evidence_and_exports_on_a_server_are_those_of_local_mode() {
    let s = served();
    let opened = s.remote(&[
        "incident",
        "open",
        "--title",
        "Phishing mail with invoice",
        "--type",
        "credential_compromise",
        "--personal-data",
        "--detected",
        "2026-11-20T09:30:00-05:00",
    ]);
    assert_eq!(opened.status.code(), Some(0), "{}", text(&opened));
    assert_eq!(
        String::from_utf8_lossy(&opened.stdout).trim(),
        "INC-2026-0003"
    );
    let shown = s.local(&["--json", "incident", "show", "INC-2026-0003"]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["incident"]["flags"]["personal_data"], true);
    assert_eq!(
        shown["incident"]["times"]["detected"],
        "2026-11-20T09:30:00-05:00"
    );
    assert_eq!(shown["log"][0]["actor"], "admin");

    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("headers.eml");
    std::fs::write(&file, "Received: from mail.example.net\n").unwrap();
    let added = s.remote(&[
        "evidence",
        "add",
        "INC-2026-0003",
        file.to_str().unwrap(),
        "--media-type",
        "message/rfc822",
        "--description",
        "the mail's headers",
    ]);
    assert_eq!(added.status.code(), Some(0), "{}", text(&added));
    let sha256 = String::from_utf8_lossy(&added.stdout).trim().to_owned();
    use sha2::Digest as _;
    assert_eq!(
        sha256,
        hex(&sha2::Sha256::digest(std::fs::read(&file).unwrap()))
    );
    assert!(
        String::from_utf8_lossy(&added.stderr).contains("INC-2026-0003: log entry #2 ("),
        "{}",
        text(&added)
    );
    for args in [
        &["evidence", "list", "INC-2026-0003"][..],
        &["--json", "evidence", "list", "INC-2026-0003"],
    ] {
        let (local, remote) = (s.local(args), s.remote(args));
        assert_eq!(remote.status.code(), Some(0), "{}", text(&remote));
        assert_eq!(remote.stdout, local.stdout, "{args:?}");
    }

    let copy = work.path().join("copy.eml");
    let got = s.remote(&[
        "evidence",
        "get",
        "INC-2026-0003",
        &sha256,
        "--out",
        copy.to_str().unwrap(),
    ]);
    assert_eq!(got.status.code(), Some(0), "{}", text(&got));
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&file).unwrap());
    let get_again = [
        "evidence",
        "get",
        "INC-2026-0003",
        &sha256,
        "--out",
        copy.to_str().unwrap(),
    ];
    let (again, locally) = (s.remote(&get_again), s.local(&get_again));
    assert_ne!(
        again.status.code(),
        Some(0),
        "an existing file is kept: {}",
        text(&again)
    );
    assert_eq!(
        again.status.code(),
        locally.status.code(),
        "{}",
        text(&again)
    );
    let absent = s.remote(&[
        "evidence",
        "get",
        "INC-2026-0003",
        &"0".repeat(64),
        "--out",
        "x",
    ]);
    assert_eq!(absent.status.code(), Some(2), "{}", text(&absent));

    let custody = [
        "evidence",
        "custody",
        "INC-2026-0003",
        &sha256,
        "--to",
        "bob",
        "--reason",
        "forensics",
    ];
    s.remote_says(&custody, "INC-2026-0003: log entry #3 (");

    let bundle = work.path().join("bundle.json");
    let exported = s.remote(&[
        "export",
        "INC-2026-0003",
        "--out",
        bundle.to_str().unwrap(),
        "--include-evidence",
    ]);
    assert_eq!(exported.status.code(), Some(0), "{}", text(&exported));
    assert!(
        text(&exported).contains("INC-2026-0003: 4 entries exported to")
            && text(&exported).contains("with 1 evidence file(s)"),
        "{}",
        text(&exported)
    );
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    assert_eq!(written["entries"].as_array().unwrap().len(), 4);
    let copied = work.path().join("bundle.json.evidence").join(&sha256);
    assert_eq!(
        std::fs::read(copied).unwrap(),
        std::fs::read(&file).unwrap()
    );
    assert!(s.local(&["verify"]).status.success());
}

#[test]
fn the_record_tasks_and_pages_on_a_server_are_those_of_local_mode() {
    let s = served();
    let activated = s.remote(&["incident", "activate", "INC-2026-0001"]);
    assert_eq!(activated.status.code(), Some(0), "{}", text(&activated));
    assert!(
        text(&activated).contains("INC-2026-0001: log entry #2 ("),
        "each entry written is reported: {}",
        text(&activated)
    );
    let checklist = ["incident", "identify", "INC-2026-0002"];
    let (local, remote) = (s.local(&checklist), s.remote(&checklist));
    assert_eq!(remote.status.code(), Some(0), "{}", text(&remote));
    assert_eq!(remote.stdout, local.stdout);
    let dismiss = [
        "incident",
        "identify",
        "INC-2026-0002",
        "--dismiss",
        "a test mail",
    ];
    s.remote_says(&dismiss, "state dismissed");
    for args in [
        &["task", "list", "INC-2026-0001"][..],
        &["--json", "task", "list"],
        &["page", "list"],
        &["--json", "page", "list", "--open"],
    ] {
        let (local, remote) = (s.local(args), s.remote(args));
        assert_eq!(remote.status.code(), Some(0), "{}", text(&remote));
        assert_eq!(
            String::from_utf8_lossy(&remote.stdout),
            String::from_utf8_lossy(&local.stdout),
            "{args:?}"
        );
    }
    let tasks = s.local(&["--json", "task", "list", "INC-2026-0001"]);
    let tasks: serde_json::Value = serde_json::from_slice(&tasks.stdout).unwrap();
    let task = tasks[0]["task"].as_str().unwrap();
    let started = s.remote(&["task", "start", "INC-2026-0001", task]);
    assert_eq!(started.status.code(), Some(0), "{}", text(&started));
    let after = s.local(&["--json", "task", "list", "INC-2026-0001"]);
    let after: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(after[0]["status"], "in_progress");

    let added = s.remote(&[
        "incident",
        "affected",
        "INC-2026-0001",
        "system",
        "seller-central-sync",
    ]);
    assert_eq!(added.status.code(), Some(0), "{}", text(&added));
    let shown = s.local(&["--json", "incident", "show", "INC-2026-0001"]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let id = shown["incident"]["details"][0]["id"].to_string();
    let removed = s.remote(&[
        "incident",
        "affected",
        "INC-2026-0001",
        "remove",
        &id,
        "--reason",
        "not touched after all",
    ]);
    assert_eq!(removed.status.code(), Some(0), "{}", text(&removed));
    let shown = s.local(&["--json", "incident", "show", "INC-2026-0001"]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let kinds: Vec<&str> = shown["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.ends_with(&["incident.detail_added", "incident.detail_removed"]),
        "{kinds:?}"
    );

    let escalate = s.remote(&["page", "escalate"]);
    assert_eq!(escalate.status.code(), Some(1), "{}", text(&escalate));
    assert!(text(&escalate).contains("`rampart page escalate` has no remote form"));
}

#[test]
fn the_plan_on_a_server_is_shown_as_in_local_mode() {
    let s = served();
    for args in [
        &["plan", "show", "--current"][..],
        &["--json", "plan", "show", "--current"],
        &["plan", "history"],
        &["--json", "plan", "history"],
        &["plan", "diff", "--from", "1", "--to", "1"],
        &["plan", "show"],
    ] {
        let (local, remote) = (s.local(args), s.remote(args));
        assert_eq!(remote.status.code(), Some(0), "{}", text(&remote));
        assert!(!remote.stdout.is_empty(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&remote.stdout),
            String::from_utf8_lossy(&local.stdout),
            "{args:?}"
        );
    }
    for args in [
        &["training", "list"][..],
        &["--json", "training", "list"],
        &["training", "overdue"],
    ] {
        let (local, remote) = (s.local(args), s.remote(args));
        assert_eq!(remote.status.code(), Some(0), "{}", text(&remote));
        assert_eq!(remote.stdout, local.stdout, "{args:?}");
    }
    let (local, remote) = (
        s.local(&["training", "list", "--member", "nobody"]),
        s.remote(&["training", "list", "--member", "nobody"]),
    );
    assert_eq!(remote.status.code(), Some(1), "{}", text(&remote));
    assert_eq!(remote.stderr, local.stderr);
    let status = s.remote(&["plan", "status"]);
    assert_eq!(status.status.code(), Some(1), "{}", text(&status));
    assert!(text(&status).contains("`rampart plan apply|status|review|change` has no remote form"));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn changes_on_a_server_are_log_entries_like_local_ones() {
    let s = served();
    let steps: [&[&str]; 4] = [
        &["incident", "transition", "INC-2026-0001", "triage"],
        &[
            "incident",
            "note",
            "INC-2026-0001",
            "Rotated the LWA client secret.",
        ],
        &["incident", "assign", "INC-2026-0001", "commander", "alice"],
        &["incident", "unassign", "INC-2026-0001", "commander"],
    ];
    for (n, args) in steps.iter().enumerate() {
        let out = s.remote(args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains(&format!("INC-2026-0001: log entry #{} (", n + 2)),
            "{said}"
        );
    }
    let shown = s.local(&["--json", "incident", "show", "INC-2026-0001"]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["incident"]["state"], "triage");
    let log = shown["log"].as_array().unwrap();
    assert_eq!(log.len(), 5);
    assert_eq!(log[2]["text"], "Rotated the LWA client secret.");
    assert_eq!(
        log[2]["actor"], "admin",
        "the server records the token's user"
    );
    assert!(s.local(&["verify"]).status.success());
}
