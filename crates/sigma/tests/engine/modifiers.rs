//! Value semantics from the specification and pySigma: modifiers, wildcards, escapes, null,
//! keywords and condition precedence, checked through the public API on small rules.

use rampart_sigma::{Document, Event, LoadReport, Matches, RuleSet};
use serde_json::{Value, json};

/// A rule with no log source (so no precondition) and the given detection body.
fn rule(detection: &str) -> (RuleSet, LoadReport) {
    let yaml = format!(
        "title: Test\nid: 00000000-0000-0000-0000-000000000001\nlogsource: {{}}\ndetection:\n{detection}"
    );
    RuleSet::builder()
        .add_str("test.yml", yaml)
        .build()
        .unwrap()
}

fn matches(rules: &RuleSet, event: &Value) -> bool {
    let mut m = Matches::default();
    rules.evaluate(&Event::new(&Document::from_value(event)), &mut m);
    let mut naive = Matches::default();
    rules.evaluate_naive(&Event::new(&Document::from_value(event)), &mut naive);
    assert_eq!(m.as_slice(), naive.as_slice());
    !m.is_empty()
}

fn one(detection: &str) -> RuleSet {
    let (rules, report) = rule(detection);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    rules
}

#[test]
fn base64offset_gives_the_three_shifts_of_pysigma() {
    let rules = one("  sel:\n    CommandLine|base64offset|contains: foobar\n  condition: sel");
    for encoded in ["xZm9vYmFyx", "..Zvb2Jhc..", "__mb29iYX__"] {
        assert!(
            matches(&rules, &json!({"CommandLine": encoded})),
            "{encoded}"
        );
    }
    assert!(!matches(&rules, &json!({"CommandLine": "foobar"})));
}

#[test]
fn base64_and_wide_encode_before_matching() {
    let rules = one("  sel:\n    Data|base64: 'cmd'\n  condition: sel");
    assert!(matches(&rules, &json!({"Data": "Y21k"})));
    // utf16le "cmd" = 63 00 6d 00 64 00 → base64 "YwBtAGQA".
    let wide = one("  sel:\n    Data|wide|base64: 'cmd'\n  condition: sel");
    assert!(matches(&wide, &json!({"Data": "YwBtAGQA"})));
    let be = one("  sel:\n    Data|utf16be|base64: 'cmd'\n  condition: sel");
    assert!(matches(&be, &json!({"Data": "AGMAbQBk"})));
    let bom = one("  sel:\n    Data|utf16|base64: 'cmd'\n  condition: sel");
    assert!(matches(&bom, &json!({"Data": "//5jAG0AZAA="})));
}

#[test]
fn base64_of_a_wildcard_value_is_rejected() {
    let (_, report) = rule("  sel:\n    Data|base64: 'cm*'\n  condition: sel");
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].line, 6, "the line of `Data|base64`");
}

#[test]
fn windash_varies_only_dashes_at_flag_starts() {
    let rules = one("  sel:\n    CommandLine|windash: '-param-1 -param2'\n  condition: sel");
    let dashes = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];
    let mut seen = 0;
    for a in dashes {
        for b in dashes {
            assert!(matches(
                &rules,
                &json!({"CommandLine": format!("{a}param-1 {b}param2")})
            ));
            seen += 1;
        }
    }
    assert_eq!(seen, 25);
    assert!(
        !matches(&rules, &json!({"CommandLine": "-param/1 -param2"})),
        "inner dash is not a flag"
    );
}

#[test]
fn escapes_make_wildcards_and_backslashes_literal() {
    let star = one("  sel:\n    F: 'a\\*b'\n  condition: sel");
    assert!(matches(&star, &json!({"F": "a*b"})));
    assert!(!matches(&star, &json!({"F": "axxb"})));
    let question = one("  sel:\n    F: 'a\\?b'\n  condition: sel");
    assert!(matches(&question, &json!({"F": "a?b"})));
    assert!(!matches(&question, &json!({"F": "axb"})));
    let backslash = one("  sel:\n    F: 'C:\\\\*'\n  condition: sel");
    assert!(matches(&backslash, &json!({"F": "C:\\Windows"})));
    let plain = one("  sel:\n    F|endswith: '\\cmd.exe'\n  condition: sel");
    assert!(matches(&plain, &json!({"F": "C:\\Windows\\CMD.EXE"})));
    let wild = one("  sel:\n    F: 'c?d*.exe'\n  condition: sel");
    assert!(matches(&wild, &json!({"F": "cmd_x.EXE"})));
    assert!(!matches(&wild, &json!({"F": "cd.exe"})));
}

#[test]
fn cased_and_default_case_insensitivity() {
    let default = one("  sel:\n    F: 'Hello'\n  condition: sel");
    assert!(matches(&default, &json!({"F": "hELLo"})));
    let cased = one("  sel:\n    F|cased: 'Hello'\n  condition: sel");
    assert!(matches(&cased, &json!({"F": "Hello"})));
    assert!(!matches(&cased, &json!({"F": "hello"})));
}

