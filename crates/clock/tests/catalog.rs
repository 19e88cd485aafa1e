//! Regime files: the built-in catalog, a company's file laid over it, and files refused with the
//! line and the reason.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Case, evaluate};
use rampart_clock::{Catalog, Config, RegimeError, Settings};

const COMPANY: &str = r#"
catalog = "acme-2026-12"

[calendars.us_federal]
name = "U.S. federal holidays, with the agencies closed on Christmas Eve"
source = "5 U.S.C. 6103; executive order of the year"
checked = "2026-12-01"
weekend = ["saturday", "sunday"]
closed = ["2026-12-24"]
holidays = [
    { name = "Christmas Day", month = 12, day = 25, observed = "nearest_weekday" },
]

[[regimes]]
id = "amazon_incident"
name = "Amazon notice, by our contract addendum"
version = "addendum 2026-10"
source = "Acme seller agreement addendum"
checked = "2026-12-01"
triggers = ["amazon_information"]
deadlines = [
    { id = "notice", name = "E-mail Amazon", starts = "detected", hours = 12, recipients = ["Amazon"] },
]

[[regimes]]
id = "acme_board"
name = "Tell the board"
version = "board policy 3"
source = "Acme board policy"
checked = "2026-12-01"
deadlines = [
    { id = "briefing", name = "Brief the board", starts = "confirmed", business_days = 2, calendar = "us_federal", ends_at = "09:00" },
]
"#;

fn settings(regimes: &[&str]) -> Settings {
    Settings {
        zone: Some("America/New_York".to_owned()),
        regimes: Some(regimes.iter().map(|s| (*s).to_owned()).collect()),
        file: None,
        ..Settings::default()
    }
}

