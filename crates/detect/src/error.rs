//! Failures that stop a hunt before it starts.

use std::path::PathBuf;

/// Why a hunt could not start.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    /// A rule path cannot be read.
    #[error(transparent)]
    Rules(#[from] rampart_sigma::LoadError),
    /// A path to hunt does not exist or cannot be listed.
    #[error("cannot read {path}: {source}")]
    Input {
        /// The path.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
}
