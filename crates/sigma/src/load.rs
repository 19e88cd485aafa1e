//! Reading rule files: directory walk, multi-document YAML, the load report.

use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize as _;

use crate::error::{LoadError, RuleError};
use crate::parse::{self, Document};
use crate::yaml;

/// A rule document that was not loaded.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// The file.
    pub path: PathBuf,
    /// The line (1-based) the problem was found at, or the document's first line.
    pub line: usize,
    /// Why.
    pub error: RuleError,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} (violates {})",
            self.path.display(),
            self.line,
            self.error,
            self.error.clause()
        )
    }
}

/// A rule that loaded but may not behave as its author meant (unmapped log source, unresolved
/// `expand` placeholders).
#[derive(Debug, Clone)]
pub struct LoadWarning {
    /// The file.
    pub path: PathBuf,
    /// The line of the rule's document.
    pub line: usize,
    /// The rule's title.
    pub title: String,
    /// What to know.
    pub message: String,
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.title,
            self.message
        )
    }
}

/// What a load did: counts, every rejected document and every warning.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    /// Files read.
    pub files: usize,
    /// Detection rules loaded.
    pub detection_rules: usize,
    /// Correlation rules loaded.
    pub correlation_rules: usize,
    /// Filters loaded.
    pub filters: usize,
    /// Documents not loaded, with the reason.
    pub rejected: Vec<Rejection>,
    /// Rules loaded with a caveat.
    pub warnings: Vec<LoadWarning>,
}

/// Where a rule source comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Path(PathBuf),
    Text(PathBuf, String),
}

/// One parsed document with its place.
pub(crate) struct Parsed {
    pub(crate) path: PathBuf,
    pub(crate) line: usize,
    pub(crate) result: Result<Document, RuleError>,
    pub(crate) text: String,
}

/// Lists the rule files under the sources (sorted, so loads are reproducible).
pub(crate) fn collect(sources: &[Source]) -> Result<Vec<(PathBuf, Option<String>)>, LoadError> {
    let mut out = Vec::new();
    for source in sources {
        match source {
            Source::Text(path, text) => out.push((path.clone(), Some(text.clone()))),
            Source::Path(path) => {
                let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
                    path: path.clone(),
                    source,
                })?;
                if meta.is_dir() {
                    let mut files = Vec::new();
                    walk(path, &mut files)?;
                    out.extend(files.into_iter().map(|f| (f, None)));
                } else {
                    out.push((path.clone(), None));
                }
            }
        }
    }
    Ok(out)
}

/// Appends the rule files under `dir` in path order: each directory's entries are sorted by
/// name and visited depth first, which orders the files as sorting their paths would, without
/// comparing whole paths.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        // The entry's type costs no system call; only symbolic links need a `stat`.
        let kind = entry.file_type().map_err(io)?;
        entries.push((entry.file_name(), entry.path(), kind));
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (_, path, kind) in entries {
        if kind.is_dir() || (kind.is_symlink() && path.is_dir()) {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads and parses every file in parallel; documents keep file order.
pub(crate) fn parse_all(files: Vec<(PathBuf, Option<String>)>) -> Vec<Parsed> {
    files
        .into_par_iter()
        .map(|(path, text)| {
            let text = match text {
                Some(t) => Ok(t),
                None => std::fs::read_to_string(&path),
            };
            match text {
                Ok(text) => parse_file(&path, &text),
                Err(e) => vec![Parsed {
                    path,
                    line: 0,
                    result: Err(RuleError::Yaml(format!("cannot read the file: {e}"))),
                    text: String::new(),
                }],
            }
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

/// The first line of each YAML document (a `---` line starts a new one).
fn document_lines(text: &str) -> Vec<(usize, usize, usize)> {
    let mut docs = Vec::new();
    let (mut start_line, mut start_byte, mut offset) = (1, 0, 0);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" && i > 0 {
            docs.push((start_line, start_byte, offset));
            start_line = i + 2;
            start_byte = offset + line.len();
        }
        offset += line.len();
    }
    docs.push((start_line, start_byte, text.len()));
    docs
}

fn parse_file(path: &Path, text: &str) -> Vec<Parsed> {
    let spans = document_lines(text);
    quick_parse(path, text, &spans).unwrap_or_else(|| full_parse(path, text, &spans))
}

/// Reads the documents with the rule-subset reader; `None` if one of them is outside it.
fn quick_parse(path: &Path, text: &str, spans: &[(usize, usize, usize)]) -> Option<Vec<Parsed>> {
    let mut out = Vec::new();
    for &(line, start, end) in spans {
        let doc_text = text.get(start..end).unwrap_or_default();
        match yaml::document(doc_text)? {
            yaml_serde::Value::Null => {}
            value => out.push(parsed(path, line, &value, doc_text)),
        }
    }
    Some(out)
}

/// A rule document read into a YAML value, parsed into a rule.
fn parsed(path: &Path, line: usize, value: &yaml_serde::Value, doc_text: &str) -> Parsed {
    let result = parse::document(value);
    let line = match &result {
        Err(e) => line + locate(doc_text, e),
        Ok(_) => line,
    };
    Parsed {
        path: path.to_owned(),
        line,
        result,
        text: doc_text.to_owned(),
    }
}

/// Reads the documents with the full YAML parser, which also explains malformed YAML.
fn full_parse(path: &Path, text: &str, spans: &[(usize, usize, usize)]) -> Vec<Parsed> {
    let mut out = Vec::new();
    for (i, doc) in yaml_serde::Deserializer::from_str(text).enumerate() {
        let (line, start, end) = spans.get(i).copied().unwrap_or((1, 0, text.len()));
        let doc_text = text.get(start..end).unwrap_or_default();
        match yaml_serde::Value::deserialize(doc) {
            Ok(yaml_serde::Value::Null) => {}
            Ok(value) => out.push(parsed(path, line, &value, doc_text)),
            Err(e) => {
                let line = e.location().map_or(line, |l| l.line());
                out.push(Parsed {
                    path: path.to_owned(),
                    line,
                    result: Err(RuleError::Yaml(e.to_string())),
                    text: String::new(),
                });
                break;
            }
        }
    }
    out
}

/// Best-effort line offset (0-based, within the document) of what an error is about.
pub(crate) fn locate(doc: &str, error: &RuleError) -> usize {
    let needle = match error {
        RuleError::UnknownModifier(m) | RuleError::ModifierUse { modifier: m, .. } => {
            format!("|{m}")
        }
        RuleError::Value { value, .. } => value.clone(),
        RuleError::Regex { pattern, .. } => pattern.chars().take(20).collect(),
        RuleError::Condition { .. } => "condition:".to_owned(),
        RuleError::InvalidLevel(_) => "level:".to_owned(),
        RuleError::Correlation(_) => "correlation:".to_owned(),
        RuleError::Filter(_) => "filter:".to_owned(),
        RuleError::UnknownRule(r) => r.clone(),
        RuleError::Yaml(_) | RuleError::Shape(_) | RuleError::Missing(_) => return 0,
    };
    if needle.is_empty() {
        return 0;
    }
    doc.lines().position(|l| l.contains(&needle)).unwrap_or(0)
}
