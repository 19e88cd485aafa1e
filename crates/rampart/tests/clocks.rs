//! Notification clocks from the command line with the real binary on SQLite: regimes enabled in
//! rampart.toml, facts recorded, due times across a daylight-saving change and a weekend, clocks
//! ended as met or missed, a moved timestamp that says which clocks moved, and refused input.
#![allow(clippy::unwrap_used)]

mod common;

use common::Data;
use serde_json::Value;

/// A data directory whose company enables `regimes`, counting days in New York.
fn company(regimes: &str) -> Data {
    let data = Data::new();
    let settings = format!(
        "incident_types = []\n[clocks]\nregimes = {regimes}\nzone = \"America/New_York\"\nfile = \"regimes.toml\"\n"
    );
    std::fs::write(data.data.join("rampart.toml"), settings).unwrap();
    std::fs::write(data.data.join("regimes.toml"), "catalog = \"acme-1\"\n").unwrap();
    data
}

/// An incident with Amazon Information and personal data of 600 Californians, detected on
/// Thursday 5 March 2026, confirmed and determined material on Friday 6 March: the weekend
/// after it is the one U.S. clocks spring forward.
fn breach(data: &Data) -> String {
    let key = data
        .ok(&[
            "incident",
            "open",
            "--title",
            "Order export by a stolen API key",
            "--type",
            "data_breach",
            "--amazon-data",
            "--personal-data",
            "--detected",
            "2026-03-05T09:00:00-05:00",
        ])
        .trim()
        .to_owned();
    data.ok(&[
        "incident",
        "transition",
        &key,
        "triage",
        "--at",
        "2026-03-06T09:00:00-05:00",
    ]);
    let confirmed = "2026-03-06T10:00:00-05:00";
    data.ok(&[
        "incident",
        "transition",
        &key,
        "confirmed",
        "--at",
        confirmed,
    ]);
    data.ok(&[
        "incident",
        "facts",
        &key,
        "--residents",
        "US-CA=600",
        "--residents",
        "DE=12",
        "--materiality-determined",
        "2026-03-06T16:00:00-05:00",
    ]);
    key
}

fn clock<'a>(clocks: &'a Value, id: &str) -> &'a Value {
    clocks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no clock {id} in {clocks:#}"))
}

#[test]
fn clocks_json_shows_each_clock_due_across_dst_and_a_weekend() {
    let data = company(r#"["amazon_incident", "gdpr", "us_ca", "sec_8k"]"#);
    let key = breach(&data);
    let clocks = data.json(&["clocks"]);
    let due = |id: &str| clock(&clocks, id)["due"].as_str().unwrap().to_owned();
    // 24 elapsed hours from detection.
    assert_eq!(due("amazon_incident.notice"), "2026-03-06T09:00:00-05:00");
    // 72 elapsed hours from Friday 10:00 EST, across the weekend and the change to EDT.
    assert_eq!(due("gdpr.art33"), "2026-03-09T11:00:00-04:00");
    // 30 calendar days keep the wall-clock time: 09:00, now daylight time.
    assert_eq!(due("us_ca.residents"), "2026-04-04T09:00:00-04:00");
    // 600 Californians: the Attorney General's copy, provisional until the residents are told.
    let ag = clock(&clocks, "us_ca.attorney_general");
    assert_eq!(ag["due"], "2026-04-19T09:00:00-04:00");
    assert_eq!(ag["provisional"], true);
    // 4 business days from Friday: Monday to Thursday, 17:30 in New York.
    assert_eq!(due("sec_8k.item_1_05"), "2026-03-12T17:30:00-04:00");
    let sec = clock(&clocks, "sec_8k.item_1_05");
    assert_eq!(sec["zone"], "America/New_York");
    assert_eq!(sec["regime"], "sec_8k");
    assert_eq!(sec["incident"], key.as_str());
    assert_eq!(sec["checked"], "2026-11-23");
    // Without undue delay: no due time, listed after the clocks that have one.
    let art34 = clock(&clocks, "gdpr.art34");
    assert!(art34["due"].is_null());
    assert_eq!(art34["status"], "no_deadline");
    // All of March is past: every dated clock is overdue, sorted most overdue first.
    let left: Vec<i64> = clocks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["seconds_left"].as_i64())
        .collect();
    assert_eq!(left.len(), 5);
    assert!(left.windows(2).all(|w| w[0] <= w[1]), "{left:?}");
    assert!(left.iter().all(|s| *s < 0));
    assert_eq!(clocks[0]["id"], "amazon_incident.notice");
    assert_eq!(clocks[0]["status"], "overdue");
    assert_eq!(clocks[0]["threshold"], "overdue");
    // The same clocks in the incident, with the table for people.
    let shown = data.json(&["incident", "show", &key]);
    assert_eq!(shown["clocks"].as_array().unwrap().len(), 6);
    let table = data.ok(&["clocks"]);
    assert!(table.starts_with("INCIDENT"), "{table}");
    assert!(table.contains("OVERDUE"), "{table}");
}

