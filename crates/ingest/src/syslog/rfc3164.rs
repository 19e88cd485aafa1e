//! RFC 3164: `[<PRI>]Mmm dd hh:mm:ss HOST TAG[PID]: MESSAGE`. The timestamp may also be
//! RFC 3339, as rsyslog writes it in its high-precision format.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value};

use super::{SyslogError, token};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Longest tag taken as a program name; longer words are message text.
const MAX_TAG: usize = 48;

/// Whether `text` starts with a BSD (`Mmm dd hh:mm:ss `) or RFC 3339 timestamp.
pub(super) fn starts_with_timestamp(text: &str) -> bool {
    split_timestamp(text).is_some()
}

/// Parse the part after the priority into `fields`; returns the timestamp.
pub(super) fn parse(
    text: &str,
    reference: Timestamp,
    fields: &mut Map<String, Value>,
) -> Result<Option<Timestamp>, SyslogError> {
    let (stamp, rest) = split_timestamp(text)
        .ok_or_else(|| SyslogError("no 'Mmm dd hh:mm:ss' or RFC 3339 timestamp".to_owned()))?;
    let timestamp = match stamp {
        Stamp::Bsd { month, day, time } => bsd_timestamp(month, day, time, reference)?,
        Stamp::Rfc3339(timestamp) => timestamp,
    };
    let (host, rest) =
        token(rest).ok_or_else(|| SyslogError("no host after the timestamp".to_owned()))?;
    fields.insert("host".to_owned(), Value::from(host));
    let message = match split_tag(rest) {
        Some((program, pid, message)) => {
            fields.insert("program".to_owned(), Value::from(program));
            if let Some(pid) = pid {
                fields.insert("pid".to_owned(), pid_value(pid));
            }
            message
        }
        None => rest,
    };
    fields.insert("message".to_owned(), Value::from(message));
    Ok(Some(timestamp))
}

/// A process id as a number when it is one, as text otherwise.
pub(super) fn pid_value(pid: &str) -> Value {
    pid.parse::<u64>()
        .map_or_else(|_| Value::from(pid), Value::from)
}

enum Stamp {
    Bsd { month: i8, day: i8, time: Time },
    Rfc3339(Timestamp),
}

/// A leading BSD or RFC 3339 timestamp and the text after it.
fn split_timestamp(text: &str) -> Option<(Stamp, &str)> {
    if let Some(found) = split_bsd(text) {
        return Some(found);
    }
    let (word, rest) = token(text)?;
    word.parse::<Timestamp>()
        .ok()
        .map(|ts| (Stamp::Rfc3339(ts), rest))
}

/// A leading `Mmm dd hh:mm:ss ` timestamp (the day may be space-padded).
fn split_bsd(text: &str) -> Option<(Stamp, &str)> {
    let month = MONTHS.iter().position(|m| text.starts_with(m))?;
    let bsd = text
        .get(3..16)
        .filter(|_| text.as_bytes().get(3) == Some(&b' '));
    if let Some(stamp) = bsd {
        let bytes = stamp.as_bytes();
        if bytes[3] != b' ' || bytes[12] != b' ' {
            return None;
        }
        let day = stamp.get(1..3)?.trim_start().parse::<i8>().ok()?;
        let time = stamp.get(4..12)?.parse::<Time>().ok()?;
        let month = i8::try_from(month + 1).ok()?;
        return Some((Stamp::Bsd { month, day, time }, &text[16..]));
    }
    None
}

fn bsd_timestamp(
    month: i8,
    day: i8,
    time: Time,
    reference: Timestamp,
) -> Result<Timestamp, SyslogError> {
    let year = reference.to_zoned(TimeZone::UTC).year();
    let at = |year: i16| -> Result<Timestamp, SyslogError> {
        Date::new(year, month, day)
            .map_err(|err| SyslogError(format!("invalid date: {err}")))?
            .to_datetime(time)
            .to_zoned(TimeZone::UTC)
            .map(|zoned| zoned.timestamp())
            .map_err(|err| SyslogError(format!("invalid timestamp: {err}")))
    };
    let latest = reference
        .checked_add(SignedDuration::from_hours(24))
        .unwrap_or(reference);
    let this_year = at(year);
    match this_year {
        Ok(ts) if ts <= latest => Ok(ts),
        _ => at(year - 1).or(this_year),
    }
}

/// The tag `program[pid]:` or `program:` at the start of `text`.
fn split_tag(text: &str) -> Option<(&str, Option<&str>, &str)> {
    let end = text.find(['[', ':', ' '])?;
    if end == 0 || end > MAX_TAG {
        return None;
    }
    let program = &text[..end];
    let (pid, rest) = match text.as_bytes()[end] {
        b'[' => {
            let close = text[end..].find("]:")? + end;
            (Some(&text[end + 1..close]), &text[close + 2..])
        }
        b':' => (None, &text[end + 1..]),
        _ => return None,
    };
    Some((program, pid, rest.strip_prefix(' ').unwrap_or(rest)))
}
