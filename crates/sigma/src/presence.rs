//! What a route's guard asks of the fields an event has, checked once per group of routes by
//! the index: [`Presence`] (the fields), [`Needs`] (the same, numbered for one event's lookups).

use crate::event::FieldPath;

/// What a guard asks of the fields an event has: those it needs (`exists`) and the field sets it
/// rules out (`not_all`). The index checks it once for all the routes that share it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Presence {
    pub(crate) exists: Vec<FieldPath>,
    pub(crate) not_all: Vec<Vec<FieldPath>>,
}

/// A group's [`Presence`], its fields numbered as in the index's presence fields.
#[derive(Debug)]
pub(crate) struct Needs {
    exists: Vec<usize>,
    not_all: Vec<Vec<usize>>,
}

impl Needs {
    pub(crate) fn new(presence: &Presence, fields: &[FieldPath]) -> Self {
        // Every presence field is in `fields`, which is sorted.
        let number = |f: &FieldPath| fields.binary_search(f).unwrap_or(usize::MAX);
        Needs {
            exists: presence.exists.iter().map(number).collect(),
            not_all: presence
                .not_all
                .iter()
                .map(|set| set.iter().map(number).collect())
                .collect(),
        }
    }

    /// Whether the presence holds, `present[i]` telling whether the event has field `i`.
    pub(crate) fn hold(&self, present: &[bool]) -> bool {
        let has = |&i: &usize| present.get(i).copied().unwrap_or(false);
        self.exists.iter().all(has) && !self.not_all.iter().any(|set| set.iter().all(has))
    }
}
