//! Witnesses: literals at least one of which every event matching a route contains.
//!
//! A witness is a set of `(field, needle)` pairs (field `None` for keyword searches of any value)
//! such that a route can only match an event where one needle occurs, ASCII case-insensitively,
//! in the text of that field. It is derived from the condition: a selection branch needs all its
//! items, so any one item's needles will do; an `or` needs the union of its parts; a `not` gives
//! nothing. Routes without a witness are always evaluated.

use crate::compile::Route;
use crate::detection::{Detection, Expr, Item, ItemTest};
use crate::event::FieldPath;
use crate::matcher::Matcher;

/// One needle in one field (or in any value when `field` is `None`).
pub(crate) type Needle = (Option<FieldPath>, String);

/// The witness of a route, if it has one.
pub(crate) fn of_route(route: &Route) -> Option<Vec<Needle>> {
    of_expr(&route.detection, &route.detection.condition)
}

fn of_expr(detection: &Detection, expr: &Expr) -> Option<Vec<Needle>> {
    match expr {
        Expr::Sel(i) => {
            let mut out = Vec::new();
            for branch in &detection.selections[*i].branches {
                out.extend(best(branch.iter().map(of_item))?);
            }
            Some(out)
        }
        Expr::And(parts) => best(parts.iter().map(|p| of_expr(detection, p))),
        Expr::Or(parts) => {
            let mut out = Vec::new();
            for part in parts {
                out.extend(of_expr(detection, part)?);
            }
            Some(out)
        }
        Expr::Not(_) => None,
    }
}

/// The most selective of several sufficient witnesses: the one whose shortest needle is longest.
fn best(candidates: impl Iterator<Item = Option<Vec<Needle>>>) -> Option<Vec<Needle>> {
    let score = |w: &Vec<Needle>| w.iter().map(|(_, n)| n.len()).min().unwrap_or(0);
    candidates
        .flatten()
        .filter(|w| !w.is_empty())
        .max_by_key(|w| (score(w).min(8), usize::MAX - w.len()))
}

fn of_item(item: &Item) -> Option<Vec<Needle>> {
    let ItemTest::Values { matchers, all } = &item.test else {
        return None;
    };
    let needles = |m: &Matcher| {
        of_matcher(m).map(|ns| {
            ns.into_iter()
                .map(|n| (item.field.clone(), n))
                .collect::<Vec<_>>()
        })
    };
    if *all {
        best(matchers.iter().map(needles))
    } else {
        let mut out = Vec::new();
        for m in matchers {
            out.extend(needles(m)?);
        }
        Some(out)
    }
}

fn of_matcher(matcher: &Matcher) -> Option<Vec<String>> {
    match matcher {
        Matcher::Str(p) => {
            let text = p.required_text();
            (!text.is_empty()).then(|| vec![text])
        }
        Matcher::ContainsAny(needles, _) => Some(needles.clone()),
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
