//! The event being matched: a borrowed JSON document plus a precomputed view.
//!
//! Sigma rules name fields the way the log source calls them (`Image`, `EventID`,
//! `userIdentity.type`). Windows events in the evtx crate's JSON shape keep those names under
//! `Event.EventData`, `Event.UserData.<element>` and `Event.System` (some as XML attributes), so
//! [`Event::new`] locates those objects once and every lookup tries them in that order before the
//! generic path walk used for CloudTrail and JSON lines.

use serde_json::{Map, Value};

use crate::matcher::with_text;

/// The path present exactly in events of the Windows event log shape.
pub(crate) const WINDOWS_ROOT: &str = "Event.System";

/// A field name as written in a rule, pre-split for nested lookups.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct FieldPath {
    name: Box<str>,
    parts: Box<[Box<str>]>,
}

impl FieldPath {
    pub(crate) fn new(name: &str) -> Self {
        FieldPath {
            name: name.into(),
            parts: name.split('.').map(Into::into).collect(),
        }
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The top-level keys one of which an event not of the Windows shape has when it has this
    /// field: the name itself, and for a dotted name its first part.
    pub(crate) fn top_level_keys(&self) -> impl Iterator<Item = &str> {
        let first = self.parts.first().filter(|_| self.parts.len() > 1);
        std::iter::once(&*self.name).chain(first.map(|p| &**p))
    }

    /// Whether the name has no dot: [`Event::field`] then reads one key of the object it looks in.
    pub(crate) fn is_plain(&self) -> bool {
        self.parts.len() < 2
    }
}

/// One event to match, borrowed from its JSON document.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    root: &'a Value,
    system: Option<&'a Map<String, Value>>,
    event_data: Option<&'a Map<String, Value>>,
    user_data: Option<&'a Map<String, Value>>,
    /// Whether some `EventData` names contain spaces (Defender's `Threat Name`), which rules
    /// write without them (`ThreatName`).
    spaced_names: bool,
}

impl<'a> Event<'a> {
    /// Wraps a JSON document: an EVTX record as the evtx crate renders it
    /// (`{"Event": {"System": …, "EventData": …}}`), a CloudTrail record, or any JSON object.
    pub fn new(root: &'a Value) -> Self {
        let event = root.get("Event").and_then(Value::as_object);
        let system = event
            .and_then(|e| e.get("System"))
            .and_then(Value::as_object);
        let child = |name: &str| event.and_then(|e| e.get(name)).and_then(Value::as_object);
        let user_data = child("UserData").and_then(|u| {
            // UserData wraps its fields in one element named after the event's schema.
            u.values().find_map(Value::as_object)
        });
        let event_data = if system.is_some() {
            child("EventData")
        } else {
            None
        };
        Event {
            root,
            system,
            event_data,
            user_data: if system.is_some() { user_data } else { None },
            spaced_names: event_data.is_some_and(|d| d.keys().any(|k| k.contains(' '))),
        }
    }