#[test]
fn cidr_matches_v4_and_v6_networks() {
    let rules =
        one("  sel:\n    Ip|cidr:\n      - 10.0.0.0/8\n      - 'fe80::/10'\n  condition: sel");
    assert!(matches(&rules, &json!({"Ip": "10.200.3.4"})));
    assert!(!matches(&rules, &json!({"Ip": "11.0.0.1"})));
    assert!(matches(&rules, &json!({"Ip": "FE80::1"})));
    assert!(!matches(&rules, &json!({"Ip": "2001:db8::1"})));
    let (_, report) = rule("  sel:\n    Ip|cidr: 10.0.0.0/33\n  condition: sel");
    assert_eq!(
        report.rejected.len(),
        1,
        "a prefix beyond 32 bits is invalid"
    );
}

#[test]
fn all_links_a_list_with_and() {
    let rules = one("  sel:\n    C|contains|all:\n      - ' -a'\n      - ' -b'\n  condition: sel");
    assert!(matches(&rules, &json!({"C": "x -b -a"})));
    assert!(!matches(&rules, &json!({"C": "x -a"})));
    let keywords =
        one("  keywords:\n    '|all':\n      - alpha\n      - beta\n  condition: keywords");
    assert!(matches(&keywords, &json!({"msg": "alpha then beta"})));
    assert!(!matches(&keywords, &json!({"msg": "alpha only"})));
}

#[test]
fn null_is_absent_or_null_and_empty_string_is_empty() {
    let null = one("  sel:\n    F: null\n  condition: sel");
    assert!(matches(&null, &json!({"G": 1})));
    assert!(matches(&null, &json!({"F": null})));
    assert!(!matches(&null, &json!({"F": ""})));
    let empty = one("  sel:\n    F: ''\n  condition: sel");
    assert!(matches(&empty, &json!({"F": ""})));
    assert!(!matches(&empty, &json!({"G": 1})));
}

#[test]
fn exists_checks_presence_only() {
    let present = one("  sel:\n    F|exists: true\n  condition: sel");
    assert!(matches(&present, &json!({"F": null})));
    assert!(!matches(&present, &json!({"G": 1})));
    let absent = one("  sel:\n    F|exists: false\n  condition: sel");
    assert!(matches(&absent, &json!({"G": 1})));
}

#[test]
fn fieldref_compares_two_fields() {
    let eq = one("  sel:\n    A|fieldref: B\n  condition: sel");
    assert!(matches(&eq, &json!({"A": "X", "B": "x"})));
    assert!(!matches(&eq, &json!({"A": "X", "B": "y"})));
    let ends = one("  sel:\n    A|fieldref|endswith: B\n  condition: sel");
    assert!(matches(
        &ends,
        &json!({"A": "C:\\x\\evil.exe", "B": "evil.exe"})
    ));
    let contains = one("  sel:\n    A|fieldref|contains: B\n  condition: sel");
    assert!(matches(&contains, &json!({"A": "aaEVILbb", "B": "evil"})));
    let starts = one("  sel:\n    A|fieldref|startswith: B\n  condition: sel");
    assert!(!matches(&starts, &json!({"A": "aaEVILbb", "B": "evil"})));
}

#[test]
fn numeric_comparisons_and_number_string_equality() {
    let gt = one("  sel:\n    N|gt: 10\n  condition: sel");
    assert!(matches(&gt, &json!({"N": 11})));
    assert!(matches(&gt, &json!({"N": "10.5"})));
    assert!(!matches(&gt, &json!({"N": 10})));
    let lte = one("  sel:\n    N|lte: 10\n  condition: sel");
    assert!(matches(&lte, &json!({"N": 10})));
    let id = one("  sel:\n    EventID: 4624\n  condition: sel");
    assert!(matches(&id, &json!({"EventID": 4624})));
    assert!(matches(&id, &json!({"EventID": "4624"})));
    assert!(!matches(&id, &json!({"EventID": 46240})));
    let neq = one("  sel:\n    N|neq:\n      - 1\n      - 2\n  condition: sel");
    assert!(matches(&neq, &json!({"N": 3})));
    assert!(!matches(&neq, &json!({"N": 2})));
    assert!(!matches(&neq, &json!({"M": 3})), "neq needs the field");
}

#[test]
fn time_parts_read_dates() {
    let hour = one("  sel:\n    T|hour: 3\n  condition: sel");
    assert!(matches(&hour, &json!({"T": "2024-05-06T03:04:05Z"})));
    assert!(!matches(&hour, &json!({"T": "2024-05-06T04:04:05Z"})));
    let minute = one("  sel:\n    T|minute: 4\n  condition: sel");
    assert!(matches(&minute, &json!({"T": "2024-05-06 03:04:05.123"})));
    let day = one("  sel:\n    T|day: 6\n  condition: sel");
    assert!(matches(&day, &json!({"T": "2024-05-06T03:04:05Z"})));
    let week = one("  sel:\n    T|week: 19\n  condition: sel");
    assert!(matches(&week, &json!({"T": "2024-05-06T03:04:05Z"})));
    let month = one("  sel:\n    T|month: 5\n  condition: sel");
    assert!(matches(&month, &json!({"T": "2024-05-06T03:04:05Z"})));
    let year = one("  sel:\n    T|year|gte: 2024\n  condition: sel");
    assert!(matches(&year, &json!({"T": "2024-05-06T03:04:05Z"})));
}

