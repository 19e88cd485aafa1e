//! Correlation rules over fixtures: every type, group-by, aliases and window edges.

use jiff::{SignedDuration, Timestamp};
use rampart_sigma::{CorrelationDetection, CorrelationEngine, Document, Event, Matches, RuleSet};
use serde_json::{Value, json};

use super::common::data;

const BASE: &str = r#"
title: Failed logon
name: failed_logon
logsource: {}
detection:
    sel: {action: fail}
    condition: sel
---
title: Process started
name: process_started
logsource: {}
detection:
    sel: {action: start}
    condition: sel
---
title: Connection
name: connection
logsource: {}
detection:
    sel: {action: connect}
    condition: sel
"#;

fn rules(correlation: &str) -> RuleSet {
    let (rules, report) = RuleSet::builder()
        .add_str("fixture.yml", format!("{BASE}---\n{correlation}"))
        .build()
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(report.correlation_rules, 1);
    rules
}

fn t0() -> Timestamp {
    "2024-03-01T10:00:00Z".parse().unwrap()
}

fn at(secs: i64) -> Timestamp {
    t0() + SignedDuration::from_secs(secs)
}

/// Runs the events (time offset in seconds, event) through detection and correlation.
fn run(rules: &RuleSet, events: &[(i64, Value)]) -> Vec<CorrelationDetection> {
    let mut engine = CorrelationEngine::new(rules);
    let mut out = Vec::new();
    let mut matches = Matches::default();
    for (secs, json) in events {
        let document = Document::from_value(json);
        let event = Event::new(&document);
        rules.evaluate(&event, &mut matches);
        for rule in matches.as_slice() {
            engine.observe(*rule, &event, at(*secs), &mut out);
        }
    }
    engine.finish(&mut out);
    out
}

