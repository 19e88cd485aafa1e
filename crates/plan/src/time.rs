//! Lengths of time in the plan: [`Window`] (`15m`, `24h`, `1d12h`) and [`Due`], a task's due time
//! as an offset from an incident timestamp (`detected + 24h`, `confirmed`).
//!
//! Both are written as text in the plan and print back in one canonical spelling, so a stored plan
//! diffs cleanly whatever spelling its author used.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ValueError;

/// A whole number of minutes: an acknowledgement window, a shift, a due offset.
///
/// Written as one or more `<number><unit>` parts, units `w` (7 days), `d` (24 hours), `h`, `m`:
/// `90m`, `24h`, `1d12h`. Days are 24 hours: the plan measures elapsed time, not calendar days.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Window {
    minutes: u32,
}

/// The JSON Schema pattern of a [`Window`].
pub(crate) const WINDOW_PATTERN: &str =
    r"^\s*(\d+\s*w)?\s*(\d+\s*d)?\s*(\d+\s*h)?\s*(\d+\s*m)?\s*$";

/// The JSON Schema pattern of a [`Due`].
pub(crate) const DUE_PATTERN: &str = r"^\s*(detected|reported|confirmed|contained|eradicated|recovered|closed)\s*(\+\s*(\d+\s*w)?\s*(\d+\s*d)?\s*(\d+\s*h)?\s*(\d+\s*m)?\s*)?$";

const UNITS: [(char, u32); 4] = [('w', 7 * 24 * 60), ('d', 24 * 60), ('h', 60), ('m', 1)];

impl Window {
    /// A window of `minutes` minutes.
    pub const fn from_minutes(minutes: u32) -> Self {
        Self { minutes }
    }

    /// Its length in minutes.
    pub const fn minutes(self) -> u32 {
        self.minutes
    }

    /// Its length as a signed duration, for arithmetic on timestamps.
    pub fn duration(self) -> jiff::SignedDuration {
        jiff::SignedDuration::from_mins(i64::from(self.minutes))
    }
}

impl FromStr for Window {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, ValueError> {
        let bad = |reason: &'static str| ValueError::Window {
            value: text.to_owned(),
            reason,
        };
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(bad("it is empty"));
        }
        let mut minutes: u32 = 0;
        let mut number = String::new();
        let mut last_unit = usize::MAX;
        for c in compact.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let index = UNITS
                .iter()
                .position(|(unit, _)| *unit == c)
                .ok_or_else(|| bad("units are w, d, h and m"))?;
            if last_unit != usize::MAX && index <= last_unit {
                return Err(bad("write each unit once, largest first (1d12h)"));
            }
            let count: u32 = number
                .parse()
                .map_err(|_| bad("each unit needs a whole number before it"))?;
            minutes = count
                .checked_mul(UNITS[index].1)
                .and_then(|m| minutes.checked_add(m))
                .ok_or_else(|| bad("it is too long"))?;
            number.clear();
            last_unit = index;
        }
        if !number.is_empty() {
            return Err(bad("a number needs a unit (w, d, h or m)"));
        }
        Ok(Self { minutes })
    }
}

impl fmt::Display for Window {
    /// Weeks or days only when exact and at least two (`2w`, `30d`); otherwise hours and minutes,
    /// so Amazon's "24 hours" prints as `24h`, not `1d`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (unit, size) in &UNITS[..2] {
            if self.minutes.is_multiple_of(*size) && self.minutes / size >= 2 {
                return write!(f, "{}{unit}", self.minutes / size);
            }
        }
        let (hours, minutes) = (self.minutes / 60, self.minutes % 60);
        match (hours, minutes) {
            (0, m) => write!(f, "{m}m"),
            (h, 0) => write!(f, "{h}h"),
            (h, m) => write!(f, "{h}h{m}m"),
        }
    }
}

impl TryFrom<String> for Window {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        text.parse()
    }
}

impl From<Window> for String {
    fn from(window: Window) -> String {
        window.to_string()
    }
}