#[test]
fn regular_expressions_are_case_sensitive_unless_flagged() {
    let re = one("  sel:\n    F|re: '^ab.c$'\n  condition: sel");
    assert!(matches(&re, &json!({"F": "abxc"})));
    assert!(!matches(&re, &json!({"F": "ABXC"})));
    let i = one("  sel:\n    F|re|i: '^ab.c$'\n  condition: sel");
    assert!(matches(&i, &json!({"F": "ABXC"})));
    let m = one("  sel:\n    F|re|m: '^second$'\n  condition: sel");
    assert!(matches(&m, &json!({"F": "first\nsecond"})));
    let s = one("  sel:\n    F|re|s: 'a.b'\n  condition: sel");
    assert!(matches(&s, &json!({"F": "a\nb"})));
    assert!(!matches(
        &one("  sel:\n    F|re: 'a.b'\n  condition: sel"),
        &json!({"F": "a\nb"})
    ));
}

#[test]
fn expand_uses_configured_placeholders_and_reports_missing_ones() {
    let yaml =
        "title: T\nlogsource: {}\ndetection:\n  sel:\n    F|expand: '%dcs%'\n  condition: sel\n";
    let (rules, report) = RuleSet::builder()
        .add_str("t.yml", yaml)
        .placeholder("dcs", vec!["dc1".into(), "dc2".into()])
        .build()
        .unwrap();
    assert!(report.warnings.is_empty());
    assert!(matches(&rules, &json!({"F": "DC2"})));
    let (rules, report) = RuleSet::builder().add_str("t.yml", yaml).build().unwrap();
    assert!(
        report.warnings.iter().any(|w| w.message.contains("%dcs%")),
        "{:?}",
        report.warnings
    );
    assert!(!matches(&rules, &json!({"F": "%dcs%"})));
}

#[test]
fn keywords_search_every_value() {
    let rules =
        one("  keywords:\n    - 'Failed password'\n    - 'invalid user'\n  condition: keywords");
    assert!(matches(
        &rules,
        &json!({"message": "sshd: Failed password for root"})
    ));
    assert!(!matches(&rules, &json!({"message": "Accepted password"})));
}

#[test]
fn condition_precedence_is_or_then_and_then_not() {
    let body = "  a:\n    A: 1\n  b:\n    B: 1\n  c:\n    C: 1\n";
    let rules = one(&format!("{body}  condition: a or b and not c"));
    // a or (b and (not c))
    assert!(matches(&rules, &json!({"A": 1, "C": 1})));
    assert!(!matches(&rules, &json!({"B": 1, "C": 1})));
    assert!(matches(&rules, &json!({"B": 1})));
    let grouped = one(&format!("{body}  condition: (a or b) and not c"));
    assert!(!matches(&grouped, &json!({"A": 1, "C": 1})));
    let quantified = one(&format!("{body}  condition: 1 of a* or all of them"));
    assert!(matches(&quantified, &json!({"A": 1})));
    assert!(!matches(&quantified, &json!({"A": 0, "B": 1, "C": 1})));
    let list = one(&format!("{body}  condition:\n    - a\n    - c"));
    assert!(matches(&list, &json!({"C": 1})));
    let (_, report) = rule(&format!("{body}  condition: a and nope"));
    assert_eq!(report.rejected.len(), 1);
}

#[test]
fn list_values_in_events_match_any_element_and_nested_paths_resolve() {
    let rules = one("  sel:\n    user.roles: admin\n  condition: sel");
    assert!(matches(
        &rules,
        &json!({"user": {"roles": ["guest", "Admin"]}})
    ));
    assert!(matches(&rules, &json!({"user.roles": "admin"})));
}

#[test]
fn fields_resolve_in_small_and_large_objects_alike() {
    let rules = one("  sel:\n    Image|endswith: '\\whoami.exe'\n  condition: sel");
    for size in [0, 5, 23, 24, 25, 200] {
        let mut event = serde_json::Map::new();
        for n in 0..size {
            event.insert(format!("Field{n}"), json!(n));
        }
        event.insert("Image".into(), json!("C:\\Windows\\System32\\whoami.exe"));
        assert!(matches(&rules, &Value::Object(event.clone())), "{size}");
        event.insert("Image".into(), json!("C:\\Windows\\System32\\cmd.exe"));
        assert!(!matches(&rules, &Value::Object(event)), "{size}");
    }
}
