//! Reading a [`Document`]: a value ([`Json`]) and the members of an object or array
//! ([`Object`]), borrowed from the document.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use super::{Document, Member, Name, Node, Scalar, Span, head};

/// A value of a document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Json<'a> {
    doc: &'a Document,
    node: Node,
}

impl<'a> Json<'a> {
    pub(super) fn new(doc: &'a Document, node: Node) -> Self {
        Json { doc, node }
    }

    pub(crate) fn is_null(self) -> bool {
        matches!(self.node, Node::Null)
    }

    /// The text of a string.
    pub(crate) fn as_str(self) -> Option<&'a str> {
        match self.node {
            Node::String(span) => Some(self.doc.str(span)),
            _ => None,
        }
    }

    /// The text of a scalar: a string, a number as `serde_json` prints it, `true` or `false`.
    pub(crate) fn text(self) -> Option<&'a str> {
        match self.node {
            Node::String(span) | Node::Number(span) => Some(self.doc.str(span)),
            Node::Bool(b) => Some(if b { "true" } else { "false" }),
            _ => None,
        }
    }

    pub(crate) fn scalar(self) -> Option<Scalar<'a>> {
        match self.node {
            Node::String(span) => Some(Scalar::String(self.doc.str(span))),
            Node::Number(span) => Some(Scalar::Number(self.doc.str(span))),
            Node::Bool(b) => Some(Scalar::Bool(b)),
            _ => None,
        }
    }

    /// A number, or a string holding one.
    pub(crate) fn as_number(self) -> Option<f64> {
        match self.node {
            Node::Number(span) => self.doc.str(span).parse().ok(),
            Node::String(span) => self.doc.str(span).trim().parse().ok(),
            _ => None,
        }
    }

    pub(crate) fn as_object(self) -> Option<Object<'a>> {
        match self.node {
            Node::Object(span) => Some(self.members(span)),
            _ => None,
        }
    }

    /// The elements of an array.
    pub(crate) fn as_array(self) -> Option<Object<'a>> {
        match self.node {
            Node::Array(span) => Some(self.members(span)),
            _ => None,
        }
    }

    fn members(self, span: Span) -> Object<'a> {
        Object {
            doc: self.doc,
            members: self.doc.members.get(span.start..span.end).unwrap_or(&[]),
        }
    }

    pub(super) fn to_value(self) -> Value {
        match self.node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Number(span) => number(self.doc.str(span)),
            Node::String(span) => Value::String(self.doc.str(span).to_owned()),
            Node::Array(span) => {
                Value::Array(self.members(span).values().map(Json::to_value).collect())
            }
            Node::Object(span) => Value::Object(
                self.members(span)
                    .iter()
                    .map(|(key, value)| (key.to_owned(), value.to_value()))
                    .collect::<Map<_, _>>(),
            ),
        }
    }
}

/// Written as the JSON it was read from (numbers as `serde_json` prints them), with no
/// `Value` in between: how a kept event is reported.
impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.node {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(b),
            Node::Number(span) => number(self.doc.str(span)).serialize(serializer),
            Node::String(span) => serializer.serialize_str(self.doc.str(span)),
            Node::Array(span) => {
                let items = self.members(span);
                let mut seq = serializer.serialize_seq(Some(items.members.len()))?;
                items
                    .values()
                    .try_for_each(|item| seq.serialize_element(&item))?;
                seq.end()
            }
            Node::Object(span) => {
                let members = self.members(span);
                let mut map = serializer.serialize_map(Some(members.members.len()))?;
                // A name given twice is written once, where it first stood, with its last
                // value: as `serde_json` reads it.
                let all = members.members;
                for (n, member) in all.iter().enumerate() {
                    let same = |other: &&Member| self.doc.same_key(member, other);
                    if all.get(..n).unwrap_or_default().iter().any(|o| same(&o)) {
                        continue;
                    }
                    let last = all.iter().rev().find(same).unwrap_or(member);
                    map.serialize_entry(self.doc.str(member.key), &members.json(last))?;
                }
                map.end()
            }
        }
    }
}

/// A number's text (in the form `serde_json` prints, so always one of these) as a value.
fn number(text: &str) -> Value {
    if let Ok(n) = text.parse::<u64>() {
        return Value::from(n);
    }
    if let Ok(n) = text.parse::<i64>() {
        return Value::from(n);
    }
    let float = text
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64);
    float.map_or(Value::Null, Value::Number)
}

/// The members of an object (or the elements of an array).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Object<'a> {
    doc: &'a Document,
    members: &'a [Member],
}

impl<'a> Object<'a> {
    /// The value of `name`; of a name given twice, the last (as `serde_json` keeps it).
    pub(crate) fn get(self, name: &str) -> Option<Json<'a>> {
        self.find(name, head(name.as_bytes(), 0, name.len()))
    }

    /// [`Object::get`] for a name whose head is known.
    pub(crate) fn get_name(self, name: &Name) -> Option<Json<'a>> {
        self.find(&name.text, name.head)
    }

    fn find(self, name: &str, first: u64) -> Option<Json<'a>> {
        let len = name.len();
        let text = self.doc.text.as_bytes();
        self.members
            .iter()
            .rev()
            .find(|m| {
                m.head == first
                    && m.key.end - m.key.start == len
                    && (len <= 8 || text.get(m.key.start..m.key.end) == Some(name.as_bytes()))
            })
            .map(|m| self.json(m))
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = (&'a str, Json<'a>)> + use<'a> {
        self.members
            .iter()
            .map(move |m| (self.doc.str(m.key), self.json(m)))
    }

    pub(crate) fn values(self) -> impl Iterator<Item = Json<'a>> + use<'a> {
        self.members.iter().map(move |m| self.json(m))
    }

    pub(crate) fn is_empty(self) -> bool {
        self.members.is_empty()
    }

    fn json(self, member: &Member) -> Json<'a> {
        Json {
            doc: self.doc,
            node: member.value,
        }
    }
}
