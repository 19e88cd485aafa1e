//! CloudTrail log files: one JSON document `{"Records": [...]}`, read as a stream so that a
//! large file never sits in memory whole; each element of `Records` becomes one event. The
//! stream is checked by `serde_json`, which hands each element's text over as read; the text
//! is then parsed into one reused [`Document`] (no `serde_json::Value` tree per record).

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use rampart_sigma::Document;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;
use serde_json::value::RawValue;

use crate::event::{LogEvent, Place, Record, SkipKind, Skipped, SourceKind};
use crate::jsonl::parse_object;
use crate::timestamp;

/// Read a CloudTrail document from `reader`, handing `sink` one event per element of
/// `Records` (its `record` is the 1-based position in the array). A non-object element is
/// skipped; a document that is not `{"Records": [...]}`, is not valid JSON or ends early
/// yields one skipped record saying where and why, after the events read before that point.
pub fn read_cloudtrail(reader: impl Read, source: &Arc<Path>, sink: &mut dyn FnMut(Record<'_>)) {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut top = TopLevel {
        source,
        sink,
        event: Document::default(),
        count: 0,
        found: false,
    };
    let result = (&mut deserializer)
        .deserialize_map(&mut top)
        .and_then(|()| deserializer.end());
    let failure = match result {
        Ok(()) if top.found => return,
        Ok(()) => (
            SkipKind::NotCloudTrail,
            Place::File,
            "no \"Records\" array".to_owned(),
        ),
        Err(err) => {
            let kind = match err.classify() {
                Category::Io | Category::Eof => SkipKind::Truncated,
                Category::Syntax => SkipKind::InvalidJson,
                Category::Data => SkipKind::NotCloudTrail,
            };
            let place = if err.line() == 0 {
                Place::File
            } else {
                Place::LineColumn {
                    line: err.line() as u64,
                    column: err.column() as u64,
                }
            };
            let detail = if top.count > 0 {
                format!("{err} (after {} records)", top.count)
            } else {
                err.to_string()
            };
            (kind, place, detail)
        }
    };
    let (kind, place, detail) = failure;
    (top.sink)(Err(Skipped {
        source: Arc::clone(source),
        place,
        kind,
        detail,
    }));
}

/// The top-level object: finds `Records` and ignores every other key.
struct TopLevel<'s, 'k> {
    source: &'s Arc<Path>,
    sink: &'k mut dyn FnMut(Record<'_>),
    /// The record being handed over, reused from record to record.
    event: Document,
    count: u64,
    found: bool,
}

impl<'de> Visitor<'de> for &mut TopLevel<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a CloudTrail object {\"Records\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "Records" && !self.found {
                self.found = true;
                map.next_value_seed(Records(&mut *self))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The `Records` array, whose elements go to the sink one by one.
struct Records<'d, 's, 'k>(&'d mut TopLevel<'s, 'k>);

impl<'de> DeserializeSeed<'de> for Records<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of CloudTrail records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let top = self.0;
        while let Some(text) = seq.next_element::<Box<RawValue>>()? {
            top.count += 1;
            let record = to_record(text.get(), top.count, top.source, &mut top.event);
            (top.sink)(record);
        }
        Ok(())
    }
}

/// One element of `Records`, valid JSON as `serde_json` checked it, into `event`.
fn to_record<'a>(
    text: &str,
    position: u64,
    source: &'a Arc<Path>,
    event: &'a mut Document,
) -> Record<'a> {
    parse_object(text, event).map_err(|(kind, detail)| Skipped {
        source: Arc::clone(source),
        place: Place::Element(position),
        kind,
        detail,
    })?;
    Ok(LogEvent {
        timestamp: event
            .scalar(&["eventTime"])
            .and_then(timestamp::parse_scalar),
        fields: event,
        source,
        record: position,
        kind: SourceKind::CloudTrail,
    })
}
