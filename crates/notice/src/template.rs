//! Notice templates: minijinja text over a fixed set of fields. A template is checked when it is
//! saved: a syntax error or a field outside [`FIELDS`] is refused with its line and column and the
//! reason, so a notice can never be rendered with a hole in it. Rendering is strict: a field
//! without a value is an error too.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior};

use crate::error::NoticeError;

/// Every field a template may use.
pub const FIELDS: [&str; 14] = [
    "incident.key",
    "incident.title",
    "incident.summary",
    "incident.type",
    "incident.occurred",
    "incident.detected",
    "incident.data",
    "recipient.name",
    "recipient.email",
    "recipient.phone",
    "recipient.address",
    "company.name",
    "company.contact",
    "notice.date",
];

/// The values a template is rendered with: `incident.title` → text.
pub type Values = BTreeMap<String, String>;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env
}

/// Checks `source` (named `name` in errors): it parses and uses only [`FIELDS`].
pub fn check(name: &str, source: &str) -> Result<(), NoticeError> {
    let env = environment();
    let template = env
        .template_from_str(source)
        .map_err(|e| NoticeError::Template {
            name: name.to_owned(),
            line: e.line().unwrap_or(1),
            column: 1,
            reason: e.detail().unwrap_or("it does not parse").to_owned(),
        })?;
    let mut used: Vec<String> = template.undeclared_variables(true).into_iter().collect();
    used.sort();
    for field in used {
        if !FIELDS.contains(&field.as_str()) {
            let (line, column) = place(source, &field);
            return Err(NoticeError::Template {
                name: name.to_owned(),
                line,
                column,
                reason: format!(
                    "unknown field {field:?}; the fields are {}",
                    FIELDS.join(", ")
                ),
            });
        }
    }
    Ok(())
}

/// Renders a checked template with `values` (`incident.title` → text).
pub fn render(name: &str, source: &str, values: &Values) -> Result<String, NoticeError> {
    check(name, source)?;
    let mut context: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for (key, value) in values {
        if let Some((group, field)) = key.split_once('.') {
            context.entry(group).or_default().insert(field, value);
        }
    }
    let env = environment();
    env.render_str(source, context)
        .map_err(|e| NoticeError::Template {
            name: name.to_owned(),
            line: e.line().unwrap_or(1),
            column: 1,
            reason: e.to_string(),
        })
}

/// The line and column (from 1) where `field` (or its first part) first appears in `source`.
fn place(source: &str, field: &str) -> (usize, usize) {
    let needle = field.split('.').next().unwrap_or(field);
    let at = source
        .find(field)
        .or_else(|| source.find(needle))
        .unwrap_or(0);
    let before = &source[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_field_is_refused_with_its_place() {
        let source =
            "Dear {{ recipient.name }},\n\nOn {{ incident.detected }} we saw {{ incident.ssn }}.";
        let err = check("letter.j2", source).unwrap_err().to_string();
        assert!(err.contains("letter.j2:3:"), "{err}");
        assert!(err.contains("unknown field \"incident.ssn\""), "{err}");
        let syntax = check("bad.j2", "Dear {{ recipient.name }")
            .unwrap_err()
            .to_string();
        assert!(syntax.contains("bad.j2:1:"), "{syntax}");
    }

    #[test]
    fn a_template_renders_its_fields() {
        let values: Values = [
            ("recipient.name".to_owned(), "Ana".to_owned()),
            ("incident.key".to_owned(), "INC-2026-0001".to_owned()),
        ]
        .into();
        let out = render(
            "t",
            "Dear {{ recipient.name }} ({{ incident.key }})",
            &values,
        )
        .unwrap();
        assert_eq!(out, "Dear Ana (INC-2026-0001)");
        assert!(render("t", "{{ company.name }}", &values).is_err());
    }
}
