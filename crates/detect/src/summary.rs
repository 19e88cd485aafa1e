//! The account of a hunt: what was read, what was skipped and why, what was found.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rampart_ingest::{SkipKind, Skipped, SourceKind};
use rampart_sigma::{Level, LoadReport};

/// How many skipped records a summary keeps as examples (all are counted).
pub(crate) const SKIPPED_EXAMPLES: usize = 100;

/// Rules as loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleCounts {
    /// Rule files read.
    pub files: usize,
    /// Detection rules loaded.
    pub detection: usize,
    /// Correlation rules loaded.
    pub correlation: usize,
    /// Filters applied.
    pub filters: usize,
    /// Rule documents rejected (the load report says why).
    pub rejected: usize,
}

impl From<&LoadReport> for RuleCounts {
    fn from(report: &LoadReport) -> Self {
        RuleCounts {
            files: report.files,
            detection: report.detection_rules,
            correlation: report.correlation_rules,
            filters: report.filters,
            rejected: report.rejected.len(),
        }
    }
}

/// A file the hunt could not read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableFile {
    /// The file.
    pub path: PathBuf,
    /// Why (cannot open, not a log format, invalid EVTX header).
    pub reason: String,
    /// Whether it is simply not a log file (its content matches no supported format), as
    /// opposed to a log file that cannot be read.
    pub not_a_log: bool,
}

/// What a hunt read and found.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// The rules.
    pub rules: RuleCounts,
    /// Files read, by kind of source.
    pub files: BTreeMap<SourceKind, usize>,
    /// Files not read, with the reason.
    pub unreadable: Vec<UnreadableFile>,
    /// Events read, by kind of source.
    pub events: BTreeMap<SourceKind, u64>,
    /// Records skipped, by reason.
    pub skipped: BTreeMap<SkipKind, u64>,
    /// The first skipped records in file order, with their place and reason (at most 100).
    pub skipped_examples: Vec<Skipped>,
    /// Detections reported, by level (after the minimum level is applied).
    pub detections: BTreeMap<Level, usize>,
    /// Rule matches left out of correlation because their event has no timestamp.
    pub untimed_matches: u64,
}

impl Summary {
    /// All events read.
    pub fn total_events(&self) -> u64 {
        self.events.values().sum()
    }

    /// All records skipped.
    pub fn total_skipped(&self) -> u64 {
        self.skipped.values().sum()
    }

    /// All files read.
    pub fn total_files(&self) -> usize {
        self.files.values().sum()
    }

    /// All detections reported.
    pub fn total_detections(&self) -> usize {
        self.detections.values().sum()
    }
}
