//! The printed JSON Schema describes the format the reader accepts: the default plan, as JSON,
//! conforms to it, and a misspelt field does not.
#![allow(clippy::unwrap_used)]

use serde_json::{Map, Value};

/// Checks `instance` against the parts of JSON Schema the plan's schema uses (`$ref` into
/// `$defs`, `oneOf`/`anyOf`, `const`, `enum`, `type`, `properties`, `required`, `propertyNames`,
/// `additionalProperties`, `items`, `pattern`): unknown and missing keys, element types, key names. Returns the
/// problems with JSON paths.
fn conform(
    schema: &Value,
    defs: &Map<String, Value>,
    instance: &Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/$defs/");
        return conform(&defs[name], defs, instance, at, problems);
    }
    if let Some(options) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        let fits = options.iter().any(|option| {
            let mut sub = Vec::new();
            conform(option, defs, instance, at, &mut sub);
            sub.is_empty()
        });
        if !fits {
            problems.push(format!("{at}: fits none of the alternatives"));
        }
        return;
    }
    if let Some(constant) = schema.get("const") {
        if constant != instance {
            problems.push(format!("{at}: {instance} is not {constant}"));
        }
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(instance) {
            problems.push(format!("{at}: {instance} not one of {allowed:?}"));
        }
        return;
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return,
    };
    let actual = match instance {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if !types.contains(&actual) {
        problems.push(format!("{at}: is {actual}, schema says {types:?}"));
        return;
    }
    match instance {
        Value::String(text) => {
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
                && !regex::Regex::new(pattern).unwrap().is_match(text)
            {
                problems.push(format!("{at}: {text:?} does not match {pattern}"));
            }
        }
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                conform(
                    &schema["items"],
                    defs,
                    item,
                    &format!("{at}[{n}]"),
                    problems,
                );
            }
        }
        Value::Object(object) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for required in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !object.contains_key(required.as_str().unwrap()) {
                    problems.push(format!("{at}: missing {required}"));
                }
            }
            if let Some(names) = schema.get("propertyNames") {
                for key in object.keys() {
                    conform(
                        names,
                        defs,
                        &Value::String(key.clone()),
                        &format!("{at} key {key}"),
                        problems,
                    );
                }
            }
            for (key, value) in object {
                let path = format!("{at}.{key}");
                match (
                    properties.and_then(|p| p.get(key)),
                    schema.get("additionalProperties"),
                ) {
                    (Some(property), _) => conform(property, defs, value, &path, problems),
                    (None, Some(Value::Bool(false))) => {
                        problems.push(format!("{path}: not in the schema"))
                    }
                    (None, Some(extra)) => conform(extra, defs, value, &path, problems),
                    (None, None) => {}
                }
            }
        }
        _ => {}
    }
}

fn problems(instance: &Value) -> Vec<String> {
    let schema = rampart_plan::schema();
    let defs = schema["$defs"].as_object().unwrap().clone();
    let mut problems = Vec::new();
    conform(&schema, &defs, instance, "plan", &mut problems);
    problems
}

#[test]
fn default_plan_conforms_to_the_printed_schema() {
    let plan = serde_json::to_value(rampart_plan::default_plan().unwrap()).unwrap();
    let found = problems(&plan);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn schema_refuses_what_the_reader_refuses() {
    let mut plan = serde_json::to_value(rampart_plan::default_plan().unwrap()).unwrap();
    plan["playbooks"][0]["tasks"][0]["colour"] = Value::from("red");
    plan["roles"]["janitor"] = plan["roles"]["scribe"].clone();
    plan["playbooks"][0]["tasks"][1]["kind"] = Value::from("prayer");
    plan["playbooks"][0]["tasks"][2]["due"] = Value::from("confirmed + soon");
    plan["escalation"][0]["ack_within"] = Value::from("15");
    let found = problems(&plan);
    assert!(
        found.iter().any(|p| p.contains("tasks[0].colour")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|p| p.contains("key janitor")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|p| p.contains("tasks[1].kind")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|p| p.contains("tasks[2].due")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|p| p.contains("escalation[0].ack_within")),
        "{found:#?}"
    );
    assert_eq!(found.len(), 5, "{found:#?}");
}

#[test]
fn schema_names_the_format() {
    let schema = rampart_plan::schema();
    assert_eq!(schema["title"], "Plan");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let task = &schema["$defs"]["Task"]["properties"];
    assert!(task["due"]["pattern"].is_string(), "{task:#}");
}
