//! Compiled value matchers: what one value of a detection item tests on one event value.

use std::net::IpAddr;

use crate::document::Json;
use crate::event::{Event, FieldPath};
use crate::finder::Finder;
use crate::pattern::{Pattern, StrPattern};
use crate::re::LazyRegex;

/// Numeric comparison of the numeric modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Lt,
    Lte,
    Gt,
    Gte,
    Eq,
}

impl Cmp {
    pub(crate) fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Cmp::Lt => left < right,
            Cmp::Lte => left <= right,
            Cmp::Gt => left > right,
            Cmp::Gte => left >= right,
            Cmp::Eq => left == right,
        }
    }
}

/// The date parts of the time modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimePart {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// How a field reference compares the two fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefMode {
    Equal,
    StartsWith,
    EndsWith,
    Contains,
}

/// An IP network of the `cidr` modifier.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let (addr, prefix) = text.split_once('/').unwrap_or((text, ""));
        let network: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| "not an IP address".to_owned())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("prefix length must be 0..={max}"))?
        };
        Ok(Cidr { network, prefix })
    }

    fn contains(&self, text: &str) -> bool {
        let Ok(addr) = text.trim().parse::<IpAddr>() else {
            return false;
        };
        let (net, addr, bits) = match (self.network, addr) {
            (IpAddr::V4(n), IpAddr::V4(a)) => (u32::from(n) as u128, u32::from(a) as u128, 32),
            (IpAddr::V6(n), IpAddr::V6(a)) => (u128::from(n), u128::from(a), 128),
            (IpAddr::V6(n), IpAddr::V4(a)) => (u128::from(n), u128::from(a.to_ipv6_mapped()), 128),
            (IpAddr::V4(n), IpAddr::V6(a)) => match a.to_ipv4_mapped() {
                Some(a) => (u32::from(n) as u128, u32::from(a) as u128, 32),
                None => return false,
            },
        };
        let shift = bits - u32::from(self.prefix);
        shift >= 128 || (net >> shift) == (addr >> shift)
    }
}

/// One compiled value test.
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    /// String pattern (also used for numbers and booleans, through their text).
    Str(Pattern),
    /// Several `contains` values of one item, linked with OR, searched in one pass.
    ContainsAny(Vec<String>, Finder),
    /// `re`.
    Regex(LazyRegex),
    /// `cidr`.
    Cidr(Cidr),
    /// `lt` `lte` `gt` `gte` (and number equality of time parts).
    Num(Cmp, f64),
    /// A time part compared to a number.
    Time(TimePart, Cmp, f64),
    /// `fieldref`: compare with another field of the same event.
    FieldRef(FieldPath, RefMode, bool),
    /// `null`: the field is absent or null.
    Null,
    /// Alternatives standing for one rule value (its windash or base64 offset variants).
    AnyOf(Vec<Matcher>),
    /// An `expand` placeholder with no configured values: never matches (reported at load).
    Never,
}

impl Matcher {
    /// Calls `f` on each regular expression of the matcher.
    pub(crate) fn each_regex(&mut self, f: &mut dyn FnMut(&mut LazyRegex)) {
        match self {
            Matcher::Regex(re) => f(re),
            Matcher::AnyOf(options) => options.iter_mut().for_each(|m| m.each_regex(f)),
            _ => {}
        }
    }

