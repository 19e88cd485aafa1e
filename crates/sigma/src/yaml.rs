//! A reader for the YAML that rule files are written in, several times faster than a full YAML
//! parser.
//!
//! Sigma rules use a small part of YAML: block maps and lists, one-line flow lists and maps,
//! plain and quoted one-line scalars, literal and folded block scalars, comments. [`document`]
//! reads exactly that part into the same [`Value`] the full parser would give, resolving plain
//! scalars as it does (YAML 1.2 core schema: null, booleans, decimal integers). It returns `None`
//! for anything else (anchors, tags, multi-line plain or quoted scalars, other number forms,
//! duplicate keys, tabs in indentation, malformed input…): the caller then reads the file with
//! the full parser, which also gives the precise error for malformed YAML.

mod scalar;

use yaml_serde::{Mapping, Value};

use scalar::{flow, plain, quoted};

/// One line: its indentation (spaces) and the rest, trailing spaces trimmed.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

impl Line<'_> {
    /// Empty or a comment.
    fn blank(&self) -> bool {
        self.text.is_empty() || self.text.starts_with('#')
    }
}

struct Reader<'a> {
    raw: Vec<&'a str>,
    lines: Vec<Line<'a>>,
    pos: usize,
}

/// Reads one YAML document (the text between `---` lines); `Some(Value::Null)` when it holds no
/// node, `None` when it is outside the subset this reader handles.
pub(crate) fn document(text: &str) -> Option<Value> {
    if text.contains(['\r', '\t', '\u{feff}']) {
        return None;
    }
    let raw: Vec<&str> = text.lines().collect();
    let lines = raw
        .iter()
        .map(|l| {
            let text = l.trim_start_matches(' ');
            Line {
                indent: l.len() - text.len(),
                text: text.trim_end_matches(' '),
            }
        })
        .collect();
    let mut reader = Reader { raw, lines, pos: 0 };
    reader.skip_blank();
    if reader
        .line()
        .is_some_and(|l| l.indent == 0 && l.text == "---")
    {
        reader.pos += 1;
    }
    reader.skip_blank();
    let Some(first) = reader.line() else {
        return Some(Value::Null);
    };
    let value = reader.block(first.indent)?;
    reader.skip_blank();
    (reader.pos == reader.lines.len()).then_some(value)
}

