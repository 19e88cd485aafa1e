//! The canonical byte encoding that the log's hashes cover (specified in `docs/log-format.md`).
//!
//! Entry hashes are computed over a buffer that the [`Encoder`] keeps and reuses, so verifying a
//! long log does not allocate per entry. The JSON payload is written in a JCS-style canonical form
//! (RFC 8785 restricted to integers): sorted keys, no insignificant whitespace, minimal escaping.

use jiff::Timestamp;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::Digest;
use crate::id::IncidentId;

/// Domain-separation tag that starts the bytes of an entry's content hash.
pub const ENTRY_TAG: &[u8] = b"rampart.log-entry.v1\0";
/// Domain-separation tag that starts the bytes of an entry's global-chain hash.
pub const GLOBAL_TAG: &[u8] = b"rampart.global-link.v1\0";
/// Deepest nesting of arrays and objects a payload may have.
pub const MAX_PAYLOAD_DEPTH: usize = 64;

/// Why a payload has no canonical encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Payloads hold integers only: fractions and exponents have no single spelling.
    #[error("payload holds the non-integer number {number} at {path}; payloads hold integers only")]
    NotInteger {
        /// The number as JSON text.
        number: String,
        /// A JSON pointer to it.
        path: String,
    },
    /// Nesting beyond [`MAX_PAYLOAD_DEPTH`].
    #[error("payload nests deeper than {MAX_PAYLOAD_DEPTH} levels")]
    TooDeep,
}

/// The hashed content of one entry (everything but its own hashes and the global link).
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryContent<'a> {
    pub(crate) incident: &'a IncidentId,
    pub(crate) seq: u64,
    pub(crate) global_seq: u64,
    pub(crate) at: Timestamp,
    pub(crate) actor: &'a str,
    pub(crate) kind: &'a str,
    pub(crate) payload: &'a Value,
    pub(crate) text: &'a str,
    pub(crate) prev_hash: &'a Digest,
}

/// Computes the log's hashes, reusing one buffer across entries.
#[derive(Debug, Default)]
pub(crate) struct Encoder {
    buf: Vec<u8>,
}

impl Encoder {
    /// The entry's `hash`: SHA-256 over its canonical content bytes.
    pub(crate) fn content_hash(&mut self, c: &EntryContent<'_>) -> Result<Digest, PayloadError> {
        let buf = &mut self.buf;
        buf.clear();
        buf.extend_from_slice(ENTRY_TAG);
        buf.extend_from_slice(c.incident.as_bytes());
        buf.extend_from_slice(&c.seq.to_be_bytes());
        buf.extend_from_slice(&c.global_seq.to_be_bytes());
        buf.extend_from_slice(&c.at.as_microsecond().to_be_bytes());
        push_bytes(buf, c.actor.as_bytes());
        push_bytes(buf, c.kind.as_bytes());
        let length_at = buf.len();
        buf.extend_from_slice(&[0; 8]);
        canonical_json(c.payload, buf)?;
        let length = (buf.len() - length_at - 8) as u64;
        buf[length_at..length_at + 8].copy_from_slice(&length.to_be_bytes());
        push_bytes(buf, c.text.as_bytes());
        buf.extend_from_slice(&c.prev_hash.0);
        Ok(Digest(Sha256::digest(buf.as_slice()).into()))
    }
}

/// The entry's `global_hash`: SHA-256 over its place in the one chain that runs across all incidents.
pub(crate) fn global_hash(
    global_prev_hash: &Digest,
    global_seq: u64,
    incident: &IncidentId,
    seq: u64,
    hash: &Digest,
) -> Digest {
    let mut hasher = Sha256::new();
    hasher.update(GLOBAL_TAG);
    hasher.update(global_prev_hash.0);
    hasher.update(global_seq.to_be_bytes());
    hasher.update(incident.as_bytes());
    hasher.update(seq.to_be_bytes());
    hasher.update(hash.0);
    Digest(hasher.finalize().into())
}

/// Appends `bytes` preceded by their length as an unsigned 64-bit big-endian integer.
fn push_bytes(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    buf.extend_from_slice(bytes);
}