#[test]
fn clocks_end_met_with_proof_or_missed_with_a_reason() {
    let data = company(r#"["amazon_incident", "gdpr"]"#);
    let key = breach(&data);
    let note = data.run(&["incident", "note", &key, "E-mailed security@amazon.com."]);
    assert!(note.status.success());
    let entry = data.json(&["incident", "show", &key])["log"]
        .as_array()
        .unwrap()
        .len()
        .to_string();
    data.ok(&[
        "clocks",
        "met",
        &key,
        "amazon_incident.notice",
        "--entry",
        &entry,
        "--at",
        "2026-03-05T20:00:00-05:00",
    ]);
    data.ok(&[
        "clocks",
        "missed",
        &key,
        "gdpr.art33",
        "--reason",
        "the supervisory authority's portal was down",
    ]);
    let open = data.json(&["clocks"]);
    let ids: Vec<&str> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["gdpr.art34"]);
    let all = data.json(&["clocks", "--all"]);
    assert_eq!(clock(&all, "amazon_incident.notice")["status"], "met");
    assert_eq!(
        clock(&all, "amazon_incident.notice")["outcome"]["proof"]["entry"],
        entry.parse::<u64>().unwrap()
    );
    assert_eq!(clock(&all, "gdpr.art33")["status"], "missed");
    // A clock ends once; a missed clock needs a reason; a clock must be one of the incident's.
    let twice = data.fails(
        1,
        &[
            "clocks",
            "met",
            &key,
            "amazon_incident.notice",
            "--entry",
            "1",
        ],
    );
    assert!(twice.contains("already ended"), "{twice}");
    let no_reason = data.fails(
        1,
        &["clocks", "missed", &key, "gdpr.art34", "--reason", " "],
    );
    assert!(no_reason.contains("reason"), "{no_reason}");
    let unknown = data.fails(
        1,
        &["clocks", "met", &key, "hipaa.individuals", "--entry", "1"],
    );
    assert!(
        unknown.contains("hipaa.individuals") && unknown.contains("gdpr.art34"),
        "{unknown}"
    );
    let no_proof = data.fails(1, &["clocks", "met", &key, "gdpr.art34"]);
    assert!(no_proof.contains("--entry"), "{no_proof}");
    data.ok(&["verify"]);
}