fn groups(found: &[CorrelationDetection]) -> Vec<String> {
    found
        .iter()
        .map(|d| {
            d.group
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

#[test]
fn event_count_fires_inside_the_timespan_and_not_just_outside() {
    let rules = rules(
        "title: Brute force\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  group-by: [user]\n  timespan: 10m\n  condition: {gte: 3}\nlevel: high\n",
    );
    let fail = |user: &str| json!({"action": "fail", "user": user});
    let found = run(
        &rules,
        &[
            (0, fail("alice")),
            (0, fail("bob")),
            (300, fail("alice")),
            (300, fail("bob")),
            (600, fail("alice")), // exactly 10 minutes after the first: inside
            (601, fail("bob")),   // one second too late: the first bob event has left
            (610, fail("carol")),
        ],
    );
    assert_eq!(groups(&found), ["alice"]);
    assert_eq!(found[0].events, 3);
    assert_eq!((found[0].first, found[0].last), (at(0), at(600)));
    let correlation = rules.rule(found[0].rule);
    assert_eq!(correlation.title, "Brute force");
    let base = rules.find("failed_logon").unwrap();
    assert!(
        !rules.rule(base).generate,
        "referenced rules do not report on their own by default"
    );
}

#[test]
fn value_count_counts_distinct_values() {
    let rules = rules(
        "title: Spray\ncorrelation:\n  type: value_count\n  rules: [failed_logon]\n  group-by: [source]\n  timespan: 1h\n  condition: {field: user, gte: 3}\n  generate: true\n",
    );
    let fail = |src: &str, user: &str| json!({"action": "fail", "source": src, "user": user});
    let found = run(
        &rules,
        &[
            (0, fail("10.0.0.1", "a")),
            (1, fail("10.0.0.1", "a")),
            (2, fail("10.0.0.1", "b")),
            (3, fail("10.0.0.2", "a")),
            (4, fail("10.0.0.2", "b")),
            (5, fail("10.0.0.2", "b")),
            (3599, fail("10.0.0.1", "c")),
        ],
    );
    assert_eq!(groups(&found), ["10.0.0.1"]);
    assert_eq!(found[0].value, 3.0);
    assert!(rules.rule(rules.find("failed_logon").unwrap()).generate);
}

#[test]
fn temporal_needs_every_rule_within_the_timespan() {
    let rules = rules(
        "title: Logon then process\ncorrelation:\n  type: temporal\n  rules: [failed_logon, process_started]\n  group-by: [host]\n  timespan: 5m\n",
    );
    let found = run(
        &rules,
        &[
            (0, json!({"action": "start", "host": "a"})),
            (240, json!({"action": "fail", "host": "a"})),
            (0, json!({"action": "fail", "host": "b"})),
            (301, json!({"action": "start", "host": "b"})),
        ],
    );
    assert_eq!(groups(&found), ["a"]);
}

#[test]
fn temporal_ordered_needs_the_listed_order() {
    let rules = rules(
        "title: Fail then start\ncorrelation:\n  type: temporal_ordered\n  rules: [failed_logon, process_started]\n  group-by: [host]\n  timespan: 5m\n",
    );
    let found = run(
        &rules,
        &[
            (0, json!({"action": "fail", "host": "a"})),
            (10, json!({"action": "start", "host": "a"})),
            (0, json!({"action": "start", "host": "b"})),
            (10, json!({"action": "fail", "host": "b"})),
        ],
    );
    assert_eq!(groups(&found), ["a"]);
}

#[test]
fn value_sum_and_average_and_percentile_are_decided_per_window() {
    let sum = rules(
        "title: Exfil\ncorrelation:\n  type: value_sum\n  rules: [connection]\n  group-by: [host]\n  timespan: 1h\n  condition: {field: bytes, gt: 1000}\n",
    );
    let conn = |host: &str, bytes: i64| json!({"action": "connect", "host": host, "bytes": bytes});
    let found = run(
        &sum,
        &[
            (0, conn("a", 600)),
            (3600, conn("a", 500)),
            (0, conn("b", 600)),
            (3601, conn("b", 500)),
        ],
    );
    assert_eq!(groups(&found), ["a"]);
    assert_eq!(found[0].value, 1100.0);

    let avg = rules(
        "title: Slow\ncorrelation:\n  type: value_avg\n  rules: [connection]\n  group-by: [host]\n  timespan: 1h\n  condition: {field: bytes, gte: 200}\n",
    );
    let found = run(
        &avg,
        &[
            (0, conn("a", 100)),
            (1, conn("a", 300)),
            (0, conn("b", 100)),
            (1, conn("b", 299)),
        ],
    );
    assert_eq!(groups(&found), ["a"]);
    assert_eq!(found[0].value, 200.0);

    let pct = rules(
        "title: Tail\ncorrelation:\n  type: value_percentile\n  rules: [connection]\n  group-by: [host]\n  timespan: 1h\n  condition: {field: bytes, percentile: 90, gte: 900}\n",
    );
    let mut events: Vec<(i64, Value)> = (1..=10).map(|i| (i, conn("a", i * 100))).collect();
    events.extend((1..=10).map(|i| (i, conn("b", if i == 10 { 5000 } else { i * 10 }))));
    let found = run(&pct, &events);
    assert_eq!(groups(&found), ["a"], "the 90th percentile of b is 90");
    assert_eq!(found[0].value, 900.0);
}

#[test]
fn event_count_below_a_bound_is_decided_when_the_window_closes() {
    let rules = rules(
        "title: Quiet\ncorrelation:\n  type: event_count\n  rules: [connection]\n  group-by: [host]\n  timespan: 10m\n  condition: {lt: 2}\n",
    );
    let conn = |host: &str| json!({"action": "connect", "host": host});
    let found = run(
        &rules,
        &[
            (0, conn("a")),
            (0, conn("b")),
            (60, conn("b")),
            (900, conn("b")),
        ],
    );
    // a: one event; b: a window of two, then a new window with one.
    assert_eq!(groups(&found), ["a", "b"]);
    assert_eq!(found[1].first, at(900));
}

#[test]
fn aliases_join_fields_of_different_names() {
    let rules = rules(
        "title: Same address\ncorrelation:\n  type: temporal\n  rules: [failed_logon, connection]\n  group-by: [ip]\n  timespan: 5m\n  aliases:\n    ip:\n      failed_logon: src_ip\n      connection: dest_ip\n",
    );
    let found = run(
        &rules,
        &[
            (0, json!({"action": "fail", "src_ip": "10.1.1.1"})),
            (10, json!({"action": "connect", "dest_ip": "10.1.1.1"})),
            (20, json!({"action": "connect", "dest_ip": "10.9.9.9"})),
        ],
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].group, [("ip".to_owned(), "10.1.1.1".to_owned())]);
}

#[test]
fn correlation_of_an_unknown_rule_is_rejected() {
    let (_, report) = RuleSet::builder()
        .add_str(
            "c.yml",
            "title: X\ncorrelation:\n  type: event_count\n  rules: [missing]\n  timespan: 1m\n  condition: {gte: 1}\n",
        )
        .build()
        .unwrap();
    assert_eq!(report.rejected.len(), 1);
    assert!(report.rejected[0].to_string().contains("missing"));
}

/// sshd brute force over the loghub OpenSSH sample: at least 10 failed passwords from one address
/// within 5 minutes.
#[test]
fn sshd_brute_force_over_loghub_openssh() {
    let (rules, report) = RuleSet::builder()
        .add_str(
            "sshd.yml",
            r#"
title: SSH failed password
name: sshd_failed_password
logsource: {product: linux, service: sshd}
detection:
    keywords: ['Failed password']
    condition: keywords
---
title: SSH brute force
correlation:
    type: event_count
    rules: [sshd_failed_password]
    group-by: [rhost]
    timespan: 5m
    condition: {gte: 10}
level: high
"#,
        )
        .build()
        .unwrap();
    assert!(report.rejected.is_empty());
    let text = std::fs::read_to_string(data().join("loghub/OpenSSH/OpenSSH_2k.log")).unwrap();
    let mut engine = CorrelationEngine::new(&rules);
    let mut matches = Matches::default();
    let mut found = Vec::new();
    let mut failed = 0;
    for line in text.lines() {
        // Fixture-side parsing of "Dec 10 06:55:46 LabSZ sshd[24200]: ... from 1.2.3.4 port ..".
        let stamp = format!("2015 {}", &line[..15]);
        let time = jiff::civil::DateTime::strptime("%Y %b %d %H:%M:%S", &stamp)
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp();
        let rhost = line
            .split(" from ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap_or("");
        let json = json!({"message": &line[16..], "rhost": rhost});
        let document = Document::from_value(&json);
        let event = Event::new(&document);
        rules.evaluate(&event, &mut matches);
        for rule in matches.as_slice() {
            failed += 1;
            engine.observe(*rule, &event, time, &mut found);
        }
    }
    engine.finish(&mut found);
    assert_eq!(failed, 520);
    let mut per_host: Vec<(String, usize)> = Vec::new();
    for d in &found {
        match per_host.iter_mut().find(|(h, _)| *h == d.group[0].1) {
            Some((_, n)) => *n += 1,
            None => per_host.push((d.group[0].1.clone(), 1)),
        }
    }
    per_host.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    // Cross-checked with an independent script over the same lines (sliding 5-minute window,
    // a group starts afresh after it fires).
    let expected = [
        ("183.62.140.253", 28),
        ("187.141.143.180", 8),
        ("103.99.0.122", 4),
        ("112.95.230.3", 2),
        ("185.190.58.151", 1),
        ("5.188.10.180", 1),
    ];
    let expected: Vec<(String, usize)> = expected
        .iter()
        .map(|(h, n)| ((*h).to_owned(), *n))
        .collect();
    assert_eq!(per_host, expected);
}
