//! The automata of the needle scans, searched by a loop of our own.
//!
//! An overlapping search through `AhoCorasick::find_overlapping_iter` keeps its position and
//! state in a structure it reloads for every byte, and costs a fixed setup per call: profiles
//! of the scans showed about fourteen instructions per byte searched. The scans need no match
//! positions, only which needles occur, so a plain loop over the automaton's transitions does:
//! a few instructions per byte, nothing per call.

use aho_corasick::automaton::Automaton;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, MatchKind, dfa, nfa};

/// One needle set's automaton.
#[derive(Debug)]
pub(crate) enum Searcher {
    /// Needles that all stand for the same routes: one occurrence decides, so a first-match
    /// search with the library's prefilters is fastest.
    First(AhoCorasick),
    /// Every occurrence, through a DFA (fastest per byte, dearest to build).
    Dfa(dfa::DFA),
    /// Every occurrence, through a contiguous NFA.
    Nfa(nfa::contiguous::NFA),
    /// Every occurrence, through a noncontiguous NFA (a set too big for a contiguous one).
    Sparse(nfa::noncontiguous::NFA),
}

impl Searcher {
    /// Builds the automaton of `needles` (lower case, searched ASCII case-insensitively), a DFA
    /// when `dfa`; `None` when even the noncontiguous NFA cannot be built (too many states).
    pub(crate) fn build(needles: &[String], first: bool, dfa: bool) -> Option<Self> {
        if first {
            let build = |kind| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(kind))
                    .build(needles)
                    .ok()
            };
            let kind = if dfa {
                AhoCorasickKind::DFA
            } else {
                AhoCorasickKind::ContiguousNFA
            };
            return build(kind)
                .or_else(|| build(AhoCorasickKind::NoncontiguousNFA))
                .map(Searcher::First);
        }
        // The three builders are distinct types with the same settings.
        macro_rules! build {
            ($builder:ty, $variant:expr) => {
                <$builder>::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(needles)
                    .ok()
                    .map($variant)
            };
        }
        let built = if dfa {
            build!(dfa::Builder, Searcher::Dfa)
        } else {
            build!(nfa::contiguous::Builder, Searcher::Nfa)
        };
        built.or_else(|| build!(nfa::noncontiguous::Builder, Searcher::Sparse))
    }

    /// Calls `found` with the index of each needle occurring in `text` (for a
    /// [`Searcher::First`], of one needle at most).
    pub(crate) fn find_each(&self, text: &[u8], found: &mut dyn FnMut(usize)) {
        match self {
            Searcher::First(automaton) => {
                if let Some(hit) = automaton.find(text) {
                    found(hit.pattern().as_usize());
                }
            }
            Searcher::Dfa(automaton) => each_occurrence(automaton, text, found),
            Searcher::Nfa(automaton) => each_occurrence(automaton, text, found),
            Searcher::Sparse(automaton) => each_occurrence(automaton, text, found),
        }
    }
}

/// Every occurrence of every needle, as an overlapping search reports them (a needle found at
/// several places is reported each time).
fn each_occurrence<A: Automaton>(automaton: &A, text: &[u8], found: &mut dyn FnMut(usize)) {
    let Ok(mut state) = automaton.start_state(Anchored::No) else {
        return;
    };
    let mut report = |state| {
        if automaton.is_special(state) && automaton.is_match(state) {
            for i in 0..automaton.match_len(state) {
                found(automaton.match_pattern(state, i).as_usize());
            }
        }
    };
    // An empty needle matches at the start.
    report(state);
    for &byte in text {
        state = automaton.next_state(Anchored::No, state, byte);
        report(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The needles of every occurrence, overlapping ones included, found by the library's own
    /// overlapping search.
    fn library(needles: &[String], text: &str) -> Vec<usize> {
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(needles)
            .unwrap();
        let mut out: Vec<usize> = automaton
            .find_overlapping_iter(text)
            .map(|m| m.pattern().as_usize())
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn every_automaton_finds_what_the_overlapping_search_finds() {
        let needles: Vec<String> = ["he", "she", "hers", "his", "e", "sHe said"]
            .into_iter()
            .map(str::to_ascii_lowercase)
            .collect();
        let texts = ["ushers", "SHE SAID HIS", "", "xyz", "hehehe \u{e9}he"];
        for dfa in [false, true] {
            let searcher = Searcher::build(&needles, false, dfa).unwrap();
            for text in texts {
                let mut found = Vec::new();
                searcher.find_each(text.as_bytes(), &mut |i| found.push(i));
                found.sort_unstable();
                assert_eq!(found, library(&needles, text), "{text} (dfa: {dfa})");
            }
        }
        let first = Searcher::build(&needles, true, false).unwrap();
        let mut found = Vec::new();
        first.find_each(b"ushers", &mut |i| found.push(i));
        assert_eq!(found.len(), 1);
    }
}
