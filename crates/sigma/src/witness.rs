//! Witnesses: literals at least one of which every event matching a route contains.
//!
//! A witness is a set of `(field, needle)` pairs (field `None` for keyword searches of any value)
//! such that a route can only match an event where one needle occurs, ASCII case-insensitively,
//! in the text of that field. It is derived from the condition: a selection branch needs all its
//! items, so any one item's needles will do; an `or` needs the union of its parts; a `not` gives
//! nothing. A route without needles may still have fields one of which every event it matches
//! has ([`Witness::Fields`]: only `null` accepts a missing field); events not of the Windows shape
//! reach such a route through their top-level keys. Routes with neither are always evaluated.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::compile::Route;
use crate::detection::{Detection, Expr, Item, ItemTest};
use crate::event::FieldPath;
use crate::matcher::Matcher;
use crate::pattern::{Pattern, StrPattern};

/// One needle in one field (or in any value when `field` is `None`), and whether it is the
/// field's whole value (an exact match) rather than a part of it.
pub(crate) type Needle = (Option<FieldPath>, String, bool);

/// What every event a route matches has.
#[derive(Debug)]
pub(crate) enum Witness {
    /// One of these needles.
    Needles(Vec<Needle>),
    /// One of these fields (present, whatever its value): for the routes without needles.
    Fields(Vec<FieldPath>),
}

/// How many routes name each needle for each field, by [`needle_key`]: a needle many rules
/// share (`eventSource: ec2.amazonaws.com`) occurs in many events, so it witnesses poorly. Two
/// needles with the same key only blur the choice of a witness, never its soundness.
pub(crate) type Frequency = FxHashMap<u64, u32>;

/// A hash of a field's name and a needle in lower case, computed without copying either.
fn needle_key(field: Option<&FieldPath>, needle: &str) -> u64 {
    let mut hasher = FxHasher::default();
    field.map(FieldPath::name).hash(&mut hasher);
    needle
        .bytes()
        .for_each(|b| hasher.write_u8(b.to_ascii_lowercase()));
    hasher.finish()
}

/// Value lists up to this long are counted in [`frequency`].
const SHARED_LIST: usize = 4;

/// Counts the needles each route names (each once per route) in its short value lists.
pub(crate) fn frequency(routes: &[&Route]) -> Frequency {
    let mut out = Frequency::default();
    for route in routes {
        let mut named = FxHashSet::default();
        let selections = route.detection.selections.iter();
        for item in selections.flat_map(|s| s.branches.iter().flatten()) {
            // Long value lists (command-line fragments) are seldom shared and dear to count.
            let ItemTest::Values { matchers, .. } = &item.test else {
                continue;
            };
            if matchers.len() > SHARED_LIST {
                continue;
            }
            for (needle, _) in matchers.iter().filter_map(of_matcher).flatten() {
                named.insert(needle_key(item.field.as_ref(), &needle));
            }
        }
        for needle in named {
            *out.entry(needle).or_default() += 1;
        }
    }
    out
}

/// The witness of a route, if it has one; of several, the most selective by `frequency`.
pub(crate) fn of_route(route: &Route, frequency: &Frequency) -> Option<Witness> {
    let detection = &route.detection;
    of_expr(detection, &detection.condition, frequency)
        .map(Witness::Needles)
        .or_else(|| fields_of_expr(detection, &detection.condition).map(Witness::Fields))
}

/// Fields one of which is present in every event the expression matches.
fn fields_of_expr(detection: &Detection, expr: &Expr) -> Option<Vec<FieldPath>> {
    match expr {
        Expr::Sel(i) => union(
            detection.selections[*i]
                .branches
                .iter()
                .map(|branch| Some(vec![branch.iter().find_map(required_field)?])),
        ),
        Expr::And(parts) => parts.iter().find_map(|p| fields_of_expr(detection, p)),
        Expr::Or(parts) => union(parts.iter().map(|p| fields_of_expr(detection, p))),
        Expr::Not(_) => None,
    }
}

