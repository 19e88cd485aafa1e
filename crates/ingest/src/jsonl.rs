//! JSON lines: one JSON object per line, read as a stream.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use crate::event::{LogEvent, Place, Record, SkipKind, Skipped, SourceKind};
use crate::lines::{LineOutcome, Lines};
use crate::timestamp;

/// Read JSON lines from `reader`, handing `sink` one event per non-blank line, or the reason
/// the line was skipped. An I/O error (such as a truncated gzip stream) ends the file with a
/// [`SkipKind::Truncated`] record.
pub fn read_json_lines(reader: impl BufRead, source: &Arc<Path>, sink: &mut dyn FnMut(Record)) {
    let mut lines = Lines::new(reader, source);
    loop {
        match lines.next_line() {
            LineOutcome::End => return,
            LineOutcome::Failed(skipped) => return sink(Err(skipped)),
            LineOutcome::Line(number, bytes) => sink(parse_line(bytes, number, source)),
        }
    }
}

fn parse_line(bytes: &[u8], number: u64, source: &Arc<Path>) -> Record {
    let skipped = |kind, detail: String| Skipped {
        source: Arc::clone(source),
        place: Place::Line(number),
        kind,
        detail,
    };
    match serde_json::from_slice::<Value>(bytes) {
        Err(err) => Err(skipped(SkipKind::InvalidJson, err.to_string())),
        Ok(fields @ Value::Object(_)) => Ok(LogEvent {
            timestamp: timestamp::find(&fields),
            fields,
            source: Arc::clone(source),
            record: number,
            kind: SourceKind::JsonLines,
        }),
        Ok(other) => Err(skipped(
            SkipKind::NotAnObject,
            format!("found {}", json_type(&other)),
        )),
    }
}

/// The JSON type name of a value, for messages.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
