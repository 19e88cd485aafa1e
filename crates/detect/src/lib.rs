//! The hunt: Sigma rules over log files on all cores, yielding detections and a summary.
//!
//! [`load_rules`] compiles rule files into a [`RuleSet`]; [`collect_files`] expands the paths
//! to hunt (directories recursively); [`Hunt::run`] reads every file with `rampart-ingest`,
//! evaluates each event against the rules, and feeds rule matches to the correlation engine
//! in time order across all files. Nothing here renders output: [`Detection`] and [`Summary`]
//! are data for the caller to print or store.

#![forbid(unsafe_code)]

mod correlate;
mod detection;
mod error;
mod files;
mod hunt;
mod summary;

pub use detection::{Detection, DetectionKind};
pub use error::DetectError;
pub use files::collect_files;
pub use hunt::{Hunt, HuntOptions, HuntReport};
pub use rampart_ingest::{Place, SkipKind, Skipped, SourceKind};
pub use rampart_sigma::{Level, LoadReport, RuleSet};
pub use summary::{RuleCounts, Summary, UnreadableFile};

use std::path::PathBuf;

/// Load and compile every rule under `paths` (files or directories).
pub fn load_rules(paths: &[PathBuf]) -> Result<(RuleSet, LoadReport), DetectError> {
    let builder = paths
        .iter()
        .fold(RuleSet::builder(), |builder, path| builder.add_path(path));
    Ok(builder.build()?)
}
