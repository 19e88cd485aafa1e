//! Errors: [`ValueError`] when one value in a plan cannot be read, [`Problem`] when a plan breaks a
//! rule (found by [`crate::Plan::check`], located by a [`Path`]), and [`PlanError`], every problem
//! of a plan file with the line it is on.

use std::fmt;

/// A single value of the plan that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Not a length of time.
    #[error("{value:?} is not a length of time: {reason} (examples: 15m, 4h, 1d12h)")]
    Window {
        /// The rejected text.
        value: String,
        /// Why.
        reason: &'static str,
    },
    /// A due time that does not start with an incident timestamp.
    #[error(
        "{value:?} is not a due time: write TIMESTAMP + LENGTH with TIMESTAMP one of {allowed} (example: detected + 24h)"
    )]
    Anchor {
        /// The rejected text.
        value: String,
        /// The timestamps accepted.
        allowed: String,
    },
    /// An escalation target not of the form `rotation:ID`, `member:ID` or `role:NAME`.
    #[error("{value:?} is not a page target: write rotation:ID, member:ID or role:NAME")]
    Target {
        /// The rejected text.
        value: String,
    },
    /// A name from the incident vocabulary that is not known.
    #[error(transparent)]
    Domain(#[from] rampart_core::DomainError),
}

/// One step of the way into a plan document: a table key or an array position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A key of a table.
    Key(String),
    /// A position in an array, from 0.
    Index(usize),
}

/// Where in a plan a problem is: `playbooks[2].tasks[0].role`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Step>);

impl Path {
    /// This path extended by a key.
    pub fn key(&self, key: &str) -> Path {
        let mut steps = self.0.clone();
        steps.push(Step::Key(key.to_owned()));
        Path(steps)
    }

    /// This path extended by an array position.
    pub fn index(&self, index: usize) -> Path {
        let mut steps = self.0.clone();
        steps.push(Step::Index(index));
        Path(steps)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, step) in self.0.iter().enumerate() {
            match step {
                Step::Key(key) if n == 0 => f.write_str(key)?,
                Step::Key(key) => write!(f, ".{key}")?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A rule of the plan format that a plan breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub path: Path,
    /// What is wrong, in a sentence that names the offending value.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// One problem of a plan file, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The line, from 1 (the first line of the file when the place cannot be found).
    pub line: usize,
    /// Where in the document, when known.
    pub path: Option<Path>,
    /// What is wrong.
    pub message: String,
}

/// A plan file that is refused, with every problem found (a file that cannot be read as the plan
/// format at all has one problem: the first place reading stopped).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlanError {
    /// The file name as given to the parser.
    pub source_name: String,
    /// The problems, in line order.
    pub problems: Vec<Located>,
}

impl fmt::Display for PlanError {
    /// One `file:line: problem` per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, problem) in self.problems.iter().enumerate() {
            if n > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}:{}: ", self.source_name, problem.line)?;
            if let Some(path) = &problem.path {
                write!(f, "{path}: ")?;
            }
            f.write_str(&problem.message)?;
        }
        Ok(())
    }
}
