//! Sigma strings: wildcards `*` and `?`, backslash escapes, and their compiled string patterns.
//!
//! Per the rules specification, `*` matches any run of characters, `?` exactly one, `\*` `\?`
//! and `\\` are the literal characters, and a backslash before anything else is itself literal.
//! Matching is case-insensitive unless `cased` is given; folding is ASCII (see docs/sigma.md).

use crate::finder::Finder;

/// One token of a Sigma string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// Literal text.
    Text(String),
    /// `*`.
    Many,
    /// `?`.
    One,
}

/// A Sigma string value, parsed into tokens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SigmaString(pub(crate) Vec<Token>);

impl SigmaString {
    /// Parses wildcards and escapes.
    pub(crate) fn parse(raw: &str) -> Self {
        let mut out = SigmaString::default();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' => out.push_token(Token::Many),
                '?' => out.push_token(Token::One),
                '\\' => match chars.peek() {
                    Some(&next @ ('*' | '?' | '\\')) => {
                        chars.next();
                        out.push_char(next);
                    }
                    _ => out.push_char('\\'),
                },
                _ => out.push_char(c),
            }
        }
        out
    }

    /// Literal text with no wildcard (encoded values, expanded placeholders).
    pub(crate) fn literal(text: &str) -> Self {
        let mut out = SigmaString::default();
        if !text.is_empty() {
            out.0.push(Token::Text(text.to_owned()));
        }
        out
    }

    fn push_char(&mut self, c: char) {
        if let Some(Token::Text(text)) = self.0.last_mut() {
            text.push(c);
        } else {
            self.0.push(Token::Text(c.to_string()));
        }
    }

    fn push_token(&mut self, token: Token) {
        // `**` is `*`; merging keeps the pattern classification simple.
        if token == Token::Many && self.0.last() == Some(&Token::Many) {
            return;
        }
        self.0.push(token);
    }

    /// The text when the string has no wildcard.
    pub(crate) fn as_plain(&self) -> Option<String> {
        match self.0.as_slice() {
            [] => Some(String::new()),
            [Token::Text(text)] => Some(text.clone()),
            _ => None,
        }
    }

    /// Adds a leading `*` (endswith, contains).
    pub(crate) fn prepend_many(&mut self) {
        if self.0.first() != Some(&Token::Many) {
            self.0.insert(0, Token::Many);
        }
    }

    /// Adds a trailing `*` (startswith, contains).
    pub(crate) fn append_many(&mut self) {
        self.push_token(Token::Many);
    }
}

/// A compiled string pattern.
#[derive(Debug, Clone)]
pub(crate) enum StrPattern {
    /// Whole value equals the text.
    Exact(Box<str>),
    /// Value starts with the text.
    Prefix(Box<str>),
    /// Value ends with the text.
    Suffix(Box<str>),
    /// Value contains the text.
    Contains(Box<str>, Finder),
    /// Any value (`*`).
    Any,
    /// General wildcard pattern.
    Glob(Vec<Op>),
}

/// A string pattern with its case sensitivity.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub(crate) kind: StrPattern,
    pub(crate) cased: bool,
}

impl Pattern {
    /// Compiles a Sigma string.
    pub(crate) fn compile(s: &SigmaString, cased: bool) -> Result<Self, String> {
        let text = |t: &str| -> Box<str> { t.into() };
        let kind = match s.0.as_slice() {
            [] => StrPattern::Exact("".into()),
            [Token::Text(t)] => StrPattern::Exact(text(t)),
            [Token::Many] => StrPattern::Any,
            [Token::Text(t), Token::Many] => StrPattern::Prefix(text(t)),
            [Token::Many, Token::Text(t)] => StrPattern::Suffix(text(t)),
            [Token::Many, Token::Text(t), Token::Many] => {
                StrPattern::Contains(text(t), Finder::new(t, cased))
            }
            tokens => StrPattern::Glob(glob_ops(tokens, cased)),
        };
        Ok(Pattern { kind, cased })
    }

    /// A substring every matching value contains (empty when there is none worth indexing).
    pub(crate) fn required_text(&self) -> String {
        match &self.kind {
            StrPattern::Exact(t)
            | StrPattern::Prefix(t)
            | StrPattern::Suffix(t)
            | StrPattern::Contains(t, _) => t.to_string(),
            StrPattern::Any => String::new(),
            StrPattern::Glob(ops) => {
                let mut best = String::new();
                let mut run = String::new();
                for op in ops.iter().chain(std::iter::once(&Op::Many)) {
                    match op {
                        Op::Char(c) => run.push(*c),
                        Op::One | Op::Many => {
                            if run.len() > best.len() {
                                best = std::mem::take(&mut run);
                            }
                            run.clear();
                        }
                    }
                }
                best
            }
        }
    }

    /// Whether `value` matches.
    pub(crate) fn matches(&self, value: &str) -> bool {
        let eq = |a: &[u8], b: &[u8]| {
            if self.cased {
                a == b
            } else {
                a.eq_ignore_ascii_case(b)
            }
        };
        let v = value.as_bytes();
        match &self.kind {
            StrPattern::Exact(t) => eq(v, t.as_bytes()),
            StrPattern::Prefix(t) => v.len() >= t.len() && eq(&v[..t.len()], t.as_bytes()),
            StrPattern::Suffix(t) => {
                v.len() >= t.len() && eq(&v[v.len() - t.len()..], t.as_bytes())
            }
            StrPattern::Contains(_, finder) => finder.is_in(value),
            StrPattern::Any => true,
            StrPattern::Glob(ops) => glob(ops, value, self.cased),
        }
    }
}

/// One step of a compiled wildcard pattern.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    Char(char),
    One,
    Many,
}

fn glob_ops(tokens: &[Token], cased: bool) -> Vec<Op> {
    let mut ops = Vec::new();
    for token in tokens {
        match token {
            Token::Text(text) => ops.extend(text.chars().map(|c| Op::Char(fold(c, cased)))),
            Token::One => ops.push(Op::One),
            Token::Many => ops.push(Op::Many),
        }
    }
    ops
}

fn fold(c: char, cased: bool) -> char {
    if cased { c } else { c.to_ascii_lowercase() }
}

/// Wildcard matching with backtracking to the last `*` (no allocation).
fn glob(ops: &[Op], value: &str, cased: bool) -> bool {
    let char_at = |v: usize| {
        value[v..]
            .chars()
            .next()
            .map(|c| (fold(c, cased), c.len_utf8()))
    };
    let (mut p, mut v) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some((c, width)) = char_at(v) {
        match ops.get(p) {
            Some(Op::Char(want)) if *want == c => {
                p += 1;
                v += width;
            }
            Some(Op::One) => {
                p += 1;
                v += width;
            }
            Some(Op::Many) => {
                star = Some((p, v));
                p += 1;
            }
            _ => match star {
                Some((sp, sv)) => {
                    let skip = char_at(sv).map_or(1, |(_, w)| w);
                    p = sp + 1;
                    v = sv + skip;
                    star = Some((sp, sv + skip));
                }
                None => return false,
            },
        }
    }
    ops[p..].iter().all(|op| matches!(op, Op::Many))
}
