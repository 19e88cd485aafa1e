//! Transforming modifiers: contains, startswith, endswith, base64, base64offset, utf16le/be,
//! utf16, windash and expand turn each rule value into one or more Sigma strings.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::RuleError;
use crate::pattern::{SigmaString, Token};

/// Placeholder values for `expand`, and the placeholders a rule used but nobody configured.
#[derive(Debug, Default)]
pub(crate) struct ExpandContext<'a> {
    pub(crate) values: Option<&'a HashMap<String, Vec<String>>>,
    pub(crate) unresolved: Vec<String>,
}

/// A value on its way through the transforming modifiers.
#[derive(Debug, Clone)]
pub(crate) enum Chain {
    /// Text with its wildcards.
    Text(SigmaString),
    /// Encoded bytes (utf16), awaiting base64.
    Bytes(Vec<u8>),
}

const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

pub(crate) fn use_error(modifier: &str, reason: impl Into<String>) -> RuleError {
    RuleError::ModifierUse {
        modifier: modifier.to_owned(),
        reason: reason.into(),
    }
}

fn plain_text(value: &Chain, modifier: &str) -> Result<Vec<u8>, RuleError> {
    match value {
        Chain::Bytes(b) => Ok(b.clone()),
        Chain::Text(s) => s
            .as_plain()
            .map(String::into_bytes)
            .ok_or_else(|| use_error(modifier, "the value must not contain wildcards")),
    }
}

fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(&[0xFF, 0xFE]);
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

/// The three base64 renderings of `value` at byte offsets 0, 1 and 2, stripped of the edge
/// characters that depend on the surrounding bytes.
pub(crate) fn base64_offsets(value: &[u8]) -> Vec<String> {
    const START: [usize; 3] = [0, 2, 3];
    const END_TRIM: [usize; 3] = [0, 3, 2];
    (0..3)
        .map(|shift| {
            let mut shifted = vec![b' '; shift];
            shifted.extend_from_slice(value);
            let encoded = STANDARD.encode(&shifted);
            let end = encoded.len() - END_TRIM[(value.len() + shift) % 3];
            encoded.get(START[shift]..end).unwrap_or("").to_owned()
        })
        .collect()
}

/// All permutations of flag dashes: a dash at a flag start (`\B[-/]\b`) takes each of five forms.
pub(crate) fn windash(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
    let flags: Vec<usize> = (0..chars.len())
        .filter(|&i| {
            (chars[i] == '-' || chars[i] == '/')
                && !word(i.checked_sub(1).and_then(|p| chars.get(p)))
                && word(chars.get(i + 1))
        })
        .collect();
    let mut out = vec![chars];
    for &i in &flags {
        out = out
            .into_iter()
            .flat_map(|variant| {
                DASHES.iter().map(move |d| {
                    let mut v = variant.clone();
                    v[i] = *d;
                    v
                })
            })
            .collect();
    }
    out.into_iter().map(|v| v.into_iter().collect()).collect()
}

fn expand(s: &SigmaString, ctx: &mut ExpandContext<'_>) -> Option<Vec<SigmaString>> {
    let mut results = vec![SigmaString::default()];
    for token in &s.0 {
        let Token::Text(text) = token else {
            results.iter_mut().for_each(|r| r.0.push(token.clone()));
            continue;
        };
        let mut pieces: Vec<Vec<String>> = Vec::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find('%') {
            let Some(len) = rest[start + 1..].find('%') else {
                break;
            };
            let name = &rest[start + 1..start + 1 + len];
            pieces.push(vec![rest[..start].to_owned()]);
            match ctx.values.and_then(|v| v.get(name)) {
                Some(values) => pieces.push(values.clone()),
                None => {
                    ctx.unresolved.push(name.to_owned());
                    return None;
                }
            }
            rest = &rest[start + len + 2..];
        }
        pieces.push(vec![rest.to_owned()]);
        let mut texts = vec![String::new()];
        for choices in pieces {
            texts = texts
                .iter()
                .flat_map(|t| choices.iter().map(move |c| format!("{t}{c}")))
                .collect();
        }
        results = results
            .iter()
            .flat_map(|r| {
                texts.iter().map(move |t| {
                    let mut r = r.clone();
                    r.0.extend(SigmaString::literal(t).0);
                    r
                })
            })
            .collect();
    }
    Some(results)
}

pub(crate) fn apply(
    t: &str,
    values: Vec<Chain>,
    ctx: &mut ExpandContext<'_>,
) -> Result<Vec<Chain>, RuleError> {
    let mut out = Vec::new();
    for value in values {
        match t {
            "contains" | "startswith" | "endswith" => {
                let Chain::Text(mut s) = value else {
                    return Err(use_error(
                        t,
                        "an encoded value must be base64-encoded first",
                    ));
                };
                if t != "startswith" {
                    s.prepend_many();
                }
                if t != "endswith" {
                    s.append_many();
                }
                out.push(Chain::Text(s));
            }
            "base64" => {
                let text = STANDARD.encode(plain_text(&value, t)?);
                out.push(Chain::Text(SigmaString::literal(&text)));
            }
            "base64offset" => {
                for text in base64_offsets(&plain_text(&value, t)?) {
                    out.push(Chain::Text(SigmaString::literal(&text)));
                }
            }
            "utf16le" | "wide" | "utf16be" | "utf16" => {
                let bytes = plain_text(&value, t)?;
                let text = String::from_utf8_lossy(&bytes);
                out.push(Chain::Bytes(utf16(&text, t != "utf16be", t == "utf16")));
            }
            "windash" => {
                let Chain::Text(s) = value else {
                    return Err(use_error(t, "applies to text only"));
                };
                let mut variants = vec![SigmaString::default()];
                for token in s.0 {
                    let options: Vec<Token> = match token {
                        Token::Text(text) => windash(&text).into_iter().map(Token::Text).collect(),
                        other => vec![other],
                    };
                    variants = variants
                        .iter()
                        .flat_map(|v| {
                            options.iter().map(move |o| {
                                let mut v = v.clone();
                                v.0.push(o.clone());
                                v
                            })
                        })
                        .collect();
                }
                out.extend(variants.into_iter().map(Chain::Text));
            }
            _ => {
                let Chain::Text(s) = value else {
                    return Err(use_error(t, "applies to text only"));
                };
                if let Some(expanded) = expand(&s, ctx) {
                    out.extend(expanded.into_iter().map(Chain::Text));
                }
            }
        }
    }
    Ok(out)
}
