//! Instants with the UTC offset at which they were observed: [`ZonedTime`].
//!
//! Incident facts (occurred, detected, …) are legal facts: the instant matters for deadlines and the
//! local offset matters to the people reading the record. A `ZonedTime` keeps both and is written as
//! RFC 3339 with a numeric offset (`2026-11-23T09:30:00-05:00`). It deliberately holds no time-zone
//! name: resolving a name needs a time-zone database, which varies between machines and versions,
//! and a logged fact must read back — and hash — the same everywhere.

use std::fmt;
use std::str::FromStr;

use jiff::fmt::temporal::Pieces;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// How far ahead of the supplied "now" a stated time may lie before it is refused as in the future
/// (allows for clocks of different machines disagreeing slightly).
pub const MAX_CLOCK_SKEW: SignedDuration = SignedDuration::from_secs(60);

/// An instant plus the UTC offset it was observed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ZonedTime {
    instant: Timestamp,
    offset: Offset,
}

/// Why a text is not an RFC 3339 time with offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{value:?} is not a time with offset such as 2026-11-23T09:30:00-05:00 or 2026-11-23T14:30:00Z: {reason}"
)]
pub struct TimeError {
    /// The rejected text.
    pub value: String,
    /// What is wrong with it.
    pub reason: String,
}

impl ZonedTime {
    /// `instant` as observed at `offset` (whole minutes, as RFC 3339 requires).
    pub fn new(instant: Timestamp, offset: Offset) -> Result<Self, TimeError> {
        if offset.seconds() % 60 != 0 {
            return Err(TimeError {
                value: format!("{instant} at offset {offset}"),
                reason: "the offset is not a whole number of minutes".to_owned(),
            });
        }
        Ok(Self { instant, offset })
    }

    /// `instant` in UTC.
    pub fn utc(instant: Timestamp) -> Self {
        Self {
            instant,
            offset: Offset::UTC,
        }
    }

    /// The instant.
    pub fn instant(&self) -> Timestamp {
        self.instant
    }

    /// The offset it was observed at.
    pub fn offset(&self) -> Offset {
        self.offset
    }

    /// Whether this lies beyond `now` by more than [`MAX_CLOCK_SKEW`].
    pub fn is_after(&self, now: Timestamp) -> bool {
        self.instant.duration_since(now) > MAX_CLOCK_SKEW
    }
}

impl FromStr for ZonedTime {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, TimeError> {
        let fail = |reason: &str| TimeError {
            value: s.to_owned(),
            reason: reason.to_owned(),
        };
        let pieces = Pieces::parse(s).map_err(|e| fail(&e.to_string()))?;
        if pieces.time_zone_annotation().is_some() {
            return Err(fail("give a numeric offset instead of a time-zone name"));
        }
        let time = pieces
            .time()
            .ok_or_else(|| fail("the time of day is missing"))?;
        let offset = pieces
            .to_numeric_offset()
            .ok_or_else(|| fail("the UTC offset is missing"))?;
        let instant = offset
            .to_timestamp(pieces.date().to_datetime(time))
            .map_err(|e| fail(&e.to_string()))?;
        Self::new(instant, offset).map_err(|e| fail(&e.reason))
    }
}

impl fmt::Display for ZonedTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.offset.to_datetime(self.instant);
        let minutes = self.offset.seconds() / 60;
        if minutes == 0 {
            return write!(f, "{local}Z");
        }
        let sign = if minutes < 0 { '-' } else { '+' };
        let minutes = minutes.unsigned_abs();
        write!(f, "{local}{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

impl TryFrom<String> for ZonedTime {
    type Error = TimeError;
    fn try_from(s: String) -> Result<Self, TimeError> {
        s.parse()
    }
}

impl From<ZonedTime> for String {
    fn from(t: ZonedTime) -> String {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_their_offset_and_round_trip() {
        for text in [
            "2026-11-23T09:30:00-05:00",
            "2026-11-23T14:30:00Z",
            "2026-11-23T20:00:00.25+05:30",
            "2026-03-01T00:00:00.123456789+14:00",
        ] {
            let t: ZonedTime = text.parse().unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(t.to_string().parse::<ZonedTime>().unwrap(), t);
        }
        let a: ZonedTime = "2026-11-23T09:30:00-05:00".parse().unwrap();
        let b: ZonedTime = "2026-11-23T14:30:00+00:00".parse().unwrap();
        assert_eq!(a.instant(), b.instant());
        assert_ne!(a, b);
        assert_eq!(b.to_string(), "2026-11-23T14:30:00Z");
    }

    #[test]
    fn times_without_offset_or_with_zone_names_are_refused() {
        for text in [
            "2026-11-23T09:30:00",
            "2026-11-23",
            "2026-11-23T09:30:00-05:00[America/New_York]",
            "2026-13-01T00:00:00Z",
            "yesterday",
        ] {
            assert!(text.parse::<ZonedTime>().is_err(), "{text} accepted");
        }
    }

    #[test]
    fn future_allows_only_small_clock_skew() {
        let now: Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let soon: ZonedTime = "2026-11-23T12:00:59Z".parse().unwrap();
        let later: ZonedTime = "2026-11-23T12:01:01Z".parse().unwrap();
        assert!(!soon.is_after(now));
        assert!(later.is_after(now));
    }
}
