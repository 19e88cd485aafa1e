//! The load report and the hunt summary, on stderr.

use rampart_detect::{Level, LoadReport, Summary};

/// The rules loaded, and every rejected rule with its file, line and reason.
pub(super) fn print_load(load: &LoadReport) {
    eprintln!(
        "rules: {} detection, {} correlation, {} filters from {} files; {} rejected, {} with warnings",
        load.detection_rules,
        load.correlation_rules,
        load.filters,
        load.files,
        load.rejected.len(),
        load.warnings.len()
    );
    for rejection in &load.rejected {
        eprintln!("  rejected: {rejection}");
    }
}

/// Files, events, skipped records (by reason, with examples) and detections by level.
pub(super) fn print_hunt(summary: &Summary) {
    let kinds = |counts: Vec<String>| {
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        }
    };
    let files: Vec<String> = summary
        .files
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    let events: Vec<String> = summary
        .events
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    let not_logs = summary.unreadable.iter().filter(|u| u.not_a_log).count();
    eprintln!(
        "read: {} files{}, {} events{}; {} files not in a log format, {} unreadable",
        summary.total_files(),
        kinds(files),
        summary.total_events(),
        kinds(events),
        not_logs,
        summary.unreadable.len() - not_logs
    );
    for file in &summary.unreadable {
        let label = if file.not_a_log {
            "not a log"
        } else {
            "unreadable"
        };
        eprintln!("  {label}: {}", file.reason);
    }
    let skipped: Vec<String> = summary
        .skipped
        .iter()
        .map(|(kind, n)| format!("{kind}: {n}"))
        .collect();
    eprintln!(
        "skipped records: {}{}",
        summary.total_skipped(),
        kinds(skipped)
    );
    for example in &summary.skipped_examples {
        eprintln!("  {example}");
    }
    if summary.total_skipped() > summary.skipped_examples.len() as u64 {
        eprintln!("  (first {} shown)", summary.skipped_examples.len());
    }
    if summary.untimed_matches > 0 {
        eprintln!(
            "matches without a timestamp, left out of correlation: {}",
            summary.untimed_matches
        );
    }
    let levels: Vec<String> = Level::ALL
        .iter()
        .rev()
        .filter_map(|level| {
            summary
                .detections
                .get(level)
                .map(|n| format!("{level} {n}"))
        })
        .collect();
    eprintln!(
        "detections: {}{}",
        summary.total_detections(),
        kinds(levels)
    );
}
