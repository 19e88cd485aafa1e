//! Choosing the reader for a file: by extension where it is decisive, by content otherwise.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use flate2::read::MultiGzDecoder;
use jiff::Timestamp;
use serde_json::Value;

use crate::error::IngestError;
use crate::event::{Record, SourceKind};
use crate::{cloudtrail, evtx, jsonl, syslog};

/// How much (decompressed) content is read to recognise a format.
const SNIFF_BYTES: u64 = 64 * 1024;
const EVTX_MAGIC: &[u8] = b"ElfFile\0";
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
/// Read buffer of the streaming readers.
const BUFFER_BYTES: usize = 256 * 1024;

/// Decide which reader a file needs: `.evtx` or the EVTX signature → EVTX; `.jsonl`/`.ndjson`
/// → JSON lines; otherwise by content (gzip is looked through): a JSON object whose first key
/// is `Records` → CloudTrail, one JSON object per line → JSON lines, another JSON document →
/// CloudTrail (whose reader then reports what is missing), a syslog header → syslog.
pub fn detect_kind(path: &Path) -> Result<SourceKind, IngestError> {
    let open_error = |source| IngestError::Open {
        path: path.to_owned(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".evtx") {
        return Ok(SourceKind::Evtx);
    }
    let head = read_head(path).map_err(open_error)?;
    if head.starts_with(EVTX_MAGIC) {
        return Ok(SourceKind::Evtx);
    }
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        return Ok(SourceKind::JsonLines);
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    if let Some(object) = text.strip_prefix(b"{") {
        let key_start = object
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(object.len());
        if object[key_start..].starts_with(b"\"Records\"") {
            return Ok(SourceKind::CloudTrail);
        }
        return Ok(match serde_json::from_slice::<Value>(first_line) {
            Ok(Value::Object(_)) => SourceKind::JsonLines,
            _ => SourceKind::CloudTrail,
        });
    }
    if syslog::looks_like_syslog(&String::from_utf8_lossy(first_line)) {
        return Ok(SourceKind::Syslog);
    }
    let reason = if text.is_empty() {
        "empty".to_owned()
    } else {
        let shown: String = String::from_utf8_lossy(first_line)
            .chars()
            .take(40)
            .collect();
        format!("begins with {shown:?}")
    };
    Err(IngestError::UnknownFormat {
        path: path.to_owned(),
        reason,
    })
}

/// Read every record of a file with the reader its format needs, handing each event or
/// skipped record to `sink` as it is read. Fails only when the file cannot be read at all.
pub fn read_file(path: &Path, sink: &mut dyn FnMut(Record<'_>)) -> Result<SourceKind, IngestError> {
    let kind = detect_kind(path)?;
    let source: Arc<Path> = Arc::from(path);
    let open_error = |source| IngestError::Open {
        path: path.to_owned(),
        source,
    };
    match kind {
        SourceKind::Evtx => evtx::read_evtx(path, &source, sink)?,
        SourceKind::JsonLines => {
            jsonl::read_json_lines(open_content(path).map_err(open_error)?, &source, sink)
        }
        SourceKind::CloudTrail => {
            cloudtrail::read_cloudtrail(open_content(path).map_err(open_error)?, &source, sink)
        }
        SourceKind::Syslog => {
            let reference = modified(path).unwrap_or_else(Timestamp::now);
            syslog::read_syslog(
                open_content(path).map_err(open_error)?,
                &source,
                reference,
                sink,
            );
        }
    }
    Ok(kind)
}

/// The first [`SNIFF_BYTES`] of the content. A read error after some bytes (a truncated gzip
/// stream) ends the head early: the reader reports it where it happens.
fn read_head(path: &Path) -> io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut reader = open_content(path)?.take(SNIFF_BYTES);
    let mut chunk = [0u8; 8192];
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => return Ok(head),
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) if !head.is_empty() => return Ok(head),
            Err(err) => return Err(err),
        }
    }
}

/// The file's content, decompressed when it is gzip.
fn open_content(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    let mut file = BufReader::with_capacity(BUFFER_BYTES, File::open(path)?);
    if file.fill_buf()?.starts_with(GZIP_MAGIC) {
        let decoder = MultiGzDecoder::new(file);
        return Ok(Box::new(BufReader::with_capacity(BUFFER_BYTES, decoder)));
    }
    Ok(Box::new(file))
}

/// When the file was last written: the reference that dates year-less syslog timestamps.
fn modified(path: &Path) -> Option<Timestamp> {
    let time = std::fs::metadata(path).ok()?.modified().ok()?;
    Timestamp::try_from(time).ok()
}
