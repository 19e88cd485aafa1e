//! JSON lines: one JSON object per line, read as a stream into one reused [`Document`].

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use rampart_sigma::{Document, JsonError};

use crate::event::{LogEvent, Place, Record, SkipKind, Skipped, SourceKind};
use crate::lines::{LineOutcome, Lines};
use crate::timestamp;

/// Read JSON lines from `reader`, handing `sink` one event per non-blank line, or the reason
/// the line was skipped. An I/O error (such as a truncated gzip stream) ends the file with a
/// [`SkipKind::Truncated`] record.
pub fn read_json_lines(reader: impl BufRead, source: &Arc<Path>, sink: &mut dyn FnMut(Record<'_>)) {
    let mut lines = Lines::new(reader, source);
    let mut document = Document::default();
    loop {
        match lines.next_line() {
            LineOutcome::End => return,
            LineOutcome::Failed(skipped) => return sink(Err(skipped)),
            LineOutcome::Line(number, bytes) => {
                sink(parse_line(bytes, number, source, &mut document));
            }
        }
    }
}

fn parse_line<'a>(
    bytes: &[u8],
    number: u64,
    source: &'a Arc<Path>,
    document: &'a mut Document,
) -> Record<'a> {
    let skipped = |kind, detail: String| Skipped {
        source: Arc::clone(source),
        place: Place::Line(number),
        kind,
        detail,
    };
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let detail = format!("invalid UTF-8 at byte {}", err.valid_up_to());
        skipped(SkipKind::InvalidUtf8, detail)
    })?;
    parse_object(text, document).map_err(|(kind, detail)| skipped(kind, detail))?;
    Ok(LogEvent {
        timestamp: timestamp::find(document),
        fields: document,
        source,
        record: number,
        kind: SourceKind::JsonLines,
    })
}

/// Parses one JSON text that must be an object (a line, a CloudTrail record) into `document`;
/// a refusal is the kind and detail of the skipped record, whose place the caller knows.
pub(crate) fn parse_object(text: &str, document: &mut Document) -> Result<(), (SkipKind, String)> {
    document
        .parse(text)
        .map_err(|err| (SkipKind::InvalidJson, json_detail(&err)))?;
    if document.is_object() {
        Ok(())
    } else {
        let found = format!("found {}", document.type_name());
        Err((SkipKind::NotAnObject, found))
    }
}

/// Where and why a JSON text was refused, for a skipped record (whose kind already says
/// "invalid JSON").
fn json_detail(err: &JsonError) -> String {
    let end = if err.at_end {
        " (the end of the text)"
    } else {
        ""
    };
    format!("at byte {}{end}: {}", err.offset, err.reason)
}
