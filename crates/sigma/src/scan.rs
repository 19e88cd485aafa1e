//! Needle scans: one Aho-Corasick automaton over the needles a group of routes has for one field
//! (or for keywords), and the per-event marks that keep each route visited once.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::event::Event;
use crate::searcher::Searcher;
use crate::tails::{self, Tails};

/// Needles of one field (or of keywords) and the routes each needle stands for.
///
/// The automaton is built on first use: most groups never meet an event in a given run (a
/// rule set covers hundreds of channels and event IDs), and building the big needle sets
/// (thousands of `CommandLine` needles) was most of the load time. It is first a contiguous
/// NFA, cheap to build; a set of up to [`DFA_NEEDLES`] needles gets a DFA (several times faster
/// per byte, several times dearer to build) once it has searched enough text to repay it, so a
/// short hunt does not pay for DFAs its few events would never earn back. A bigger set of long
/// needles (file hashes) is searched by [`Tails`] instead: its automaton would be the biggest
/// of all to build.
#[derive(Debug)]
pub(crate) struct Scan {
    needles: Vec<String>,
    /// `Some` (built on first use) for the sets searched by their tails.
    tails: Option<OnceLock<Tails>>,
    nfa: OnceLock<Option<Searcher>>,
    dfa: OnceLock<Option<Searcher>>,
    /// Bytes searched so far, counted until the DFA is built.
    searched: AtomicUsize,
    /// Bytes to search before building the DFA; `usize::MAX` for sets too big for one.
    dfa_after: usize,
    routes: Vec<Vec<u32>>,
    /// Whether every needle stands for the same routes: then any one occurrence decides, and a
    /// plain (prefilter-accelerated) search replaces the overlapping one.
    uniform: bool,
    /// The shortest needle's length: shorter values (most of an event's) are not searched at
    /// all, which saves a search's fixed cost per value.
    shortest: usize,
}

/// Needle sets up to this size get a DFA once searched enough: bigger ones would cost too much
/// to build and hold.
const DFA_NEEDLES: usize = 1024;

/// A DFA is built once the scan has searched this many bytes per byte of its needles (about
/// one NFA state each): building costs a few hundred instructions per state, and the DFA saves
/// a few per byte searched.
const DFA_PAYBACK: usize = 64;

impl Scan {
    pub(crate) fn new(needles: BTreeMap<String, Vec<u32>>) -> Self {
        let (needles, routes): (Vec<String>, Vec<Vec<u32>>) = needles.into_iter().unzip();
        let uniform = routes.windows(2).all(|w| w[0] == w[1]);
        let dfa_after = if needles.len() <= DFA_NEEDLES {
            DFA_PAYBACK * needles.iter().map(String::len).sum::<usize>()
        } else {
            usize::MAX
        };
        let shortest = needles.iter().map(String::len).min().unwrap_or(0);
        let by_tails = needles.len() > DFA_NEEDLES && shortest >= tails::TAIL;
        Scan {
            shortest,
            tails: by_tails.then(OnceLock::new),
            needles,
            nfa: OnceLock::new(),
            dfa: OnceLock::new(),
            searched: AtomicUsize::new(0),
            dfa_after,
            routes,
            uniform,
        }
    }

    /// The needles' automaton to search `len` more bytes with, or `None` when it cannot be
    /// built (too many states): then every route of the scan is a candidate, which the full
    /// evaluation sorts out.
    fn automaton(&self, len: usize) -> Option<&Searcher> {
        let dfa = match self.dfa.get() {
            Some(dfa) => dfa.as_ref(),
            None if self.dfa_after < usize::MAX
                && self.searched.fetch_add(len, Ordering::Relaxed) >= self.dfa_after =>
            {
                self.dfa
                    .get_or_init(|| Searcher::build(&self.needles, self.uniform, true))
                    .as_ref()
            }
            None => None,
        };
        dfa.or_else(|| {
            self.nfa
                .get_or_init(|| Searcher::build(&self.needles, self.uniform, false))
                .as_ref()
        })
    }

