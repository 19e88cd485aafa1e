//! Comparing two plans value by value: [`diff`] lists every value added, removed or changed, by
//! its path in the plan (`playbooks[id=amazon_information].tasks[id=notify_amazon].due`). Arrays
//! whose items all carry an `id` (steps, criteria, playbooks, tasks) are compared by id, so
//! inserting a task does not show every later task as changed.

use serde::Serialize;
use serde_json::Value;

use crate::model::Plan;

/// One difference between two plans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Change {
    /// Where: `review.every_months`, `members.alice`, `escalation[id=on_call].ack_within`.
    pub path: String,
    /// The value in the first plan (absent: added).
    pub before: Option<Value>,
    /// The value in the second plan (absent: removed).
    pub after: Option<Value>,
}

/// Every difference from `before` to `after`, in document order.
pub fn diff(before: &Plan, after: &Plan) -> Vec<Change> {
    let mut changes = Vec::new();
    match (serde_json::to_value(before), serde_json::to_value(after)) {
        (Ok(a), Ok(b)) => walk(String::new(), &a, &b, &mut changes),
        // A plan always serializes (its maps have string keys); should that ever fail, the two
        // are reported as wholly different rather than equal.
        _ => changes.push(Change {
            path: String::new(),
            before: None,
            after: None,
        }),
    }
    changes
}

/// How many values `plan` holds (the size of a first version's change).
pub fn value_count(plan: &Plan) -> u64 {
    fn count(value: &Value) -> u64 {
        match value {
            Value::Object(map) => map.values().map(count).sum(),
            Value::Array(items) => items.iter().map(count).sum(),
            _ => 1,
        }
    }
    serde_json::to_value(plan).map_or(0, |v| count(&v))
}

fn walk(path: String, a: &Value, b: &Value, out: &mut Vec<Change>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, va) in x {
                let p = join(&path, key);
                match y.get(key) {
                    Some(vb) => walk(p, va, vb, out),
                    None => out.push(removed(p, va)),
                }
            }
            for (key, vb) in y.iter().filter(|(k, _)| !x.contains_key(*k)) {
                out.push(added(join(&path, key), vb));
            }
        }
        (Value::Array(x), Value::Array(y)) => match (ids(x), ids(y)) {
            (Some(ix), Some(iy)) => {
                for (id, va) in &ix {
                    let p = format!("{path}[id={id}]");
                    match iy.iter().find(|(other, _)| other == id) {
                        Some((_, vb)) => walk(p, va, vb, out),
                        None => out.push(removed(p, va)),
                    }
                }
                for (id, vb) in iy.iter().filter(|(id, _)| !ix.iter().any(|(o, _)| o == id)) {
                    out.push(added(format!("{path}[id={id}]"), vb));
                }
            }
            _ => out.push(Change {
                path,
                before: Some(a.clone()),
                after: Some(b.clone()),
            }),
        },
        _ => out.push(Change {
            path,
            before: Some(a.clone()),
            after: Some(b.clone()),
        }),
    }
}

/// The items of an array keyed by their `id`, when every item has a distinct string id.
fn ids(items: &[Value]) -> Option<Vec<(&str, &Value)>> {
    let keyed: Vec<(&str, &Value)> = items
        .iter()
        .map(|item| item.get("id").and_then(Value::as_str).map(|id| (id, item)))
        .collect::<Option<_>>()?;
    let distinct = keyed
        .iter()
        .enumerate()
        .all(|(n, (id, _))| !keyed[..n].iter().any(|(other, _)| other == id));
    (distinct && !keyed.is_empty()).then_some(keyed)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn added(path: String, value: &Value) -> Change {
    Change {
        path,
        before: None,
        after: Some(value.clone()),
    }
}

fn removed(path: String, value: &Value) -> Change {
    Change {
        path,
        before: Some(value.clone()),
        after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::default_plan;

    #[test]
    fn a_plan_equals_itself_and_changes_are_named_by_path() {
        let before = default_plan().unwrap();
        assert!(diff(&before, &before).is_empty());
        let mut after = before.clone();
        after.review.approver = "the CEO".into();
        after.escalation[0].ack_within = "10m".parse().unwrap();
        after.playbooks[0].tasks.remove(1);
        after.contacts.remove("insurer");
        let changes = diff(&before, &after);
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "review.approver",
                "escalation[id=on_call_commander].ack_within",
                "contacts.insurer",
                "playbooks[id=every_incident].tasks[id=keep_written_log]",
            ]
        );
        let approver = &changes[paths.iter().position(|p| *p == "review.approver").unwrap()];
        assert_eq!(approver.before, Some(Value::from("senior management")));
        assert_eq!(approver.after, Some(Value::from("the CEO")));
        let removed = paths
            .iter()
            .position(|p| p.ends_with("tasks[id=keep_written_log]"))
            .unwrap();
        assert!(changes[removed].after.is_none());
        assert!(value_count(&before) > 100);
    }
}
