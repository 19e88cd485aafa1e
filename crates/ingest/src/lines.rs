//! Line-by-line reading with one reused buffer, shared by the line-oriented readers.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use crate::event::{Place, SkipKind, Skipped};

/// A line reader that numbers lines, strips line endings and skips blank lines.
pub(crate) struct Lines<'a, R> {
    reader: R,
    source: &'a Arc<Path>,
    buffer: Vec<u8>,
    number: u64,
}

/// What [`Lines::next_line`] found.
pub(crate) enum LineOutcome<'b> {
    /// A non-blank line: its 1-based number and its bytes without the line ending.
    Line(u64, &'b [u8]),
    /// The end of the input.
    End,
    /// The input cannot be read further.
    Failed(Skipped),
}

impl<'a, R: BufRead> Lines<'a, R> {
    pub(crate) fn new(reader: R, source: &'a Arc<Path>) -> Self {
        Self {
            reader,
            source,
            buffer: Vec::with_capacity(4096),
            number: 0,
        }
    }

    pub(crate) fn next_line(&mut self) -> LineOutcome<'_> {
        loop {
            self.buffer.clear();
            match self.reader.read_until(b'\n', &mut self.buffer) {
                Ok(0) => return LineOutcome::End,
                Ok(_) => {
                    self.number += 1;
                    let line = trim_line_end(&self.buffer);
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let end = line.len();
                    return LineOutcome::Line(self.number, &self.buffer[..end]);
                }
                Err(err) => {
                    return LineOutcome::Failed(Skipped {
                        source: Arc::clone(self.source),
                        place: Place::Line(self.number + 1),
                        kind: SkipKind::Truncated,
                        detail: err.to_string(),
                    });
                }
            }
        }
    }
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}
