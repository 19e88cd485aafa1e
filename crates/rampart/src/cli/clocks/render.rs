//! Clocks for people and scripts: one view per clock with its status at "now", sorted by time
//! left; and the sentence a log entry carries when a change moves clocks.

use jiff::{SignedDuration, Timestamp};
use rampart_clock::{Clock, Config, Evaluation, Status, Threshold};
use rampart_core::{ChainHead, EntryDraft, Incident, seal};
use serde::Serialize;

use crate::cli::output;

/// A clock as shown: the clock, its incident and where it stands.
#[derive(Debug, Serialize)]
pub(crate) struct ClockView {
    /// The incident key.
    incident: String,
    #[serde(flatten)]
    clock: Clock,
    /// `running`, `overdue`, `no_deadline`, `met`, `met_late`, `missed`.
    status: &'static str,
    /// Seconds to the due time (negative when overdue); absent without a due time or once ended.
    seconds_left: Option<i64>,
    /// Percent of the time run, for a clock with a due time that has not ended.
    percent: Option<i64>,
    /// The highest reminder threshold reached (`50%`, `75%`, `90%`, `overdue`).
    threshold: Option<Threshold>,
    #[serde(skip)]
    state: Status,
}

impl ClockView {
    /// Whether the clock has ended (met or missed).
    pub(crate) fn ended(&self) -> bool {
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
}

/// The views of `evaluation`'s clocks at `now`.
pub(crate) fn views(
    incident: &Incident,
    evaluation: &Evaluation,
    now: Timestamp,
) -> Vec<ClockView> {
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
                        rampart_clock::threshold::percent(clock.started.instant(), d.instant(), now)
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
pub(crate) fn sort(views: &mut [ClockView]) {
    views.sort_by_key(ClockView::sort_key);
}

/// Prints views as a table.
pub(crate) fn table(views: &[ClockView]) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            let due = v
                .clock
                .due
                .map_or_else(|| "-".to_owned(), |d| d.to_string());
            let due = if v.clock.provisional {
                format!("{due} (provisional)")
            } else {
                due
            };
            vec![
                v.incident.clone(),
                v.clock.id.to_string(),
                due,
                left(v.state),
                status(v.state, v.threshold),
                v.clock.deadline.clone(),
            ]
        })
        .collect();
    output::table(
        &["INCIDENT", "CLOCK", "DUE", "LEFT", "STATUS", "WHAT"],
        &rows,
    )
}

fn left(state: Status) -> String {
    match state {
        Status::Running { left, .. } => human(left),
        Status::Overdue { by } => format!("-{}", human(by)),
        _ => "-".to_owned(),
    }
}

fn status(state: Status, threshold: Option<Threshold>) -> String {
    match state {
        Status::Running { percent, .. } => match threshold {
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

/// `2d 3h`, `5h 12m`, `12m`, `40s`.
pub(crate) fn human(d: SignedDuration) -> String {
    let secs = d.as_secs().unsigned_abs();
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    match (days, hours, mins) {
        (0, 0, 0) => format!("{secs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// The clocks whose due time `draft` would move on `incident`, as one sentence for the entry's
/// text (empty when none moves).
pub(crate) fn moves(config: &Config, incident: &Incident, draft: &EntryDraft) -> String {
    let mut after = incident.clone();
    let applied = seal(draft.clone(), incident.head(), ChainHead::GENESIS)
        .ok()
        .and_then(|entry| after.apply(&entry).ok());
    let (Some(()), Ok(before), Ok(now)) =
        (applied, config.evaluate(incident), config.evaluate(&after))
    else {
        return String::new();
    };
    let due = |c: &Clock| c.due.map_or_else(|| "none".to_owned(), |d| d.to_string());
    let mut changes = Vec::new();
    for clock in &now.clocks {
        match before.clocks.iter().find(|b| b.id == clock.id) {
            Some(old) if old.due != clock.due => {
                changes.push(format!("{} due {} -> {}", clock.id, due(old), due(clock)));
            }
            Some(_) => {}
            None => changes.push(format!("{} started, due {}", clock.id, due(clock))),
        }
    }
    for old in &before.clocks {
        if !now.clocks.iter().any(|c| c.id == old.id) {
            changes.push(format!("{} no longer runs", old.id));
        }
    }
    if changes.is_empty() {
        String::new()
    } else {
        format!("clocks recomputed: {}", changes.join("; "))
    }
}
