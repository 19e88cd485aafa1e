//! The OpenAPI 3.1 document at `/api/openapi.json`, built from the route table: every path and
//! method, its summary, its path parameters, who may call it (`x-rampart-access`), how to
//! authenticate, the one error body, and each JSON request body's schema, derived from the Rust
//! type its handler reads ([`super::bodies`]), so what the document says is what the server takes.

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::{bodies, responses};
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

fn parameter(name: &str) -> Value {
    let schema = match name {
        "id" | "user" => json!({ "type": "string", "format": "uuid" }),
        "sha256" => json!({ "type": "string", "pattern": "^[0-9a-f]{64}$" }),
        _ => json!({ "type": "string" }),
    };
    json!({ "name": name, "in": "path", "required": true, "schema": schema })
}

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

/// The document.
pub(crate) fn document(public_url: &str) -> Value {
    let mut paths: Map<String, Value> = Map::new();
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .for_deserialize()
        .into_generator();
    let bodies = bodies();
    let answers = responses();
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
            "responses": {
                "2XX": { "description": "Success" },
                "default": {
                    "description": "An error",
                    "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/Error" }
                    } }
                }
            }
        });
        let body = bodies
            .iter()
            .find(|b| b.method == route.method && b.path == route.path);
        if let (Some(body), Some(fields)) = (body, operation.as_object_mut()) {
            let schema = (body.schema)(&mut generator);
            fields.insert(
                "requestBody".to_owned(),
                json!({ "required": true, "content": { "application/json": { "schema": schema } } }),
            );
        }
        let answer = answers
            .iter()
            .find(|a| a.method == route.method && a.path == route.path);
        if let Some(answer) = answer {
            let schema = (answer.schema)(&mut generator);
            if let Some(all) = operation["responses"].as_object_mut() {
                all.remove("2XX");
            }
            operation["responses"]["200"] = json!({
                "description": "Success",
                "content": { "application/json": { "schema": schema } }
            });
        }
        let entry = paths
            .entry(route.path.to_owned())
            .or_insert_with(|| json!({}));
        if let Some(methods) = entry.as_object_mut() {
            methods.insert(route.method.as_str().to_lowercase(), operation);
        }
    }
    let mut schemas = generator.take_definitions(true);
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