#[test]
fn moving_the_detection_time_needs_a_reason_and_the_entry_names_the_clocks_moved() {
    let data = company(r#"["amazon_incident"]"#);
    let key = breach(&data);
    let refused = data.fails(
        1,
        &[
            "incident",
            "update",
            &key,
            "--detected",
            "2026-03-05T07:00:00-05:00",
        ],
    );
    assert!(refused.contains("needs a reason"), "{refused}");
    data.ok(&[
        "incident",
        "update",
        &key,
        "--detected",
        "2026-03-05T07:00:00-05:00",
        "--reason",
        "the first alert fired at 07:00",
    ]);
    let log = data.json(&["incident", "show", &key])["log"].clone();
    let last = log.as_array().unwrap().last().unwrap();
    assert_eq!(last["payload"]["reason"], "the first alert fired at 07:00");
    assert_eq!(
        last["text"],
        "clocks recomputed: amazon_incident.notice due 2026-03-06T09:00:00-05:00 -> 2026-03-06T07:00:00-05:00"
    );
    let clocks = data.json(&["clocks"]);
    assert_eq!(
        clock(&clocks, "amazon_incident.notice")["due"],
        "2026-03-06T07:00:00-05:00"
    );
}

#[test]
fn bad_facts_and_regime_files_are_refused_with_place_and_reason() {
    let data = company(r#"["amazon_incident"]"#);
    let key = breach(&data);
    let region = data.fails(
        1,
        &["incident", "facts", &key, "--residents", "California=5"],
    );
    assert!(
        region.contains("California") && region.contains("US-CA"),
        "{region}"
    );
    let count = data.fails(1, &["incident", "facts", &key, "--residents", "US-CA=many"]);
    assert!(count.contains("whole number"), "{count}");
    let future = data.fails(
        1,
        &[
            "incident",
            "facts",
            &key,
            "--legal-process-received",
            "2099-01-01T00:00:00Z",
        ],
    );
    assert!(future.contains("future"), "{future}");
    let moved = data.fails(
        1,
        &[
            "incident",
            "facts",
            &key,
            "--materiality-determined",
            "2026-03-06T17:00:00-05:00",
        ],
    );
    assert!(moved.contains("reason"), "{moved}");
    std::fs::write(
        data.data.join("regimes.toml"),
        "[[regimes]]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\nsource = \"s\"\nchecked = \"2026-11-23\"\ntriggers = [\"amazon_info\"]\ndeadlines = []\n",
    )
    .unwrap();
    let file = data.fails(1, &["clocks"]);
    assert!(
        file.contains("regimes.toml:7") && file.contains("amazon_info"),
        "{file}"
    );
    std::fs::write(data.data.join("regimes.toml"), "").unwrap();
    std::fs::write(
        data.data.join("rampart.toml"),
        "[clocks]\nregimes = [\"amazon_incident\", \"us_zz\"]\n",
    )
    .unwrap();
    let setting = data.fails(1, &["clocks"]);
    assert!(
        setting.contains("us_zz") && setting.contains("us_ca"),
        "{setting}"
    );
}

#[test]
fn each_legal_process_request_starts_its_own_amazon_clock_and_holds_are_registered() {
    let data = company(r#"["amazon_incident", "amazon_legal_process"]"#);
    let key = breach(&data);
    let subpoena = |received: &str| {
        let args = [
            "register",
            "legal-process",
            &key,
            "--requester",
            "King County Superior Court",
            "--instrument",
            "subpoena",
            "--scope",
            "orders of seller A1",
            "--received",
            received,
        ];
        let out = data.run(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let said = subpoena("2026-03-07T10:00:00-05:00");
    assert!(
        said.contains("amazon_legal_process.notice started, due 2026-03-08T11:00:00-04:00"),
        "{said}"
    );
    let said = subpoena("2026-03-10T08:30:00-04:00");
    assert!(
        said.contains("amazon_legal_process.notice_2 started, due 2026-03-11T08:30:00-04:00"),
        "{said}"
    );
    let clocks = data.json(&["clocks"]);
    assert_eq!(
        clock(&clocks, "amazon_legal_process.notice_2")["recipients"],
        clock(&clocks, "amazon_legal_process.notice")["recipients"]
    );

    data.ok(&[
        "register",
        "law-enforcement",
        &key,
        "--agency",
        "FBI Seattle",
        "--contact",
        "SA Reyes",
        "--case-number",
        "SE-118",
        "--referred",
        "2026-03-07T12:00:00-05:00",
        "--shared",
        "access logs",
        "--request",
        "hold customer notices",
    ]);
    let registers = data.json(&["register", "list", &key]);
    let engagement = registers["law_enforcement"][0]["id"]
        .as_u64()
        .unwrap()
        .to_string();
    data.ok(&[
        "register",
        "hold",
        &key,
        "--engagement",
        &engagement,
        "--officer",
        "SA Reyes",
        "--requested-on",
        "2026-03-07T12:30:00-05:00",
    ]);
    let registers = data.json(&["register", "list", &key]);
    assert_eq!(registers["legal_process"].as_array().unwrap().len(), 2);
    assert!(registers["holds"][0]["lifted"].is_null());
    let hold = registers["holds"][0]["id"].as_u64().unwrap().to_string();
    let err = data.fails(1, &["register", "lift", &key, &hold, "--reason", ""]);
    assert!(err.contains("reason for lifting the hold"), "{err}");
    let err = data.fails(
        1,
        &[
            "register",
            "legal-process",
            &key,
            "--requester",
            "Court",
            "--instrument",
            "order",
            "--scope",
            "all",
            "--received",
            "2099-01-01T00:00:00Z",
        ],
    );
    assert!(
        err.contains("legal process received") && err.contains("future"),
        "{err}"
    );
    data.ok(&[
        "register",
        "lift",
        &key,
        &hold,
        "--reason",
        "released in writing",
    ]);
    let table = data.ok(&["register", "list", &key]);
    assert!(table.contains("lifted by alice"), "{table}");
}

#[test]
fn reminders_are_queued_once_per_clock_and_threshold_with_escalation_when_overdue() {
    let data = company(r#"["amazon_incident", "gdpr"]"#);
    let err = data.fails(1, &["clocks", "remind"]);
    assert!(err.contains("[clocks] remind"), "{err}");
    let settings = std::fs::read_to_string(data.data.join("rampart.toml")).unwrap();
    let settings = settings.replace(
        "[clocks]\n",
        "[clocks]\nremind = [\"ir@example.org\"]\nescalate = [\"ciso@example.org\"]\n",
    );
    std::fs::write(data.data.join("rampart.toml"), settings).unwrap();
    breach(&data);
    let run = || String::from_utf8_lossy(&data.run(&["clocks", "remind"]).stderr).into_owned();
    let first = run();
    // Both dated clocks are overdue (gdpr.art34 has no due time: no reminder).
    assert!(first.contains("2 reminder(s) queued, 0 already"), "{first}");
    let again = run();
    assert!(again.contains("0 reminder(s) queued, 2 already"), "{again}");
    let outbox = data.json(&["outbox", "list"]);
    let messages = outbox.as_array().unwrap();
    assert_eq!(messages.len(), 2);
    let amazon = messages
        .iter()
        .find(|m| {
            m["subject"]
                .as_str()
                .unwrap()
                .contains("amazon_incident.notice")
        })
        .unwrap();
    assert!(amazon["subject"].as_str().unwrap().contains("OVERDUE"));
    assert_eq!(
        amazon["to"],
        serde_json::json!(["ir@example.org", "ciso@example.org"])
    );
}
