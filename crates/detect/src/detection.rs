//! What a hunt finds.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use rampart_sigma::{Level, RuleMeta};
use serde_json::value::RawValue;

/// Whether a detection comes from one event or from a correlation over several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetectionKind {
    /// A detection rule matched one event.
    Match,
    /// A correlation rule's condition held over the events of a window.
    Correlation,
}

/// A rule that fired.
#[derive(Debug, Clone)]
pub struct Detection {
    /// Match or correlation.
    pub kind: DetectionKind,
    /// The rule's `id` (its `name` when it has no id).
    pub rule_id: Option<String>,
    /// The rule's `title`.
    pub rule_title: String,
    /// The rule's `level`.
    pub level: Level,
    /// The rule's `tags`.
    pub tags: Vec<String>,
    /// When: the event's time, or the last event of a correlation window.
    pub timestamp: Option<Timestamp>,
    /// The file of the event (for a correlation, of the event that completed it, when one did).
    pub source: Option<Arc<Path>>,
    /// The event's record number in that file (EVTX record id, line, or CloudTrail position).
    pub record: Option<u64>,
    /// The matched event as compact JSON (the smallest form to keep until the hunt ends);
    /// for a correlation, `{"group", "events", "value", "first", "last"}`.
    pub event: Arc<RawValue>,
}

impl Detection {
    /// A detection of `rule` with the rule's identity filled in.
    pub(crate) fn of_rule(
        rule: &RuleMeta,
        kind: DetectionKind,
        timestamp: Option<Timestamp>,
        place: Option<(Arc<Path>, u64)>,
        event: Arc<RawValue>,
    ) -> Self {
        let (source, record) = place.map_or((None, None), |(source, record)| {
            (Some(source), Some(record))
        });
        Detection {
            kind,
            rule_id: rule.id.clone().or_else(|| rule.name.clone()),
            rule_title: rule.title.clone(),
            level: rule.level,
            tags: rule.tags.clone(),
            timestamp,
            source,
            record,
            event,
        }
    }
}

/// `value` as compact JSON text.
pub(crate) fn raw(value: &impl serde::Serialize) -> Box<RawValue> {
    // Serializing a document or a `Value` to a string cannot fail: their keys are strings
    // and their numbers finite.
    serde_json::value::to_raw_value(value).unwrap_or_else(|_| RawValue::NULL.to_owned())
}
