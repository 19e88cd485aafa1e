//! The OpenAPI 3.1 document at `/api/openapi.json`, built from the route table: every path and
//! method, its summary, its path parameters, who may call it (`x-rampart-access`), how to
//! authenticate, the one error body, each JSON request body's schema, derived from the Rust type
//! its handler reads ([`super::bodies`]), and each success's status and body schema, derived from
//! the Rust type its handler writes ([`super::replies`]): what the document says is what the
//! server takes and gives.
//!
//! Requests and replies are described by two generators (a type may read more loosely than it is
//! written); a type whose written schema differs from its read one is named `…Reply`.

use axum::Json;
use axum::extract::State;
use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use axum::routing::get;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use rampart_core::incident::Role;

use super::{ReplyBody, ReplySchema, bodies, reply};
use crate::access::{Access, Route, route_table};
use crate::app::App;

fn access_name(access: Access) -> &'static str {
    match access {
        Access::Public => "public",
        Access::SignedIn => "signed_in",
        Access::Read => "read",
        Access::Report => "report",
        Access::Respond => "respond",
        Access::Audit => "audit",
        Access::Administer => "administer",
        Access::ReadPlan => "read_plan",
        Access::Review => "review",
    }
}

/// A path parameter, described as strictly as its handler reads it.
fn parameter(name: &str) -> Value {
    let roles: Vec<&str> = Role::ALL.iter().map(|role| role.name()).collect();
    let schema = match name {
        "key" => json!({ "type": "string", "pattern": INCIDENT_KEY }),
        "id" | "user" => json!({ "type": "string", "format": "uuid" }),
        "sha256" => json!({ "type": "string", "pattern": "^[0-9a-f]{64}$" }),
        "detail" | "page" => json!({ "type": "integer", "minimum": 0 }),
        "role" => json!({ "type": "string", "enum": roles }),
        "task" => json!({ "type": "string", "minLength": 1 }),
        _ => json!({ "type": "string" }),
    };
    json!({ "name": name, "in": "path", "required": true, "schema": schema })
}

/// An incident key as `IncidentKey` parses it: `INC-`, the year (1000–9999), the number from 1
/// in at least four digits, with no leading zero beyond four (and within a `u32`).
const INCIDENT_KEY: &str =
    "^INC-[1-9][0-9]{3}-(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3,8})$";

fn operation_id(method: &Method, path: &str) -> String {
    let mut id = method.as_str().to_lowercase();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        id.push('_');
        id.extend(
            part.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
        );
    }
    id.replace("__", "_").trim_end_matches('_').to_owned()
}

/// Where the schemas are defined, as a JSON pointer and as a `$ref` prefix.
const DEFINITIONS: &str = "/components/schemas";

/// Replaces every `$ref` to a definition renamed in `renames`.
fn rename_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                let target = field
                    .as_str()
                    .and_then(|r| r.strip_prefix(&format!("#{DEFINITIONS}/")))
                    .and_then(|r| renames.get(r));
                match target {
                    Some(new) if name == "$ref" => *field = json!(format!("#{DEFINITIONS}/{new}")),
                    _ => rename_refs(field, renames),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renames)),
        _ => {}
    }
}

/// The responses of every described route by method and path: each success's status and content,
/// with the definitions they refer to added to `schemas`.
fn successes(schemas: &mut Map<String, Value>) -> BTreeMap<(String, String), Map<String, Value>> {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = DEFINITIONS.into())
        .for_serialize()
        .into_generator();
    let mut described: Vec<(ReplySchema, Value)> = super::replies()
        .into_iter()
        .map(|r| {
            let content = match r.body {
                ReplyBody::Json(schema) => {
                    json!({ "application/json": { "schema": schema(&mut generator) } })
                }
                ReplyBody::Raw(media) => json!({ media: { "schema": { "type": "string" } } }),
                ReplyBody::Empty => Value::Null,
            };
            (r, content)
        })
        .collect();
    let mut written = generator.take_definitions(true);
    let renames: BTreeMap<String, String> = written
        .iter()
        .filter(|(name, schema)| schemas.get(*name).is_some_and(|read| read != *schema))
        .map(|(name, _)| (name.clone(), format!("{name}Reply")))
        .collect();
    for (name, mut schema) in std::mem::take(&mut written) {
        rename_refs(&mut schema, &renames);
        schemas.insert(renames.get(&name).cloned().unwrap_or(name), schema);
    }
    let mut found: BTreeMap<(String, String), Map<String, Value>> = BTreeMap::new();
    for (r, content) in &mut described {
        rename_refs(content, &renames);
        let mut response =
            json!({ "description": r.status.canonical_reason().unwrap_or("Success") });
        if let (Some(fields), false) = (response.as_object_mut(), content.is_null()) {
            fields.insert("content".to_owned(), content.take());
        }
        found
            .entry((r.method.to_string(), r.path.to_owned()))
            .or_default()
            .insert(r.status.as_str().to_owned(), response);
    }
    found
}

