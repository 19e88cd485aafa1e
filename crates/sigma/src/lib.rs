//! Sigma rules compiled into fast matchers.
//!
//! The crate turns Sigma YAML (detection rules, correlation rules and global filters of the
//! Sigma specification v2.1) into a [`RuleSet`]: every rule is parsed, its log source resolved
//! through a [`LogSourceMapping`] (a data file, replaceable by the user) and its detection compiled
//! into matchers once. Events are JSON documents ([`Document`]: a JSON line parsed without
//! building a map, or a `serde_json::Value` converted) wrapped in an [`Event`]; [`RuleSet::evaluate`]
//! finds the matching rules through a cross-rule index, and [`RuleSet::evaluate_naive`] does the
//! same by trying every rule, as a reference for differential tests. A [`CorrelationEngine`] turns
//! a stream of rule matches into correlation detections.
//!
//! ```
//! use rampart_sigma::{Document, Event, Matches, RuleSet};
//!
//! let rule = r#"
//! title: Whoami
//! id: 4b6f8e5c-0a3f-4f52-9f53-7f4e0f1a2b3c
//! logsource: {product: windows, category: process_creation}
//! detection:
//!     selection: {Image|endswith: '\whoami.exe'}
//!     condition: selection
//! level: low
//! "#;
//! let (rules, report) = RuleSet::builder().add_str("whoami.yml", rule).build().unwrap();
//! assert!(report.rejected.is_empty());
//! // One document per thread, reused from line to line.
//! let mut document = Document::default();
//! document.parse(r#"{"Event": {"System": {"Channel": "Microsoft-Windows-Sysmon/Operational",
//!     "EventID": 1}, "EventData": {"Image": "C:\\Windows\\System32\\WHOAMI.EXE"}}}"#).unwrap();
//! let mut matches = Matches::default();
//! rules.evaluate(&Event::new(&document), &mut matches);
//! assert_eq!(matches.len(), 1);
//! // Values from elsewhere (EVTX records, syslog lines) are converted.
//! let json = serde_json::json!({"Event": {"System": {"Channel": "Microsoft-Windows-Sysmon/Operational",
//!     "EventID": 1}, "EventData": {"Image": "C:\\Windows\\System32\\WHOAMI.EXE"}}});
//! rules.evaluate(&Event::new(&Document::from_value(&json)), &mut matches);
//! assert_eq!(matches.len(), 1);
//! ```

#![forbid(unsafe_code)]

mod compile;
mod condition;
mod correlation;
mod detection;
mod document;
mod error;
mod event;
mod exact;
mod finder;
mod index;
mod level;
mod load;
mod mapping;
mod matcher;
mod modifier;
mod parse;
mod pattern;
mod presence;
mod re;
mod rule;
mod ruleset;
mod scan;
mod searcher;
mod tails;
mod transform;
mod witness;
mod yaml;

pub use correlation::{CorrelationDetection, CorrelationEngine};
pub use document::{Document, JsonError, Scalar};
pub use error::{LoadError, MappingError, RuleError};
pub use event::Event;
pub use level::Level;
pub use load::{LoadReport, LoadWarning, Rejection};
pub use mapping::LogSourceMapping;
pub use rule::{CorrelationKind, LogSource, RuleKind, RuleMeta, RuleRef, Status};
pub use ruleset::{Matches, RuleSet, RuleSetBuilder};
