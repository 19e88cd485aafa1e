//! Correlation rules (correlation specification): event_count, value_count, temporal,
//! temporal_ordered, value_sum, value_avg and value_percentile, with `group-by`, `timespan` and
//! `aliases`.
//!
//! Windows slide: an observation at time `t` sees the observations of its group in
//! `[t - timespan, t]`. Conditions that can only grow inside a window (`gt`, `gte`, and the
//! temporal types) fire as soon as they hold, after which the group starts afresh. Conditions that
//! need the whole window (`lt`, `lte`, `eq`, `neq` on counts or values) are decided when the window
//! that opened with the group's first observation closes, or at [`CorrelationEngine::finish`].

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

use crate::document::Json;
use crate::error::RuleError;
use crate::event::{Event, FieldPath};
use crate::parse::CorrelationDef;
use crate::rule::{CorrelationKind, RuleKind, RuleMeta, RuleRef};
use crate::ruleset::RuleSet;

/// A field read from the events of each referenced rule (aliases give per-rule names).
#[derive(Debug, Clone)]
struct PerRuleField {
    name: String,
    paths: Vec<FieldPath>,
}

/// A resolved correlation rule.
#[derive(Debug, Clone)]
pub(crate) struct CorrelationSpec {
    kind: CorrelationKind,
    pub(crate) rules: Vec<RuleRef>,
    group_by: Vec<PerRuleField>,
    timespan: SignedDuration,
    condition: Vec<(Op, f64)>,
    field: Option<PerRuleField>,
    percentile: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Neq,
}

impl Op {
    fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Op::Gt => left > right,
            Op::Gte => left >= right,
            Op::Lt => left < right,
            Op::Lte => left <= right,
            Op::Eq => left == right,
            Op::Neq => left != right,
        }
    }
}

impl CorrelationSpec {
    pub(crate) fn resolve(def: &CorrelationDef, metas: &[RuleMeta]) -> Result<Self, RuleError> {
        let mut rules = Vec::with_capacity(def.rules.len());
        let mut keys = Vec::with_capacity(def.rules.len());
        for name in &def.rules {
            let i = metas
                .iter()
                .position(|m| m.id.as_deref() == Some(name) || m.name.as_deref() == Some(name))
                .ok_or_else(|| RuleError::UnknownRule(name.clone()))?;
            if metas[i].kind != RuleKind::Detection {
                return Err(RuleError::Correlation(format!(
                    "`{name}` is a correlation rule; correlations over correlations are not supported"
                )));
            }
            rules.push(RuleRef(i as u32));
            keys.push(name.clone());
        }
        let per_rule = |name: &str| {
            let alias = def.aliases.iter().find(|(a, _)| a == name);
            let paths = keys
                .iter()
                .zip(&rules)
                .map(|(key, rule)| {
                    let meta = &metas[rule.index()];
                    let field = alias
                        .and_then(|(_, map)| {
                            map.iter()
                                .find(|(r, _)| {
                                    r == key
                                        || Some(r) == meta.id.as_ref()
                                        || Some(r) == meta.name.as_ref()
                                })
                                .map(|(_, f)| f.as_str())
                        })
                        .unwrap_or(name);
                    FieldPath::new(field)
                })
                .collect();
            PerRuleField {
                name: name.to_owned(),
                paths,
            }
        };
        let condition = def
            .condition
            .iter()
            .map(|(op, n)| {
                let op = match op.as_str() {
                    "gt" => Op::Gt,
                    "gte" => Op::Gte,
                    "lt" => Op::Lt,
                    "lte" => Op::Lte,
                    "eq" => Op::Eq,
                    _ => Op::Neq,
                };
                (op, *n)
            })
            .collect();
        let group_by = def.group_by.iter().map(|g| per_rule(g)).collect();
        let field = def.field.as_deref().map(per_rule);
        Ok(CorrelationSpec {
            kind: def.kind,
            rules,
            group_by,
            timespan: SignedDuration::from_secs(
                i64::try_from(def.timespan_secs).unwrap_or(i64::MAX),
            ),
            condition,
            field,
            percentile: def.percentile.unwrap_or(50.0),
        })
    }

    /// Whether the condition can only become true as a window fills (so it fires eagerly).
    fn is_monotonic(&self) -> bool {
        match self.kind {
            CorrelationKind::Temporal | CorrelationKind::TemporalOrdered => true,
            CorrelationKind::EventCount | CorrelationKind::ValueCount => self
                .condition
                .iter()
                .all(|(op, _)| matches!(op, Op::Gt | Op::Gte)),
            _ => false,
        }
    }
}

/// A correlation rule that fired.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationDetection {
    /// The correlation rule.
    pub rule: RuleRef,
    /// The group-by fields and their values (empty text when an event lacked the field).
    pub group: Vec<(String, String)>,
    /// Time of the first observation taken into account.
    pub first: Timestamp,
    /// Time of the last observation taken into account.
    pub last: Timestamp,
    /// Observations in the window.
    pub events: usize,
    /// The aggregated value compared by the condition (count, distinct count, sum, average or
    /// percentile; the number of referenced rules seen for temporal types).
    pub value: f64,
}

#[derive(Debug, Clone)]
struct Observation {
    at: Timestamp,
    rule_pos: usize,
    value: Option<String>,
}

/// Turns rule matches into correlation detections. One engine per stream of events.
#[derive(Debug)]
pub struct CorrelationEngine<'r> {
    rules: &'r RuleSet,
    /// For each detection rule, the correlations (position in `rules.correlations`) using it.
    users: HashMap<RuleRef, Vec<(usize, usize)>>,
    groups: HashMap<(usize, Vec<String>), Vec<Observation>>,
}

