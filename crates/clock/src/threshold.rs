//! Reminder thresholds: how much of a clock's time has run, as a pure function of the start, the
//! due time and "now". A scheduler asks [`crossed`] which thresholds were passed since it last
//! looked and sends one reminder (or escalation) per threshold, so none is sent twice or skipped.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// A point in a clock's run at which people are reminded or escalated to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Threshold {
    /// Half the time has run.
    #[serde(rename = "50%")]
    Half,
    /// Three quarters have run.
    #[serde(rename = "75%")]
    ThreeQuarters,
    /// Nine tenths have run.
    #[serde(rename = "90%")]
    NinetyPercent,
    /// The due time has passed.
    #[serde(rename = "overdue")]
    Overdue,
}

impl Threshold {
    /// All thresholds, in the order they are reached.
    pub const ALL: [Threshold; 4] = [
        Threshold::Half,
        Threshold::ThreeQuarters,
        Threshold::NinetyPercent,
        Threshold::Overdue,
    ];

    /// `50%`, `75%`, `90%`, `overdue`.
    pub fn name(self) -> &'static str {
        match self {
            Threshold::Half => "50%",
            Threshold::ThreeQuarters => "75%",
            Threshold::NinetyPercent => "90%",
            Threshold::Overdue => "overdue",
        }
    }

    /// The instant this threshold is reached on a clock running from `start` to `due`. Overdue is
    /// reached just after the due time: a notice given at the due time is in time.
    pub fn at(self, start: Timestamp, due: Timestamp) -> Timestamp {
        let total = (due.as_nanosecond() - start.as_nanosecond()).max(0);
        let part = match self {
            Threshold::Half => total / 2,
            Threshold::ThreeQuarters => total * 3 / 4,
            Threshold::NinetyPercent => total * 9 / 10,
            Threshold::Overdue => {
                return due
                    .checked_add(SignedDuration::from_nanos(1))
                    .unwrap_or(due);
            }
        };
        Timestamp::from_nanosecond(start.as_nanosecond() + part).unwrap_or(due)
    }
}

/// The highest threshold reached at `now` on a clock running from `start` to `due`, if any.
pub fn reached(start: Timestamp, due: Timestamp, now: Timestamp) -> Option<Threshold> {
    Threshold::ALL
        .into_iter()
        .rev()
        .find(|t| t.at(start, due) <= now)
}

/// The thresholds reached after `since` and by `now`, in order: those to remind about now.
pub fn crossed(
    start: Timestamp,
    due: Timestamp,
    since: Timestamp,
    now: Timestamp,
) -> Vec<Threshold> {
    Threshold::ALL
        .into_iter()
        .filter(|t| {
            let at = t.at(start, due);
            since < at && at <= now
        })
        .collect()
}

/// How much of the time from `start` to `due` has run at `now`, in whole percent (0 before the
/// start, more than 100 when overdue).
pub fn percent(start: Timestamp, due: Timestamp, now: Timestamp) -> i64 {
    let total = due.as_nanosecond() - start.as_nanosecond();
    if total <= 0 {
        return 100;
    }
    let run = (now.as_nanosecond() - start.as_nanosecond()).max(0);
    i64::try_from(run * 100 / total).unwrap_or(i64::MAX)
}