/// The incident timestamp a task's due time counts from (the incident's own timestamps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Anchor {
    /// When the incident was detected (Amazon's 24-hour clock starts here).
    Detected,
    /// When it was reported (for a legal-process request: when the request was received).
    Reported,
    /// The identification decision.
    Confirmed,
    /// Containment achieved.
    Contained,
    /// Cause removed.
    Eradicated,
    /// Systems restored.
    Recovered,
    /// Incident closed.
    Closed,
}

impl Anchor {
    /// Every anchor, in lifecycle order.
    pub const ALL: [Anchor; 7] = [
        Self::Detected,
        Self::Reported,
        Self::Confirmed,
        Self::Contained,
        Self::Eradicated,
        Self::Recovered,
        Self::Closed,
    ];

    /// The name used in the plan, matching the incident's timestamp field.
    pub fn name(self) -> &'static str {
        match self {
            Self::Detected => "detected",
            Self::Reported => "reported",
            Self::Confirmed => "confirmed",
            Self::Contained => "contained",
            Self::Eradicated => "eradicated",
            Self::Recovered => "recovered",
            Self::Closed => "closed",
        }
    }
}

/// When a task falls due: an incident timestamp plus an offset (`detected + 24h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Due {
    /// The timestamp counted from.
    pub anchor: Anchor,
    /// How long after it.
    pub after: Window,
}

impl FromStr for Due {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, ValueError> {
        let (anchor_text, after) = match text.split_once('+') {
            Some((anchor, offset)) => (anchor, offset.parse::<Window>()?),
            None => (text, Window::from_minutes(0)),
        };
        let anchor_text = anchor_text.trim();
        let anchor = Anchor::ALL
            .into_iter()
            .find(|a| a.name() == anchor_text)
            .ok_or_else(|| ValueError::Anchor {
                value: text.to_owned(),
                allowed: Anchor::ALL.map(Anchor::name).join(", "),
            })?;
        Ok(Self { anchor, after })
    }
}

impl fmt::Display for Due {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.after.minutes() == 0 {
            f.write_str(self.anchor.name())
        } else {
            write!(f, "{} + {}", self.anchor.name(), self.after)
        }
    }
}

impl TryFrom<String> for Due {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        text.parse()
    }
}

impl From<Due> for String {
    fn from(due: Due) -> String {
        due.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_read_any_unit_mix_and_print_canonically() {
        for (text, minutes, canonical) in [
            ("24h", 24 * 60, "24h"),
            ("1d12h", 36 * 60, "36h"),
            ("30d", 30 * 24 * 60, "30d"),
            ("90m", 90, "1h30m"),
            ("2w", 14 * 24 * 60, "2w"),
            ("7d", 7 * 24 * 60, "7d"),
            (" 4 h ", 240, "4h"),
        ] {
            let window: Window = text.parse().unwrap();
            assert_eq!(window.minutes(), minutes, "{text}");
            assert_eq!(window.to_string(), canonical, "{text}");
            assert_eq!(canonical.parse::<Window>().unwrap(), window);
        }
    }

    #[test]
    fn malformed_windows_say_why() {
        for (text, why) in [
            ("", "empty"),
            ("24", "needs a unit"),
            ("3y", "units are"),
            ("h", "whole number"),
            ("1h1d", "largest first"),
            ("99999999w", "too long"),
        ] {
            let err = text.parse::<Window>().unwrap_err().to_string();
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn due_offsets_name_an_incident_timestamp() {
        let due: Due = "detected + 24h".parse().unwrap();
        assert_eq!(due.anchor, Anchor::Detected);
        assert_eq!(due.after.minutes(), 24 * 60);
        assert_eq!(due.to_string(), "detected + 24h");
        assert_eq!("confirmed".parse::<Due>().unwrap().after.minutes(), 0);
        let err = "noticed + 4h".parse::<Due>().unwrap_err().to_string();
        assert!(
            err.contains("noticed") && err.contains("confirmed"),
            "{err}"
        );
        assert!("confirmed + soon".parse::<Due>().is_err());
    }
}