impl<'r> CorrelationEngine<'r> {
    /// An engine for the correlation rules of `rules`.
    pub fn new(rules: &'r RuleSet) -> Self {
        let mut users: HashMap<RuleRef, Vec<(usize, usize)>> = HashMap::new();
        for (c, (_, spec)) in rules.correlations.iter().enumerate() {
            for (pos, rule) in spec.rules.iter().enumerate() {
                users.entry(*rule).or_default().push((c, pos));
            }
        }
        CorrelationEngine {
            rules,
            users,
            groups: HashMap::new(),
        }
    }

    /// Feeds one detection-rule match; correlation detections that fire are pushed to `out`.
    /// Matches should arrive roughly in time order; late ones are placed by their timestamp.
    pub fn observe(
        &mut self,
        rule: RuleRef,
        event: &Event<'_>,
        at: Timestamp,
        out: &mut Vec<CorrelationDetection>,
    ) {
        let Some(users) = self.users.get(&rule) else {
            return;
        };
        for &(c, pos) in users {
            let (corr_rule, spec) = &self.rules.correlations[c];
            let read = |f: &PerRuleField| {
                event
                    .field(&f.paths[pos])
                    .and_then(Json::text)
                    .map(str::to_owned)
            };
            let key: Vec<String> = spec
                .group_by
                .iter()
                .map(|f| read(f).unwrap_or_default())
                .collect();
            let value = spec.field.as_ref().and_then(read);
            let window = self.groups.entry((c, key.clone())).or_default();
            let monotonic = spec.is_monotonic();
            if !monotonic
                && window
                    .first()
                    .is_some_and(|first| at.duration_since(first.at) > spec.timespan)
            {
                let closed = std::mem::take(window);
                out.extend(decide(*corr_rule, spec, &closed, &key));
            }
            let place = window.partition_point(|o| o.at <= at);
            window.insert(
                place,
                Observation {
                    at,
                    rule_pos: pos,
                    value,
                },
            );
            if monotonic {
                let newest = window.last().map_or(at, |o| o.at);
                window.retain(|o| newest.duration_since(o.at) <= spec.timespan);
                if let Some(found) = decide(*corr_rule, spec, window, &key) {
                    window.clear();
                    out.push(found);
                }
            }
        }
    }

    /// Closes every open window and pushes what fires, ordered by rule then time.
    pub fn finish(self, out: &mut Vec<CorrelationDetection>) {
        let start = out.len();
        for ((c, key), window) in &self.groups {
            let (corr_rule, spec) = &self.rules.correlations[*c];
            if !spec.is_monotonic() {
                out.extend(decide(*corr_rule, spec, window, key));
            }
        }
        out[start..].sort_by(|a, b| (a.rule, a.first, &a.group).cmp(&(b.rule, b.first, &b.group)));
    }
}

fn group_of(spec: &CorrelationSpec, key: &[String]) -> Vec<(String, String)> {
    spec.group_by
        .iter()
        .map(|f| f.name.clone())
        .zip(key.iter().cloned())
        .collect()
}

fn decide(
    rule: RuleRef,
    spec: &CorrelationSpec,
    window: &[Observation],
    key: &[String],
) -> Option<CorrelationDetection> {
    let (first, last) = (window.first()?.at, window.last()?.at);
    let value = aggregate(spec, window)?;
    let complete = match spec.kind {
        CorrelationKind::Temporal => value as usize == spec.rules.len(),
        CorrelationKind::TemporalOrdered => in_order(window, spec.rules.len()),
        _ => true,
    };
    (complete && spec.condition.iter().all(|(op, n)| op.holds(value, *n))).then(|| {
        CorrelationDetection {
            rule,
            group: group_of(spec, key),
            first,
            last,
            events: window.len(),
            value,
        }
    })
}

/// Whether the rules' matches occur in the listed order (a subsequence of the window).
fn in_order(window: &[Observation], rules: usize) -> bool {
    let mut next = 0;
    for o in window {
        if o.rule_pos == next {
            next += 1;
            if next == rules {
                return true;
            }
        }
    }
    false
}

fn aggregate(spec: &CorrelationSpec, window: &[Observation]) -> Option<f64> {
    let numbers = || {
        window
            .iter()
            .filter_map(|o| o.value.as_deref()?.trim().parse::<f64>().ok())
    };
    Some(match spec.kind {
        CorrelationKind::EventCount => window.len() as f64,
        CorrelationKind::ValueCount => {
            let mut values: Vec<&str> = window.iter().filter_map(|o| o.value.as_deref()).collect();
            values.sort_unstable();
            values.dedup();
            values.len() as f64
        }
        CorrelationKind::ValueSum => numbers().sum(),
        CorrelationKind::ValueAvg => {
            let (sum, n) = numbers().fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            if n == 0 {
                return None;
            }
            sum / n as f64
        }
        CorrelationKind::ValuePercentile => {
            let mut values: Vec<f64> = numbers().collect();
            if values.is_empty() {
                return None;
            }
            values.sort_by(f64::total_cmp);
            let rank = ((spec.percentile / 100.0) * values.len() as f64).ceil() as usize;
            values[rank.clamp(1, values.len()) - 1]
        }
        CorrelationKind::Temporal | CorrelationKind::TemporalOrdered => {
            let mut seen: Vec<usize> = window.iter().map(|o| o.rule_pos).collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len() as f64
        }
    })
}
