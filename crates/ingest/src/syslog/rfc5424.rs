//! RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`, where
//! `-` stands for a missing value. Structured data becomes an object of objects:
//! `[id k="v"]` → `{"id": {"k": "v"}}`.

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::rfc3164::pid_value;
use super::{SyslogError, token};

/// Parse the part after `<PRI>1 ` into `fields`; returns the timestamp.
pub(super) fn parse(
    text: &str,
    fields: &mut Map<String, Value>,
) -> Result<Option<Timestamp>, SyslogError> {
    let missing = |what: &str| SyslogError(format!("RFC 5424 header ends before {what}"));
    let (stamp, rest) = token(text).ok_or_else(|| missing("TIMESTAMP"))?;
    let timestamp = match stamp {
        "-" => None,
        stamp => Some(
            stamp
                .parse::<Timestamp>()
                .map_err(|err| SyslogError(format!("RFC 5424 TIMESTAMP {stamp:?}: {err}")))?,
        ),
    };
    let (host, rest) = token(rest).ok_or_else(|| missing("HOSTNAME"))?;
    let (app, rest) = token(rest).ok_or_else(|| missing("APP-NAME"))?;
    let (procid, rest) = token(rest).ok_or_else(|| missing("PROCID"))?;
    let (msgid, rest) = token(rest).ok_or_else(|| missing("MSGID"))?;
    for (name, value) in [("host", host), ("program", app), ("msgid", msgid)] {
        if value != "-" {
            fields.insert(name.to_owned(), Value::from(value));
        }
    }
    if procid != "-" {
        fields.insert("pid".to_owned(), pid_value(procid));
    }
    let rest = rest.trim_start_matches(' ');
    let message = if let Some(after) = rest.strip_prefix('-') {
        after
    } else if rest.starts_with('[') {
        let (data, after) = structured_data(rest)?;
        fields.insert("structured_data".to_owned(), Value::Object(data));
        after
    } else {
        return Err(missing("STRUCTURED-DATA"));
    };
    let message = message.strip_prefix(' ').unwrap_or(message);
    let message = message.strip_prefix('\u{feff}').unwrap_or(message);
    fields.insert("message".to_owned(), Value::from(message));
    Ok(timestamp)
}

/// One or more `[SD-ID param="value" ...]` elements; returns them and the text after.
fn structured_data(mut text: &str) -> Result<(Map<String, Value>, &str), SyslogError> {
    let mut elements = Map::new();
    while let Some(body) = text.strip_prefix('[') {
        let id_end = body
            .find([' ', ']'])
            .ok_or_else(|| sd_error("an element is not closed"))?;
        let id = &body[..id_end];
        if id.is_empty() {
            return Err(sd_error("an element has no SD-ID"));
        }
        let mut params = Map::new();
        let mut rest = &body[id_end..];
        loop {
            rest = rest.trim_start_matches(' ');
            if let Some(after) = rest.strip_prefix(']') {
                rest = after;
                break;
            }
            let eq = rest
                .find('=')
                .ok_or_else(|| sd_error("a parameter has no '='"))?;
            let name = &rest[..eq];
            let (value, after) = quoted(&rest[eq + 1..])?;
            params.insert(name.to_owned(), Value::from(value));
            rest = after;
        }
        elements.insert(id.to_owned(), Value::Object(params));
        text = rest;
    }
    Ok((elements, text))
}

/// A `"..."` parameter value with `\"`, `\\` and `\]` escapes; returns it and the text after.
fn quoted(text: &str) -> Result<(String, &str), SyslogError> {
    let body = text
        .strip_prefix('"')
        .ok_or_else(|| sd_error("a parameter value is not quoted"))?;
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &body[at + 1..])),
            '\\' => match chars.next() {
                Some((_, escaped @ ('"' | '\\' | ']'))) => value.push(escaped),
                // RFC 5424 §6.3.3: a backslash before any other character is kept.
                Some((_, other)) => {
                    value.push('\\');
                    value.push(other);
                }
                None => break,
            },
            c => value.push(c),
        }
    }
    Err(sd_error("a parameter value is not closed"))
}

fn sd_error(what: &str) -> SyslogError {
    SyslogError(format!("RFC 5424 STRUCTURED-DATA: {what}"))
}
