//! The clocks a change would move, in one sentence for the text of the log entry that records it:
//! the command line and the server write the same words.

use rampart_core::{ChainHead, EntryDraft, Incident, seal};

use crate::{Clock, Config};

/// The clocks whose due time `draft` would move on `incident`, as one sentence (empty when none
/// moves).
pub fn sentence(config: &Config, incident: &Incident, draft: &EntryDraft) -> String {
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
