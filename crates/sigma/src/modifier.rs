//! Value modifiers (modifiers appendix): a `field|m1|m2` chain applied to the rule's values,
//! producing one [`ItemTest`].
//!
//! Transforming modifiers (contains, startswith, endswith, base64, base64offset, utf16*, windash,
//! expand) run left to right over the values, as pySigma applies them; the others (all, cased,
//! neq, re and its flags, cidr, comparisons, time parts, exists, fieldref) set how the result is
//! compared.

use crate::detection::ItemTest;
use crate::error::RuleError;
use crate::event::FieldPath;
use crate::matcher::{Cidr, Cmp, Matcher, RefMode, TimePart, merge_contains};
use crate::pattern::{Pattern, SigmaString};
use crate::re::{Flags, LazyRegex};
use crate::transform::{Chain, ExpandContext, apply, use_error};

/// A scalar value as written in the rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawValue {
    /// A string.
    Str(String),
    /// A number, with its text as written.
    Num(String, f64),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
}

impl RawValue {
    fn text(&self) -> String {
        match self {
            RawValue::Str(s) | RawValue::Num(s, _) => s.clone(),
            RawValue::Bool(b) => b.to_string(),
            RawValue::Null => String::new(),
        }
    }
}

/// Builds the test of one detection item from its modifiers and values.
pub(crate) fn compile(
    modifiers: &[&str],
    values: &[RawValue],
    ctx: &mut ExpandContext<'_>,
) -> Result<ItemTest, RuleError> {
    let mut all = false;
    let mut cased = false;
    let mut neq = false;
    let mut regex: Option<String> = None;
    let mut cidr = false;
    let mut cmp: Option<Cmp> = None;
    let mut time: Option<TimePart> = None;
    let mut exists = false;
    let mut fieldref: Option<RefMode> = None;
    let mut wildcard_ends: Option<RefMode> = None;
    let mut chain: Vec<Vec<Chain>> = Vec::new();
    let mut transforms: Vec<&str> = Vec::new();
    for &m in modifiers {
        match m {
            "all" => all = true,
            "cased" => cased = true,
            "neq" => neq = true,
            "re" => regex = Some(String::new()),
            "i" | "ignorecase" | "m" | "multiline" | "s" | "dotall" => match regex.as_mut() {
                Some(flags) => flags.push(m.chars().next().unwrap_or('i')),
                None => return Err(use_error(m, "is a sub-modifier of `re` and must follow it")),
            },
            "cidr" => cidr = true,
            "lt" => cmp = Some(Cmp::Lt),
            "lte" => cmp = Some(Cmp::Lte),
            "gt" => cmp = Some(Cmp::Gt),
            "gte" => cmp = Some(Cmp::Gte),
            "minute" => time = Some(TimePart::Minute),
            "hour" => time = Some(TimePart::Hour),
            "day" => time = Some(TimePart::Day),
            "week" => time = Some(TimePart::Week),
            "month" => time = Some(TimePart::Month),
            "year" => time = Some(TimePart::Year),
            "exists" => exists = true,
            "fieldref" => fieldref = Some(RefMode::Equal),
            "contains" | "startswith" | "endswith" => {
                let mode = match m {
                    "contains" => RefMode::Contains,
                    "startswith" => RefMode::StartsWith,
                    _ => RefMode::EndsWith,
                };
                wildcard_ends = Some(mode);
                transforms.push(m);
            }
            "base64" | "base64offset" | "utf16le" | "wide" | "utf16be" | "utf16" | "windash"
            | "expand" => transforms.push(m),
            other => return Err(RuleError::UnknownModifier(other.to_owned())),
        }
    }
    if all && values.len() < 2 {
        return Err(use_error("all", "needs a list of at least two values"));
    }
    if exists {
        return match values {
            [RawValue::Bool(b)] if modifiers.len() == 1 => Ok(ItemTest::Exists(*b)),
            _ => Err(use_error(
                "exists",
                "takes exactly one boolean value and no other modifier",
            )),
        };
    }
    let finish = |matchers: Vec<Matcher>| {
        if neq {
            ItemTest::NotEqual(matchers)
        } else {
            ItemTest::Values { matchers, all }
        }
    };
    if let Some(mode) = fieldref {
        let mode = if wildcard_ends.is_some() {
            wildcard_ends.unwrap_or(mode)
        } else {
            mode
        };
        let matchers = values
            .iter()
            .map(|v| match v {
                RawValue::Str(name) => Ok(Matcher::FieldRef(FieldPath::new(name), mode, cased)),
                other => Err(use_error(
                    "fieldref",
                    format!("`{}` is not a field name", other.text()),
                )),
            })
            .collect::<Result<_, _>>()?;
        return Ok(finish(matchers));
    }
    if let Some(flags) = regex {
        if !transforms.is_empty() || cidr || cmp.is_some() {
            return Err(use_error(
                "re",
                "cannot be combined with value-transforming modifiers",
            ));
        }
        let matchers = values
            .iter()
            .map(|v| compile_regex(&v.text(), &flags))
            .collect::<Result<_, _>>()?;
        return Ok(finish(matchers));
    }
    if cidr {
        let matchers = values
            .iter()
            .map(|v| {
                Cidr::parse(&v.text())
                    .map(Matcher::Cidr)
                    .map_err(|reason| RuleError::Value {
                        value: v.text(),
                        reason,
                    })
            })
            .collect::<Result<_, _>>()?;
        return Ok(finish(matchers));
    }
    if time.is_some() || cmp.is_some() {
        let matchers = values
            .iter()
            .map(|v| match v {
                RawValue::Num(_, n) => Ok(match time {
                    Some(part) => Matcher::Time(part, cmp.unwrap_or(Cmp::Eq), *n),
                    None => Matcher::Num(cmp.unwrap_or(Cmp::Eq), *n),
                }),
                other => Err(RuleError::Value {
                    value: other.text(),
                    reason: "numeric modifiers take numbers".to_owned(),
                }),
            })
            .collect::<Result<_, _>>()?;
        return Ok(finish(matchers));
    }
    for v in values {
        chain.push(vec![match v {
            RawValue::Null => {
                if !transforms.is_empty() {
                    return Err(use_error(transforms[0], "cannot apply to null"));
                }
                continue;
            }
            RawValue::Str(s) => Chain::Text(SigmaString::parse(s)),
            other => Chain::Text(SigmaString::literal(&other.text())),
        }]);
    }
    for &t in &transforms {
        for group in &mut chain {
            *group = apply(t, std::mem::take(group), ctx)?;
        }
    }
    let mut matchers = Vec::new();
    if values.contains(&RawValue::Null) {
        matchers.push(Matcher::Null);
    }
    let mut groups = Vec::new();
    for group in chain {
        let mut ms = Vec::new();
        for value in group {
            let s = match value {
                Chain::Text(s) => s,
                Chain::Bytes(b) => SigmaString::literal(&String::from_utf8_lossy(&b)),
            };
            ms.push(Matcher::Str(Pattern::compile(&s, cased).map_err(
                |reason| RuleError::Value {
                    value: String::new(),
                    reason,
                },
            )?));
        }
        groups.push(ms);
    }
    if all {
        // With `all`, each rule value must match; its variants (windash, offsets) are alternatives.
        let mut ands = Vec::with_capacity(groups.len());
        for group in groups {
            ands.extend(any_of(merge_contains(group)));
        }
        return Ok(finish(ands));
    }
    matchers.extend(groups.into_iter().flatten());
    let mut matchers = merge_contains(matchers);
    if matchers.is_empty() {
        matchers.push(Matcher::Never);
    }
    Ok(finish(matchers))
}

fn any_of(mut group: Vec<Matcher>) -> Option<Matcher> {
    match group.len() {
        0 => Some(Matcher::Never),
        1 => group.pop(),
        _ => Some(Matcher::AnyOf(group)),
    }
}

fn compile_regex(pattern: &str, flags: &str) -> Result<Matcher, RuleError> {
    let flags = Flags {
        ignore_case: flags.contains('i'),
        multi_line: flags.contains('m'),
        dot_all: flags.contains('s'),
    };
    LazyRegex::new(pattern, flags)
        .map(Matcher::Regex)
        .map_err(|reason| RuleError::Regex {
            pattern: pattern.to_owned(),
            reason,
        })
}
