//! Scalars and one-line flow collections of the rule-subset YAML reader.

use yaml_serde::{Mapping, Number, Value};

use super::is_item;

/// A plain scalar, resolved as the core schema does; `None` for number forms other than
/// decimal integers and for text that cannot start a plain scalar.
pub(super) fn plain(text: &str) -> Option<Value> {
    let first = *text.as_bytes().first()?;
    if b"&*!|>'\"%@`[]{},#?:".contains(&first) || (first == b'-' && is_item(text)) {
        return None;
    }
    Some(match text {
        "null" | "Null" | "NULL" | "~" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.') => match integer(text) {
            Some(number) => number,
            None if number_like(text) => return None,
            None => Value::String(text.to_owned()),
        },
        _ => Value::String(text.to_owned()),
    })
}

/// Whether the full parser might read `text` as a number of a form not handled here (floats,
/// hexadecimal, octal, binary, `.inf`, `.nan`, integers beyond 64 bits).
fn number_like(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    text.parse::<f64>().is_ok()
        || ["0x", "0o", "0b"].iter().any(|p| unsigned.starts_with(p))
        || [".inf", ".nan"]
            .iter()
            .any(|p| unsigned.eq_ignore_ascii_case(p))
}

/// `0`, `123`, `-45` (no sign `+`, no leading zeros, no other forms).
fn integer(text: &str) -> Option<Value> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let simple = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !simple {
        return None;
    }
    let number = if digits.len() == text.len() {
        Number::from(text.parse::<u64>().ok()?)
    } else {
        Number::from(text.parse::<i64>().ok()?)
    };
    Some(Value::Number(number))
}

/// A quoted scalar closed on the same line; the string and the text after the closing quote.
pub(super) fn quoted(text: &str) -> Option<(String, &str)> {
    let quote = text.as_bytes()[0];
    let mut out = String::new();
    let mut chars = text[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if quote == b'\'' => {
                if text[1 + i + 1..].starts_with('\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return Some((out, &text[1 + i + 1..]));
                }
            }
            '"' if quote == b'"' => return Some((out, &text[1 + i + 1..])),
            '\\' if quote == b'"' => {
                let (_, e) = chars.next()?;
                let hex = |n: usize, chars: &mut std::str::CharIndices<'_>| {
                    let start = chars.offset();
                    let digits = text[1..].get(start..start + n)?;
                    for _ in 0..n {
                        chars.next();
                    }
                    char::from_u32(u32::from_str_radix(digits, 16).ok()?)
                };
                out.push(match e {
                    '\\' | '"' | '/' => e,
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    'x' => hex(2, &mut chars)?,
                    'u' => hex(4, &mut chars)?,
                    'U' => hex(8, &mut chars)?,
                    _ => return None,
                });
            }
            _ => out.push(c),
        }
    }
    None
}

/// A flow list or map closed on the same line; the value and the text after it.
pub(super) fn flow(text: &str) -> Option<(Value, &str)> {
    let close = if text.starts_with('[') { ']' } else { '}' };
    let mut rest = text[1..].trim_start_matches(' ');
    let mut items = Vec::new();
    let mut map = Mapping::new();
    if let Some(after) = rest.strip_prefix(close) {
        rest = after;
    } else {
        loop {
            let (item, after) = flow_node(rest)?;
            rest = after.trim_start_matches(' ');
            if close == '}' {
                rest = rest.strip_prefix(':')?.trim_start_matches(' ');
                let (value, after) = flow_node(rest)?;
                rest = after.trim_start_matches(' ');
                if map.insert(item, value).is_some() {
                    return None;
                }
            } else {
                items.push(item);
            }
            if let Some(after) = rest.strip_prefix(',') {
                rest = after.trim_start_matches(' ');
            } else {
                rest = rest.strip_prefix(close)?;
                break;
            }
        }
    }
    let value = if close == ']' {
        Value::Sequence(items)
    } else {
        Value::Mapping(map)
    };
    Some((value, rest))
}

/// One node inside a flow collection.
fn flow_node(text: &str) -> Option<(Value, &str)> {
    match text.as_bytes().first()? {
        b'[' | b'{' => flow(text),
        b'\'' | b'"' => quoted(text).map(|(s, rest)| (Value::String(s), rest)),
        _ => {
            let end = text
                .find([',', '[', ']', '{', '}', ':', '#'])
                .unwrap_or(text.len());
            // A `:` not followed by a space belongs to the scalar: not handled here.
            if text[end..].starts_with(':')
                && !matches!(text.as_bytes().get(end + 1), Some(b' ') | None)
            {
                return None;
            }
            let value = plain(text[..end].trim_end_matches(' '))?;
            Some((value, &text[end..]))
        }
    }
}
