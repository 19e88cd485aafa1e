//! Whole-value needles: the routes of a field reached when its value equals a needle (ASCII
//! case-insensitively), found with one hash of the value instead of an automaton's walk.
//!
//! A route whose witness is an exact value (`eventName: DeleteBucket`) can only match an event
//! whose field is that value, so equality is as sound a test as an occurrence and cheaper.

use std::collections::BTreeMap;
use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHasher};

use crate::scan::{Marks, Scan, visit_fresh};

/// A needle (lower case) and the routes it stands for.
type Routed = (Box<str>, Vec<u32>);

/// The whole-value needles of one field and the routes each stands for.
#[derive(Debug, Default)]
pub(crate) struct Exact {
    /// Needles with their routes, by [`folded_hash`].
    by_hash: FxHashMap<u64, Vec<Routed>>,
    /// Values longer than the longest needle are not hashed.
    longest: usize,
}

impl Exact {
    /// From lower-case needles and their routes.
    pub(crate) fn new(needles: BTreeMap<String, Vec<u32>>) -> Self {
        let mut exact = Exact::default();
        for (needle, routes) in needles {
            exact.longest = exact.longest.max(needle.len());
            let list = exact.by_hash.entry(folded_hash(&needle)).or_default();
            list.push((needle.into(), routes));
        }
        exact
    }

    /// Visits the routes of the needle `text` equals, if any.
    pub(crate) fn find(&self, text: &str, marks: &mut Marks, visit: &mut dyn FnMut(u32)) {
        if text.len() > self.longest {
            return;
        }
        let Some(list) = self.by_hash.get(&folded_hash(text)) else {
            return;
        };
        for (needle, routes) in list {
            if needle.eq_ignore_ascii_case(text) {
                visit_fresh(routes, marks, visit);
            }
        }
    }
}

/// A hash of a text in ASCII lower case, computed without copying it.
fn folded_hash(text: &str) -> u64 {
    let mut hasher = FxHasher::default();
    text.bytes()
        .for_each(|b| hasher.write_u8(b.to_ascii_lowercase()));
    hasher.finish()
}

/// How a group searches one field: its whole-value needles by hash, the others (parts of the
/// value) with one automaton.
#[derive(Debug)]
pub(crate) struct FieldScan {
    exact: Exact,
    partial: Option<Scan>,
}

/// A field's needles (lower case) and their routes: whole values, parts of values.
pub(crate) type FieldNeedles = (BTreeMap<String, Vec<u32>>, BTreeMap<String, Vec<u32>>);

impl FieldScan {
    pub(crate) fn new((exact, partial): FieldNeedles) -> Self {
        FieldScan {
            exact: Exact::new(exact),
            partial: (!partial.is_empty()).then(|| Scan::new(partial)),
        }
    }

    /// Visits the routes a needle of which `text` holds.
    pub(crate) fn scan(&self, text: &str, marks: &mut Marks, visit: &mut dyn FnMut(u32)) {
        self.exact.find(text, marks, visit);
        if let Some(partial) = &self.partial {
            partial.scan(text, marks, visit);
        }
    }
}
