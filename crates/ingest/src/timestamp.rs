//! Finding an event's time in JSON fields whose names differ from one producer to the next.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use rampart_sigma::{Document, Scalar};

/// Top-level fields that carry an event's time, most specific first.
const TIME_FIELDS: [&str; 7] = [
    "@timestamp",
    "timestamp",
    "eventTime",
    "EventTime",
    "TimeCreated",
    "time",
    "UtcTime",
];

/// The path of an event's time in the EVTX JSON shape.
const EVTX_TIME: [&str; 5] = [
    "Event",
    "System",
    "TimeCreated",
    "#attributes",
    "SystemTime",
];

/// The time of a JSON event: a well-known top-level field, or the EVTX JSON shape's
/// `Event.System.TimeCreated.#attributes.SystemTime`.
pub(crate) fn find(fields: &Document) -> Option<Timestamp> {
    TIME_FIELDS
        .iter()
        .find_map(|name| fields.scalar(&[name]).and_then(parse_scalar))
        .or_else(|| fields.scalar(&EVTX_TIME).and_then(parse_scalar))
}

/// A time written as an RFC 3339 string, a civil date and time taken as UTC, or a Unix epoch
/// number (an integer) in seconds or milliseconds.
pub(crate) fn parse_scalar(value: Scalar<'_>) -> Option<Timestamp> {
    match value {
        Scalar::String(text) => parse_text(text),
        Scalar::Number(text) => {
            let n: i64 = text.parse().ok()?;
            // Milliseconds since the epoch pass 10^12 in 2001; seconds will not before year 33658.
            if n.unsigned_abs() >= 1_000_000_000_000 {
                Timestamp::from_millisecond(n).ok()
            } else {
                Timestamp::from_second(n).ok()
            }
        }
        _ => None,
    }
}

/// An RFC 3339 timestamp, or a date and time without offset taken as UTC.
pub(crate) fn parse_text(text: &str) -> Option<Timestamp> {
    text.parse::<Timestamp>().ok().or_else(|| {
        text.parse::<DateTime>()
            .ok()
            .and_then(|dt| dt.to_zoned(TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn find(value: &serde_json::Value) -> Option<Timestamp> {
        super::find(&Document::from_value(value))
    }

    fn parse_value(value: &serde_json::Value) -> Option<Timestamp> {
        find(&json!({ "time": value }))
    }

    #[test]
    fn cloudtrail_event_time_is_found() {
        let ts = find(&json!({"eventTime": "2023-07-10T11:40:32Z"})).unwrap();
        assert_eq!(ts.to_string(), "2023-07-10T11:40:32Z");
    }

    #[test]
    fn evtx_system_time_is_found() {
        let event = json!({"Event": {"System": {"TimeCreated": {"#attributes":
            {"SystemTime": "2025-11-27T07:40:10.165324Z"}}}}});
        assert_eq!(
            find(&event).unwrap().to_string(),
            "2025-11-27T07:40:10.165324Z"
        );
    }

    #[test]
    fn civil_times_are_utc_and_epochs_are_seconds_or_milliseconds() {
        assert_eq!(
            parse_text("2025-11-27 07:40:10.132").unwrap().to_string(),
            "2025-11-27T07:40:10.132Z"
        );
        assert_eq!(
            parse_value(&json!(1_700_000_000)).unwrap().as_second(),
            1_700_000_000
        );
        assert_eq!(
            parse_value(&json!(1_700_000_000_123_i64))
                .unwrap()
                .as_millisecond(),
            1_700_000_000_123
        );
        assert!(parse_value(&json!("yesterday")).is_none());
        assert!(parse_value(&json!(1.7e9)).is_none());
    }
}