    pub(crate) fn scan(&self, text: &str, marks: &mut Marks, visit: &mut dyn FnMut(u32)) {
        // ASCII case folding keeps lengths: no needle fits in a shorter text.
        if text.len() < self.shortest {
            return;
        }
        if self.uniform && !self.routes[0].iter().any(|&r| marks.is_fresh(r)) {
            return;
        }
        if let Some(tails) = &self.tails {
            let tails = tails.get_or_init(|| Tails::new(&self.needles));
            let routes = &self.routes;
            tails.find_each(text.as_bytes(), &mut |i| {
                visit_fresh(&routes[i], marks, visit)
            });
            return;
        }
        let Some(automaton) = self.automaton(text.len()) else {
            self.routes
                .iter()
                .for_each(|routes| visit_fresh(routes, marks, visit));
            return;
        };
        let routes = &self.routes;
        automaton.find_each(text.as_bytes(), &mut |i| {
            visit_fresh(&routes[i], marks, visit)
        });
    }
}

/// Visits the routes not yet visited for this event.
pub(crate) fn visit_fresh(routes: &[u32], marks: &mut Marks, visit: &mut dyn FnMut(u32)) {
    for &route in routes {
        if marks.first(route) {
            visit(route);
        }
    }
}

/// Per-event marks of routes already visited (generation counting: no clearing, no allocation),
/// and the event's [keyword text](Event::keyword_text), joined once per event for the keyword
/// scans and kept in a buffer reused from event to event.
#[derive(Debug, Default, Clone)]
pub(crate) struct Marks {
    seen: Vec<u32>,
    generation: u32,
    keyword_text: String,
    /// The generation `keyword_text` was joined for.
    keyword_generation: u32,
    /// Which of the index's presence fields the event has.
    present: Vec<bool>,
}

impl Marks {
    pub(crate) fn reset(&mut self, routes: usize) {
        if self.seen.len() != routes {
            self.seen = vec![0; routes];
            self.generation = 0;
            self.keyword_generation = 0;
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
            self.keyword_generation = 0;
        }
    }

    /// Takes the event's keyword text (joined on first use for this event); give it back with
    /// [`Marks::restore_keyword_text`] so the buffer is reused.
    pub(crate) fn take_keyword_text(&mut self, event: &Event<'_>) -> String {
        let mut text = std::mem::take(&mut self.keyword_text);
        if self.keyword_generation != self.generation {
            text.clear();
            event.keyword_text(&mut text);
            self.keyword_generation = self.generation;
        }
        text
    }

    pub(crate) fn restore_keyword_text(&mut self, text: String) {
        self.keyword_text = text;
    }

    /// A buffer for which fields an event has (emptied); give it back with
    /// [`Marks::restore_present`].
    pub(crate) fn take_present(&mut self) -> Vec<bool> {
        let mut present = std::mem::take(&mut self.present);
        present.clear();
        present
    }

    pub(crate) fn restore_present(&mut self, present: Vec<bool>) {
        self.present = present;
    }

    pub(crate) fn is_fresh(&self, route: u32) -> bool {
        self.seen[route as usize] != self.generation
    }

    pub(crate) fn first(&mut self, route: u32) -> bool {
        let slot = &mut self.seen[route as usize];
        let fresh = *slot != self.generation;
        *slot = self.generation;
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Document;

    #[test]
    fn keyword_text_is_joined_again_for_each_event_whatever_the_rule_set() {
        let (first, second) = (
            serde_json::json!({"a": "one", "b": 2}),
            serde_json::json!({"a": "three"}),
        );
        let mut marks = Marks::default();
        let joined = |marks: &mut Marks, json, routes| {
            marks.reset(routes);
            let text = marks.take_keyword_text(&Event::new(&Document::from_value(json)));
            let out = text.clone();
            marks.restore_keyword_text(text);
            out
        };
        assert_eq!(joined(&mut marks, &first, 4), "one\u{0}2\u{0}");
        // Another rule set (another route count) restarts the generations.
        assert_eq!(joined(&mut marks, &second, 5), "three\0");
        assert_eq!(joined(&mut marks, &first, 5), "one\u{0}2\u{0}");
    }
}
