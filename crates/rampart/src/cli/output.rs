//! Human and machine output: aligned tables on stdout for people, one JSON document for `--json`.
//!
//! The table printer is a few lines by hand: the tables are small, plain and column-aligned, and a
//! table crate would bring box drawing, terminal detection and width logic this never needs.

use std::io::{self, Write};

use serde::Serialize;

/// Prints `value` as pretty JSON followed by a newline.
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Prints rows under a header, each column padded to its widest cell (counted in characters).
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = io::stdout().lock();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Prints `label: value` pairs with the values aligned.
pub(crate) fn fields(pairs: &[(&str, String)]) -> anyhow::Result<()> {
    let width = pairs
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = io::stdout().lock();
    for (label, value) in pairs {
        writeln!(out, "{label:<width$}  {value}")?;
    }
    Ok(())
}
