//! Clocks as people and scripts read them, the same for the command line, the API and the web
//! pages: one [`ClockView`] per clock with where it stands at a given "now", sorted by time left
//! ([`sort`]), with the time left and the status in words ([`ClockView::left_text`],
//! [`ClockView::status_text`]).

use jiff::{SignedDuration, Timestamp};
use rampart_core::Incident;
use serde::Serialize;

use crate::{Clock, Evaluation, Status, Threshold};

/// A clock as shown: the clock, its incident and where it stands.
#[derive(Clone, Debug, Serialize)]
pub struct ClockView {
    /// The incident key.
    pub incident: String,
    /// The clock.
    #[serde(flatten)]
    pub clock: Clock,
    /// `running`, `overdue`, `no_deadline`, `met`, `met_late`, `missed`.
    pub status: &'static str,
    /// Seconds to the due time (negative when overdue); absent without a due time or once ended.
    pub seconds_left: Option<i64>,
    /// Percent of the time run, for a clock with a due time that has not ended.
    pub percent: Option<i64>,
    /// The highest reminder threshold reached (`50%`, `75%`, `90%`, `overdue`).
    pub threshold: Option<Threshold>,
    /// Where it stands.
    #[serde(skip)]
    pub state: Status,
}

impl ClockView {
    /// Whether the clock has ended (met or missed).
    pub fn ended(&self) -> bool {
        self.clock.outcome.is_some()
    }

    /// Running and overdue clocks by time left, then those without a deadline, then ended ones.
    fn sort_key(&self) -> (u8, i64) {
        match (self.ended(), self.seconds_left) {
            (false, Some(left)) => (0, left),
            (false, None) => (1, 0),
            (true, _) => (2, 0),
        }
    }

    /// The time left: `5h 12m`, `-2h 0m` when overdue, `-` otherwise.
    pub fn left_text(&self) -> String {
        match self.state {
            Status::Running { left, .. } => human(left),
            Status::Overdue { by } => format!("-{}", human(by)),
            _ => "-".to_owned(),
        }
    }

    /// The status in words: `running 80% (past 75%)`, `OVERDUE`, `met 2h 0m late`, …
    pub fn status_text(&self) -> String {
        match self.state {
            Status::Running { percent, .. } => match self.threshold {
                Some(t) => format!("running {percent}% (past {})", t.name()),
                None => format!("running {percent}%"),
            },
            Status::Overdue { .. } => "OVERDUE".to_owned(),
            Status::NoDeadline { running_for } => {
                format!("without undue delay ({} so far)", human(running_for))
            }
            Status::Met { late_by: None } => "met".to_owned(),
            Status::Met {
                late_by: Some(late),
            } => format!("met {} late", human(late)),
            Status::Missed => "missed".to_owned(),
        }
    }

    /// Where it stands in a sentence for a page: `3h 12m left`, `overdue by 2h 0m`, `met`, …
    pub fn sentence(&self) -> String {
        match self.state {
            Status::Running { left, .. } => format!("{} left", human(left)),
            Status::Overdue { by } => format!("overdue by {}", human(by)),
            _ => self.status_text(),
        }
    }
}

/// The views of `evaluation`'s clocks on `incident` at `now`.
pub fn views(incident: &Incident, evaluation: &Evaluation, now: Timestamp) -> Vec<ClockView> {
    evaluation
        .clocks
        .iter()
        .map(|clock| {
            let state = clock.status(now);
            let (seconds_left, percent) = match state {
                Status::Running { left, percent, .. } => (Some(left.as_secs()), Some(percent)),
                Status::Overdue { by } => (
                    Some(-by.as_secs()),
                    clock.due.map(|d| {
                        crate::threshold::percent(clock.started.instant(), d.instant(), now)
                    }),
                ),
                _ => (None, None),
            };
            ClockView {
                incident: incident.key().to_string(),
                clock: clock.clone(),
                status: state.name(),
                seconds_left,
                percent,
                threshold: clock.threshold(now),
                state,
            }
        })
        .collect()
}

/// Sorts views by time left.
pub fn sort(views: &mut [ClockView]) {
    views.sort_by_key(ClockView::sort_key);
}

/// `2d 3h`, `5h 12m`, `12m`, `40s`.
pub fn human(d: SignedDuration) -> String {
    let secs = d.as_secs().unsigned_abs();
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    match (days, hours, mins) {
        (0, 0, 0) => format!("{secs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_the_largest_units() {
        assert_eq!(human(SignedDuration::from_secs(40)), "40s");
        assert_eq!(human(SignedDuration::from_secs(12 * 60)), "12m");
        assert_eq!(
            human(SignedDuration::from_secs(3 * 3600 + 12 * 60)),
            "3h 12m"
        );
        assert_eq!(human(SignedDuration::from_secs(-(2 * 3600))), "2h 0m");
        assert_eq!(
            human(SignedDuration::from_secs(2 * 86_400 + 3 * 3600)),
            "2d 3h"
        );
    }
}
