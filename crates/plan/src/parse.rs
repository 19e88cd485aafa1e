//! Reading a plan from TOML text: shape errors from the deserializer carry a byte span; rule
//! problems from [`Plan::check`] carry a [`Path`], found in the spanned document tree. Both become
//! lines. A plan is returned only when it has no problem at all.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Located, Path, PlanError, Step};
use crate::model::Plan;

impl Plan {
    /// Reads and checks a plan. `source_name` names the file in error messages; `text` is its
    /// content. Refuses the whole plan on any problem, listing each with its line.
    pub fn from_toml(source_name: &str, text: &str) -> Result<Plan, PlanError> {
        let refuse = |problems: Vec<Located>| PlanError {
            source_name: source_name.to_owned(),
            problems,
        };
        let plan: Plan = toml::from_str(text).map_err(|err| {
            refuse(vec![Located {
                line: err.span().map_or(1, |span| line_of(text, span.start)),
                path: None,
                message: err.message().trim().to_owned(),
            }])
        })?;
        let problems = plan.check();
        if problems.is_empty() {
            return Ok(plan);
        }
        // The text deserialized, so it parses; an unlocatable problem falls back to line 1.
        let document = DeTable::parse(text).ok();
        let mut located: Vec<Located> = problems
            .into_iter()
            .map(|problem| Located {
                line: document
                    .as_ref()
                    .and_then(|doc| span_of(doc, &problem.path))
                    .map_or(1, |start| line_of(text, start)),
                path: Some(problem.path),
                message: problem.message,
            })
            .collect();
        located.sort_by_key(|l| l.line);
        Err(refuse(located))
    }
}

/// The 1-based line holding byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Where the value at `path` starts, or its nearest ancestor when the path runs out (a missing
/// key is reported at the table that should hold it).
fn span_of(document: &Spanned<DeTable<'_>>, path: &Path) -> Option<usize> {
    let mut start = document.span().start;
    let mut table: Option<&DeTable<'_>> = Some(document.get_ref());
    let mut value: Option<&Spanned<DeValue<'_>>> = None;
    for step in &path.0 {
        let next = match (step, table, value) {
            (Step::Key(key), Some(t), _) => {
                t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
            }
            (Step::Key(key), None, Some(v)) => v.get_ref().get(key.as_str()),
            (Step::Index(index), _, Some(v)) => v.get_ref().get(*index),
            _ => None,
        };
        let Some(next) = next else { break };
        start = next.span().start;
        value = Some(next);
        table = None;
    }
    Some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_from_one() {
        let text = "a = 1\nb = 2\n";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 6), 2);
        assert_eq!(line_of(text, 999), 3);
    }
}
