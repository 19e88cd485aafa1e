//! The event document in the flat form the engine reads.
//!
//! A [`Document`] holds one JSON value as a text buffer and an array of members: a JSON line is
//! copied into the buffer once and every key, string and number of the document is a span of it
//! (a string with escapes is unescaped once, after the line; a number keeps its text, in the form
//! `serde_json` prints it); an object or array is a contiguous run of members, searched by
//! comparing names (events have a few dozen names per object, fewer than a hash costs). Parsing
//! a line builds no map and allocates nothing once the buffers have grown: reuse one document
//! per thread. Documents can also be filled from a `serde_json::Value` (EVTX records, syslog
//! lines); a matched event is written back as JSON (`serde::Serialize`) or turned into a
//! `Value`.
//!
//! Why a parser of our own: `serde_json` builds a tree of owned values (a map and a string per
//! member), which was most of the cost of reading an event, and a borrowed `serde` target cannot
//! borrow strings with escapes nor keep a reusable flat layout; the SIMD parsers (`simd-json`)
//! need `unsafe` buffers or their own value trees. The parser is checked against `serde_json`
//! on every shared event, by property tests and by the `sigma_document` fuzz target.

mod json;
mod parse;

use std::fmt::Write as _;

use serde_json::Value;

pub(crate) use json::{Json, Object};
pub use parse::JsonError;

/// A scalar read from a document ([`Document::scalar`]), borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar<'a> {
    /// A string's (unescaped) text.
    String(&'a str),
    /// A number's text, in the form `serde_json` prints it.
    Number(&'a str),
    /// `true` or `false`.
    Bool(bool),
}

/// A range of the document's text or of its members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

/// One value; containers name their members' range.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Node {
    #[default]
    Null,
    Bool(bool),
    Number(Span),
    String(Span),
    Array(Span),
    Object(Span),
}

/// An object member (or array element, with an empty key).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member {
    key: Span,
    /// The key's first eight bytes ([`head`]): most names differ there or in length.
    head: u64,
    value: Node,
}

impl Member {
    fn new(doc: &Document, key: Span, value: Node) -> Self {
        let head = head(doc.text.as_bytes(), key.start, key.end - key.start);
        Member { key, head, value }
    }

    fn element(value: Node) -> Self {
        Member {
            key: Span::default(),
            head: 0,
            value,
        }
    }
}

/// The first eight bytes (at most `len`) of `text` from `start`, zero-padded, as one number.
fn head(text: &[u8], start: usize, len: usize) -> u64 {
    let word = match text.get(start..start + 8) {
        Some(word) => u64::from_le_bytes(word.try_into().unwrap_or_default()),
        None => {
            let mut bytes = [0u8; 8];
            let tail = text.get(start..).unwrap_or(&[]);
            bytes.iter_mut().zip(tail).for_each(|(b, t)| *b = *t);
            u64::from_le_bytes(bytes)
        }
    };
    if len >= 8 {
        word
    } else {
        word & ((1u64 << (8 * len)) - 1)
    }
}

/// A member name looked up often (a rule's field name), with its [`head`] computed once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Name {
    text: Box<str>,
    head: u64,
}

impl Name {
    pub(crate) fn new(text: &str) -> Self {
        Name {
            head: head(text.as_bytes(), 0, text.len()),
            text: text.into(),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

/// One JSON document, reusable from event to event ([`Document::parse`],
/// [`Document::set_value`]).
#[derive(Debug, Clone, Default)]
pub struct Document {
    text: String,
    members: Vec<Member>,
    /// Members of the containers still open while parsing or converting.
    stack: Vec<Member>,
    root: Node,
}

impl Document {
    /// A document holding `value`.
    pub fn from_value(value: &Value) -> Self {
        let mut doc = Document::default();
        doc.set_value(value);
        doc
    }

    /// Parses one JSON text (a JSON line), replacing what the document held; on error the
    /// document holds `null`.
    pub fn parse(&mut self, json: &str) -> Result<(), JsonError> {
        self.clear();
        self.text.push_str(json);
        match parse::document(json.as_bytes(), self) {
            Ok(root) => {
                self.root = root;
                Ok(())
            }
            Err(error) => {
                self.clear();
                Err(error)
            }
        }
    }

    /// Replaces what the document held by `value`.
    pub fn set_value(&mut self, value: &Value) {
        self.clear();
        self.root = self.node_of(value);
    }

    /// The document as a `serde_json::Value` (to report a matched event).
    pub fn to_value(&self) -> Value {
        self.root().to_value()
    }

    /// Whether the document is a JSON object (events must be).
    pub fn is_object(&self) -> bool {
        matches!(self.root, Node::Object(_))
    }

    /// The JSON type of the document, for messages: "null", "a boolean", "a number",
    /// "a string", "an array" or "an object".
    pub fn type_name(&self) -> &'static str {
        match self.root {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Number(_) => "a number",
            Node::String(_) => "a string",
            Node::Array(_) => "an array",
            Node::Object(_) => "an object",
        }
    }

    /// The scalar at `path`, a member name per level from the root object; `None` when a
    /// level is missing or not an object, or the value is null, an array or an object.
    pub fn scalar(&self, path: &[&str]) -> Option<Scalar<'_>> {
        let mut value = self.root();
        for name in path {
            value = value.as_object()?.get(name)?;
        }
        value.scalar()
    }

    pub(crate) fn root(&self) -> Json<'_> {
        Json::new(self, self.root)
    }

    fn clear(&mut self) {
        self.text.clear();
        self.members.clear();
        self.stack.clear();
        self.root = Node::Null;
    }

    /// Whether two members have the same name.
    fn same_key(&self, a: &Member, b: &Member) -> bool {
        a.head == b.head && self.str(a.key) == self.str(b.key)
    }

    fn str(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    fn push_text(&mut self, text: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(text);
        Span {
            start,
            end: self.text.len(),
        }
    }

    /// Moves the members pushed on the stack since `base` into place as one container.
    fn close(&mut self, base: usize) -> Span {
        let start = self.members.len();
        self.members.extend_from_slice(&self.stack[base..]);
        self.stack.truncate(base);
        Span {
            start,
            end: self.members.len(),
        }
    }

    fn node_of(&mut self, value: &Value) -> Node {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => {
                let start = self.text.len();
                // Writing to a String cannot fail.
                let _ = write!(self.text, "{n}");
                Node::Number(Span {
                    start,
                    end: self.text.len(),
                })
            }
            Value::String(s) => Node::String(self.push_text(s)),
            Value::Array(items) => {
                let base = self.stack.len();
                for item in items {
                    let value = self.node_of(item);
                    self.stack.push(Member::element(value));
                }
                Node::Array(self.close(base))
            }
            Value::Object(map) => {
                let base = self.stack.len();
                for (key, item) in map {
                    let key = self.push_text(key);
                    let value = self.node_of(item);
                    let member = Member::new(self, key, value);
                    self.stack.push(member);
                }
                Node::Object(self.close(base))
            }
        }
    }
}

impl serde::Serialize for Document {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&self.root(), serializer)
    }
}

#[cfg(test)]
mod tests;
