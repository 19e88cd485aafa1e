//! Needle scans: one Aho-Corasick automaton over the needles a group of routes has for one field
//! (or for keywords), and the per-event marks that keep each route visited once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// Needles of one field (or of keywords) and the routes each needle stands for.
///
/// The automaton is built on first use: most groups never meet an event in a given run (a
/// rule set covers hundreds of channels and event IDs), and building the big needle sets
/// (thousands of `CommandLine` needles) was most of the load time.
#[derive(Debug)]
pub(crate) struct Scan {
    needles: Vec<String>,
    automaton: OnceLock<Option<AhoCorasick>>,
    routes: Vec<Vec<u32>>,
    /// Whether every needle stands for the same routes: then any one occurrence decides, and a
    /// plain (prefilter-accelerated) search replaces the overlapping one.
    uniform: bool,
    /// The shortest needle's length: shorter values (most of an event's) are not searched at
    /// all, which saves a search's fixed cost per value.
    shortest: usize,
}

/// Needle sets up to this size get a DFA: fast to search and still cheap to build.
const DFA_NEEDLES: usize = 1024;

impl Scan {
    pub(crate) fn new(needles: BTreeMap<String, Vec<u32>>) -> Self {
        let (needles, routes): (Vec<String>, Vec<Vec<u32>>) = needles.into_iter().unzip();
        let uniform = routes.windows(2).all(|w| w[0] == w[1]);
        Scan {
            shortest: needles.iter().map(String::len).min().unwrap_or(0),
            needles,
            automaton: OnceLock::new(),
            routes,
            uniform,
        }
    }

    /// The needles' automaton, or `None` when it cannot be built (too many states): then
    /// every route of the scan is a candidate, which the full evaluation sorts out.
    fn automaton(&self) -> Option<&AhoCorasick> {
        self.automaton
            .get_or_init(|| {
                let kind = (self.needles.len() <= DFA_NEEDLES).then_some(AhoCorasickKind::DFA);
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(kind)
                    .build(&self.needles)
                    .ok()
            })
            .as_ref()
    }

    pub(crate) fn scan(&self, text: &str, marks: &mut Marks, visit: &mut dyn FnMut(u32)) {
        // ASCII case folding keeps lengths: no needle fits in a shorter text.
        if text.len() < self.shortest {
            return;
        }
        let Some(automaton) = self.automaton() else {
            self.routes
                .iter()
                .for_each(|routes| visit_fresh(routes, marks, visit));
            return;
        };
        if self.uniform {
            if self.routes[0].iter().any(|&r| marks.is_fresh(r)) && automaton.is_match(text) {
                visit_fresh(&self.routes[0], marks, visit);
            }
            return;
        }
        for found in automaton.find_overlapping_iter(text) {
            visit_fresh(&self.routes[found.pattern().as_usize()], marks, visit);
        }
    }
}

/// Visits the routes not yet visited for this event.
fn visit_fresh(routes: &[u32], marks: &mut Marks, visit: &mut dyn FnMut(u32)) {
    for &route in routes {
        if marks.first(route) {
            visit(route);
        }
    }
}

/// Per-event marks of routes already visited (generation counting: no clearing, no allocation).
#[derive(Debug, Default, Clone)]
pub(crate) struct Marks {
    seen: Vec<u32>,
    generation: u32,
}

impl Marks {
    pub(crate) fn reset(&mut self, routes: usize) {
        if self.seen.len() != routes {
            self.seen = vec![0; routes];
            self.generation = 0;
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
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
