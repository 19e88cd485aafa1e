//! The event being matched: a [`Document`] plus a precomputed view.
//!
//! Sigma rules name fields the way the log source calls them (`Image`, `EventID`,
//! `userIdentity.type`). Windows events in the evtx crate's JSON shape keep those names under
//! `Event.EventData`, `Event.UserData.<element>` and `Event.System` (some as XML attributes), so
//! [`Event::new`] locates those objects once and every lookup tries them in that order before the
//! generic path walk used for CloudTrail and JSON lines.

use crate::document::{Document, Json, Name, Object};

/// The path present exactly in events of the Windows event log shape.
pub(crate) const WINDOWS_ROOT: &str = "Event.System";

/// A field name as written in a rule, pre-split for nested lookups.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct FieldPath {
    name: Name,
    parts: Box<[Name]>,
}

impl FieldPath {
    pub(crate) fn new(name: &str) -> Self {
        FieldPath {
            name: Name::new(name),
            parts: name.split('.').map(Name::new).collect(),
        }
    }

    pub(crate) fn name(&self) -> &str {
        self.name.as_str()
    }

    /// The top-level keys one of which an event not of the Windows shape has when it has this
    /// field: the name itself, and for a dotted name its first part.
    pub(crate) fn top_level_keys(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name()).chain(self.first_part())
    }

    /// The first part of a dotted name.
    pub(crate) fn first_part(&self) -> Option<&str> {
        self.parts
            .first()
            .filter(|_| self.parts.len() > 1)
            .map(Name::as_str)
    }

    /// For a dotted name, what [`Event::field`] finds by walking the rest of the path from
    /// `value`, the value of the name's first part.
    pub(crate) fn below<'a>(&self, value: Json<'a>) -> Option<Json<'a>> {
        walk_parts(value, self.parts.get(1..)?).map(text_of)
    }
}

/// One event to match, borrowed from its document.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    document: &'a Document,
    root: Json<'a>,
    system: Option<Object<'a>>,
    event_data: Option<Object<'a>>,
    user_data: Option<Object<'a>>,
    /// Whether some `EventData` names contain spaces (Defender's `Threat Name`), which rules
    /// write without them (`ThreatName`).
    spaced_names: bool,
}

impl<'a> Event<'a> {
    /// Wraps a document: an EVTX record as the evtx crate renders it
    /// (`{"Event": {"System": …, "EventData": …}}`), a CloudTrail record, or any JSON object.
    pub fn new(document: &'a Document) -> Self {
        let root = document.root();
        let event = root
            .as_object()
            .and_then(|r| r.get("Event"))
            .and_then(Json::as_object);
        let system = event
            .and_then(|e| e.get("System"))
            .and_then(Json::as_object);
        let child = |name: &str| event.and_then(|e| e.get(name)).and_then(Json::as_object);
        let user_data = child("UserData").and_then(|u| {
            // UserData wraps its fields in one element named after the event's schema.
            u.values().find_map(Json::as_object)
        });
        let event_data = if system.is_some() {
            child("EventData")
        } else {
            None
        };
        Event {
            document,
            root,
            system,
            event_data,
            user_data: if system.is_some() { user_data } else { None },
            spaced_names: event_data.is_some_and(|d| d.iter().any(|(k, _)| k.contains(' '))),
        }
    }

    /// The document.
    pub fn document(&self) -> &'a Document {
        self.document
    }

    /// Whether the event has the Windows event log shape (`Event.System`).
    pub fn is_windows(&self) -> bool {
        self.system.is_some()
    }

    /// The value a rule's field name designates, if the event has it.
    pub(crate) fn field(&self, path: &FieldPath) -> Option<Json<'a>> {
        if let Some(system) = self.system {
            let name = path.name();
            let found = self
                .event_data
                .and_then(|d| d.get_name(&path.name))
                .or_else(|| self.user_data.and_then(|d| d.get_name(&path.name)))
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

    /// The top-level fields of an event not of the Windows shape, each with its value as it is
    /// ([`text_of`] gives what [`Event::field`] gives for the name); `None` for Windows events
    /// and non-objects.
    pub(crate) fn top_level(&self) -> Option<impl Iterator<Item = (&'a str, Json<'a>)> + use<'a>> {
        if self.system.is_some() {
            return None;
        }
        let map = self.root.as_object()?;
        Some(map.iter())
    }

    /// An `EventData` entry whose name equals `name` once its spaces are dropped.
    fn spaced_field(&self, name: &str) -> Option<Json<'a>> {
        if !self.spaced_names {
            return None;
        }
        self.event_data?
            .iter()
            .find(|(key, _)| key.chars().filter(|c| *c != ' ').eq(name.chars()))
            .map(|(_, value)| value)
    }

    /// Calls `visit` on every scalar value of the event (keyword search), stopping at `true`.
    pub(crate) fn any_scalar(&self, visit: &mut dyn FnMut(Json<'a>) -> bool) -> bool {
        fn walk<'v>(value: Json<'v>, visit: &mut dyn FnMut(Json<'v>) -> bool) -> bool {
            match value.as_object().or_else(|| value.as_array()) {
                Some(members) => members.values().any(|v| walk(v, visit)),
                None if value.is_null() => false,
                None => visit(value),
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
            if let Some(text) = value.text() {
                out.push_str(text);
            }
            out.push(KEYWORD_SEPARATOR);
            false
        });
    }
}

/// `Event.System` fields under their Sigma names; some are XML attributes in the JSON shape.
fn system_field<'a>(system: Object<'a>, name: &str) -> Option<Json<'a>> {
    let attribute = |element: &str, attribute: &str| {
        system
            .get(element)
            .and_then(Json::as_object)
            .and_then(|e| e.get("#attributes"))
            .and_then(Json::as_object)
            .and_then(|a| a.get(attribute))
    };
    match name {
        "Provider_Name" => attribute("Provider", "Name"),
        "Provider_Guid" => attribute("Provider", "Guid"),
        "Security_UserID" => attribute("Security", "UserID"),
        "ProcessID" | "ThreadID" => attribute("Execution", name),
        "SystemTime" => attribute("TimeCreated", "SystemTime"),
        _ => system.get(name),
    }
}

/// An element with attributes keeps its text under `#text`.
pub(crate) fn text_of(value: Json<'_>) -> Json<'_> {
    value
        .as_object()
        .and_then(|map| map.get("#text"))
        .unwrap_or(value)
}

/// A literal key wins over nesting (`"a.b"` before `a` → `b`); arrays on the way are searched.
fn lookup_path<'a>(root: Json<'a>, path: &FieldPath) -> Option<Json<'a>> {
    let map = root.as_object()?;
    if let Some(value) = map.get_name(&path.name) {
        return Some(value);
    }
    if path.parts.len() < 2 {
        return None;
    }
    walk_parts(root, &path.parts)
}

fn walk_parts<'a>(value: Json<'a>, parts: &[Name]) -> Option<Json<'a>> {
    let Some((first, rest)) = parts.split_first() else {
        return Some(value);
    };
    if let Some(map) = value.as_object() {
        return walk_parts(map.get_name(first)?, rest);
    }
    value
        .as_array()?
        .values()
        .find_map(|item| walk_parts(item, parts))
}
