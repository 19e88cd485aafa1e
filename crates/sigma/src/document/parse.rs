//! The JSON parser behind [`Document::parse`](super::Document::parse): RFC 8259, as strict as
//! `serde_json` (no trailing commas, no control characters in strings, no lone surrogates,
//! nesting up to 127 levels, numbers in range), reading the line once.

use std::fmt::Write as _;

use super::{Document, Member, Node, Span};

/// Containers nested deeper than this are refused (`serde_json` refuses 128 levels).
const MAX_DEPTH: usize = 127;

/// Why a JSON text was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at byte {offset}{}: {reason}", if *.at_end { " (the end of the text)" } else { "" })]
pub struct JsonError {
    /// Byte offset in the text.
    pub offset: usize,
    /// What is wrong.
    pub reason: &'static str,
    /// Whether the offset is the end of the text: the value is cut short.
    pub at_end: bool,
}

struct Parser<'s, 'd> {
    bytes: &'s [u8],
    pos: usize,
    doc: &'d mut Document,
}

/// Parses `bytes` (the text already copied into `doc.text`) into `doc`'s members; the root.
pub(super) fn document(bytes: &[u8], doc: &mut Document) -> Result<Node, JsonError> {
    let mut parser = Parser { bytes, pos: 0, doc };
    let root = parser.value(0)?;
    parser.skip_space();
    if parser.pos < bytes.len() {
        return Err(parser.error("trailing characters after the value"));
    }
    Ok(root)
}

impl Parser<'_, '_> {
    fn error(&self, reason: &'static str) -> JsonError {
        self.error_at(self.pos, reason)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, reason: &'static str) -> Result<(), JsonError> {
        self.skip_space();
        if self.peek() != Some(byte) {
            return Err(self.error(reason));
        }
        self.pos += 1;
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Node, JsonError> {
        self.skip_space();
        match self.peek() {
            Some(b'"') => Ok(Node::String(self.string()?)),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b't') => self.word("true", Node::Bool(true)),
            Some(b'f') => self.word("false", Node::Bool(false)),
            Some(b'n') => self.word("null", Node::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("unexpected end of the text, expected a value")),
        }
    }

    fn word(&mut self, word: &'static str, node: Node) -> Result<Node, JsonError> {
        if !self.bytes[self.pos..].starts_with(word.as_bytes()) {
            return Err(self.error("expected a value"));
        }
        self.pos += word.len();
        Ok(node)
    }