impl<'a> Reader<'a> {
    fn line(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    fn skip_blank(&mut self) {
        while self.line().is_some_and(|l| l.blank()) {
            self.pos += 1;
        }
    }

    /// A map or a list whose first line (the current one) is indented by `indent`.
    fn block(&mut self, indent: usize) -> Option<Value> {
        let line = self.line()?;
        if is_item(line.text) {
            self.list(indent)
        } else {
            self.map(indent)
        }
    }

    fn map(&mut self, indent: usize) -> Option<Value> {
        let mut map = Mapping::new();
        loop {
            self.skip_blank();
            let Some(line) = self.line() else { break };
            if line.indent < indent || (line.indent == indent && is_item(line.text)) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let (key, rest) = key(line.text)?;
            self.pos += 1;
            let value = self.value(rest, indent, true)?;
            if matches!(&key, Value::String(k) if k == "<<") || map.insert(key, value).is_some() {
                return None;
            }
        }
        Some(Value::Mapping(map))
    }

    fn list(&mut self, indent: usize) -> Option<Value> {
        let mut list = Vec::new();
        loop {
            self.skip_blank();
            let Some(line) = self.line() else { break };
            if line.indent < indent || !is_item(line.text) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let rest = line.text[1..].trim_start_matches(' ');
            if !rest.is_empty() && !rest.starts_with('#') && key(rest).is_some() {
                // `- key: value`: a map whose indentation is that of `key`.
                let column = indent + (line.text.len() - rest.len());
                self.lines[self.pos] = Line {
                    indent: column,
                    text: rest,
                };
                list.push(self.map(column)?);
            } else {
                self.pos += 1;
                list.push(self.value(rest, indent, false)?);
            }
        }
        Some(Value::Sequence(list))
    }

    /// The value after `key:` or `- ` (`rest`, the rest of that line) in a node at `indent`;
    /// `in_map` allows a list at the same indentation under a key.
    fn value(&mut self, rest: &'a str, indent: usize, in_map: bool) -> Option<Value> {
        if rest.is_empty() || rest.starts_with('#') {
            self.skip_blank();
            return match self.line() {
                Some(next) if next.indent > indent => self.block(next.indent),
                Some(next) if in_map && next.indent == indent && is_item(next.text) => {
                    self.list(indent)
                }
                _ => Some(Value::Null),
            };
        }
        let (value, after) = match rest.as_bytes()[0] {
            b'|' | b'>' => return self.block_scalar(rest, indent),
            b'[' | b'{' => flow(rest)?,
            b'\'' | b'"' => {
                let (s, after) = quoted(rest)?;
                (Value::String(s), after)
            }
            _ => {
                let text = strip_comment(rest);
                if text.contains(": ") || text.ends_with(':') {
                    return None;
                }
                return plain(text);
            }
        };
        let after = after.trim_start_matches(' ');
        (after.is_empty() || after.starts_with('#')).then_some(value)
    }

    /// `|` or `>` with an optional `-` (strip) chomping indicator, then the lines indented more
    /// than `indent`.
    fn block_scalar(&mut self, header: &str, indent: usize) -> Option<Value> {
        let folded = header.starts_with('>');
        let rest = strip_comment(&header[1..]);
        let strip = match rest {
            "" => false,
            "-" => true,
            _ => return None,
        };
        let mut body: Vec<&str> = Vec::new();
        let mut block_indent = None;
        while let Some(line) = self.line() {
            let raw = self.raw[self.pos];
            if line.text.is_empty() {
                // Spaces beyond the block's indentation would be content: not handled here.
                if block_indent.is_some_and(|b| raw.len() > b) {
                    return None;
                }
                body.push("");
            } else {
                if line.indent <= indent || block_indent.is_some_and(|b| line.indent < b) {
                    break;
                }
                let b = *block_indent.get_or_insert(line.indent);
                if line.indent > b && folded {
                    return None;
                }
                body.push(&raw[b..]);
            }
            self.pos += 1;
        }
        while body.last().is_some_and(|l| l.is_empty()) {
            body.pop();
        }
        if folded && body.first().is_some_and(|l| l.is_empty()) {
            return None;
        }
        let mut text = String::new();
        for (i, line) in body.iter().enumerate() {
            if i > 0 {
                // Folding: a break between two lines is a space; each empty line, a break.
                match (folded, body[i - 1].is_empty(), line.is_empty()) {
                    (false, _, _) | (true, _, true) => text.push('\n'),
                    (true, false, false) => text.push(' '),
                    (true, true, false) => {}
                }
            }
            text.push_str(line);
        }
        if !strip && !body.is_empty() {
            text.push('\n');
        }
        Some(Value::String(text))
    }
}

/// A list item: `-` then a space or the end of the line.
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `key:` at the start of `text`: the key and what follows the colon (spaces trimmed).
fn key(text: &str) -> Option<(Value, &str)> {
    let (key, after) = match text.as_bytes().first()? {
        b'\'' | b'"' => {
            let (k, after) = quoted(text)?;
            (Value::String(k), after.trim_start_matches(' '))
        }
        b'[' | b'{' | b'?' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'#' => {
            return None;
        }
        _ => {
            let end = text
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| matches!(text.as_bytes().get(i + 1), None | Some(b' ')))?;
            let k = &text[..end];
            if k.contains(" #") {
                return None;
            }
            (plain(k.trim_end_matches(' '))?, &text[end..])
        }
    };
    let after = after.strip_prefix(':')?;
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    Some((key, after.trim_start_matches(' ')))
}

/// The text before a ` #` comment, trailing spaces trimmed.
fn strip_comment(text: &str) -> &str {
    let end = text.find(" #").unwrap_or(text.len());
    text[..end].trim_end_matches(' ')
}

#[cfg(test)]
mod tests;
