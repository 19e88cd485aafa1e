use super::*;
use serde_json::json;

fn reference() -> Timestamp {
    "2017-12-31T00:00:00Z".parse().unwrap()
}

#[test]
fn bsd_sshd_failed_password_yields_user_address_port_method_and_outcome() {
    let line = "Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2";
    let parsed = parse_line(line, reference()).unwrap();
    assert_eq!(
        parsed.timestamp.unwrap().to_string(),
        "2017-12-10T06:55:48Z"
    );
    assert_eq!(
        Value::Object(parsed.fields),
        json!({
            "host": "LabSZ", "program": "sshd", "pid": 24200,
            "message": "Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2",
            "user": "webmaster", "source_ip": "173.234.31.186", "source_port": 38926,
            "auth_method": "password", "outcome": "failure", "invalid_user": true,
        })
    );
}

#[test]
fn accepted_and_invalid_user_lines_are_recognised() {
    let accepted = sshd::parse_auth(
        "Accepted publickey for alice from 10.0.0.5 port 50022 ssh2: RSA SHA256:abc",
    )
    .unwrap();
    assert!(accepted.success && !accepted.invalid_user);
    assert_eq!(
        (accepted.user, accepted.source_ip, accepted.source_port),
        ("alice", "10.0.0.5", Some(50022))
    );
    assert_eq!(accepted.auth_method, Some("publickey"));

    let invalid = sshd::parse_auth("Invalid user  0101 from 5.188.10.180").unwrap();
    assert_eq!(
        (invalid.user, invalid.source_ip, invalid.source_port),
        (" 0101", "5.188.10.180", None)
    );
    assert!(invalid.invalid_user && !invalid.success && invalid.auth_method.is_none());

    assert!(sshd::parse_auth("Connection closed by 1.2.3.4 [preauth]").is_none());
}

#[test]
fn a_bsd_date_after_the_reference_belongs_to_the_year_before() {
    let january = "2018-01-02T00:00:00Z".parse().unwrap();
    let parsed = parse_line("Dec 31 23:59:59 host cron[1]: tick", january).unwrap();
    assert_eq!(
        parsed.timestamp.unwrap().to_string(),
        "2017-12-31T23:59:59Z"
    );
}

#[test]
fn priority_gives_facility_and_severity_and_tagless_lines_keep_their_text() {
    let parsed = parse_line(
        "<38>Jun  9 04:06:18 combo syslogd 1.4.1: restart.",
        reference(),
    )
    .unwrap();
    assert_eq!(parsed.fields["facility"], "auth");
    assert_eq!(parsed.fields["severity"], "info");
    assert_eq!(parsed.fields["message"], "syslogd 1.4.1: restart.");
    assert!(!parsed.fields.contains_key("program"));
}

#[test]
fn rfc5424_header_structured_data_and_bom_are_parsed() {
    let line = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 \
                [exampleSDID@32473 iut=\"3\" eventSource=\"Appl\\\"ication\"][x@1 a=\"b\\]\"] \u{feff}An application event";
    let parsed = parse_line(line, reference()).unwrap();
    assert_eq!(
        parsed.timestamp.unwrap().to_string(),
        "2003-10-11T22:14:15.003Z"
    );
    assert_eq!(
        Value::Object(parsed.fields),
        json!({
            "facility": "local4", "severity": "notice", "host": "mymachine.example.com",
            "program": "evntslog", "msgid": "ID47",
            "structured_data": {"exampleSDID@32473": {"iut": "3", "eventSource": "Appl\"ication"}, "x@1": {"a": "b]"}},
            "message": "An application event",
        })
    );
}

#[test]
fn rfc5424_with_nil_values_and_rfc3339_bsd_lines_parse() {
    let parsed = parse_line("<13>1 - - - - - -", reference()).unwrap();
    assert_eq!(parsed.timestamp, None);
    assert_eq!(parsed.fields["message"], "");
    let parsed = parse_line(
        "2024-03-01T10:00:00.5+01:00 web1 sshd[7]: Accepted password for bob from ::1 port 2 ssh2",
        reference(),
    )
    .unwrap();
    assert_eq!(
        parsed.timestamp.unwrap().to_string(),
        "2024-03-01T09:00:00.5Z"
    );
    assert_eq!(parsed.fields["source_ip"], "::1");
}

#[test]
fn malformed_lines_are_errors_with_reasons() {
    for (line, reason) in [
        ("<999>Dec 10 06:55:48 host x: y", "priority"),
        ("<12", "priority"),
        ("Dec 10 06:55:48", "timestamp"),
        ("Feb 30 06:55:48 host x: y", "invalid date"),
        ("hello world", "timestamp"),
        (
            "<13>1 2003-10-11T22:14:15Z host app 1 ID [broken",
            "STRUCTURED-DATA",
        ),
        ("<13>1 yesterday host app 1 ID -", "TIMESTAMP"),
        ("<13>1 2003-10-11T22:14:15Z host", "APP-NAME"),
    ] {
        let err = parse_line(line, reference()).unwrap_err();
        assert!(err.to_string().contains(reason), "{line:?}: {err}");
    }
}

#[test]
fn a_repeated_sshd_message_keeps_its_fields_and_count() {
    let line = "Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]";
    let parsed = parse_line(line, reference()).unwrap();
    assert_eq!(parsed.fields["repeated"], 5);
    assert_eq!(parsed.fields["user"], "root");
    assert_eq!(parsed.fields["source_ip"], "5.36.59.76");
    assert_eq!(parsed.fields["outcome"], "failure");
}