    /// Tests one (non-array) field value; field references read `event`.
    pub(crate) fn matches(&self, value: Option<Json<'_>>, event: &Event<'_>) -> bool {
        let value = match (self, value) {
            (Matcher::Null, v) => return v.is_none_or(Json::is_null),
            (Matcher::Never, _) | (_, None) => return false,
            (_, Some(v)) if v.is_null() => return false,
            (_, Some(v)) => v,
        };
        match self {
            Matcher::Str(p) => value.text().is_some_and(|t| p.matches(t)),
            Matcher::ContainsAny(_, finder) => value.text().is_some_and(|t| finder.is_in(t)),
            Matcher::Regex(re) => value.text().is_some_and(|t| re.is_match(t)),
            Matcher::Cidr(net) => value.text().is_some_and(|t| net.contains(t)),
            Matcher::Num(cmp, n) => value.as_number().is_some_and(|v| cmp.holds(v, *n)),
            Matcher::Time(part, cmp, n) => value
                .text()
                .and_then(|t| time_part(t, *part))
                .is_some_and(|v| cmp.holds(v, *n)),
            Matcher::FieldRef(other, mode, cased) => {
                match (value.text(), event.field(other).and_then(Json::text)) {
                    (Some(a), Some(b)) => compare_ref(a, b, *mode, *cased),
                    _ => false,
                }
            }
            Matcher::AnyOf(options) => options.iter().any(|m| m.matches(Some(value), event)),
            Matcher::Null | Matcher::Never => false,
        }
    }
}

fn compare_ref(value: &str, reference: &str, mode: RefMode, cased: bool) -> bool {
    let (v, r) = (value.as_bytes(), reference.as_bytes());
    let eq = |a: &[u8], b: &[u8]| {
        if cased {
            a == b
        } else {
            a.eq_ignore_ascii_case(b)
        }
    };
    match mode {
        RefMode::Equal => eq(v, r),
        RefMode::StartsWith => v.len() >= r.len() && eq(&v[..r.len()], r),
        RefMode::EndsWith => v.len() >= r.len() && eq(&v[v.len() - r.len()..], r),
        RefMode::Contains => {
            if cased {
                memchr::memmem::find(v, r).is_some()
            } else {
                r.is_empty() || v.windows(r.len()).any(|w| w.eq_ignore_ascii_case(r))
            }
        }
    }
}

/// Extracts a date part from an RFC 3339 or `YYYY-MM-DD HH:MM:SS` timestamp, in its own offset.
fn time_part(text: &str, part: TimePart) -> Option<f64> {
    let text = text.trim();
    let dt: jiff::civil::DateTime = match text.parse::<jiff::Timestamp>() {
        Ok(ts) => ts.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
        Err(_) => text.replacen(' ', "T", 1).parse().ok()?,
    };
    let value = match part {
        TimePart::Minute => i32::from(dt.minute()),
        TimePart::Hour => i32::from(dt.hour()),
        TimePart::Day => i32::from(dt.day()),
        TimePart::Week => i32::from(dt.date().iso_week_date().week()),
        TimePart::Month => i32::from(dt.month()),
        TimePart::Year => i32::from(dt.year()),
    };
    Some(f64::from(value))
}

/// From this many `contains` values on, one automaton beats a memchr search per value.
const MERGE_AT: usize = 8;

/// Merges the `contains` patterns of an OR-ed value list into one [`Matcher::ContainsAny`] per
/// case sensitivity (when there are many); other matchers are kept as they are.
pub(crate) fn merge_contains(matchers: Vec<Matcher>) -> Vec<Matcher> {
    let is_contains = |m: &Matcher, case: bool| matches!(m, Matcher::Str(Pattern { kind: StrPattern::Contains(..), cased }) if *cased == case);
    let mut out = matchers;
    for cased in [false, true] {
        if out.iter().filter(|m| is_contains(m, cased)).count() < MERGE_AT {
            continue;
        }
        let (merge, keep): (Vec<_>, Vec<_>) = out.into_iter().partition(|m| is_contains(m, cased));
        let needles: Vec<String> = merge
            .into_iter()
            .filter_map(|m| match m {
                Matcher::Str(Pattern {
                    kind: StrPattern::Contains(text, _),
                    ..
                }) => Some(text.into_string()),
                _ => None,
            })
            .collect();
        let finder = Finder::many(&needles, cased);
        out = keep;
        out.push(Matcher::ContainsAny(needles, finder));
    }
    out
}
