//! Rule metadata: what a caller needs to report a detection.

use std::path::PathBuf;

use crate::level::Level;

/// A handle on one rule of a [`crate::RuleSet`] (detection or correlation rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleRef(pub(crate) u32);

impl RuleRef {
    /// The position of the rule in [`crate::RuleSet::rules`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The `status` of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `stable`.
    Stable,
    /// `test`.
    Test,
    /// `experimental`.
    Experimental,
    /// `deprecated`.
    Deprecated,
    /// `unsupported`.
    Unsupported,
}

/// The `logsource` of a rule, lower-cased.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct LogSource {
    /// `category`, e.g. `process_creation`.
    pub category: Option<String>,
    /// `product`, e.g. `windows`.
    pub product: Option<String>,
    /// `service`, e.g. `security`.
    pub service: Option<String>,
}

/// The correlation types of the Sigma correlation specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CorrelationKind {
    /// `event_count`: number of matching events.
    EventCount,
    /// `value_count`: number of distinct values of a field.
    ValueCount,
    /// `temporal`: all referenced rules matched, in any order.
    Temporal,
    /// `temporal_ordered`: all referenced rules matched, in the listed order.
    TemporalOrdered,
    /// `value_sum`: sum of a numeric field.
    ValueSum,
    /// `value_avg`: average of a numeric field.
    ValueAvg,
    /// `value_percentile`: a percentile of a numeric field.
    ValuePercentile,
}

/// What kind of rule a [`RuleMeta`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// A detection rule, evaluated on single events.
    Detection,
    /// A correlation rule, fed by [`crate::CorrelationEngine`].
    Correlation(CorrelationKind),
}

/// The metadata of one loaded rule.
#[derive(Debug, Clone)]
pub struct RuleMeta {
    /// `id`, when the rule has one.
    pub id: Option<String>,
    /// `name` (used by correlation rules to refer to other rules).
    pub name: Option<String>,
    /// `title`.
    pub title: String,
    /// `level` (informational when absent).
    pub level: Level,
    /// `status`.
    pub status: Option<Status>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `logsource` (empty for correlation rules).
    pub logsource: LogSource,
    /// Detection or correlation.
    pub kind: RuleKind,
    /// Whether matches of this rule are detections in their own right. False for detection rules
    /// referenced by a correlation rule that does not set `generate: true`.
    pub generate: bool,
    /// The file the rule was read from.
    pub path: PathBuf,
    /// The line of the rule's YAML document in that file (1-based).
    pub line: usize,
}
