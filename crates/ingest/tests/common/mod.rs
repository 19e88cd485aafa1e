//! Helpers shared by the integration tests.
#![allow(clippy::unwrap_used, dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use rampart_ingest::{IngestError, LogEvent, Skipped, SourceKind, read_file};

/// The team's shared test data.
pub fn data(relative: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(relative)
}

/// Everything a file yields.
pub struct Read {
    pub kind: SourceKind,
    pub events: Vec<LogEvent>,
    pub skipped: Vec<Skipped>,
}

pub fn read(path: &Path) -> Result<Read, IngestError> {
    let (mut events, mut skipped) = (Vec::new(), Vec::new());
    let kind = read_file(path, &mut |record| match record {
        Ok(event) => events.push(event),
        Err(skip) => skipped.push(skip),
    })?;
    Ok(Read {
        kind,
        events,
        skipped,
    })
}

/// Files under `dir` with the given extension, sorted.
pub fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
