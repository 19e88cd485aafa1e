//! Compiled detections: items, selections, the condition tree, and their evaluation.

use crate::document::Json;
use crate::event::{Event, FieldPath};
use crate::matcher::Matcher;

/// One `field|modifiers: values` entry (or a keyword list when `field` is `None`).
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub(crate) field: Option<FieldPath>,
    pub(crate) test: ItemTest,
}

/// What an item checks.
#[derive(Debug, Clone)]
pub(crate) enum ItemTest {
    /// Values linked with OR (default) or AND (`all`).
    Values { matchers: Vec<Matcher>, all: bool },
    /// `neq`: present and different from every value.
    NotEqual(Vec<Matcher>),
    /// `exists`.
    Exists(bool),
}

/// A search identifier: a list of maps (OR) of items (AND).
#[derive(Debug, Clone, Default)]
pub(crate) struct Selection {
    pub(crate) branches: Vec<Vec<Item>>,
}

/// The condition, with identifiers resolved to selection indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    Sel(usize),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

/// A compiled `detection` section.
#[derive(Debug, Clone)]
pub(crate) struct Detection {
    pub(crate) selections: Vec<Selection>,
    pub(crate) condition: Expr,
}

impl Detection {
    /// Calls `f` on each regular expression of the detection.
    pub(crate) fn each_regex(&mut self, f: &mut dyn FnMut(&mut crate::re::LazyRegex)) {
        let items = self
            .selections
            .iter_mut()
            .flat_map(|s| s.branches.iter_mut().flatten());
        for item in items {
            match &mut item.test {
                ItemTest::Values { matchers, .. } | ItemTest::NotEqual(matchers) => {
                    matchers.iter_mut().for_each(|m| m.each_regex(f));
                }
                ItemTest::Exists(_) => {}
            }
        }
    }

    pub(crate) fn matches(&self, event: &Event<'_>) -> bool {
        self.eval(&self.condition, event)
    }

    fn eval(&self, expr: &Expr, event: &Event<'_>) -> bool {
        match expr {
            Expr::Sel(i) => self.selections[*i].matches(event),
            Expr::And(parts) => parts.iter().all(|p| self.eval(p, event)),
            Expr::Or(parts) => parts.iter().any(|p| self.eval(p, event)),
            Expr::Not(inner) => !self.eval(inner, event),
        }
    }
}

impl Selection {
    pub(crate) fn matches(&self, event: &Event<'_>) -> bool {
        self.branches
            .iter()
            .any(|items| items.iter().all(|item| item.matches(event)))
    }
}

impl Item {
    pub(crate) fn matches(&self, event: &Event<'_>) -> bool {
        let Some(field) = &self.field else {
            return self.keyword_matches(event);
        };
        let value = event.field(field);
        match &self.test {
            ItemTest::Exists(wanted) => value.is_some() == *wanted,
            ItemTest::Values { matchers, all } => {
                let one = |m: &Matcher| any_element(value, |v| m.matches(v, event));
                if *all {
                    matchers.iter().all(one)
                } else {
                    matchers.iter().any(one)
                }
            }
            ItemTest::NotEqual(matchers) => {
                value.is_some_and(|v| !v.is_null())
                    && !matchers
                        .iter()
                        .any(|m| any_element(value, |v| m.matches(v, event)))
            }
        }
    }

    fn keyword_matches(&self, event: &Event<'_>) -> bool {
        let hit = |m: &Matcher| event.any_scalar(&mut |v| m.matches(Some(v), event));
        // Some value matching some matcher: one walk over the values tries them all.
        let any_hit = |matchers: &[Matcher]| {
            event.any_scalar(&mut |v| matchers.iter().any(|m| m.matches(Some(v), event)))
        };
        match &self.test {
            ItemTest::Values {
                matchers,
                all: true,
            } => matchers.iter().all(hit),
            ItemTest::Values {
                matchers,
                all: false,
            } => any_hit(matchers),
            ItemTest::NotEqual(matchers) => !any_hit(matchers),
            ItemTest::Exists(_) => false,
        }
    }
}

/// A field holding a list matches when one of its elements does; a missing field is `None`.
fn any_element<'a>(
    value: Option<Json<'a>>,
    mut test: impl FnMut(Option<Json<'a>>) -> bool,
) -> bool {
    match value.and_then(Json::as_array) {
        Some(items) if !items.is_empty() => items.values().any(|v| test(Some(v))),
        _ => test(value),
    }
}
