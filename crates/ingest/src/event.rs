//! The normalized event every reader produces, and the record of what a reader had to skip.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;
use rampart_sigma::Document;

/// The kind of log a file holds, which decides the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// Windows XML event log (binary `.evtx`).
    Evtx,
    /// One JSON object per line.
    JsonLines,
    /// AWS CloudTrail log file: `{"Records": [...]}`.
    CloudTrail,
    /// Syslog lines, RFC 3164 (BSD) or RFC 5424.
    Syslog,
}

impl SourceKind {
    /// A short lowercase name, as shown in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Evtx => "evtx",
            Self::JsonLines => "jsonl",
            Self::CloudTrail => "cloudtrail",
            Self::Syslog => "syslog",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One log entry read from a file, normalized for rule matching, lent to the reader's sink.
#[derive(Debug, Clone, Copy)]
pub struct LogEvent<'a> {
    /// The entry's fields as a JSON object, in the flat form the rule engine reads and in the
    /// shape rules match against: the evtx crate's JSON for EVTX (`Event.System.*`,
    /// `Event.EventData.*`), the record as written for CloudTrail and JSON lines, and a flat
    /// object for syslog (see [`crate::syslog`]). The reader reuses it for the next entry:
    /// [`Document::to_value`] keeps one.
    pub fields: &'a Document,
    /// The file the entry came from.
    pub source: &'a Arc<Path>,
    /// Where in the file: the EVTX record id, the line number (JSON lines, syslog) or the
    /// 1-based position in the `Records` array (CloudTrail).
    pub record: u64,
    /// When the entry was written, when the source says so.
    pub timestamp: Option<Timestamp>,
    /// The kind of source it was read from.
    pub kind: SourceKind,
}

/// Where in a file a skipped record sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A 1-based line number.
    Line(u64),
    /// A 1-based line and column (JSON documents spanning lines).
    LineColumn {
        /// The line.
        line: u64,
        /// The column.
        column: u64,
    },
    /// A byte offset from the start of the file (of its decompressed content for gzip).
    Byte(u64),
    /// An EVTX record id.
    RecordId(u64),
    /// The 1-based position of an element in a CloudTrail `Records` array.
    Element(u64),
    /// The file as a whole.
    File,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(line) => write!(f, "line {line}"),
            Self::LineColumn { line, column } => write!(f, "line {line} column {column}"),
            Self::Byte(offset) => write!(f, "byte {offset}"),
            Self::RecordId(id) => write!(f, "record {id}"),
            Self::Element(n) => write!(f, "Records[{n}]"),
            Self::File => f.write_str("whole file"),
        }
    }
}

/// Why a record was skipped; the grouping key of a hunt summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipKind {
    /// A line or element that is not valid JSON.
    InvalidJson,
    /// Valid JSON that is not an object (events must be objects).
    NotAnObject,
    /// A syslog line that follows neither RFC 3164 nor RFC 5424.
    InvalidSyslog,
    /// A line that is not valid UTF-8.
    InvalidUtf8,
    /// An EVTX chunk or record the parser could not read.
    InvalidEvtx,
    /// A `.json` file that is JSON but not a CloudTrail `{"Records": [...]}` document.
    NotCloudTrail,
    /// The file ends early or cannot be read further (truncated gzip, I/O error); what
    /// follows the place is lost.
    Truncated,
}

impl SkipKind {
    /// A short description, as shown in reports.
    pub fn describe(self) -> &'static str {
        match self {
            Self::InvalidJson => "invalid JSON",
            Self::NotAnObject => "JSON value is not an object",
            Self::InvalidSyslog => "not a syslog line",
            Self::InvalidUtf8 => "invalid UTF-8",
            Self::InvalidEvtx => "unreadable EVTX chunk or record",
            Self::NotCloudTrail => "not a CloudTrail Records document",
            Self::Truncated => "file truncated or unreadable from here on",
        }
    }
}

impl fmt::Display for SkipKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A record a reader could not turn into an event: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub source: Arc<Path>,
    /// Where in the file.
    pub place: Place,
    /// The class of failure.
    pub kind: SkipKind,
    /// The parser's own explanation.
    pub detail: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}: {}",
            self.source.display(),
            self.place,
            self.kind,
            self.detail
        )
    }
}

/// What a reader hands its sink for each record: the event, or why it was skipped.
pub type Record<'a> = Result<LogEvent<'a>, Skipped>;
