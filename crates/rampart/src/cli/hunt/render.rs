//! Detections on stdout: JSON lines, CSV or an aligned table.

use std::io::{self, BufWriter, Write};

use rampart_detect::{Detection, DetectionKind};
use serde::Serialize;
use serde_json::value::RawValue;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    JsonLines,
    Csv,
    Table,
}

/// One detection as a JSON line or CSV row.
#[derive(Serialize)]
struct Line<'a> {
    rule_id: Option<&'a str>,
    rule_title: &'a str,
    level: &'a str,
    kind: &'a str,
    timestamp: Option<String>,
    source: Option<String>,
    record: Option<u64>,
    tags: &'a [String],
    event: &'a RawValue,
}

impl<'a> From<&'a Detection> for Line<'a> {
    fn from(d: &'a Detection) -> Self {
        Line {
            rule_id: d.rule_id.as_deref(),
            rule_title: &d.rule_title,
            level: d.level.as_str(),
            kind: match d.kind {
                DetectionKind::Match => "match",
                DetectionKind::Correlation => "correlation",
            },
            timestamp: d.timestamp.map(|t| t.to_string()),
            source: d.source.as_ref().map(|s| s.display().to_string()),
            record: d.record,
            tags: &d.tags,
            event: &d.event,
        }
    }
}

/// Write the detections to stdout; a closed pipe (`| head`) ends the output quietly.
pub(super) fn write(format: Format, detections: &[Detection]) -> anyhow::Result<()> {
    let out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let result = match format {
        Format::JsonLines => json_lines(out, detections),
        Format::Csv => csv(out, detections),
        Format::Table => table(out, detections),
    };
    match result {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn json_lines(mut out: impl Write, detections: &[Detection]) -> io::Result<()> {
    for detection in detections {
        serde_json::to_writer(&mut out, &Line::from(detection))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

fn csv(out: impl Write, detections: &[Detection]) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "timestamp",
        "level",
        "rule_id",
        "rule_title",
        "kind",
        "source",
        "record",
        "tags",
        "event",
    ])?;
    for detection in detections {
        let line = Line::from(detection);
        writer.write_record([
            line.timestamp.as_deref().unwrap_or_default(),
            line.level,
            line.rule_id.unwrap_or_default(),
            line.rule_title,
            line.kind,
            line.source.as_deref().unwrap_or_default(),
            &line.record.map(|r| r.to_string()).unwrap_or_default(),
            &line.tags.join(";"),
            line.event.get(),
        ])?;
    }
    writer.flush()
}

/// Longest rule title shown in the table; the JSON and CSV outputs carry it whole.
const TITLE_WIDTH: usize = 70;

fn table(mut out: impl Write, detections: &[Detection]) -> io::Result<()> {
    let rows: Vec<[String; 5]> = detections
        .iter()
        .map(|d| {
            let source = d.source.as_ref().map_or_else(String::new, |s| {
                let name = s.file_name().map_or_else(
                    || s.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                match d.record {
                    Some(record) => format!("{name}#{record}"),
                    None => name,
                }
            });
            let title = if d.rule_title.chars().count() > TITLE_WIDTH {
                let cut: String = d.rule_title.chars().take(TITLE_WIDTH - 1).collect();
                format!("{cut}…")
            } else {
                d.rule_title.clone()
            };
            let when = d
                .timestamp
                .map_or_else(|| "-".to_owned(), |t| t.to_string());
            [
                when,
                d.level.as_str().to_owned(),
                title,
                source,
                d.tags.join(" "),
            ]
        })
        .collect();
    let header = ["TIME", "LEVEL", "RULE", "SOURCE", "TAGS"].map(str::to_owned);
    let mut widths = header.each_ref().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width + 2 - cell.chars().count()));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    out.flush()
}
