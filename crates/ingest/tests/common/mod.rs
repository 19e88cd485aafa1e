//! Helpers shared by the integration tests.
#![allow(clippy::unwrap_used, dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use rampart_ingest::{IngestError, LogEvent, Skipped, SourceKind, read_file};
use serde_json::Value;

/// The team's shared test data.
pub fn data(relative: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(relative)
}

/// Everything a file yields.
pub struct Read {
    pub kind: SourceKind,
    pub events: Vec<Event>,
    pub skipped: Vec<Skipped>,
}

/// A [`LogEvent`] kept: its fields as a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub fields: Value,
    pub source: Arc<Path>,
    pub record: u64,
    pub timestamp: Option<Timestamp>,
    pub kind: SourceKind,
}

impl From<LogEvent<'_>> for Event {
    fn from(event: LogEvent<'_>) -> Self {
        Event {
            fields: event.fields.to_value(),
            source: Arc::clone(event.source),
            record: event.record,
            timestamp: event.timestamp,
            kind: event.kind,
        }
    }
}

pub fn read(path: &Path) -> Result<Read, IngestError> {
    let (mut events, mut skipped) = (Vec::new(), Vec::new());
    let kind = read_file(path, &mut |record| match record {
        Ok(event) => events.push(Event::from(event)),
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
