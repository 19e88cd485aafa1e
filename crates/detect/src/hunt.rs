//! The hunt over files: one rayon task per file, every event through the rule index, then
//! correlation over all files' matches in time order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rampart_ingest::{IngestError, LogEvent, SkipKind, Skipped, SourceKind, read_file};
use rampart_sigma::{Document, Event, Level, LoadReport, Matches, RuleSet};
use rayon::prelude::*;
use serde_json::value::RawValue;

use crate::correlate::{Observation, correlate};
use crate::detection::{Detection, DetectionKind, raw};
use crate::summary::{RuleCounts, SKIPPED_EXAMPLES, Summary, UnreadableFile};

/// How a hunt filters what it reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct HuntOptions {
    /// Detections of rules below this level are not reported (correlations still count
    /// their matches).
    pub min_level: Level,
}

/// A hunt with a compiled rule set.
#[derive(Debug)]
pub struct Hunt<'r> {
    rules: &'r RuleSet,
    counts: RuleCounts,
    options: HuntOptions,
}

/// What a hunt found, in time order (detections without a time last), and its summary.
#[derive(Debug, Clone, Default)]
pub struct HuntReport {
    /// The detections.
    pub detections: Vec<Detection>,
    /// The account of what was read and found.
    pub summary: Summary,
}

/// What one file yielded.
#[derive(Default)]
struct FileOutcome {
    kind: Option<SourceKind>,
    unreadable: Option<UnreadableFile>,
    events: u64,
    skipped: BTreeMap<SkipKind, u64>,
    examples: Vec<Skipped>,
    detections: Vec<Detection>,
    observations: Vec<Observation>,
    untimed: u64,
}

impl<'r> Hunt<'r> {
    /// A hunt with `rules` (as `load` reports them loaded) and `options`.
    pub fn new(rules: &'r RuleSet, load: &LoadReport, options: HuntOptions) -> Self {
        Hunt {
            rules,
            counts: RuleCounts::from(load),
            options,
        }
    }

    /// Hunt through `files` on all cores of the current rayon pool. `file_done` is called
    /// with each file and its size in bytes once it has been read (for progress display).
    pub fn run(&self, files: &[PathBuf], file_done: &(dyn Fn(&Path, u64) + Sync)) -> HuntReport {
        let outcomes: Vec<FileOutcome> = files
            .par_iter()
            .map(|path| {
                let outcome = self.hunt_file(path);
                file_done(path, std::fs::metadata(path).map_or(0, |m| m.len()));
                outcome
            })
            .collect();
        self.merge(outcomes)
    }

    fn hunt_file(&self, path: &Path) -> FileOutcome {
        let mut outcome = FileOutcome::default();
        let mut matches = Matches::default();
        let result = read_file(path, &mut |record| match record {
            Ok(event) => self.evaluate(event, &mut matches, &mut outcome),
            Err(skipped) => {
                *outcome.skipped.entry(skipped.kind).or_default() += 1;
                if outcome.examples.len() < SKIPPED_EXAMPLES {
                    outcome.examples.push(skipped);
                }
            }
        });
        match result {
            Ok(kind) => outcome.kind = Some(kind),
            Err(err) => {
                let not_a_log = matches!(err, IngestError::UnknownFormat { .. });
                outcome.unreadable = Some(UnreadableFile {
                    path: path.to_owned(),
                    reason: err.to_string(),
                    not_a_log,
                });
            }
        }
        outcome
    }

    /// Match one event; keep its fields only when a rule fired: as JSON text (shared by its
    /// detections) to report, as a document to correlate.
    fn evaluate(&self, event: LogEvent<'_>, matches: &mut Matches, outcome: &mut FileOutcome) {
        outcome.events += 1;
        self.rules.evaluate(&Event::new(event.fields), matches);
        if matches.is_empty() {
            return;
        }
        let LogEvent {
            fields,
            source,
            record,
            timestamp,
            ..
        } = event;
        let mut text: Option<Arc<RawValue>> = None;
        let mut document: Option<Arc<Document>> = None;
        let correlating = self.rules.has_correlations();
        for &rule in matches.as_slice() {
            let meta = self.rules.rule(rule);
            if meta.generate && meta.level >= self.options.min_level {
                let text = text.get_or_insert_with(|| Arc::from(raw(fields)));
                let place = Some((Arc::clone(source), record));
                outcome.detections.push(Detection::of_rule(
                    meta,
                    DetectionKind::Match,
                    timestamp,
                    place,
                    Arc::clone(text),
                ));
            }
            if correlating {
                match timestamp {
                    Some(at) => outcome.observations.push(Observation {
                        at,
                        rule,
                        source: Arc::clone(source),
                        record,
                        event: Arc::clone(document.get_or_insert_with(|| Arc::new(fields.clone()))),
                    }),
                    None => outcome.untimed += 1,
                }
            }
        }
    }

    fn merge(&self, outcomes: Vec<FileOutcome>) -> HuntReport {
        let mut summary = Summary {
            rules: self.counts,
            ..Summary::default()
        };
        let mut detections = Vec::new();
        let mut observations = Vec::new();
        for outcome in outcomes {
            if let Some(kind) = outcome.kind {
                *summary.files.entry(kind).or_default() += 1;
                *summary.events.entry(kind).or_default() += outcome.events;
            }
            summary.unreadable.extend(outcome.unreadable);
            for (kind, count) in outcome.skipped {
                *summary.skipped.entry(kind).or_default() += count;
            }
            let room = SKIPPED_EXAMPLES - summary.skipped_examples.len();
            summary
                .skipped_examples
                .extend(outcome.examples.into_iter().take(room));
            summary.untimed_matches += outcome.untimed;
            detections.extend(outcome.detections);
            observations.extend(outcome.observations);
        }
        correlate(
            self.rules,
            observations,
            self.options.min_level,
            &mut detections,
        );
        // Time order; detections without a time at the end; ties by place, then rule.
        detections.sort_by(|a, b| {
            (
                a.timestamp.is_none(),
                a.timestamp,
                &a.source,
                a.record,
                &a.rule_id,
            )
                .cmp(&(
                    b.timestamp.is_none(),
                    b.timestamp,
                    &b.source,
                    b.record,
                    &b.rule_id,
                ))
        });
        for detection in &detections {
            *summary.detections.entry(detection.level).or_default() += 1;
        }
        HuntReport {
            detections,
            summary,
        }
    }
}
