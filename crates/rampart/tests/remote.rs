//! Remote mode against a real `rampart serve` on a loopback port (SQLite): `incident list` and
//! `verify` over `/api/v1` print what local mode prints, table and JSON, with the same exit codes for bad input,
//! and the token never shows in what the command prints.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// A served data directory; the server stops when this is dropped.
struct Served {
    _dir: tempfile::TempDir,
    data: PathBuf,
    server: Child,
    url: String,
    token: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

fn rampart(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rampart"));
    command
        .args(args)
        .env("RAMPART_DATA_DIR", data)
        .env("RAMPART_ACTOR", "alice")
        .env_remove("RAMPART_DATABASE_URL")
        .env_remove("RAMPART_SERVER")
        .env_remove("RAMPART_TOKEN");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// Opens two incidents locally, then serves the directory and makes an administrator's token.
fn served() -> Served {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for title in ["Unknown SP-API calls", "Lost laptop"] {
        let out = rampart(
            &data,
            &[
                "incident",
                "open",
                "--title",
                title,
                "--type",
                "unauthorized_access",
            ],
            &[],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut server = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("RAMPART_DATA_DIR", &data)
        .env_remove("RAMPART_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let (mut url, mut link) = (None, None);
    while url.is_none() || link.is_none() {
        let line = lines.next().expect("the server's start-up lines").unwrap();
        if let Some(rest) = line.split("serving on ").nth(1) {
            url = rest.split_whitespace().next().map(str::to_owned);
        }
        if let Some(at) = line.find("http://")
            && line.contains("setup?token=")
        {
            link = Some(line[at..].trim().to_owned());
        }
    }
    // Keep reading the request log so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let url = url.unwrap();
    let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/lib/api_token.py");
    let out = Command::new("python3")
        .arg(helper)
        .arg(&url)
        .arg(link.unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    Served {
        _dir: dir,
        data,
        server,
        url,
        token,
    }
}

impl Served {
    fn local(&self, args: &[&str]) -> Output {
        rampart(&self.data, args, &[])
    }

    /// Runs against the server from an empty directory, the token in the environment.
    fn remote(&self, args: &[&str]) -> Output {
        let elsewhere = tempfile::tempdir().unwrap();
        let mut all = vec!["--server", self.url.as_str()];
        all.extend_from_slice(args);
        rampart(
            &elsewhere.path().join("nothing"),
            &all,
            &[("RAMPART_TOKEN", &self.token)],
        )
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

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

    let elsewhere = s.remote(&["evidence", "list", "INC-2026-0001"]);
    assert_eq!(elsewhere.status.code(), Some(1), "{}", text(&elsewhere));
    assert!(
        text(&elsewhere).contains("local store only"),
        "{}",
        text(&elsewhere)
    );
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