/// The document.
pub(crate) fn document(public_url: &str) -> Value {
    let mut paths: Map<String, Value> = Map::new();
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = DEFINITIONS.into())
        .for_deserialize()
        .into_generator();
    let bodies: Vec<_> = bodies()
        .into_iter()
        .map(|b| {
            let schema = (b.schema)(&mut generator);
            (b, schema)
        })
        .collect();
    let mut schemas = generator.take_definitions(true);
    let mut successes = successes(&mut schemas);
    // The API and the operational endpoints; the pages are for browsers.
    let described = route_table().into_iter().filter(|r| {
        r.path.starts_with("/api/") || matches!(r.path, "/healthz" | "/metrics" | "/version")
    });
    for route in described {
        let parameters: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|p| p.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
            .map(parameter)
            .collect();
        let security = if route.access == Access::Public {
            json!([])
        } else {
            json!([{ "bearer": [] }, { "session": [] }])
        };
        let mut operation = json!({
            "operationId": operation_id(&route.method, route.path),
            "summary": route.summary,
            "parameters": parameters,
            "security": security,
            "x-rampart-access": access_name(route.access),
        });
        let mut responses = successes
            .remove(&(route.method.to_string(), route.path.to_owned()))
            .unwrap_or_default();
        responses.insert(
            "default".to_owned(),
            json!({
                "description": "An error",
                "content": { "application/json": {
                    "schema": { "$ref": format!("#{DEFINITIONS}/Error") }
                } }
            }),
        );
        if let Some(fields) = operation.as_object_mut() {
            fields.insert("responses".to_owned(), Value::Object(responses));
        }
        let body = bodies
            .iter()
            .find(|(b, _)| b.method == route.method && b.path == route.path);
        if let (Some((_, schema)), Some(fields)) = (body, operation.as_object_mut()) {
            fields.insert(
                "requestBody".to_owned(),
                json!({ "required": true, "content": { "application/json": { "schema": schema } } }),
            );
        }
        let entry = paths
            .entry(route.path.to_owned())
            .or_insert_with(|| json!({}));
        if let Some(methods) = entry.as_object_mut() {
            methods.insert(route.method.as_str().to_lowercase(), operation);
        }
    }
    schemas.insert(
        "Error".to_owned(),
        json!({
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": { "type": "string" },
                "message": { "type": "string" },
                "details": { "type": "object" }
            }
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Rampart",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Incident response: incidents, their hash-chained log, evidence, accounts."
        },
        "servers": [{ "url": public_url }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE }
            },
            "schemas": schemas
        }
    })
}

async fn openapi(State(app): State<App>) -> Json<Value> {
    Json(document(&app.config().public_url))
}

/// What the document's route answers: any JSON (the document itself).
pub(crate) fn replies() -> Vec<ReplySchema> {
    vec![reply::<Value>(
        Method::GET,
        "/api/openapi.json",
        StatusCode::OK,
    )]
}

