//! Errors that stop a whole file from being read (record-level failures are [`crate::Skipped`]).

use std::io;
use std::path::PathBuf;

/// A file that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file cannot be opened or its first bytes read.
    #[error("cannot read {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The content matches none of the supported log formats.
    #[error("{path}: not a supported log format ({reason})")]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What the first bytes looked like.
        reason: String,
    },
    /// The EVTX file header is invalid, so no chunk can be located.
    #[error("{path}: invalid EVTX file: {reason}")]
    Evtx {
        /// The file.
        path: PathBuf,
        /// The parser's reason.
        reason: String,
    },
}
