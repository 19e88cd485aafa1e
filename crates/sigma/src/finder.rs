//! Substring search for `contains` values: one needle by memchr and a folded comparison, or
//! several needles through one Aho-Corasick automaton built on first use.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind};

/// A substring finder, built once per pattern.
#[derive(Debug, Clone)]
pub(crate) enum Finder {
    /// One needle: memchr on its first byte (both cases), then a folded comparison. Nothing to
    /// build, which matters with thousands of `contains` values.
    One { needle: Box<[u8]>, cased: bool },
    /// Several needles searched in one pass.
    Many(Arc<Needles>),
}

/// The needles of a `contains` list and their automaton, built once the list has searched
/// enough text to repay it: most rules never meet an event in a given run, or only a few, and
/// building the automata was a third of the load time and then most of a short hunt's matching
/// time. Until then each needle is searched on its own, which costs nothing to set up.
#[derive(Debug)]
pub(crate) struct Needles {
    needles: Vec<Box<[u8]>>,
    /// The shortest needle's length: no shorter value can hold one.
    shortest: usize,
    cased: bool,
    automaton: OnceLock<Option<AhoCorasick>>,
    /// Bytes searched needle by needle so far, counted until the automaton is built.
    searched: AtomicUsize,
    /// Bytes to search needle by needle before building the automaton.
    automaton_after: usize,
}

/// The automaton is built once the list has searched this many bytes per byte of its needles.
const AUTOMATON_PAYBACK: usize = 64;

impl Needles {
    /// The automaton to search `len` more bytes with, once it pays (and could be built).
    fn automaton(&self, len: usize) -> Option<&AhoCorasick> {
        if self.automaton.get().is_none()
            && self.searched.fetch_add(len, Ordering::Relaxed) < self.automaton_after
        {
            return None;
        }
        self.automaton
            .get_or_init(|| {
                // The prefilter does most of the searching, so the cheapest automaton to build
                // wins.
                AhoCorasick::builder()
                    .ascii_case_insensitive(!self.cased)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&self.needles)
                    .ok()
            })
            .as_ref()
    }

    fn is_in(&self, haystack: &str) -> bool {
        if haystack.len() < self.shortest {
            return false;
        }
        match self.automaton(haystack.len()) {
            Some(automaton) => automaton.is_match(haystack),
            // Not built yet, or too big to build: one search per needle finds the same.
            None => self
                .needles
                .iter()
                .any(|needle| find(haystack.as_bytes(), needle, self.cased)),
        }
    }
}

impl Finder {
    pub(crate) fn new(needle: &str, cased: bool) -> Self {
        Finder::One {
            needle: needle.as_bytes().into(),
            cased,
        }
    }

    /// One automaton for several needles (a `contains` list): one pass instead of one per needle.
    pub(crate) fn many<T: AsRef<[u8]>>(needles: &[T], cased: bool) -> Self {
        Finder::Many(Arc::new(Needles {
            needles: needles.iter().map(|n| n.as_ref().into()).collect(),
            shortest: needles.iter().map(|n| n.as_ref().len()).min().unwrap_or(0),
            cased,
            automaton: OnceLock::new(),
            searched: AtomicUsize::new(0),
            automaton_after: AUTOMATON_PAYBACK
                * needles.iter().map(|n| n.as_ref().len()).sum::<usize>(),
        }))
    }

    pub(crate) fn is_in(&self, haystack: &str) -> bool {
        match self {
            Finder::Many(needles) => needles.is_in(haystack),
            Finder::One { needle, cased } => find(haystack.as_bytes(), needle, *cased),
        }
    }
}

/// Substring search, ASCII case-insensitive unless `cased`.
fn find(haystack: &[u8], needle: &[u8], cased: bool) -> bool {
    if cased {
        memchr::memmem::find(haystack, needle).is_some()
    } else {
        contains_folded(haystack, needle)
    }
}

/// ASCII case-insensitive substring search.
fn contains_folded(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if haystack.len() < needle.len() {
        return false;
    }
    let last_start = haystack.len() - needle.len();
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut from = 0;
    while from <= last_start {
        let Some(found) = memchr::memchr2(lower, upper, &haystack[from..=last_start]) else {
            return false;
        };
        let at = from + found;
        if haystack[at + 1..at + needle.len()].eq_ignore_ascii_case(rest) {
            return true;
        }
        from = at + 1;
    }
    false
}
