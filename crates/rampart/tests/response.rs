//! The plan run from the command line on SQLite: `init` stores the default plan; a staffed plan
//! is applied, compared and reviewed; a high-severity unauthorized access with Amazon Information
//! activates the team (tasks with owners and due times, roles from the rotation, a page to the
//! on-call commander); identification, tasks, acknowledgement and training; bad input refused
//! with nothing written. The service delivers the page to a real SMTP server and escalates it
//! when nobody acknowledges.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::Data;
use rampart_testkit::smtp::{Security, Sink, header};

/// The default plan with ana and ben taking turns as commander and cy as the IMPOC.
fn staffed_plan() -> String {
    let text = rampart_plan::DEFAULT_PLAN_TOML
        .replacen("members = []", "members = [\"ana\", \"ben\"]", 1)
        .replacen("members = []", "members = [\"cy\"]", 1);
    format!(
        "{text}
[members.ana]
name = \"Ana Example\"
email = \"ana@example.org\"
roles = [\"commander\", \"technical_lead\"]

[members.ben]
name = \"Ben Example\"
email = \"ben@example.org\"
roles = [\"commander\", \"scribe\"]

[members.cy]
name = \"Cy Example\"
email = \"cy@example.org\"
roles = [\"impoc\", \"legal_privacy\", \"communications_lead\"]
"
    )
}

#[test]
fn init_stores_the_default_plan_and_apply_adds_versions() {
    let d = Data::new();
    let status = d.json(&["plan", "status"]);
    assert_eq!(status["version"], 1);
    assert_eq!(status["review"]["state"], "current");
    assert_eq!(status["plan_log"]["verified"], true);
    let written = d.data.join("plan.toml");
    d.ok(&["plan", "validate", written.to_str().unwrap()]);
    d.ok(&["init"]);
    assert_eq!(d.json(&["plan", "history"]).as_array().unwrap().len(), 1);

    let file = d.file("staffed.toml", &staffed_plan());
    let out = d.ok(&["plan", "apply", &file, "--reason", "the team"]);
    assert!(out.contains("plan version 2 applied"), "{out}");
    let out = d.ok(&["plan", "apply", &file]);
    assert!(out.contains("nothing applied"), "{out}");
    let changes = d.json(&["plan", "diff", "--from", "1"]);
    let paths: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"members.ana"), "{paths:?}");
    assert!(paths.contains(&"rotations.commander.members"), "{paths:?}");
    assert_eq!(d.ok(&["plan", "diff", &file]).trim(), "no differences");
    let shown = d.json(&["plan", "show", "--plan-version", "1"]);
    assert_eq!(shown["members"], serde_json::json!({}));

    let broken = d.file(
        "broken.toml",
        &staffed_plan().replacen("ack_within = \"15m\"", "ack_within = \"soon\"", 1),
    );
    let err = d.fails(1, &["plan", "apply", &broken]);
    assert!(
        err.contains("broken.toml:") && err.contains("soon"),
        "{err}"
    );
    assert_eq!(d.json(&["plan", "history"]).as_array().unwrap().len(), 2);
    d.fails(2, &["plan", "show", "--plan-version", "9"]);

    d.ok(&[
        "plan",
        "change",
        "moved the order database to a new AWS account",
    ]);
    assert_eq!(d.json(&["plan", "status"])["review"]["state"], "due");
    d.fails(1, &["plan", "review", "--approver", " "]);
    d.ok(&[
        "plan",
        "review",
        "--approver",
        "Carol Example (CEO)",
        "--notes",
        "ok",
    ]);
    let status = d.json(&["plan", "status"]);
    assert_eq!(status["review"]["state"], "current");
    assert_eq!(status["review"]["last_review"]["version"], 2);
}

/// Opens a high-severity unauthorized access with Amazon Information; returns its key.
fn open_high_amazon_incident(d: &Data) -> String {
    d.ok(&[
        "incident",
        "open",
        "--title",
        "Unknown SP-API calls",
        "--type",
        "unauthorized_access",
        "--amazon-data",
        "--severity",
        "high",
    ])
    .trim()
    .to_owned()
}

#[test]
fn a_high_severity_amazon_incident_activates_the_team_and_pages_the_commander() {
    let d = Data::new();
    d.ok(&["plan", "apply", &d.file("staffed.toml", &staffed_plan())]);
    let key = open_high_amazon_incident(&d);
    d.ok(&["incident", "activate", &key]);
    let tasks = d.json(&["task", "list", &key]);
    let tasks = tasks.as_array().unwrap();
    let find = |id: &str| tasks.iter().find(|t| t["task"] == id).unwrap().clone();
    let notify = find("notify_amazon");
    assert_eq!(notify["owner"], "cy");
    assert_eq!(notify["role"], "impoc");
    assert!(notify["due"].is_string(), "due from detection: {notify}");
    assert!(
        find("activate_team")["due"].is_null(),
        "due from confirmation, not yet known"
    );
    find("report_to_law_enforcement");
    find("contain_filter_traffic");

    let incident = d.json(&["incident", "show", &key]);
    let commander = incident["incident"]["roles"]["commander"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(["ana", "ben"].contains(&commander.as_str()), "{commander}");
    let pages = d.json(&["page", "list", "--open"]);
    let page = &pages[0]["page"];
    assert_eq!(page["step"], "on_call_commander");
    assert_eq!(page["recipients"][0]["member"], commander.as_str());

    let queued = d.sqlite("SELECT recipients, state, subject FROM outbox_messages");
    assert_eq!(queued.lines().count(), 1, "{queued}");
    assert!(
        queued.contains(&format!("{commander}@example.org")),
        "{queued}"
    );
    assert!(queued.contains("|pending|[Rampart] Page: INC-"), "{queued}");

    d.ok_as(&commander, &["page", "ack", &key]);
    assert!(
        d.json(&["page", "list", "--open"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    d.fails(1, &["page", "ack", &key]);

    d.ok_as("cy", &["task", "start", &key, "notify_amazon"]);
    d.ok_as("cy", &["task", "done", &key, "notify_amazon"]);
    d.fails(1, &["task", "skip", &key, "report_to_law_enforcement"]);
    d.ok(&["task", "skip", &key, "contain_reroute_traffic"]);
    d.ok(&[
        "task",
        "skip",
        &key,
        "contain_isolate_network",
        "--reason",
        "single host",
    ]);
    let tasks = d.json(&["task", "list", &key]);
    let status = |id: &str| {
        tasks
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["task"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("notify_amazon"), "done");
    assert_eq!(status("contain_reroute_traffic"), "skipped");
    assert!(d.json(&["verify"])["entries"].as_u64().unwrap() > 5);
}

#[test]
fn identification_confirms_with_a_yes_or_dismisses_with_a_reason() {
    let d = Data::new();
    d.ok(&["plan", "apply", &d.file("staffed.toml", &staffed_plan())]);
    let open = |title: &str| {
        d.ok(&["incident", "open", "--title", title, "--type", "other"])
            .trim()
            .to_owned()
    };
    let key = open("Odd mail to support");
    assert!(
        d.json(&["task", "list", &key])
            .as_array()
            .unwrap()
            .is_empty()
    );
    d.fails(1, &["incident", "identify", &key, "--answer", "aliens=yes"]);
    d.fails(
        1,
        &[
            "incident",
            "identify",
            &key,
            "--answer",
            "personal_data=maybe",
        ],
    );
    d.fails(1, &["incident", "identify", &key, "--confirm"]);
    let out = d.json(&[
        "incident",
        "identify",
        &key,
        "--answer",
        "amazon_information=yes",
        "--answer",
        "personal_data=no",
        "--functional-impact",
        "low",
        "--information-impact",
        "proprietary_breach",
        "--recoverability",
        "regular",
        "--confirm",
    ]);
    assert_eq!(out["state"], "confirmed");
    assert_eq!(out["severity"], "medium");
    assert_eq!(out["decision"]["decision"], "confirmed");
    assert!(out["confirmed"].is_string());
    let shown = d.json(&["incident", "show", &key]);
    assert_eq!(shown["incident"]["flags"]["amazon_information"], true);
    let tasks = d.json(&["task", "list", &key]);
    let tasks = tasks.as_array().unwrap();
    assert!(tasks.iter().any(|t| t["task"] == "notify_amazon"));
    let activate = tasks.iter().find(|t| t["task"] == "activate_team").unwrap();
    assert!(
        activate["due"].is_string(),
        "due from confirmation: {activate}"
    );

    let other = open("Printer offline");
    d.fails(1, &["incident", "identify", &other, "--dismiss", " "]);
    let out = d.json(&[
        "incident",
        "identify",
        &other,
        "--answer",
        "service_disruption=no",
        "--dismiss",
        "paper jam",
    ]);
    assert_eq!(out["state"], "dismissed");
    assert_eq!(out["decision"]["reason"], "paper jam");
}

#[test]
fn training_is_recorded_per_member_and_overdue_is_listed() {
    let d = Data::new();
    d.ok(&["plan", "apply", &d.file("staffed.toml", &staffed_plan())]);
    let overdue = d.json(&["training", "overdue"]);
    let before = overdue.as_array().unwrap().len();
    assert!(before > 0);
    d.ok(&[
        "training",
        "add",
        "cy",
        "amazon_reporting",
        "--completed",
        "2026-01-10",
    ]);
    let cy = d.json(&["training", "list", "--member", "cy"]);
    let amazon = cy
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["training"] == "amazon_reporting")
        .unwrap()
        .clone();
    assert_eq!(amazon["state"], "current");
    assert_eq!(amazon["expires"], "2027-01-10");
    assert_eq!(
        d.json(&["training", "overdue"]).as_array().unwrap().len(),
        before - 1
    );
    d.fails(1, &["training", "add", "zed", "amazon_reporting"]);
    d.fails(1, &["training", "add", "cy", "juggling"]);
    d.fails(
        1,
        &[
            "training",
            "add",
            "cy",
            "amazon_reporting",
            "--completed",
            "yesterday",
        ],
    );
    d.fails(
        1,
        &[
            "training",
            "add",
            "cy",
            "amazon_reporting",
            "--completed",
            "2999-01-01",
        ],
    );
}

/// `rampart serve` run over `data` until dropped, with its timed work every `escalate_every`
/// seconds.
struct Service(std::process::Child);

impl Service {
    fn start(d: &Data, escalate_every: &str) -> Service {
        Service::start_with(d, escalate_every, std::process::Stdio::null())
    }

    fn start_with(d: &Data, escalate_every: &str, stderr: std::process::Stdio) -> Service {
        let child = Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args(["serve", "--listen", "127.0.0.1:0", "--escalate-every"])
            .arg(escalate_every)
            .env("RAMPART_DATA_DIR", &d.data)
            .env_remove("RAMPART_DATABASE_URL")
            .stdout(std::process::Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap();
        Service(child)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Opening a high-severity unauthorized access with Amazon Information activates the team at
/// once; the service delivers the on-call commander's page to a real SMTP server and, left
/// unacknowledged past its window, escalates it on its own to the next step of the chain, which
/// pages the other commander too.
#[test]
fn the_service_delivers_the_page_and_escalates_it_when_nobody_acknowledges() {
    let Some(sink) = Sink::start(Security::Starttls) else {
        return;
    };
    let d = Data::new();
    let plan = staffed_plan().replacen("ack_within = \"15m\"", "ack_within = \"1m\"", 1);
    d.ok(&["plan", "apply", &d.file("staffed.toml", &plan)]);
    let settings = d.data.join("rampart.toml");
    let mut text = std::fs::read_to_string(&settings).unwrap();
    text.push_str(&format!(
        "\n[notify.smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\n\
         from = \"Rampart <rampart@example.org>\"\nca_file = {:?}\n",
        sink.port, sink.ca_file
    ));
    std::fs::write(&settings, text).unwrap();

    let opened = Instant::now();
    let key = open_high_amazon_incident(&d);
    let tasks = d.json(&["task", "list", &key]);
    let notify = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task"] == "notify_amazon")
        .expect("the playbook's tasks are created on opening");
    assert_eq!(
        (&notify["owner"], notify["due"].is_string()),
        (&"cy".into(), true)
    );
    let incident = d.json(&["incident", "show", &key]);
    let commander = incident["incident"]["roles"]["commander"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = if commander == "ana" { "ben" } else { "ana" };

    let _service = Service::start(&d, "1");
    let first = sink.wait_for_blocking(1);
    let to = header(&first[0], "To").unwrap();
    assert!(to.contains(&format!("<{commander}@example.org>")), "{to}");
    assert!(header(&first[0], "Subject").unwrap().contains(&key));
    assert_eq!(
        d.json(&["page", "list", "--open"])[0]["page"]["step"],
        "on_call_commander"
    );

    // Nobody acknowledges: a minute after the page, the service moves it to all commanders.
    std::thread::sleep(Duration::from_secs(62).saturating_sub(opened.elapsed()));
    let all = sink.wait_for_blocking(3);
    let to: Vec<String> = all[1..].iter().filter_map(|m| header(m, "To")).collect();
    assert!(
        to.iter()
            .any(|t| t.contains(&format!("<{other}@example.org>"))),
        "{to:?}"
    );
    let pages = d.json(&["page", "list", "--open"]);
    assert_eq!(pages[0]["page"]["step"], "all_commanders", "{pages}");
    let log = d.json(&["incident", "show", &key]);
    let escalated = log["log"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "incident.page_escalated")
        .expect("the escalation is in the log");
    assert_eq!(escalated["actor"], "rampart");
    d.ok_as(other, &["page", "ack", &key]);
    assert!(
        d.json(&["page", "list", "--open"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    d.ok(&["verify"]);
}

/// `rampart serve` on a fresh data directory writes what `rampart init` writes and puts the
/// default plan in force, so identification and activation work in the browser at once.
#[test]
fn the_service_on_a_fresh_data_directory_starts_with_the_default_plan() {
    use std::io::{BufRead as _, BufReader};
    let d = Data::empty();
    let mut service = Service::start_with(&d, "30", std::process::Stdio::piped());
    // Read on while the test runs, so the service never writes into a closed pipe.
    let mut lines = BufReader::new(service.0.stderr.take().unwrap()).lines();
    let serving = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains("serving on"));
    assert!(serving, "the service did not start");
    assert!(d.data.join("plan.toml").is_file() && d.data.join("rampart.toml").is_file());
    let history = d.json(&["plan", "history"]);
    assert_eq!(history[0]["event"]["kind"], "plan.applied", "{history}");
}
