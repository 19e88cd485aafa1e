//! Clocks for people: the table of views (`rampart_clock::view`), and the sentence a log entry
//! carries when a change moves clocks.

use rampart_clock::view::ClockView;
use rampart_clock::{Clock, Config};
use rampart_core::{ChainHead, EntryDraft, Incident, seal};

use crate::cli::output;

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
                v.left_text(),
                v.status_text(),
                v.clock.deadline.clone(),
            ]
        })
        .collect();
    output::table(
        &["INCIDENT", "CLOCK", "DUE", "LEFT", "STATUS", "WHAT"],
        &rows,
    )
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
