//! Log readers: EVTX, JSON lines, CloudTrail (`.json`, `.json.gz`) and syslog (RFC 3164 and
//! 5424, with sshd authentication fields) into one normalized [`LogEvent`] that keeps the
//! original fields for rule matching.
//!
//! An event's fields are a [`rampart_sigma::Document`], the flat form the rule engine reads:
//! JSON lines and CloudTrail records are parsed straight into it, with no `serde_json::Value`
//! tree per record. Each reader reuses one document from record to record and lends the event
//! to its sink; a caller that keeps an event converts its fields with `to_value`.
//!
//! Readers stream: they hand each record to a sink as soon as it is read and never hold a
//! whole file. A record that cannot be read becomes a [`Skipped`] with its file, place (line,
//! byte offset, record id) and reason, and reading goes on with the next one; only a file that
//! cannot be opened or recognised at all is an [`IngestError`]. [`read_file`] picks the reader
//! ([`detect_kind`]); the per-format readers are public for callers that already know the
//! format or read from elsewhere than a file.

#![forbid(unsafe_code)]

mod cloudtrail;
mod error;
mod event;
mod evtx;
mod format;
mod jsonl;
mod lines;
pub mod syslog;
mod timestamp;

pub use cloudtrail::read_cloudtrail;
pub use error::IngestError;
pub use event::{LogEvent, Place, Record, SkipKind, Skipped, SourceKind};
pub use evtx::read_evtx;
pub use format::{detect_kind, read_file};
pub use jsonl::read_json_lines;
pub use syslog::read_syslog;
