//! Log-source mapping: Sigma `logsource` → which events a rule applies to, and field renames.
//!
//! The mapping is data (`data/logsources.yml`, format in docs/sigma.md) so that users can adapt
//! it to their collection; [`LogSourceMapping::default`] is the built-in file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::MappingError;
use crate::rule::LogSource;

const BUILT_IN: &str = include_str!("../data/logsources.yml");

/// One alternative way an event belongs to a log source.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Variant {
    /// Field → accepted values (one value or a list).
    #[serde(default)]
    pub(crate) conditions: BTreeMap<String, OneOrMany>,
    /// Fields that must be present.
    #[serde(default)]
    pub(crate) exists: Vec<String>,
    /// Fields that must be absent.
    #[serde(default)]
    pub(crate) absent: Vec<String>,
    /// Field sets an event must not have in full (one set in the file; merged variants hold one
    /// per entry that gave one).
    #[serde(default, deserialize_with = "one_set")]
    pub(crate) not_all: Vec<Vec<String>>,
    /// Sigma field name → event field name.
    #[serde(default)]
    pub(crate) fields: BTreeMap<String, String>,
}

/// Reads `not_all: [a, b]` as one set; an empty list rules nothing out.
fn one_set<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<Vec<String>>, D::Error> {
    let set = Vec::<String>::deserialize(de)?;
    Ok(if set.is_empty() {
        Vec::new()
    } else {
        vec![set]
    })
}

/// A scalar or a list of scalars in the mapping file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(Scalar),
    Many(Vec<Scalar>),
}

/// A condition value.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub(crate) enum Scalar {
    Int(i64),
    Text(String),
}

impl Scalar {
    pub(crate) fn text(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Text(t) => t.clone(),
        }
    }
}

impl OneOrMany {
    pub(crate) fn values(&self) -> Vec<Scalar> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    logsource: BTreeMap<String, String>,
    variants: Vec<Variant>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    sources: Vec<Entry>,
}

/// The log-source mapping in force.
#[derive(Debug, Clone)]
pub struct LogSourceMapping {
    entries: Vec<Entry>,
}

impl Default for LogSourceMapping {
    fn default() -> Self {
        // The built-in file is checked by a unit test; an empty mapping is the safe fallback.
        LogSourceMapping::from_yaml("built-in", BUILT_IN).unwrap_or(LogSourceMapping {
            entries: Vec::new(),
        })
    }
}

/// How a rule's log source resolved.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// Alternatives (OR); empty alternatives list never happens: at least one unconstrained.
    pub(crate) variants: Vec<Variant>,
    /// Log-source attributes no entry covered (reported as warnings).
    pub(crate) unmapped: Vec<String>,
}

impl LogSourceMapping {
    /// Reads a mapping file in the format of `data/logsources.yml`.
    pub fn from_file(path: &Path) -> Result<Self, MappingError> {
        let text = std::fs::read_to_string(path).map_err(|source| MappingError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_yaml(&path.display().to_string(), &text)
    }

    /// Parses mapping YAML; `origin` names it in errors.
    pub fn from_yaml(origin: &str, text: &str) -> Result<Self, MappingError> {
        let file: File = yaml_serde::from_str(text).map_err(|e| MappingError::Format {
            origin: origin.to_owned(),
            line: e.location().map_or(0, |l| l.line()),
            reason: e.to_string(),
        })?;
        Ok(LogSourceMapping {
            entries: file.sources,
        })
    }

    /// The built-in mapping file's text, for users who want to start from it.
    pub fn built_in_text() -> &'static str {
        BUILT_IN
    }

    pub(crate) fn resolve(&self, logsource: &LogSource) -> Resolved {
        let attrs = [
            ("product", &logsource.product),
            ("category", &logsource.category),
            ("service", &logsource.service),
        ];
        let value = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| v.as_deref())
        };
        let applying: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| {
                !e.logsource.is_empty()
                    && e.logsource
                        .iter()
                        .all(|(k, v)| value(k).is_some_and(|r| r.eq_ignore_ascii_case(v)))
            })
            .collect();
        let unmapped = attrs
            .iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (*k, v)))
            .filter(|(k, _)| !applying.iter().any(|e| e.logsource.contains_key(*k)))
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        let mut variants = vec![Variant::default()];
        for entry in applying {
            variants = variants
                .iter()
                .flat_map(|base| entry.variants.iter().map(move |v| merge(base, v)))
                .collect();
        }
        Resolved { variants, unmapped }
    }
}

fn merge(a: &Variant, b: &Variant) -> Variant {
    let mut out = a.clone();
    out.conditions.extend(b.conditions.clone());
    out.exists.extend(b.exists.iter().cloned());
    out.absent.extend(b.absent.iter().cloned());
    for set in &b.not_all {
        if !out.not_all.contains(set) {
            out.not_all.push(set.clone());
        }
    }
    out.fields.extend(b.fields.clone());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_mapping_parses() {
        let mapping = LogSourceMapping::from_yaml("built-in", BUILT_IN).unwrap();
        let resolved = mapping.resolve(&LogSource {
            category: Some("process_creation".into()),
            product: Some("windows".into()),
            service: None,
        });
        assert_eq!(resolved.variants.len(), 2);
        assert!(resolved.unmapped.is_empty());
        assert_eq!(resolved.variants[1].fields["Image"], "NewProcessName");
    }
}
