//! Syslog lines, RFC 3164 (BSD) and RFC 5424, into flat JSON objects.
//!
//! Every line becomes an object with the fields it carries: `facility` and `severity` (names,
//! from the priority), `host`, `program` (RFC 3164 tag or RFC 5424 APP-NAME), `pid` (a number
//! when numeric), `msgid` and `structured_data` (RFC 5424), and `message`. sshd authentication
//! lines add `user`, `source_ip`, `source_port`, `auth_method`, `outcome` (`success` or
//! `failure`) and `invalid_user` (see [`sshd`]); for syslogd's `message repeated N times: [...]`
//! lines they describe the repeated message and `repeated` holds N.
//!
//! RFC 3164 timestamps carry neither year nor zone: they are read as UTC in the year of a
//! reference time (the file's modification time), or the year before when that would put the
//! line more than a day after the reference, as a log rotated at new year does.

mod rfc3164;
mod rfc5424;
pub mod sshd;

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use rampart_sigma::Document;
use serde_json::{Map, Value};

use crate::event::{LogEvent, Place, Record, SkipKind, Skipped, SourceKind};
use crate::lines::{LineOutcome, Lines};

/// A parsed syslog line.
#[derive(Debug, Clone, PartialEq)]
pub struct SyslogLine {
    /// When the line was written, if it says.
    pub timestamp: Option<Timestamp>,
    /// The line's fields (see the module documentation).
    pub fields: Map<String, Value>,
}

/// Why a line is not syslog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SyslogError(pub(crate) String);

/// Parse one syslog line (without its line ending); `reference` dates RFC 3164 timestamps.
pub fn parse_line(line: &str, reference: Timestamp) -> Result<SyslogLine, SyslogError> {
    let (priority, rest) = split_priority(line)?;
    let mut fields = Map::new();
    if let Some(pri) = priority {
        fields.insert("facility".to_owned(), Value::from(facility_name(pri >> 3)));
        fields.insert(
            "severity".to_owned(),
            Value::from(SEVERITIES[usize::from(pri & 7)]),
        );
    }
    let timestamp = match rest.strip_prefix("1 ") {
        Some(body) if priority.is_some() => rfc5424::parse(body, &mut fields)?,
        _ => rfc3164::parse(rest, reference, &mut fields)?,
    };
    if fields.get("program").and_then(Value::as_str) == Some("sshd") {
        let message = fields
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let (repeated, message) = split_repeated(message);
        if let Some(auth) = sshd::parse_auth(message).map(|auth| auth.to_fields()) {
            fields.extend(auth);
            if let Some(times) = repeated {
                fields.insert("repeated".to_owned(), Value::from(times));
            }
        }
    }
    Ok(SyslogLine { timestamp, fields })
}

/// Read syslog lines from `reader`, handing `sink` one event per non-blank line (its `record`
/// is the line number), or the reason the line was skipped.
pub fn read_syslog(
    reader: impl BufRead,
    source: &Arc<Path>,
    reference: Timestamp,
    sink: &mut dyn FnMut(Record<'_>),
) {
    let mut lines = Lines::new(reader, source);
    let mut document = Document::default();
    loop {
        let (number, bytes) = match lines.next_line() {
            LineOutcome::End => return,
            LineOutcome::Failed(skipped) => return sink(Err(skipped)),
            LineOutcome::Line(number, bytes) => (number, bytes),
        };
        // Syslog is often not clean UTF-8 (Latin-1 user names, binary junk); replacing the
        // odd byte keeps the line matchable instead of losing it.
        let text = String::from_utf8_lossy(bytes);
        let record = match parse_line(&text, reference) {
            Ok(line) => {
                document.set_value(&Value::Object(line.fields));
                Ok(LogEvent {
                    fields: &document,
                    source,
                    record: number,
                    timestamp: line.timestamp,
                    kind: SourceKind::Syslog,
                })
            }
            Err(err) => Err(Skipped {
                source: Arc::clone(source),
                place: Place::Line(number),
                kind: SkipKind::InvalidSyslog,
                detail: err.0,
            }),
        };
        sink(record);
    }
}

/// syslogd's `message repeated N times: [ MESSAGE]`: the count and the message it stands for.
fn split_repeated(message: &str) -> (Option<u64>, &str) {
    let inner = message
        .strip_prefix("message repeated ")
        .and_then(|rest| rest.split_once(" times: ["))
        .and_then(|(times, rest)| Some((times.parse::<u64>().ok()?, rest.strip_suffix(']')?)));
    match inner {
        Some((times, rest)) => (Some(times), rest.trim_start_matches(' ')),
        None => (None, message),
    }
}

/// Whether a line looks like syslog, for format detection.
pub(crate) fn looks_like_syslog(line: &str) -> bool {
    match split_priority(line) {
        Ok((Some(_), _)) => true,
        Ok((None, rest)) => rfc3164::starts_with_timestamp(rest),
        Err(_) => false,
    }
}

/// The `<PRI>` prefix, when present, and the rest of the line.
fn split_priority(line: &str) -> Result<(Option<u8>, &str), SyslogError> {
    let Some(after) = line.strip_prefix('<') else {
        return Ok((None, line));
    };
    let end = after
        .find('>')
        .filter(|&end| (1..=3).contains(&end))
        .ok_or_else(|| SyslogError("priority '<' not closed by '>' within 3 digits".to_owned()))?;
    let pri = after[..end]
        .parse::<u8>()
        .ok()
        .filter(|&pri| pri <= 191)
        .ok_or_else(|| {
            SyslogError(format!(
                "priority {:?} is not a number from 0 to 191",
                &after[..end]
            ))
        })?;
    Ok((Some(pri), &after[end + 1..]))
}

const SEVERITIES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
];

const FACILITIES: [&str; 24] = [
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
];

fn facility_name(code: u8) -> &'static str {
    FACILITIES
        .get(usize::from(code))
        .copied()
        .unwrap_or("unknown")
}

/// Split off the next space-delimited token.
fn token(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start_matches(' ');
    if text.is_empty() {
        return None;
    }
    Some(match text.find(' ') {
        Some(end) => (&text[..end], &text[end + 1..]),
        None => (text, ""),
    })
}

#[cfg(test)]
mod tests;
