//! CloudTrail log files: one JSON document `{"Records": [...]}`, read as a stream so that a
//! large file never sits in memory whole; each element of `Records` becomes one event.

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::error::Category;

use crate::event::{LogEvent, Place, Record, SkipKind, Skipped, SourceKind};
use crate::jsonl::json_type;
use crate::timestamp;

/// Read a CloudTrail document from `reader`, handing `sink` one event per element of
/// `Records` (its `record` is the 1-based position in the array). A non-object element is
/// skipped; a document that is not `{"Records": [...]}`, is not valid JSON or ends early
/// yields one skipped record saying where and why, after the events read before that point.
pub fn read_cloudtrail(reader: impl Read, source: &Arc<Path>, sink: &mut dyn FnMut(Record)) {
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut document = Document {
        source,
        sink,
        count: 0,
        found: false,
    };
    let result = (&mut deserializer)
        .deserialize_map(&mut document)
        .and_then(|()| deserializer.end());
    let failure = match result {
        Ok(()) if document.found => return,
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
            let detail = if document.count > 0 {
                format!("{err} (after {} records)", document.count)
            } else {
                err.to_string()
            };
            (kind, place, detail)
        }
    };
    let (kind, place, detail) = failure;
    (document.sink)(Err(Skipped {
        source: Arc::clone(source),
        place,
        kind,
        detail,
    }));
}

/// The top-level object: finds `Records` and ignores every other key.
struct Document<'s, 'k> {
    source: &'s Arc<Path>,
    sink: &'k mut dyn FnMut(Record),
    count: u64,
    found: bool,
}

impl<'de> Visitor<'de> for &mut Document<'_, '_> {
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
struct Records<'d, 's, 'k>(&'d mut Document<'s, 'k>);

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
        let document = self.0;
        while let Some(value) = seq.next_element::<Value>()? {
            document.count += 1;
            let record = to_record(value, document.count, document.source);
            (document.sink)(record);
        }
        Ok(())
    }
}

fn to_record(value: Value, position: u64, source: &Arc<Path>) -> Record {
    if !value.is_object() {
        return Err(Skipped {
            source: Arc::clone(source),
            place: Place::Element(position),
            kind: SkipKind::NotAnObject,
            detail: format!("found {}", json_type(&value)),
        });
    }
    Ok(LogEvent {
        timestamp: value.get("eventTime").and_then(timestamp::parse_value),
        fields: value,
        source: Arc::clone(source),
        record: position,
        kind: SourceKind::CloudTrail,
    })
}