/// Appends the canonical JSON text of `value` to `out`.
///
/// Rules (the same as Python's `json.dumps(v, ensure_ascii=False, sort_keys=True,
/// separators=(",", ":"))` on a float-free value): object members sorted by the UTF-8 bytes of their
/// keys; no whitespace; integers in shortest decimal form; strings escape only `"`, `\` and
/// U+0000–U+001F (as `\b \t \n \f \r` or `\u00xx`, lowercase hex).
pub fn canonical_json(value: &Value, out: &mut Vec<u8>) -> Result<(), PayloadError> {
    write_value(value, out, 0).map_err(|problem| match problem {
        Problem::TooDeep => PayloadError::TooDeep,
        Problem::NotInteger => {
            let (path, number) = first_non_integer(value, String::new())
                .unwrap_or_else(|| (String::new(), String::new()));
            PayloadError::NotInteger { number, path }
        }
    })
}

/// The failure found on the fast path; the slow path then locates it for the message.
enum Problem {
    TooDeep,
    NotInteger,
}

fn write_value(value: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), Problem> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                push_decimal(out, u);
            } else if let Some(i) = n.as_i64() {
                out.push(b'-');
                push_decimal(out, i.unsigned_abs());
            } else {
                return Err(Problem::NotInteger);
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            let depth = nest(depth)?;
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out, depth)?;
            }
            out.push(b']');
        }
        Value::Object(map) => write_object(map, out, nest(depth)?)?,
    }
    Ok(())
}

fn nest(depth: usize) -> Result<usize, Problem> {
    if depth >= MAX_PAYLOAD_DEPTH {
        Err(Problem::TooDeep)
    } else {
        Ok(depth + 1)
    }
}

fn write_object(map: &Map<String, Value>, out: &mut Vec<u8>, depth: usize) -> Result<(), Problem> {
    out.push(b'{');
    let sorted = map
        .keys()
        .zip(map.keys().skip(1))
        .all(|(a, b)| a.as_bytes() < b.as_bytes());
    // Payloads are stored with sorted keys, so sorting (and its allocation) is rarely needed.
    if sorted {
        for (i, (key, item)) in map.iter().enumerate() {
            write_member(i, key, item, out, depth)?;
        }
    } else {
        let mut members: Vec<(&String, &Value)> = map.iter().collect();
        members.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        for (i, (key, item)) in members.into_iter().enumerate() {
            write_member(i, key, item, out, depth)?;
        }
    }
    out.push(b'}');
    Ok(())
}

fn write_member(
    index: usize,
    key: &str,
    item: &Value,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<(), Problem> {
    if index > 0 {
        out.push(b',');
    }
    write_string(key, out);
    out.push(b':');
    write_value(item, out, depth)
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0c => b"\\f",
            b'\r' => b"\\r",
            0x00..=0x1f => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ],
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Locates the first non-integer number, as a JSON pointer and its text.
fn first_non_integer(value: &Value, path: String) -> Option<(String, String)> {
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => Some((path, n.to_string())),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| first_non_integer(item, format!("{path}/{i}"))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let key = key.replace('~', "~0").replace('/', "~1");
            first_non_integer(item, format!("{path}/{key}"))
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(value: &Value) -> String {
        let mut out = Vec::new();
        canonical_json(value, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn keys_are_sorted_by_bytes_and_whitespace_dropped() {
        let v = json!({"b": 1, "a": [true, null, -5], "é": "x", "Z": {"y": 0, "x": 18446744073709551615u64}});
        assert_eq!(
            text(&v),
            r#"{"Z":{"x":18446744073709551615,"y":0},"a":[true,null,-5],"b":1,"é":"x"}"#
        );
    }

    #[test]
    fn strings_escape_only_quotes_backslash_and_controls() {
        let v = json!("a\"b\\c\n\t\u{1}\u{7f}é/");
        assert_eq!(text(&v), "\"a\\\"b\\\\c\\n\\t\\u0001\u{7f}é/\"");
        assert_eq!(text(&json!(i64::MIN)), "-9223372036854775808");
    }

    #[test]
    fn floats_are_refused_with_their_place() {
        let mut out = Vec::new();
        let err = canonical_json(&json!({"a": [1, {"b/c": 1.5}]}), &mut out).unwrap_err();
        assert_eq!(
            err,
            PayloadError::NotInteger {
                number: "1.5".into(),
                path: "/a/1/b~1c".into()
            }
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let mut v = json!(1);
        for _ in 0..=MAX_PAYLOAD_DEPTH {
            v = json!([v]);
        }
        assert_eq!(
            canonical_json(&v, &mut Vec::new()),
            Err(PayloadError::TooDeep)
        );
    }
}
