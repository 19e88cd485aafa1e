//! Every built-in regime's deadlines, table-driven: which fact starts each clock, when it is due
//! (across daylight-saving changes in America/New_York and Europe/Berlin, weekends and U.S.
//! federal holidays), and which counts keep a clock from starting.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Case, clock, config, due, evaluate};
use rampart_core::incident::State;

const NY: &str = "America/New_York";
const BERLIN: &str = "Europe/Berlin";

/// One expected due time.
struct Row {
    what: &'static str,
    regimes: &'static [&'static str],
    zone: &'static str,
    case: fn() -> Case,
    clock: &'static str,
    due: &'static str,
}

fn personal(detected: &str) -> Case {
    Case::detected(detected, false, true)
}

const ROWS: &[Row] = &[
    Row {
        what: "Amazon: 24 elapsed hours from detection, across the spring-forward night",
        regimes: &["amazon_incident"],
        zone: NY,
        case: || Case::detected("2026-03-07T20:00:00-05:00", true, false),
        clock: "amazon_incident.notice",
        due: "2026-03-08T21:00:00-04:00",
    },
    Row {
        what: "Amazon legal process: 24 hours from receipt",
        regimes: &["amazon_legal_process"],
        zone: "UTC",
        case: || {
            Case::detected("2026-11-20T09:00:00Z", true, false)
                .legal_process("2026-11-23T09:15:00+01:00")
        },
        clock: "amazon_legal_process.notice",
        due: "2026-11-24T08:15:00Z",
    },
    Row {
        what: "GDPR art. 33: 72 hours from awareness, across the EU spring-forward",
        regimes: &["gdpr"],
        zone: BERLIN,
        case: || personal("2026-03-26T10:00:00+01:00").confirmed("2026-03-27T10:00:00+01:00"),
        clock: "gdpr.art33",
        due: "2026-03-30T11:00:00+02:00",
    },
    Row {
        what: "GDPR art. 34: without undue delay",
        regimes: &["gdpr"],
        zone: BERLIN,
        case: || personal("2026-03-26T10:00:00+01:00").confirmed("2026-03-27T10:00:00+01:00"),
        clock: "gdpr.art34",
        due: "none",
    },
    Row {
        what: "NIS2 early warning: 24 hours, before the EU fall-back",
        regimes: &["nis2"],
        zone: BERLIN,
        case: || {
            Case::detected("2026-10-23T08:00:00+02:00", false, false)
                .severity_high()
                .confirmed("2026-10-23T12:00:00+02:00")
        },
        clock: "nis2.early_warning",
        due: "2026-10-24T12:00:00+02:00",
    },
    Row {
        what: "NIS2 notification: 72 hours, across the EU fall-back",
        regimes: &["nis2"],
        zone: BERLIN,
        case: || {
            Case::detected("2026-10-23T08:00:00+02:00", false, false)
                .severity_high()
                .confirmed("2026-10-23T12:00:00+02:00")
        },
        clock: "nis2.notification",
        due: "2026-10-26T11:00:00+01:00",
    },
    Row {
        what: "NIS2 final report: a month after the notification was given, same wall time",
        regimes: &["nis2"],
        zone: BERLIN,
        case: || {
            Case::detected("2026-10-23T08:00:00+02:00", false, false)
                .severity_high()
                .confirmed("2026-10-23T12:00:00+02:00")
                .met("nis2.notification", "2026-10-24T15:00:00+02:00")
        },
        clock: "nis2.final_report",
        due: "2026-11-24T15:00:00+01:00",
    },
    Row {
        what: "HIPAA individuals: 60 calendar days, keeping the wall time across fall-back",
        regimes: &["hipaa"],
        zone: NY,
        case: || personal("2026-10-15T10:00:00-04:00"),
        clock: "hipaa.individuals",
        due: "2026-12-14T10:00:00-05:00",
    },
    Row {
        what: "HIPAA HHS: 60 days when 500 or more are affected",
        regimes: &["hipaa"],
        zone: NY,
        case: || personal("2026-11-23T09:00:00-05:00").residents(&[("US-NY", 300), ("US-NJ", 200)]),
        clock: "hipaa.hhs",
        due: "2027-01-22T09:00:00-05:00",
    },
    Row {
        what: "HIPAA annual log: 60 days after the end of the year, under 500 affected",
        regimes: &["hipaa"],
        zone: NY,
        case: || personal("2026-11-23T09:00:00-05:00").residents(&[("US-NY", 120)]),
        clock: "hipaa.hhs_annual_log",
        due: "2027-03-02T00:00:00-05:00",
    },
    Row {
        what: "HIPAA media: more than 500 residents of one state",
        regimes: &["hipaa"],
        zone: NY,
        case: || personal("2026-11-23T09:00:00-05:00").residents(&[("US-NY", 501)]),
        clock: "hipaa.media",
        due: "2027-01-22T09:00:00-05:00",
    },
    Row {
        what: "SEC: 4 business days over Thanksgiving",
        regimes: &["sec_8k"],
        zone: "UTC",
        case: || {
            Case::detected("2026-11-20T09:00:00-05:00", false, false)
                .material("2026-11-24T15:00:00-05:00")
        },
        clock: "sec_8k.item_1_05",
        due: "2026-12-01T17:30:00-05:00",
    },
    Row {
        what: "SEC: Independence Day on a Saturday is kept on Friday 3 July",
        regimes: &["sec_8k"],
        zone: "UTC",
        case: || {
            Case::detected("2026-07-01T09:00:00-04:00", false, false)
                .material("2026-07-02T12:00:00-04:00")
        },
        clock: "sec_8k.item_1_05",
        due: "2026-07-09T17:30:00-04:00",
    },
    Row {
        what: "SEC: across the spring-forward weekend, due 17:30 daylight time",
        regimes: &["sec_8k"],
        zone: "UTC",
        case: || {
            Case::detected("2026-03-05T09:00:00-05:00", false, false)
                .material("2026-03-06T16:00:00-05:00")
        },
        clock: "sec_8k.item_1_05",
        due: "2026-03-12T17:30:00-04:00",
    },
    Row {
        what: "SEC: a Saturday decision before Martin Luther King Day counts from Tuesday",
        regimes: &["sec_8k"],
        zone: "UTC",
        case: || {
            Case::detected("2026-01-16T09:00:00-05:00", false, false)
                .material("2026-01-17T11:00:00-05:00")
        },
        clock: "sec_8k.item_1_05",
        due: "2026-01-23T17:30:00-05:00",
    },
    Row {
        what: "SEC: business days are New York days, whatever the offset given",
        regimes: &["sec_8k"],
        zone: "Asia/Tokyo",
        case: || {
            Case::detected("2026-12-20T09:00:00Z", false, false).material("2026-12-24T03:00:00Z")
        },
        clock: "sec_8k.item_1_05",
        due: "2026-12-30T17:30:00-05:00",
    },
    Row {
        what: "FTC Safeguards: 30 days from discovery for 500 consumers",
        regimes: &["ftc_safeguards"],
        zone: NY,
        case: || personal("2026-11-23T09:00:00-05:00").residents(&[("US-TX", 500)]),
        clock: "ftc_safeguards.notice",
        due: "2026-12-23T09:00:00-05:00",
    },
    Row {
        what: "California residents: 30 days from discovery across fall-back",
        regimes: &["us_ca"],
        zone: NY,
        case: || personal("2026-10-20T09:00:00-04:00").residents(&[("US-CA", 12)]),
        clock: "us_ca.residents",
        due: "2026-11-19T09:00:00-05:00",
    },
    Row {
        what: "California AG: provisionally 15 days after the residents' due time",
        regimes: &["us_ca"],
        zone: NY,
        case: || personal("2026-10-20T09:00:00-04:00").residents(&[("US-CA", 501)]),
        clock: "us_ca.attorney_general",
        due: "2026-12-04T09:00:00-05:00",
    },
    Row {
        what: "California AG: 15 days after the residents were told",
        regimes: &["us_ca"],
        zone: NY,
        case: || {
            personal("2026-10-20T09:00:00-04:00")
                .residents(&[("US-CA", 501)])
                .met("us_ca.residents", "2026-11-10T12:00:00-05:00")
        },
        clock: "us_ca.attorney_general",
        due: "2026-11-25T12:00:00-05:00",
    },
    Row {
        what: "Colorado AG: 30 days from determination for 500 residents",
        regimes: &["us_co"],
        zone: NY,
        case: || {
            personal("2026-11-20T09:00:00-05:00")
                .confirmed("2026-11-23T10:00:00-05:00")
                .residents(&[("US-CO", 500)])
        },
        clock: "us_co.attorney_general",
        due: "2026-12-23T10:00:00-05:00",
    },
    Row {
        what: "Florida Department of Legal Affairs: 30 days for 500 residents",
        regimes: &["us_fl"],
        zone: NY,
        case: || {
            personal("2026-11-20T09:00:00-05:00")
                .confirmed("2026-11-23T10:00:00-05:00")
                .residents(&[("US-FL", 500)])
        },
        clock: "us_fl.legal_affairs",
        due: "2026-12-23T10:00:00-05:00",
    },
    Row {
        what: "Washington AG: 30 days from discovery for more than 500 residents",
        regimes: &["us_wa"],
        zone: "America/Los_Angeles",
        case: || personal("2026-11-23T09:00:00-08:00").residents(&[("US-WA", 501)]),
        clock: "us_wa.attorney_general",
        due: "2026-12-23T09:00:00-08:00",
    },
    Row {
        what: "Texas individuals: 60 days from determination",
        regimes: &["us_tx"],
        zone: "America/Chicago",
        case: || {
            personal("2026-11-20T09:00:00-06:00")
                .confirmed("2026-11-23T10:00:00-06:00")
                .residents(&[("US-TX", 250)])
        },
        clock: "us_tx.individuals",
        due: "2027-01-22T10:00:00-06:00",
    },
    Row {
        what: "Texas AG: 30 days for 250 Texans",
        regimes: &["us_tx"],
        zone: "America/Chicago",
        case: || {
            personal("2026-11-20T09:00:00-06:00")
                .confirmed("2026-11-23T10:00:00-06:00")
                .residents(&[("US-TX", 250)])
        },
        clock: "us_tx.attorney_general",
        due: "2026-12-23T10:00:00-06:00",
    },
    Row {
        what: "New York agencies: 30 days from discovery",
        regimes: &["us_ny"],
        zone: NY,
        case: || personal("2026-11-23T09:00:00-05:00").residents(&[("US-NY", 3)]),
        clock: "us_ny.state_agencies",
        due: "2026-12-23T09:00:00-05:00",
    },
    Row {
        what: "Massachusetts: as soon as practicable, no fixed deadline",
        regimes: &["us_ma"],
        zone: NY,
        case: || personal("2026-11-23T09:00:00-05:00").residents(&[("US-MA", 3)]),
        clock: "us_ma.attorney_general",
        due: "none",
    },
];

