//! Notices end to end with the real binary and a real SMTP server (aiosmtpd on loopback): bad
//! input refused with its place and nothing drafted; a notice to affected people blocked by a
//! law-enforcement hold, then by Amazon's missing approval, then by the personal-data check; sent
//! once each is resolved; a dispatcher killed (SIGKILL) in the middle of the bulk send, and the
//! send resumed without a duplicate.
#![allow(clippy::unwrap_used)]

#[allow(dead_code, unreachable_pub)]
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rampart_testkit::smtp::{Security, Sink, header};
use serde_json::Value;

const PEOPLE: usize = 60;

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
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    stderr
}

fn fails(data: &Path, args: &[&str]) -> String {
    let out = rampart(data, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    stderr
}

fn json(data: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = rampart(data, &all);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Opens an incident with `args` after `incident open`; its key.
fn open(data: &Path, args: &[&str]) -> String {
    let mut all = vec!["incident", "open"];
    all.extend_from_slice(args);
    let out = rampart(data, &all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn setup(dir: &Path, sink: &Sink) -> PathBuf {
    let data = dir.join("data");
    ok(&data, &["init"]);
    let settings = format!(
        "[notices]\ncompany = \"Acme Sellers\"\ncontact = \"privacy@acme.example\"\n\
         contact_points = [\"privacy@acme.example\"]\n\
         [notify]\nlease_seconds = 3\n\
         [notify.smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\n\
         from = \"Acme <notices@acme.example>\"\nca_file = {:?}\ntimeout_seconds = 2\n",
        sink.port, sink.ca_file
    );
    std::fs::write(data.join("rampart.toml"), settings).unwrap();
    data
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn gates(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("blocked by "))
        .filter_map(|l| l.split(':').next())
        .collect()
}

#[test]
fn a_notice_is_held_by_each_gate_then_sent_once_even_across_a_crash() {
    let Some(sink) = Sink::start(Security::Starttls) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = setup(d, &sink);
    let key = open(
        &data,
        &[
            "--title",
            "Order data exported",
            "--type",
            "data_breach",
            "--amazon-data",
            "--personal-data",
            "--detected",
            "2026-11-20T10:00:00Z",
        ],
    );

    // Bad input: nothing is drafted.
    let broken = write(
        d,
        "broken.csv",
        "name,channel,email\nAna,email,ana@example.org\nBo,email\nCy,email,not-an-address\n",
    );
    let good_template = write(
        d,
        "notice.j2",
        "Dear {{ recipient.name }},\n\n{{ company.name }} found that order data ({{ incident.key }}) was exported.\nYour card 4111 1111 1111 1111 may be affected.\nWrite to {{ company.contact }}.\n",
    );
    let draft = |template: &str, csv: &str| {
        vec![
            "notice".to_owned(),
            "draft".to_owned(),
            key.clone(),
            "--audience".to_owned(),
            "affected_people".to_owned(),
            "--subject".to_owned(),
            "About your order data".to_owned(),
            "--template".to_owned(),
            template.to_owned(),
            "--recipients".to_owned(),
            csv.to_owned(),
        ]
    };
    let args = draft(&good_template, &broken);
    let err = fails(&data, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        err.contains("broken.csv:3:") && err.contains("broken.csv:4:"),
        "{err}"
    );
    assert!(err.contains("nothing imported"), "{err}");
    let unknown = write(
        d,
        "unknown.j2",
        "Dear {{ recipient.name }},\n{{ recipient.ssn }}\n",
    );
    let people: String = (0..PEOPLE)
        .map(|i| format!("Person {i},email,p{i}@example.org\n"))
        .collect();
    let csv = write(d, "people.csv", &format!("name,channel,email\n{people}"));
    let args = draft(&unknown, &csv);
    let err = fails(&data, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        err.contains("unknown.j2:2:") && err.contains("unknown field \"recipient.ssn\""),
        "{err}"
    );
    assert_eq!(
        json(&data, &["notice", "list", &key]),
        serde_json::json!([])
    );

    // Law enforcement asks to hold notices.
    ok(
        &data,
        &[
            "register",
            "law-enforcement",
            &key,
            "--agency",
            "FBI",
            "--contact",
            "SA Reyes",
            "--referred",
            "2026-11-20T12:00:00Z",
            "--shared",
            "logs",
            "--request",
            "hold notices",
        ],
    );
    let engagement =
        json(&data, &["register", "list", &key])["law_enforcement"][0]["id"].to_string();
    ok(
        &data,
        &[
            "register",
            "hold",
            &key,
            "--engagement",
            &engagement,
            "--officer",
            "SA Reyes",
            "--requested-on",
            "2026-11-20T12:30:00Z",
        ],
    );
    let hold = json(&data, &["register", "list", &key])["holds"][0]["id"].to_string();

    let args = draft(&good_template, &csv);
    ok(&data, &args.iter().map(String::as_str).collect::<Vec<_>>());
    let notice = json(&data, &["notice", "list", &key])[0]["id"].to_string();
    ok(&data, &["notice", "approve", &key, &notice]);
    let send = ["notice", "send", key.as_str(), notice.as_str()];
    let err = fails(&data, &send);
    assert_eq!(
        gates(&err),
        ["law_enforcement_hold", "amazon_approval", "personal_data"],
        "{err}"
    );
    ok(
        &data,
        &[
            "register",
            "lift",
            &key,
            &hold,
            "--reason",
            "released in writing",
        ],
    );
    assert_eq!(
        gates(&fails(&data, &send)),
        ["amazon_approval", "personal_data"]
    );
    ok(&data, &["notice", "amazon-approved", &key, &notice]);
    let err = fails(&data, &send);
    assert_eq!(gates(&err), ["personal_data"]);
    assert!(
        err.contains("line 4, column 11: a payment card number"),
        "{err}"
    );
    // A new version without the card number: approved again, it passes.
    let clean = write(
        d,
        "clean.j2",
        "Dear {{ recipient.name }},\n\n{{ company.name }} found that order data ({{ incident.key }}) was exported.\nWrite to {{ company.contact }}.\n",
    );
    ok(
        &data,
        &["notice", "revise", &key, &notice, "--template", &clean],
    );
    assert_eq!(gates(&fails(&data, &send)), ["approval", "amazon_approval"]);
    ok(&data, &["notice", "approve", &key, &notice]);
    ok(&data, &["notice", "amazon-approved", &key, &notice]);
    let queued = ok(&data, &send);
    assert!(
        queued.contains(&format!("{PEOPLE} e-mail(s) queued, 0 queued before")),
        "{queued}"
    );
    assert!(
        sink.messages().is_empty(),
        "nothing is sent before the dispatcher runs"
    );

    // The dispatcher dies (SIGKILL) in the middle of the bulk send.
    let mut dispatcher = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .arg("--data-dir")
        .arg(&data)
        .args(["outbox", "deliver"])
        .env_remove("RAMPART_DATABASE_URL")
        .env("RAMPART_ACTOR", "alice")
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while sink.messages().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "nothing arrived"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    dispatcher.kill().unwrap();
    dispatcher.wait().unwrap();
    let before = sink.messages().len();
    assert!(
        before < PEOPLE,
        "the crash came after the bulk send ({before})"
    );

    // Resumed: sending again queues nothing new, delivery finishes after the lease runs out.
    let again = ok(&data, &send);
    assert!(
        again.contains(&format!("0 e-mail(s) queued, {PEOPLE} queued before")),
        "{again}"
    );
    std::thread::sleep(Duration::from_millis(3_200));
    ok(&data, &["outbox", "deliver", "--once"]);
    let mails = sink.messages();
    let ids: BTreeSet<String> = mails
        .iter()
        .filter_map(|m| header(m, "Message-ID"))
        .collect();
    let to: BTreeSet<String> = mails.iter().filter_map(|m| header(m, "To")).collect();
    assert_eq!(ids.len(), PEOPLE);
    assert_eq!(to.len(), PEOPLE);
    // At most the one message in flight at the kill may arrive twice, with the same Message-ID.
    assert!(mails.len() <= PEOPLE + 1, "{} mails", mails.len());
    assert!(mails.iter().all(|m| !m.contains("Your card")));
}

#[test]
fn letters_are_printed_and_calls_recorded_once_the_gates_pass() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = d.join("data");
    ok(&data, &["init"]);
    let key = open(
        &data,
        &[
            "--title",
            "Printed orders left in a shared office",
            "--type",
            "other",
        ],
    );
    let template = write(
        d,
        "letter.j2",
        "Dear {{ recipient.name }},\nwe lost a laptop ({{ incident.key }}).\n",
    );
    let csv = write(
        d,
        "people.csv",
        "name,channel,email,phone,address\nAna <Ruiz>,letter,,,\"1 Main St\nSpringfield\"\nBo,phone,,+1 206 555 0199,\nCy,email,cy@example.org,,\n",
    );
    ok(
        &data,
        &[
            "notice",
            "draft",
            &key,
            "--audience",
            "customer",
            "--subject",
            "A lost laptop",
            "--template",
            &template,
            "--recipients",
            &csv,
        ],
    );
    let record = |recipient: &str, outcome: &str| {
        rampart(
            &data,
            &[
                "notice",
                "record",
                &key,
                "2",
                "--recipient",
                recipient,
                "--outcome",
                outcome,
            ],
        )
    };
    let early = String::from_utf8_lossy(&record("1", "reached").stderr).into_owned();
    assert!(early.contains("rampart notice send"), "{early}");
    let html = d.join("letters.html");
    let letter = [
        "notice",
        "letter",
        &key,
        "2",
        "--out",
        html.to_str().unwrap(),
    ];
    let err = fails(&data, &letter);
    assert!(err.contains("not passed its gates"), "{err}");
    ok(&data, &["notice", "approve", &key, "2"]);
    let sent = ok(&data, &["notice", "send", &key, "2"]);
    assert!(
        sent.contains("0 e-mail(s) queued") || sent.contains("1 e-mail(s) queued"),
        "{sent}"
    );
    assert!(sent.contains("2 by letter, phone or in person"), "{sent}");
    ok(&data, &letter);
    let letters = std::fs::read_to_string(&html).unwrap();
    assert!(
        letters.contains("Ana &lt;Ruiz&gt;\n1 Main St\nSpringfield"),
        "{letters}"
    );
    assert!(letters.contains("Dear Ana &lt;Ruiz&gt;"), "{letters}");
    assert_eq!(record("0", "mailed").status.code(), Some(0));
    assert_eq!(record("1", "reached").status.code(), Some(0));
    let by_email = String::from_utf8_lossy(&record("2", "reached").stderr).into_owned();
    assert!(
        by_email.contains("by letter, phone or in person"),
        "{by_email}"
    );
    let notices = json(&data, &["notice", "list", &key]);
    let contacts = notices[0]["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0]["outcome"], "mailed");
    assert_eq!(contacts[1]["by"], "alice");
}

#[test]
fn the_team_library_keeps_every_version_and_drafts_from_the_latest() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bad = write(dir.path(), "bad.j2", "Hi {{ recipient.ssn }}");
    let err = fails(
        &data,
        &["notice", "template", "save", "letter", "--file", &bad],
    );
    assert!(
        err.contains("bad.j2:1:") && err.contains("unknown field"),
        "{err}"
    );
    let first = write(dir.path(), "v1.j2", "Dear {{ recipient.name }},");
    let second = write(
        dir.path(),
        "v2.j2",
        "Dear {{ recipient.name }}, about {{ incident.key }}.",
    );
    ok(
        &data,
        &["notice", "template", "save", "letter", "--file", &first],
    );
    let saved = ok(
        &data,
        &["notice", "template", "save", "letter", "--file", &second],
    );
    assert!(saved.contains("version 2"), "{saved}");
    let listed = json(&data, &["notice", "template", "list"]);
    assert_eq!(listed[0]["name"], "letter");
    assert_eq!(listed[0]["version"], 2);
    let key = open(
        &data,
        &["--title", "Records copied", "--type", "unauthorized_access"],
    );
    let people = write(
        dir.path(),
        "people.csv",
        "name,channel,email\nAda,email,ada@example.org\n",
    );
    let draft = [
        "notice",
        "draft",
        &key,
        "--audience",
        "affected_people",
        "--subject",
        "S",
    ];
    let mut args = draft.to_vec();
    args.extend(["--library", "letter", "--recipients", &people]);
    ok(&data, &args);
    let notices = json(&data, &["notice", "list", &key]);
    assert_eq!(notices[0]["template"], "letter v2");
    assert_eq!(
        notices[0]["versions"][0],
        "Dear {{ recipient.name }}, about {{ incident.key }}."
    );
    let mut missing = draft.to_vec();
    missing.extend(["--library", "nope", "--recipients", &people]);
    let err = fails(&data, &missing);
    assert!(err.contains("no such template"), "{err}");
}