    /// The JSON document.
    pub fn json(&self) -> &'a Value {
        self.root
    }

    /// Whether the event has the Windows event log shape (`Event.System`).
    pub fn is_windows(&self) -> bool {
        self.system.is_some()
    }

    /// The value a rule's field name designates, if the event has it.
    pub(crate) fn field(&self, path: &FieldPath) -> Option<&'a Value> {
        if let Some(system) = self.system {
            let name = path.name();
            let found = self
                .event_data
                .and_then(|d| entry(d, name))
                .or_else(|| self.user_data.and_then(|d| entry(d, name)))
                .or_else(|| system_field(system, name))
                .or_else(|| self.spaced_field(name));
            if let Some(value) = found {
                return Some(text_of(value));
            }
            // Plain names live only in the objects above; only dotted paths reach further.
            if path.parts.len() < 2 {
                return None;
            }
        }
        lookup_path(self.root, path).map(text_of)
    }

    /// The top-level fields of an event not of the Windows shape, each with the value
    /// [`Event::field`] gives for its name; `None` for Windows events and non-objects.
    pub(crate) fn top_level(&self) -> Option<impl Iterator<Item = (&'a str, &'a Value)> + use<'a>> {
        if self.system.is_some() {
            return None;
        }
        let map = self.root.as_object()?;
        Some(
            map.iter()
                .map(|(key, value)| (key.as_str(), text_of(value))),
        )
    }

    /// An `EventData` entry whose name equals `name` once its spaces are dropped.
    fn spaced_field(&self, name: &str) -> Option<&'a Value> {
        if !self.spaced_names {
            return None;
        }
        self.event_data?
            .iter()
            .find(|(key, _)| key.chars().filter(|c| *c != ' ').eq(name.chars()))
            .map(|(_, value)| value)
    }

    /// Calls `visit` on every scalar value of the event (keyword search), stopping at `true`.
    pub(crate) fn any_scalar(&self, visit: &mut dyn FnMut(&'a Value) -> bool) -> bool {
        fn walk<'v>(value: &'v Value, visit: &mut dyn FnMut(&'v Value) -> bool) -> bool {
            match value {
                Value::Object(map) => map.values().any(|v| walk(v, visit)),
                Value::Array(items) => items.iter().any(|v| walk(v, visit)),
                Value::Null => false,
                scalar => visit(scalar),
            }
        }
        match (self.event_data, self.user_data) {
            // Keywords look at what the event says, not at its envelope.
            (Some(data), _) | (None, Some(data)) => data.values().any(|v| walk(v, visit)),
            (None, None) => walk(self.root, visit),
        }
    }
}

/// Separates the values of [`Event::keyword_text`]: no needle holds it, so no occurrence found
/// in the joined text spans two values.
pub(crate) const KEYWORD_SEPARATOR: char = '\0';

impl Event<'_> {
    /// Appends the text of every value [`Event::any_scalar`] visits to `out`, each followed by
    /// [`KEYWORD_SEPARATOR`]: a keyword scan then searches the event in one pass.
    pub(crate) fn keyword_text(&self, out: &mut String) {
        self.any_scalar(&mut |value| {
            with_text(value, |text| out.push_str(text));
            out.push(KEYWORD_SEPARATOR);
            false
        });
    }
}

/// `Event.System` fields under their Sigma names; some are XML attributes in the JSON shape.
fn system_field<'a>(system: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    let attribute = |element: &str, attribute: &str| {
        entry(system, element)
            .and_then(|e| e.get("#attributes"))
            .and_then(|a| a.as_object())
            .and_then(|a| entry(a, attribute))
    };
    match name {
        "Provider_Name" => attribute("Provider", "Name"),
        "Provider_Guid" => attribute("Provider", "Guid"),
        "Security_UserID" => attribute("Security", "UserID"),
        "ProcessID" | "ThreadID" => attribute("Execution", name),
        "SystemTime" => attribute("TimeCreated", "SystemTime"),
        _ => entry(system, name),
    }
}

/// Objects up to this many entries are searched by comparing keys rather than hashing the name:
/// the map hashes with SipHash, which costs more than a scan of an event's few dozen names.
const SCANNED_ENTRIES: usize = 24;

/// The value of `name` in `map` (keys are unique, so a scan finds what a lookup would).
fn entry<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if map.len() <= SCANNED_ENTRIES {
        map.iter()
            .find(|(key, _)| key.as_str() == name)
            .map(|(_, value)| value)
    } else {
        map.get(name)
    }
}

/// An element with attributes keeps its text under `#text`.
fn text_of(value: &Value) -> &Value {
    match value {
        Value::Object(map) => map.get("#text").unwrap_or(value),
        _ => value,
    }
}

/// A literal key wins over nesting (`"a.b"` before `a` → `b`); arrays on the way are searched.
fn lookup_path<'a>(root: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    let map = root.as_object()?;
    if let Some(value) = entry(map, path.name()) {
        return Some(value);
    }
    if path.parts.len() < 2 {
        return None;
    }
    walk_parts(root, &path.parts)
}

fn walk_parts<'a>(value: &'a Value, parts: &[Box<str>]) -> Option<&'a Value> {
    let Some((first, rest)) = parts.split_first() else {
        return Some(value);
    };
    match value {
        Value::Object(map) => walk_parts(entry(map, first)?, rest),
        Value::Array(items) => items.iter().find_map(|item| walk_parts(item, parts)),
        _ => None,
    }
}