/// The route of the document.
pub(crate) fn routes() -> Vec<Route> {
    vec![Route {
        method: Method::GET,
        path: "/api/openapi.json",
        access: Access::Public,
        summary: "This API's OpenAPI 3.1 document",
        handler: get(openapi),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_described_with_its_parameters() {
        let doc = document("http://127.0.0.1:8080");
        let paths = doc["paths"].as_object().unwrap();
        let operations: usize = paths.values().map(|m| m.as_object().unwrap().len()).sum();
        let outside_api = route_table()
            .iter()
            .filter(|r| !r.path.starts_with("/api/"))
            .count();
        assert_eq!(
            operations + outside_api,
            route_table().len() + 3,
            "every API route and the three operational ones"
        );
        assert!(paths.contains_key("/api/v1/incidents") && !paths.contains_key("/incidents"));
        let download = &doc["paths"]["/api/v1/incidents/{key}/evidence/{sha256}"]["get"];
        assert_eq!(download["parameters"][1]["name"], "sha256");
        assert_eq!(download["x-rampart-access"], "read");
        let open = &doc["paths"]["/api/v1/incidents"]["post"]["requestBody"];
        let reference = &open["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(reference, "#/components/schemas/OpenBody");
        let schema = &doc["components"]["schemas"]["OpenBody"];
        assert_eq!(
            schema["additionalProperties"], false,
            "unknown fields are refused"
        );
        assert_eq!(schema["required"], json!(["title", "type"]));
        assert!(doc["components"]["schemas"]["Error"].is_object());
        let clocks = &doc["paths"]["/api/v1/clocks"]["get"]["responses"]["200"];
        let reference = &clocks["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(reference, "#/components/schemas/ClocksBody");
        let clock = &doc["components"]["schemas"]["ClockBody"]["properties"];
        assert!(
            clock["due"].is_object() && clock["outcome"].is_object(),
            "{clock}"
        );
        assert_eq!(
            operation_id(&Method::GET, "/api/v1/incidents/{key}"),
            "get_api_v1_incidents_key"
        );
    }

    #[test]
    fn path_parameters_are_described_as_their_handlers_read_them() {
        let doc = document("http://127.0.0.1:8080");
        let mut seen = std::collections::BTreeMap::new();
        for methods in doc["paths"].as_object().unwrap().values() {
            for operation in methods.as_object().unwrap().values() {
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let name = parameter["name"].as_str().unwrap().to_owned();
                    seen.insert(name, parameter["schema"].clone());
                }
            }
        }
        let names: Vec<&str> = seen.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "detail", "id", "key", "page", "role", "sha256", "task", "user"
            ],
            "a new path parameter needs its schema in `parameter`"
        );
        assert_eq!(seen["page"]["type"], "integer");
        assert_eq!(seen["detail"]["type"], "integer");
        assert!(
            seen["role"]["enum"]
                .as_array()
                .unwrap()
                .contains(&json!("impoc"))
        );
        assert_eq!(seen["key"]["pattern"], INCIDENT_KEY);
    }

    #[test]
    fn request_bodies_carry_the_constraints_their_handlers_check() {
        let doc = document("http://127.0.0.1:8080");
        let schemas = &doc["components"]["schemas"];
        let names = |schema: &Value| schema["enum"].as_array().cloned().unwrap_or_default();
        let user = &schemas["NewUserBody"]["properties"];
        assert!(names(&user["role"]).contains(&json!("responder")));
        assert_eq!(user["name"]["maxLength"], 64);
        let setup = &schemas["SetupBody"]["properties"];
        assert_eq!(setup["password"]["minLength"], 12);
        let transition = &schemas["TransitionBody"]["properties"];
        assert!(names(&transition["state"]).contains(&json!("containment")));
    }

    #[test]
    fn the_key_pattern_takes_the_keys_the_server_parses() {
        let pattern = regex::Regex::new(INCIDENT_KEY).unwrap();
        for text in [
            "INC-2026-0001",
            "INC-2026-0042",
            "INC-2026-9999",
            "INC-2026-10000",
            "INC-1000-0001",
            "INC-9999-123456789",
            "INC-2026-0000",
            "INC-0999-0001",
            "INC-2026-00001",
            "INC-2026-001",
            "INC-2026-1",
            "INC-26-0001",
            "inc-2026-0001",
            "INC-2026-0001 ",
            "INC-2026-",
        ] {
            let parses = text.parse::<rampart_core::IncidentKey>().is_ok();
            assert_eq!(pattern.is_match(text), parses, "{text}");
        }
    }

    #[test]
    fn every_described_route_says_what_it_answers() {
        let doc = document("http://127.0.0.1:8080");
        for (path, methods) in doc["paths"].as_object().unwrap() {
            for (method, operation) in methods.as_object().unwrap() {
                let responses = operation["responses"].as_object().unwrap();
                assert!(
                    responses.keys().any(|s| s.starts_with('2')),
                    "{method} {path} does not say what it answers on success"
                );
            }
        }
        let table = route_table();
        for reply in super::super::replies() {
            assert!(
                table
                    .iter()
                    .any(|r| r.method == reply.method && r.path == reply.path),
                "{} {} has a reply but no route",
                reply.method,
                reply.path
            );
        }
        let show = &doc["paths"]["/api/v1/incidents/{key}"]["get"]["responses"]["200"];
        let schema = &show["content"]["application/json"]["schema"]["$ref"];
        let name = schema.as_str().unwrap().rsplit('/').next().unwrap();
        let incident = &doc["components"]["schemas"][name];
        assert!(
            incident["required"]
                .as_array()
                .unwrap()
                .contains(&json!("key"))
        );
        let text = doc.to_string();
        for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(
                doc["components"]["schemas"].get(name).is_some(),
                "{name} is referred to but not defined"
            );
        }
    }

    #[test]
    fn every_body_schema_belongs_to_a_route() {
        let table = route_table();
        for body in bodies() {
            assert!(
                table
                    .iter()
                    .any(|r| r.method == body.method && r.path == body.path),
                "{} {} has a body schema but no route",
                body.method,
                body.path
            );
        }
    }
}
