//! The condition language: `and`, `or`, `not`, parentheses, `1 of x*`, `all of them`.
//!
//! Precedence from loosest to tightest: `or`, `and`, `not`, `x of`, parentheses (rules
//! specification § Condition). Identifiers resolve to selection indexes at parse time, so a typo
//! is a load error, not a silent non-match.

use crate::detection::Expr;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok<'a> {
    Word(&'a str),
    Open,
    Close,
}

fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if let Some(s) = start.take() {
                out.push(Tok::Word(&text[s..i]));
            }
            match c {
                '(' => out.push(Tok::Open),
                ')' => out.push(Tok::Close),
                _ => {}
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(Tok::Word(&text[s..]));
    }
    out
}

/// Parses `text` with the search identifiers `names` (their order gives the indexes).
pub(crate) fn parse(text: &str, names: &[String]) -> Result<Expr, String> {
    let tokens = tokenize(text);
    let mut parser = Parser {
        tokens: &tokens,
        pos: 0,
        names,
    };
    let expr = parser.or()?;
    match parser.tokens.get(parser.pos) {
        None => Ok(expr),
        Some(t) => Err(format!(
            "unexpected {} after a complete expression",
            describe(t)
        )),
    }
}

fn describe(tok: &Tok<'_>) -> String {
    match tok {
        Tok::Word(w) => format!("`{w}`"),
        Tok::Open => "`(`".to_owned(),
        Tok::Close => "`)`".to_owned(),
    }
}

struct Parser<'t, 'a> {
    tokens: &'t [Tok<'a>],
    pos: usize,
    names: &'t [String],
}

impl Parser<'_, '_> {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.and()?];
        while self.peek_word("or") {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut parts = vec![self.not()?];
        while self.peek_word("and") {
            self.pos += 1;
            parts.push(self.not()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.peek_word("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let tok = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        match tok {
            None => Err("the condition ends where an identifier was expected".to_owned()),
            Some(Tok::Close) => Err("unexpected `)`".to_owned()),
            Some(Tok::Open) => {
                let inner = self.or()?;
                match self.tokens.get(self.pos) {
                    Some(Tok::Close) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    _ => Err("missing `)`".to_owned()),
                }
            }
            Some(Tok::Word(word)) if self.peek_word("of") => {
                self.pos += 1;
                let all = match word {
                    "1" | "any" => false,
                    w if w.eq_ignore_ascii_case("all") => true,
                    w => return Err(format!("`{w} of`: only `1 of` and `all of` are defined")),
                };
                let target = match self.tokens.get(self.pos) {
                    Some(Tok::Word(t)) => *t,
                    _ => {
                        return Err(
                            "`of` must be followed by `them` or an identifier pattern".to_owned()
                        );
                    }
                };
                self.pos += 1;
                let selected = self.select(target)?;
                Ok(if all {
                    Expr::And(selected)
                } else {
                    Expr::Or(selected)
                })
            }
            Some(Tok::Word(word)) => {
                if ["and", "or", "not", "of"]
                    .iter()
                    .any(|k| word.eq_ignore_ascii_case(k))
                {
                    return Err(format!("unexpected operator `{word}`"));
                }
                self.names
                    .iter()
                    .position(|n| n == word)
                    .map(Expr::Sel)
                    .ok_or_else(|| format!("unknown search identifier `{word}`"))
            }
        }
    }

    /// Identifiers matching `them` (all) or a `*`-pattern.
    fn select(&self, target: &str) -> Result<Vec<Expr>, String> {
        let chosen: Vec<Expr> = self
            .names
            .iter()
            .enumerate()
            .filter(|(_, name)| {
                if target == "them" {
                    !name.starts_with('_')
                } else {
                    ident_glob(target, name)
                }
            })
            .map(|(i, _)| Expr::Sel(i))
            .collect();
        if chosen.is_empty() {
            return Err(format!("`{target}` matches no search identifier"));
        }
        Ok(chosen)
    }
}

/// `*` in identifier patterns; identifiers are matched case-sensitively.
fn ident_glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            name.len() >= head.len() && name.starts_with(head) && {
                let rest = &name[head.len()..];
                (0..=rest.len())
                    .filter(|i| rest.is_char_boundary(*i))
                    .any(|i| ident_glob(tail, &rest[i..]))
            }
        }
    }
}