    fn object(&mut self, depth: usize) -> Result<Node, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested 128 levels deep or more"));
        }
        self.pos += 1;
        let base = self.doc.stack.len();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Node::Object(self.doc.close(base)));
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a member name in quotes"));
            }
            let key = self.string()?;
            self.expect(b':', "expected `:` after a member name")?;
            let value = self.value(depth)?;
            let member = Member::new(self.doc, key, value);
            self.doc.stack.push(member);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node::Object(self.doc.close(base)));
                }
                _ => return Err(self.error("expected `,` or `}` in an object")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested 128 levels deep or more"));
        }
        self.pos += 1;
        let base = self.doc.stack.len();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node::Array(self.doc.close(base)));
        }
        loop {
            let value = self.value(depth)?;
            self.doc.stack.push(Member::element(value));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node::Array(self.doc.close(base)));
                }
                _ => return Err(self.error("expected `,` or `]` in an array")),
            }
        }
    }

    /// A string at `"`: its span in the line when it has no escape, else its unescaped text
    /// appended to the document's text.
    fn string(&mut self) -> Result<Span, JsonError> {
        self.pos += 1;
        let start = self.pos;
        let end = self.plain_run();
        match self.bytes.get(end) {
            Some(b'"') => {
                self.pos = end + 1;
                Ok(Span { start, end })
            }
            Some(b'\\') => self.escaped(start, end),
            Some(_) => Err(self.error_at(end, "control character in a string")),
            None => Err(self.error_at(end, "unterminated string")),
        }
    }

    /// The end of the run of plain string bytes from `self.pos` (at `"`, `\\`, a control
    /// character or the end of the text).
    fn plain_run(&self) -> usize {
        let mut at = self.pos;
        // Eight bytes at a time: most strings are short, and a search call costs more.
        while let Some(chunk) = self.bytes.get(at..at + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([b'"'; 8]));
            let stops = stop_bytes(word);
            if stops != 0 {
                return at + (stops.trailing_zeros() / 8) as usize;
            }
            at += 8;
        }
        let rest = &self.bytes[at..];
        at + rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(rest.len())
    }

    fn error_at(&self, offset: usize, reason: &'static str) -> JsonError {
        JsonError {
            offset,
            reason,
            at_end: offset >= self.bytes.len(),
        }
    }

    /// The rest of a string from its first escape at `end`; `start` is its first byte.
    fn escaped(&mut self, start: usize, mut end: usize) -> Result<Span, JsonError> {
        let bytes = self.bytes;
        // The line is valid UTF-8 and cut only at ASCII bytes, so every run is a str.
        let run = |from: usize, to: usize| std::str::from_utf8(&bytes[from..to]).unwrap_or("");
        let out = self.doc.text.len();
        self.doc.text.push_str(run(start, end));
        loop {
            match bytes.get(end) {
                Some(b'"') => {
                    self.pos = end + 1;
                    return Ok(Span {
                        start: out,
                        end: self.doc.text.len(),
                    });
                }
                Some(b'\\') => {
                    let (c, len) =
                        escape(&bytes[end..]).map_err(|reason| self.error_at(end, reason))?;
                    self.doc.text.push(c);
                    end += len;
                }
                Some(_) => return Err(self.error_at(end, "control character in a string")),
                None => return Err(self.error_at(end, "unterminated string")),
            }
            self.pos = end;
            let next = self.plain_run();
            self.doc.text.push_str(run(end, next));
            end = next;
        }
    }

    fn number(&mut self) -> Result<Node, JsonError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while let Some(b'0'..=b'9') = p.peek() {
                p.pos += 1;
            }
            p.pos - from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let first = self.peek();
        let whole = digits(self);
        if whole == 0 || (first == Some(b'0') && whole > 1) {
            return Err(self.error_at(start, "invalid number"));
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integer = false;
            if digits(self) == 0 {
                return Err(self.error("invalid number: no digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number: no digit in the exponent"));
            }
        }
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or("");
        let exact =
            integer && text != "-0" && (text.parse::<u64>().is_ok() || text.parse::<i64>().is_ok());
        if exact {
            return Ok(Node::Number(Span {
                start,
                end: self.pos,
            }));
        }
        // Other numbers take the form serde_json gives them (`1e3` is `1000.0`).
        let number: serde_json::Number =
            serde_json::from_str(text).map_err(|_| self.error_at(start, "number out of range"))?;
        let out = self.doc.text.len();
        let _ = write!(self.doc.text, "{number}");
        Ok(Node::Number(Span {
            start: out,
            end: self.doc.text.len(),
        }))
    }
}

/// Marks (high bit) the bytes of `word` that end a plain run: `"`, `\\` and control characters.
/// Above a marked byte others may be marked falsely (borrows), never below: the lowest mark
/// is exact.
fn stop_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    quote | backslash | control
}

/// The character an escape at the start of `bytes` stands for, and the escape's length.
fn escape(bytes: &[u8]) -> Result<(char, usize), &'static str> {
    let simple = match bytes.get(1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => return unicode(bytes),
        _ => return Err("invalid escape"),
    };
    Ok((simple, 2))
}

/// A `\uXXXX` escape, or two forming a surrogate pair.
fn unicode(bytes: &[u8]) -> Result<(char, usize), &'static str> {
    let first = hex4(bytes.get(2..6))?;
    if !(0xD800..0xE000).contains(&first) {
        return char::from_u32(first)
            .map(|c| (c, 6))
            .ok_or("invalid escape");
    }
    if first >= 0xDC00 || bytes.get(6..8) != Some(b"\\u") {
        return Err("lone surrogate in a \\u escape");
    }
    let second = hex4(bytes.get(8..12))?;
    if !(0xDC00..0xE000).contains(&second) {
        return Err("lone surrogate in a \\u escape");
    }
    let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
    char::from_u32(code)
        .map(|c| (c, 12))
        .ok_or("invalid escape")
}

fn hex4(bytes: Option<&[u8]>) -> Result<u32, &'static str> {
    let bytes = bytes.ok_or("invalid \\u escape")?;
    bytes.iter().try_fold(0u32, |acc, &b| {
        let digit = char::from(b).to_digit(16).ok_or("invalid \\u escape")?;
        Ok(acc * 16 + digit)
    })
}
