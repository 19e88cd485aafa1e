//! Seals and verifies a synthetic log of 1,000,000 entries over 1,000 incidents and prints the rates.
//!
//! Run: `cargo bench -p rampart-core --bench verify` (optionally followed by `-- ENTRIES`).

use std::time::Instant;

use jiff::Timestamp;
use rampart_core::log::Sealer;
use rampart_core::{ChainHead, EntryDraft, IncidentId, LogEntry, verify_log};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let entries: usize = match std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        Some(n) => n.parse()?,
        None => 1_000_000,
    };
    let incidents: Vec<IncidentId> = (0..1_000).map(|_| IncidentId::generate()).collect();
    let mut heads = vec![ChainHead::GENESIS; incidents.len()];
    let mut global = ChainHead::GENESIS;
    let mut sealer = Sealer::default();
    let start_at = Timestamp::from_second(1_790_000_000)?;
    let mut log: Vec<LogEntry> = Vec::with_capacity(entries);

    let started = Instant::now();
    for n in 0..entries {
        let i = n % incidents.len();
        let draft = EntryDraft {
            incident: incidents[i],
            at: Timestamp::from_microsecond(start_at.as_microsecond() + n as i64 * 1_000)?,
            actor: "responder@example.com".into(),
            kind: "incident.note_added".into(),
            payload: json!({"fields": ["title", "severity"], "records": n, "system": "db-01"}),
            text: "Isolated the host from the network; forensic image taken.".into(),
        };
        let entry = sealer.seal(draft, heads[i], global)?;
        heads[i] = entry.incident_head();
        global = entry.global_head();
        log.push(entry);
    }
    let sealed = started.elapsed();

    let started = Instant::now();
    let summary = verify_log(&log)?;
    let verified = started.elapsed();

    let rate = |d: std::time::Duration| entries as f64 / d.as_secs_f64();
    println!(
        "seal:   {entries} entries in {:.3} s ({:.0} entries/s)",
        sealed.as_secs_f64(),
        rate(sealed)
    );
    println!(
        "verify: {} entries over {} incidents in {:.3} s ({:.0} entries/s)",
        summary.entries,
        summary.incidents,
        verified.as_secs_f64(),
        rate(verified)
    );
    Ok(())
}
