//! The report to Amazon end to end with the real binary and a real SMTP server (aiosmtpd on
//! loopback, STARTTLS): an incident with Amazon Information detected at T has its Amazon clock due
//! at T+24h; `rampart amazon report` sends the report, it arrives in the sink, the exact `.eml` is
//! stored as evidence with its SHA-256 in the log, and the clock is met by it. Running it again
//! sends nothing more.
#![allow(clippy::unwrap_used)]

#[allow(dead_code, unreachable_pub)]
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use rampart_testkit::smtp::{Security, Sink};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

fn rampart(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("RAMPART_DATABASE_URL")
        .env("RAMPART_ACTOR", "alice")
        .output()
        .unwrap()
}

fn ok(data: &Path, args: &[&str]) -> String {
    let out = rampart(data, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

fn json(data: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(data, &all)).unwrap()
}

/// A data directory whose relay is `sink`, reporting to Amazon at two test addresses.
fn data_dir(dir: &Path, sink: &Sink) -> PathBuf {
    let data = dir.join("data");
    ok(&data, &["init"]);
    let settings = format!(
        "[clocks]\nregimes = [\"amazon_incident\"]\nzone = \"America/New_York\"\n\
         [amazon]\nsecurity = [\"3p-security@amazon.test\", \"security@amazon.test\"]\n\
         contact = \"Alice Ng, incident commander, +1 206 555 0100\"\n\
         [notify.smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\n\
         from = \"Rampart <rampart@example.org>\"\nca_file = {:?}\ntimeout_seconds = 10\n",
        sink.port, sink.ca_file
    );
    std::fs::write(data.join("rampart.toml"), settings).unwrap();
    data
}

#[test]
fn the_amazon_report_arrives_meets_the_clock_and_its_eml_hash_is_in_the_log() {
    let Some(sink) = Sink::start(Security::Starttls) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path(), &sink);
    let t = "2026-11-20T22:15:00-05:00";
    let key = ok(
        &data,
        &[
            "incident",
            "open",
            "--title",
            "Seller orders exported by a stolen API key",
            "--type",
            "data_breach",
            "--amazon-data",
            "--detected",
            t,
        ],
    )
    .trim()
    .to_owned();
    ok(
        &data,
        &[
            "incident",
            "affected",
            &key,
            "data",
            "--category",
            "order records",
            "--amazon",
            "--records",
            "1200",
        ],
    );
    let clocks = json(&data, &["clocks"]);
    assert_eq!(clocks[0]["id"], "amazon_incident.notice");
    assert_eq!(clocks[0]["due"], "2026-11-21T22:15:00-05:00");

    let out = rampart(&data, &["amazon", "report", &key]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let sha = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    let mails = sink.wait_for_blocking(1);
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(mail.contains("3p-security@amazon.test"), "{mail}");
    assert!(mail.contains(&key), "{mail}");
    assert!(
        mail.contains("order records (1200 records) [Amazon Information]"),
        "{mail}"
    );
    assert!(mail.contains("Alice Ng, incident commander"), "{mail}");

    // The .eml stored as evidence is the message sent; its hash is in the log.
    let evidence = json(&data, &["evidence", "list", &key]);
    let item = &evidence[0];
    assert_eq!(item["sha256"], sha.as_str());
    assert_eq!(item["media_type"], "message/rfc822");
    let copy = dir.path().join("report.eml");
    ok(
        &data,
        &[
            "evidence",
            "get",
            &key,
            &sha,
            "--out",
            copy.to_str().unwrap(),
        ],
    );
    let eml = std::fs::read(&copy).unwrap();
    let hex: String = Sha256::digest(&eml)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hex, sha);
    let show = json(&data, &["incident", "show", &key]);
    let log = show["log"].as_array().unwrap();
    let delivered = log
        .iter()
        .find(|e| e["kind"] == "message.delivery_attempted")
        .unwrap();
    assert_eq!(delivered["payload"]["content_sha256"], sha.as_str());
    let met = log.iter().find(|e| e["kind"] == "clock.met").unwrap();
    assert_eq!(met["payload"]["clock"], "amazon_incident.notice");
    assert_eq!(met["payload"]["proof"]["evidence"], sha.as_str());
    assert_eq!(met["payload"]["proof"]["entry"], delivered["seq"]);

    let clocks = json(&data, &["clocks", "--all"]);
    assert!(
        clocks[0]["status"].as_str().unwrap().starts_with("met"),
        "{clocks}"
    );

    // Again: nothing is sent or recorded twice.
    let entries = log.len();
    ok(&data, &["amazon", "report", &key]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(sink.messages().len(), 1);
    let show = json(&data, &["incident", "show", &key]);
    assert_eq!(show["log"].as_array().unwrap().len(), entries);

    // Information on request: the pack, and the disclosure in the log.
    let pack = dir.path().join("pack.zip");
    let pack_arg = pack.to_str().unwrap();
    ok(
        &data,
        &[
            "export",
            &key,
            "--pack",
            pack_arg,
            "--to",
            "Amazon security (case 42)",
        ],
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&pack).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let bundle_text = read("incident.json");
    let bundle: Value = serde_json::from_str(&bundle_text).unwrap();
    let last = bundle["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "incident.exported");
    assert_eq!(last["payload"]["to"], "Amazon security (case 42)");
    assert_eq!(last["payload"]["what"].as_array().unwrap().len(), 4);
    assert!(read("evidence-manifest.json").contains(&sha));
    assert!(read("summary.md").contains(&key));
    assert_eq!(read("notices.json").trim(), "[]");
    let err = rampart(
        &data,
        &["export", &key, "--pack", pack_arg, "--to", "again"],
    );
    assert_eq!(
        err.status.code(),
        Some(1),
        "an existing pack is not overwritten"
    );
    // The bundle in the pack verifies on its own.
    let extracted = dir.path().join("incident.json");
    std::fs::write(&extracted, bundle_text).unwrap();
    ok(&data, &["verify", "--bundle", extracted.to_str().unwrap()]);
}

#[test]
fn no_report_is_owed_without_amazon_information() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["init"]);
    let key = ok(
        &data,
        &[
            "incident",
            "open",
            "--title",
            "Lost laptop",
            "--type",
            "lost_or_stolen_device",
        ],
    )
    .trim()
    .to_owned();
    let out = rampart(&data, &["amazon", "report", &key]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Amazon Information"));
    let outbox = json(&data, &["outbox", "list"]);
    assert_eq!(outbox.as_array().unwrap().len(), 0);
}
