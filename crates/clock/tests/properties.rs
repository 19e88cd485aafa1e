//! Properties of the arithmetic: business days land on business days and skip exactly the
//! closed ones; thresholds are reached in order and a reminder scheduler sees each once.
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::Date;
use proptest::prelude::*;
use rampart_clock::threshold::{crossed, reached};
use rampart_clock::{Catalog, Period, Threshold};

fn federal() -> rampart_clock::Calendar {
    let catalog = Catalog::builtin().unwrap();
    catalog
        .calendars()
        .find(|c| c.id == "us_federal")
        .unwrap()
        .clone()
}

#[test]
fn federal_holidays_follow_the_observance_rules() {
    let calendar = federal();
    let days = |year| -> Vec<String> {
        calendar
            .holidays_in(year)
            .iter()
            .map(|(d, _)| d.to_string())
            .collect()
    };
    assert_eq!(
        days(2026),
        [
            "2026-01-01",
            "2026-01-19",
            "2026-02-16",
            "2026-05-25",
            "2026-06-19",
            "2026-07-03",
            "2026-09-07",
            "2026-10-12",
            "2026-11-11",
            "2026-11-26",
            "2026-12-25",
        ]
    );
    // New Year's Day 2028 is a Saturday: kept on Friday 31 December 2027.
    assert!(days(2027).contains(&"2027-12-31".to_owned()));
    assert!(!days(2028).contains(&"2028-01-01".to_owned()));
    // Juneteenth 2027 is a Saturday (kept Friday 18), Christmas 2027 too (kept Friday 24).
    assert!(days(2027).contains(&"2027-06-18".to_owned()));
    assert!(days(2027).contains(&"2027-12-24".to_owned()));
}

proptest! {
    #[test]
    fn business_days_skip_exactly_the_closed_days(day in 0i64..3650, n in 1i32..15) {
        let calendar = federal();
        let start = Date::new(2026, 1, 1).unwrap().checked_add(jiff::Span::new().days(day)).unwrap();
        let end = calendar.add_business_days(start, n).unwrap();
        prop_assert!(calendar.is_business_day(end));
        let mut open = 0;
        let mut d = start;
        while d < end {
            d = d.tomorrow().unwrap();
            if calendar.is_business_day(d) {
                open += 1;
            }
        }
        prop_assert_eq!(open, n);
    }

    #[test]
    fn thresholds_come_in_order_and_each_is_reminded_once(
        start in 1_700_000_000i64..1_900_000_000,
        length in 60i64..10_000_000,
        cuts in proptest::collection::vec(0i64..20_000_000, 0..12),
    ) {
        let at = |s: i64| Timestamp::from_second(s).unwrap();
        let (begin, due) = (at(start), at(start + length));
        // A scheduler looking at arbitrary instants sees every threshold exactly once, in order.
        let mut looks: Vec<i64> = cuts.iter().map(|c| start + c).collect();
        looks.push(start + 2 * length + 1);
        looks.sort_unstable();
        let mut seen = Vec::new();
        let mut since = begin;
        for look in looks {
            let now = at(look);
            seen.extend(crossed(begin, due, since, now));
            prop_assert_eq!(reached(begin, due, now), seen.last().copied());
            since = now;
        }
        prop_assert_eq!(seen, Threshold::ALL.to_vec());
    }
}

#[test]
fn thresholds_are_reached_at_their_fraction_and_overdue_after_the_due_time() {
    let begin: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
    let due: Timestamp = "2026-11-24T09:00:00Z".parse().unwrap();
    let at = |s: &str| s.parse::<Timestamp>().unwrap();
    assert_eq!(reached(begin, due, at("2026-11-23T20:59:59Z")), None);
    assert_eq!(
        reached(begin, due, at("2026-11-23T21:00:00Z")),
        Some(Threshold::Half)
    );
    assert_eq!(
        reached(begin, due, at("2026-11-24T03:00:00Z")),
        Some(Threshold::ThreeQuarters)
    );
    assert_eq!(
        reached(begin, due, at("2026-11-24T06:36:00Z")),
        Some(Threshold::NinetyPercent)
    );
    assert_eq!(reached(begin, due, due), Some(Threshold::NinetyPercent));
    assert_eq!(
        reached(begin, due, at("2026-11-24T09:00:01Z")),
        Some(Threshold::Overdue)
    );
    assert_eq!(
        crossed(
            begin,
            due,
            at("2026-11-23T20:00:00Z"),
            at("2026-11-24T04:00:00Z")
        ),
        [Threshold::Half, Threshold::ThreeQuarters]
    );
}

#[test]
fn periods_describe_themselves() {
    assert_eq!(Period::Hours(72).describe(), "72 hours");
    assert_eq!(Period::Months(1).describe(), "1 month");
    assert_eq!(Period::WithoutUndueDelay.describe(), "without undue delay");
}
