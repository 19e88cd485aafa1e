//! The harness the CLI tests share: a data directory of their own, initialised with `rampart
//! init`, and the real binary run over it on SQLite as a named actor.
// Each test binary uses part of the harness.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

/// The actor of the tests' commands unless one is named.
pub(crate) const ACTOR: &str = "alice";

/// A data directory of its own for one test, removed when dropped.
pub(crate) struct Data {
    _dir: tempfile::TempDir,
    /// The data directory (a folder `data` in a temporary directory).
    pub(crate) data: PathBuf,
}

impl Data {
    /// A fresh data directory after `rampart init`.
    pub(crate) fn new() -> Data {
        let d = Data::empty();
        d.ok(&["init"]);
        d
    }

    /// A data directory that does not exist yet.
    pub(crate) fn empty() -> Data {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        Data { _dir: dir, data }
    }

    /// Runs `rampart ARGS` as `actor`.
    pub(crate) fn run_as(&self, actor: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args(args)
            .env("RAMPART_DATA_DIR", &self.data)
            .env("RAMPART_ACTOR", actor)
            .env_remove("RAMPART_DATABASE_URL")
            .output()
            .unwrap()
    }

    /// Runs `rampart ARGS` as [`ACTOR`].
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.run_as(ACTOR, args)
    }

    /// Runs as `actor` and expects exit 0; returns stdout.
    pub(crate) fn ok_as(&self, actor: &str, args: &[&str]) -> String {
        let out = self.run_as(actor, args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs and expects exit 0; returns stdout.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        self.ok_as(ACTOR, args)
    }

    /// Runs and expects exit `code`; returns stderr.
    pub(crate) fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        stderr
    }

    /// Runs a reading verb with `--json` and parses what it prints.
    pub(crate) fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// The number of entries the whole log verifies to.
    pub(crate) fn verified_entries(&self) -> u64 {
        self.json(&["verify"])["entries"].as_u64().unwrap()
    }

    /// Runs `sql` on the SQLite database with the sqlite3 tool; returns what it prints.
    pub(crate) fn sqlite(&self, sql: &str) -> String {
        let out = Command::new("sqlite3")
            .arg(self.data.join("rampart.db"))
            .arg(sql)
            .output()
            .expect("the sqlite3 tool (scripts/test installs it)");
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Writes `text` to the file `name` beside the data directory; returns its path.
    pub(crate) fn file(&self, name: &str, text: &str) -> String {
        let path = self.data.parent().unwrap().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    /// A copy of this data directory, to tamper with.
    pub(crate) fn copy(&self) -> Data {
        let copy = Data::empty();
        let status = Command::new("cp")
            .arg("-a")
            .arg(&self.data)
            .arg(&copy.data)
            .status()
            .unwrap();
        assert!(status.success());
        copy
    }
}
