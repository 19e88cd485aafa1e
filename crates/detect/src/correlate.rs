//! Correlation across every file of a hunt: rule matches replayed in time order through one
//! correlation engine, so that a brute force spread over rotated logs is still one window.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use rampart_sigma::{
    CorrelationDetection, CorrelationEngine, Document, Event, Level, RuleRef, RuleSet,
};
use serde_json::{Map, Value, json};

use crate::detection::{Detection, DetectionKind, raw};

/// A detection-rule match kept for correlation.
pub(crate) struct Observation {
    pub(crate) at: Timestamp,
    pub(crate) rule: RuleRef,
    pub(crate) source: Arc<Path>,
    pub(crate) record: u64,
    pub(crate) event: Arc<Document>,
}

/// Feed `observations` in time order (ties by file, record, rule) and append the correlation
/// detections at or above `min_level` to `out`. A correlation that fires on an observation is
/// placed at that observation; one that fires when its window closes has no place.
pub(crate) fn correlate(
    rules: &RuleSet,
    mut observations: Vec<Observation>,
    min_level: Level,
    out: &mut Vec<Detection>,
) {
    if !rules.has_correlations() {
        return;
    }
    observations.sort_by(|a, b| {
        (a.at, &a.source, a.record, a.rule).cmp(&(b.at, &b.source, b.record, b.rule))
    });
    let mut engine = CorrelationEngine::new(rules);
    let mut fired = Vec::new();
    for observation in &observations {
        engine.observe(
            observation.rule,
            &Event::new(&observation.event),
            observation.at,
            &mut fired,
        );
        for found in fired.drain(..) {
            let place = (found.last == observation.at)
                .then(|| (Arc::clone(&observation.source), observation.record));
            push(rules, &found, place, min_level, out);
        }
    }
    engine.finish(&mut fired);
    for found in &fired {
        push(rules, found, None, min_level, out);
    }
}

fn push(
    rules: &RuleSet,
    found: &CorrelationDetection,
    place: Option<(Arc<Path>, u64)>,
    min_level: Level,
    out: &mut Vec<Detection>,
) {
    let meta = rules.rule(found.rule);
    if meta.level < min_level {
        return;
    }
    let group: Map<String, Value> = found
        .group
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    let event = json!({
        "group": group,
        "events": found.events,
        "value": found.value,
        "first": found.first.to_string(),
        "last": found.last.to_string(),
    });
    out.push(Detection::of_rule(
        meta,
        DetectionKind::Correlation,
        Some(found.last),
        place,
        Arc::from(raw(&event)),
    ));
}