#[test]
fn every_regime_computes_its_due_times() {
    let mut failures = Vec::new();
    for row in ROWS {
        let evaluation = evaluate(&config(row.regimes, row.zone), &(row.case)());
        let found = due(&evaluation, row.clock);
        if found != row.due {
            failures.push(format!(
                "{}: {} due {found}, expected {}",
                row.what, row.clock, row.due
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// One deadline that must not start, and what it waits for.
struct NotStarted {
    regimes: &'static [&'static str],
    case: fn() -> Case,
    clock: &'static str,
    waits_for: &'static str,
}

const NOT_STARTED: &[NotStarted] = &[
    NotStarted {
        regimes: &["gdpr"],
        case: || personal("2026-11-23T09:00:00Z"),
        clock: "gdpr.art33",
        waits_for: "the incident time confirmed",
    },
    NotStarted {
        regimes: &["hipaa"],
        case: || personal("2026-11-23T09:00:00Z").residents(&[("US-NY", 499)]),
        clock: "hipaa.hhs",
        waits_for: "at least 500 affected people (recorded: 499)",
    },
    NotStarted {
        regimes: &["hipaa"],
        case: || personal("2026-11-23T09:00:00Z"),
        clock: "hipaa.hhs_annual_log",
        waits_for: "a count of affected people (none recorded)",
    },
    NotStarted {
        regimes: &["hipaa"],
        case: || personal("2026-11-23T09:00:00Z").residents(&[("US-NY", 500), ("US-NJ", 500)]),
        clock: "hipaa.media",
        waits_for: "at least 501 residents of one region (most recorded: 500)",
    },
    NotStarted {
        regimes: &["us_ca"],
        case: || personal("2026-11-23T09:00:00Z").residents(&[("US-CA", 500)]),
        clock: "us_ca.attorney_general",
        waits_for: "at least 501 residents of US-CA (recorded: 500)",
    },
    NotStarted {
        regimes: &["us_tx"],
        case: || {
            personal("2026-11-20T09:00:00Z")
                .confirmed("2026-11-23T09:00:00Z")
                .residents(&[("US-TX", 249)])
        },
        clock: "us_tx.attorney_general",
        waits_for: "at least 250 residents of US-TX (recorded: 249)",
    },
    NotStarted {
        regimes: &["ftc_safeguards"],
        case: || personal("2026-11-23T09:00:00Z").residents(&[("US-TX", 499)]),
        clock: "ftc_safeguards.notice",
        waits_for: "at least 500 affected people (recorded: 499)",
    },
];

#[test]
fn deadlines_wait_for_their_facts_and_counts() {
    for row in NOT_STARTED {
        let evaluation = evaluate(&config(row.regimes, "UTC"), &(row.case)());
        assert!(
            evaluation.clocks.iter().all(|c| c.id.as_str() != row.clock),
            "{} started",
            row.clock
        );
        let pending = evaluation
            .pending
            .iter()
            .find(|p| p.id.as_str() == row.clock)
            .unwrap_or_else(|| panic!("{} not pending: {evaluation:#?}", row.clock));
        assert_eq!(pending.waiting_for, row.waits_for, "{}", row.clock);
    }
}

#[test]
fn regimes_apply_only_when_their_triggers_hold() {
    let all = [
        "amazon_incident",
        "amazon_legal_process",
        "gdpr",
        "nis2",
        "sec_8k",
        "us_ca",
    ];
    // No Amazon Information, no personal data, no legal process, not material, low severity.
    let quiet =
        Case::detected("2026-11-23T09:00:00Z", false, false).confirmed("2026-11-23T10:00:00Z");
    let evaluation = evaluate(&config(&all, "UTC"), &quiet);
    assert!(evaluation.clocks.is_empty(), "{evaluation:#?}");
    assert!(evaluation.pending.is_empty(), "{evaluation:#?}");
    // Personal data of California residents, but no Amazon Information.
    let ca = Case::detected("2026-11-23T09:00:00Z", false, true).residents(&[("US-CA", 3)]);
    let evaluation = evaluate(&config(&all, "UTC"), &ca);
    let ids: Vec<&str> = evaluation.clocks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["us_ca.residents"]);
    let waiting: Vec<&str> = evaluation.pending.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        waiting,
        ["gdpr.art33", "gdpr.art34", "us_ca.attorney_general"]
    );
}

#[test]
fn a_dismissed_incident_has_no_clocks_and_reopening_brings_them_back() {
    let cfg = config(&["amazon_incident"], "UTC");
    let case = Case::detected("2026-11-23T09:00:00Z", true, false)
        .to(State::Triage, "2026-11-23T09:30:00Z")
        .to(State::Dismissed, "2026-11-23T10:00:00Z");
    assert!(evaluate(&cfg, &case).clocks.is_empty());
    let reopened = case.to(State::Triage, "2026-11-23T11:00:00Z");
    assert_eq!(
        due(&evaluate(&cfg, &reopened), "amazon_incident.notice"),
        "2026-11-24T09:00:00Z"
    );
}

#[test]
fn clocks_carry_their_regime_source_and_check_date() {
    let cfg = config(&["sec_8k"], "UTC");
    let case =
        Case::detected("2026-11-20T09:00:00Z", false, false).material("2026-11-24T15:00:00-05:00");
    let evaluation = evaluate(&cfg, &case);
    let c = clock(&evaluation, "sec_8k.item_1_05");
    assert_eq!(c.zone, "America/New_York");
    assert_eq!(c.starts, "materiality_determined");
    assert_eq!(c.period, "4 business days (us_federal)");
    assert!(c.source.contains("8-K"));
    assert_eq!(c.checked.to_string(), "2026-11-23");
    assert_eq!(c.recipients, ["SEC (EDGAR)"]);
}