/// The item's field, when the item cannot hold on an event without it (of the value tests,
/// only `null` accepts a missing field).
fn required_field(item: &Item) -> Option<FieldPath> {
    let field = item.field.as_ref()?;
    let missing_ok = |m: &Matcher| matches!(m, Matcher::Null);
    let required = match &item.test {
        ItemTest::Values {
            matchers,
            all: true,
        } => !matchers.iter().all(missing_ok),
        ItemTest::Values {
            matchers,
            all: false,
        } => !matchers.iter().any(missing_ok),
        ItemTest::NotEqual(_) => true,
        ItemTest::Exists(wanted) => *wanted,
    };
    required.then(|| field.clone())
}

fn of_expr(detection: &Detection, expr: &Expr, frequency: &Frequency) -> Option<Vec<Needle>> {
    match expr {
        Expr::Sel(i) => union(detection.selections[*i].branches.iter().map(|branch| {
            best(
                branch.iter().map(|item| of_item(item, frequency)),
                frequency,
            )
        })),
        Expr::And(parts) => best(
            parts.iter().map(|p| of_expr(detection, p, frequency)),
            frequency,
        ),
        Expr::Or(parts) => union(parts.iter().map(|p| of_expr(detection, p, frequency))),
        Expr::Not(_) => None,
    }
}

/// Every part's witness together, when each part has one (all are needed to cover an OR).
fn union<T>(mut parts: impl Iterator<Item = Option<Vec<T>>>) -> Option<Vec<T>> {
    parts.try_fold(Vec::new(), |mut out, part| {
        out.extend(part?);
        Some(out)
    })
}

/// The most selective of several sufficient witnesses: the one whose shortest needle is longest
/// (up to eight bytes), then the one whose needles fewer routes name, then the one with fewer
/// needles.
fn best(
    candidates: impl Iterator<Item = Option<Vec<Needle>>>,
    frequency: &Frequency,
) -> Option<Vec<Needle>> {
    let score = |w: &Vec<Needle>| w.iter().map(|(_, n, _)| n.len()).min().unwrap_or(0);
    // Longer witnesses come from lists that are not counted.
    let shared = |w: &Vec<Needle>| -> u64 {
        if w.len() > SHARED_LIST {
            return 0;
        }
        w.iter()
            .map(|(field, n, _)| needle_key(field.as_ref(), n))
            .map(|key| u64::from(frequency.get(&key).copied().unwrap_or(0)))
            .sum()
    };
    candidates
        .flatten()
        .filter(|w| !w.is_empty())
        .max_by_key(|w| (score(w).min(8), u64::MAX - shared(w), usize::MAX - w.len()))
}

fn of_item(item: &Item, frequency: &Frequency) -> Option<Vec<Needle>> {
    let ItemTest::Values { matchers, all } = &item.test else {
        return None;
    };
    let needles = |m: &Matcher| {
        of_matcher(m).map(|ns| {
            ns.into_iter()
                .map(|(n, exact)| (item.field.clone(), n, exact && item.field.is_some()))
                .collect::<Vec<_>>()
        })
    };
    if *all {
        best(matchers.iter().map(needles), frequency)
    } else {
        union(matchers.iter().map(needles))
    }
}

/// A matcher's needles, each with whether it is the whole value.
fn of_matcher(matcher: &Matcher) -> Option<Vec<(String, bool)>> {
    match matcher {
        Matcher::Str(Pattern {
            kind: StrPattern::Exact(text),
            ..
        }) if !text.is_empty() => Some(vec![(text.to_string(), true)]),
        Matcher::Str(p) => {
            let text = p.required_text();
            (!text.is_empty()).then(|| vec![(text, false)])
        }
        Matcher::ContainsAny(needles, _) => {
            Some(needles.iter().map(|n| (n.clone(), false)).collect())
        }
        Matcher::AnyOf(options) => {
            let mut out = Vec::new();
            for m in options {
                out.extend(of_matcher(m)?);
            }
            Some(out)
        }
        // A placeholder without values never matches: no needle can be required, yet the route
        // cannot match through it either; an empty witness keeps it sound and cheap.
        Matcher::Never => Some(Vec::new()),
        _ => None,
    }
}
