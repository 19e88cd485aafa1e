//! Errors: why a rule, a mapping file or a load is rejected.

use std::path::PathBuf;

/// Why one rule document was rejected. [`RuleError::clause`] names the part of the Sigma
/// specification the document violates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// The document is not valid YAML.
    #[error("invalid YAML: {0}")]
    Yaml(String),
    /// The document is not a mapping, or a section has the wrong YAML type.
    #[error("{0}")]
    Shape(String),
    /// A required attribute is missing.
    #[error("required attribute `{0}` is missing")]
    Missing(&'static str),
    /// `level` is not one of the five levels.
    #[error("unknown level `{0}`")]
    InvalidLevel(String),
    /// A modifier name is not in the modifiers appendix.
    #[error("unknown modifier `{0}`")]
    UnknownModifier(String),
    /// A modifier is used where the appendix does not allow it.
    #[error("modifier `{modifier}`: {reason}")]
    ModifierUse {
        /// The modifier.
        modifier: String,
        /// What is wrong.
        reason: String,
    },
    /// A value cannot be used (bad CIDR, bad number, wildcard where none is allowed…).
    #[error("value `{value}`: {reason}")]
    Value {
        /// The value as written.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// A regular expression does not compile.
    #[error("regular expression `{pattern}`: {reason}")]
    Regex {
        /// The pattern.
        pattern: String,
        /// The compiler's message.
        reason: String,
    },
    /// The condition does not parse.
    #[error("condition `{condition}`: {reason}")]
    Condition {
        /// The condition text.
        condition: String,
        /// What is wrong.
        reason: String,
    },
    /// A correlation rule is malformed.
    #[error("correlation: {0}")]
    Correlation(String),
    /// A filter is malformed.
    #[error("filter: {0}")]
    Filter(String),
    /// A correlation or filter refers to a rule that was not loaded.
    #[error("unknown rule `{0}`")]
    UnknownRule(String),
}

impl RuleError {
    /// The clause of the Sigma specification (v2.1) this error violates.
    pub fn clause(&self) -> &'static str {
        match self {
            RuleError::Yaml(_) => "rules specification § File Structure (YAML 1.2 document)",
            RuleError::Shape(_) | RuleError::Missing(_) => {
                "rules specification § Structure (required attributes and their types)"
            }
            RuleError::InvalidLevel(_) => "rules specification § Level",
            RuleError::UnknownModifier(_) | RuleError::ModifierUse { .. } => "modifiers appendix",
            RuleError::Value { .. } => "rules specification § Detection (values)",
            RuleError::Regex { .. } => "modifiers appendix § re (regular expression subset)",
            RuleError::Condition { .. } => "rules specification § Detection › Condition",
            RuleError::Correlation(_) | RuleError::UnknownRule(_) => {
                "correlation rules specification"
            }
            RuleError::Filter(_) => "filters specification",
        }
    }
}

/// Why a log-source mapping file was refused.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The file cannot be read.
    #[error("cannot read log-source mapping {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid YAML or not in the mapping format.
    #[error("log-source mapping {origin}, line {line}: {reason}")]
    Format {
        /// The file (or `built-in`).
        origin: String,
        /// The line, 0 when unknown.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Why a load could not run at all (single bad rules are [`crate::Rejection`]s instead).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A path given to the builder cannot be read.
    #[error("cannot read rules at {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}
