//! Windows EVTX files through the `evtx` crate, in its JSON shape (`Event.System.*`,
//! `Event.EventData.*`, attributes under `#attributes`), the shape Sigma rules are mapped to;
//! each record's value is copied into one reused [`Document`].

use std::path::Path;
use std::sync::Arc;

use evtx::err::EvtxError;
use evtx::{EvtxParser, ParserSettings};
use rampart_sigma::Document;

use crate::error::IngestError;
use crate::event::{LogEvent, Place, Record, SkipKind, Skipped, SourceKind};

/// Bytes before the first chunk, and the size of each chunk (the EVTX layout).
const HEADER_SIZE: u64 = 4096;
const CHUNK_SIZE: u64 = 65536;

/// Read every record of an EVTX file, in record order. A chunk or record the parser cannot
/// read is skipped and reported with its byte offset or record id; a file whose header is
/// invalid fails as a whole.
///
/// Parsing runs on the calling thread: callers parallelise across files.
pub fn read_evtx(
    path: &Path,
    source: &Arc<Path>,
    sink: &mut dyn FnMut(Record<'_>),
) -> Result<(), IngestError> {
    let parser = EvtxParser::from_path(path).map_err(|err| match err {
        EvtxError::InputError(input) => IngestError::Open {
            path: path.to_owned(),
            source: std::io::Error::other(input.to_string()),
        },
        other => IngestError::Evtx {
            path: path.to_owned(),
            reason: error_chain(&other),
        },
    })?;
    let settings = ParserSettings::new().num_threads(1).indent(false);
    let mut parser = parser.with_configuration(settings);
    let mut document = Document::default();
    for record in parser.records_json_value() {
        sink(match record {
            Ok(record) => {
                document.set_value(&record.data);
                Ok(LogEvent {
                    fields: &document,
                    source,
                    record: record.event_record_id,
                    timestamp: Some(record.timestamp),
                    kind: SourceKind::Evtx,
                })
            }
            Err(err) => Err(Skipped {
                source: Arc::clone(source),
                place: place_of(&err),
                kind: SkipKind::InvalidEvtx,
                detail: error_chain(&err),
            }),
        });
    }
    Ok(())
}

/// Where in the file a parser error points.
fn place_of(err: &EvtxError) -> Place {
    match err {
        EvtxError::FailedToParseChunk { chunk_id, .. } => {
            Place::Byte(HEADER_SIZE + chunk_id * CHUNK_SIZE)
        }
        EvtxError::FailedToReadRecordAt {
            chunk: Some(chunk),
            offset,
            ..
        } => Place::Byte(HEADER_SIZE + chunk * CHUNK_SIZE + offset),
        EvtxError::FailedToParseRecord { record_id, .. } => Place::RecordId(*record_id),
        _ => Place::File,
    }
}

/// The error and its causes on one line: the top-level messages alone say little.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