#[test]
fn the_built_in_catalog_has_every_regime_with_source_and_check_date() {
    let catalog = Catalog::builtin().unwrap();
    let ids: Vec<&str> = catalog.regimes().map(|r| r.id.as_str()).collect();
    for id in [
        "amazon_incident",
        "amazon_legal_process",
        "gdpr",
        "nis2",
        "hipaa",
        "sec_8k",
        "ftc_safeguards",
        "us_ca",
        "us_co",
        "us_fl",
        "us_wa",
        "us_tx",
        "us_ny",
        "us_ma",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    for regime in catalog.regimes() {
        assert!(
            !regime.source.is_empty() && !regime.version.is_empty(),
            "{}",
            regime.id
        );
        assert!(regime.checked.year() >= 2026, "{}", regime.id);
    }
    assert_eq!(catalog.versions(), ["built-in regimes 2026-11-23"]);
}

#[test]
fn a_company_file_replaces_and_adds_regimes_and_calendars() {
    let catalog = Catalog::builtin()
        .unwrap()
        .extend_with("acme.toml", COMPANY)
        .unwrap();
    let config = Config::new(
        &catalog,
        &settings(&["amazon_incident", "acme_board", "sec_8k"]),
    )
    .unwrap();
    let case = Case::detected("2026-12-22T09:00:00-05:00", true, false)
        .confirmed("2026-12-23T10:00:00-05:00")
        .material("2026-12-23T10:00:00-05:00");
    let evaluation = evaluate(&config, &case);
    let due = |id: &str| common::due(&evaluation, id);
    // Replaced: 12 hours instead of 24.
    assert_eq!(due("amazon_incident.notice"), "2026-12-22T21:00:00-05:00");
    // Added, on the company's calendar: 24 December closed, 25 December a holiday.
    assert_eq!(due("acme_board.briefing"), "2026-12-29T09:00:00-05:00");
    // The built-in SEC regime counts on the replaced calendar too: 28, 29, 30, 31 December.
    assert_eq!(due("sec_8k.item_1_05"), "2026-12-31T17:30:00-05:00");
}

/// Refused files: (what, file text, expected line, words the message must hold).
const BAD: &[(&str, &str, usize, &[&str])] = &[
    (
        "an unknown trigger",
        "[[regimes]]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\nsource = \"s\"\nchecked = \"2026-11-23\"\ntriggers = [\"amazon_info\"]\ndeadlines = []\n",
        7,
        &["amazon_info", "amazon_information", "personal_data"],
    ),
    (
        "an unknown start",
        "[[regimes]]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\nsource = \"s\"\nchecked = \"2026-11-23\"\ndeadlines = [\n  { id = \"a\", name = \"A\", starts = \"discovered\", hours = 1 },\n]\n",
        8,
        &["regime x", "deadline a", "discovered", "detected"],
    ),
    (
        "a deadline started by a later one",
        "[[regimes]]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\nsource = \"s\"\nchecked = \"2026-11-23\"\ndeadlines = [\n  { id = \"a\", name = \"A\", starts = \"b.met\", hours = 1 },\n  { id = \"b\", name = \"B\", starts = \"detected\", hours = 1 },\n]\n",
        8,
        &["b.met", "earlier"],
    ),
    (
        "two periods",
        "[[regimes]]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\nsource = \"s\"\nchecked = \"2026-11-23\"\ndeadlines = [\n  { id = \"a\", name = \"A\", starts = \"detected\", hours = 1, days = 2 },\n]\n",
        8,
        &["exactly one of hours"],
    ),
    (
        "an unknown calendar",
        "[[regimes]]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\nsource = \"s\"\nchecked = \"2026-11-23\"\ndeadlines = [\n  { id = \"a\", name = \"A\", starts = \"detected\", business_days = 2, calendar = \"uk\" },\n]\n",
        8,
        &["unknown calendar \"uk\"", "us_federal"],
    ),
    (
        "an unknown time zone",
        "[[regimes]]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\nsource = \"s\"\nchecked = \"2026-11-23\"\nzone = \"Mars/Olympus\"\ndeadlines = [\n  { id = \"a\", name = \"A\", starts = \"detected\", hours = 1 },\n]\n",
        7,
        &["Mars/Olympus"],
    ),
    (
        "residents without a jurisdiction",
        "[[regimes]]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\nsource = \"s\"\nchecked = \"2026-11-23\"\ntriggers = [\"residents\"]\ndeadlines = [\n  { id = \"a\", name = \"A\", starts = \"detected\", hours = 1 },\n]\n",
        2,
        &["jurisdiction"],
    ),
    (
        "a holiday that is no date",
        "[calendars.c]\nname = \"C\"\nsource = \"s\"\nchecked = \"2026-11-23\"\nweekend = [\"sunday\"]\nholidays = [{ name = \"Leap\", month = 2, day = 30 }]\n",
        1,
        &["Leap", "not a date"],
    ),
    (
        "a misspelt field",
        "[[regimes]]\nid = \"x\"\nname = \"X\"\nversion = \"1\"\nsource = \"s\"\nchecked = \"2026-11-23\"\ndeadlines = [\n  { id = \"a\", name = \"A\", starts = \"detected\", hour = 1 },\n]\n",
        8,
        &["hour"],
    ),
];

#[test]
fn bad_regime_files_are_refused_with_line_and_reason() {
    let builtin = Catalog::builtin().unwrap();
    for (what, text, line, words) in BAD {
        let err = builtin.extend_with("company.toml", text).unwrap_err();
        let RegimeError::File {
            origin,
            line: found,
            message,
        } = &err
        else {
            panic!("{what}: {err}");
        };
        assert_eq!(origin, "company.toml", "{what}");
        assert_eq!(found, line, "{what}: {err}");
        for word in *words {
            assert!(message.contains(word), "{what}: {message:?} lacks {word:?}");
        }
    }
}

#[test]
fn settings_name_known_regimes_and_zones_only() {
    let catalog = Catalog::builtin().unwrap();
    let err = Config::new(&catalog, &settings(&["gdpr", "us_zz"])).unwrap_err();
    assert!(
        err.to_string().contains("us_zz") && err.to_string().contains("us_ca"),
        "{err}"
    );
    let err = Config::new(&catalog, &settings(&["gdpr", "gdpr"])).unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");
    let mut bad_zone = settings(&["gdpr"]);
    bad_zone.zone = Some("Europe/Atlantis".to_owned());
    let err = Config::new(&catalog, &bad_zone).unwrap_err();
    assert!(err.to_string().contains("Europe/Atlantis"), "{err}");
    let default = Config::new(&catalog, &Settings::default()).unwrap();
    let ids: Vec<&str> = default.regimes().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["amazon_incident", "amazon_legal_process"]);
    assert_eq!(default.zone_name(), "UTC");
}
