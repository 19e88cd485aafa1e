//! The `re` modifier's regular expressions: checked when the rule loads, compiled when first
//! matched.
//!
//! Compiling a regular expression (its automata, with Unicode case folding) was a fifth of the
//! instructions of loading the SigmaHQ rules, and most rules never meet an event in a given run.
//! Loading therefore parses each expression with `regex-syntax`, with the same flags and limits
//! the `regex` crate applies, so that an invalid one rejects its rule with the reason, and the
//! automata are built on first use and shared by every clone of the matcher.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use regex::{Regex, RegexBuilder};

/// Compiled program size allowed for one expression, as the `regex` crate measures it.
const SIZE_LIMIT: usize = 1 << 22;

/// Size allowed when an expression that parsed exceeds [`SIZE_LIMIT`] at first use: matching it
/// correctly matters more than its memory, and the rule was accepted already.
const LARGE_SIZE_LIMIT: usize = 1 << 30;

/// The flags of the `re` modifier (`i`, `m`, `s`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct Flags {
    pub(crate) ignore_case: bool,
    pub(crate) multi_line: bool,
    pub(crate) dot_all: bool,
}

/// A checked regular expression, compiled on first use.
#[derive(Debug, Clone)]
pub(crate) struct LazyRegex {
    pattern: Arc<str>,
    flags: Flags,
    compiled: Compiled,
}

/// An expression's program, built on first use (`None` if it cannot be built).
type Compiled = Arc<OnceLock<Option<Regex>>>;

impl LazyRegex {
    /// Checks `pattern` with `flags`; the error says why it is not a valid expression.
    pub(crate) fn new(pattern: &str, flags: Flags) -> Result<Self, String> {
        regex_syntax::ParserBuilder::new()
            .case_insensitive(flags.ignore_case)
            .multi_line(flags.multi_line)
            .dot_matches_new_line(flags.dot_all)
            .build()
            .parse(pattern)
            .map_err(|e| e.to_string())?;
        Ok(LazyRegex {
            pattern: pattern.into(),
            flags,
            compiled: Arc::default(),
        })
    }

    fn build(&self, size_limit: usize) -> Option<Regex> {
        RegexBuilder::new(&self.pattern)
            .case_insensitive(self.flags.ignore_case)
            .multi_line(self.flags.multi_line)
            .dot_matches_new_line(self.flags.dot_all)
            .size_limit(size_limit)
            .build()
            .ok()
    }

    /// Whether the expression matches somewhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                self.build(SIZE_LIMIT)
                    .or_else(|| self.build(LARGE_SIZE_LIMIT))
            })
            .as_ref()
            .is_some_and(|re| re.is_match(text))
    }
}

/// The compiled programs of a rule set's expressions by pattern and flags: the same expression in
/// several rules, or in the routes of one rule's log-source variants, is built once.
#[derive(Debug, Default)]
pub(crate) struct SharedRegexes(HashMap<(Arc<str>, Flags), Compiled>);

impl SharedRegexes {
    /// Makes `regex` use the program of the first expression seen with its pattern and flags.
    pub(crate) fn share(&mut self, regex: &mut LazyRegex) {
        let key = (Arc::clone(&regex.pattern), regex.flags);
        let compiled = self
            .0
            .entry(key)
            .or_insert_with(|| Arc::clone(&regex.compiled));
        regex.compiled = Arc::clone(compiled);
    }
}
