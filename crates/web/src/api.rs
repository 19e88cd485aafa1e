//! The REST API under `/api/v1`: incidents and their log, evidence, verification and export
//! (`incidents`, `evidence`), accounts, sessions and tokens (`accounts`), and the OpenAPI
//! document built from the route table (`openapi`).
//!
//! Bodies are JSON with unknown fields refused ([`ApiJson`]); every failure is the one error body
//! of [`crate::error`]. Incidents outside what the caller may see answer 404, as if absent.

mod accounts;
pub(crate) mod clocks;
mod evidence;
mod incidents;
mod openapi;
pub(crate) mod plan;
mod record;
pub(crate) mod respond;

pub(crate) use accounts::{check_name, new_link, sign_in_with, take_link};
pub use evidence::EvidenceItem;
pub(crate) use evidence::add_evidence;
pub(crate) use incidents::{change, context, decode_cursor, encode_cursor, now};

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use rampart_core::{Incident, IncidentId, IncidentKey};
use rampart_store::{IncidentRef, Visibility};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::access::Route;
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};

/// Every API route.
pub(crate) fn routes() -> Vec<Route> {
    let mut all = accounts::routes();
    all.extend(incidents::routes());
    all.extend(record::routes());
    all.extend(evidence::routes());
    all.extend(openapi::routes());
    all.extend(plan::routes());
    all.extend(respond::routes());
    all.extend(clocks::routes());
    all
}

/// The JSON request body a route takes, described for the OpenAPI document by the schema of the
/// Rust type its handler reads.
pub(crate) struct BodySchema {
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    pub(crate) schema: fn(&mut SchemaGenerator) -> Schema,
}

/// The body of `method path` is a `T`.
pub(crate) fn body<T: JsonSchema>(method: Method, path: &'static str) -> BodySchema {
    BodySchema {
        method,
        path,
        schema: |generator| generator.subschema_for::<T>(),
    }
}

/// Every API route's JSON request body.
pub(crate) fn bodies() -> Vec<BodySchema> {
    let mut all = accounts::bodies();
    all.extend(incidents::bodies());
    all.extend(record::bodies());
    all.extend(evidence::bodies());
    all
}

/// What a route answers when it succeeds, described for the OpenAPI document.
pub(crate) struct ReplySchema {
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) body: ReplyBody,
}

/// The body of a success.
pub(crate) enum ReplyBody {
    /// JSON: the schema of the Rust type the handler serializes.
    Json(fn(&mut SchemaGenerator) -> Schema),
    /// Bytes of this media type (`*/*`: the stored one).
    Raw(&'static str),
    /// Nothing (204).
    Empty,
}

/// `method path` answers `status` with a `T` as JSON.
pub(crate) fn reply<T: JsonSchema>(
    method: Method,
    path: &'static str,
    status: StatusCode,
) -> ReplySchema {
    ReplySchema {
        method,
        path,
        status,
        body: ReplyBody::Json(|generator| generator.subschema_for::<T>()),
    }
}

/// The schema of a string that must be one of `names` (the names an enum parses).
pub(crate) fn one_of(names: impl IntoIterator<Item = &'static str>) -> Schema {
    let names: Vec<&str> = names.into_iter().collect();
    schemars::json_schema!({ "type": "string", "enum": names })
}

/// `method path` answers 204 No Content.
pub(crate) fn no_content(method: Method, path: &'static str) -> ReplySchema {
    ReplySchema {
        method,
        path,
        status: StatusCode::NO_CONTENT,
        body: ReplyBody::Empty,
    }
}

/// Every described route's success.
pub(crate) fn replies() -> Vec<ReplySchema> {
    let mut all = accounts::replies();
    all.extend(incidents::replies());
    all.extend(record::replies());
    all.extend(evidence::replies());
    all.extend(plan::replies());
    all.extend(respond::replies());
    all.extend(clocks::replies());
    all.extend(openapi::replies());
    all.extend(crate::telemetry::replies());
    all
}

/// A JSON body of type `T`: `Content-Type: application/json`, at most the configured size, and
/// every field known; a field that does not fit is named by its path in `details.path`.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<T: DeserializeOwned> FromRequest<App> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, app: &App) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "this route takes a JSON body: send Content-Type: application/json",
            ));
        }
        let limit = app.config().max_json_bytes;
        let body = axum::body::to_bytes(request.into_body(), limit)
            .await
            .map_err(|_| too_large("JSON body", limit))?;
        parse_json(&body).map(ApiJson)
    }
}

/// `body` as a `T`, or a 400 naming the field that does not fit.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ApiError::new(
            ErrorCode::InvalidJson,
            format!("the JSON body is not valid at {path}: {inner}"),
        )
        .with_details(json!({ "path": path, "line": inner.line(), "column": inner.column() }))
    })
}

/// A 413 for `what` over `limit` bytes.
pub(crate) fn too_large(what: &str, limit: usize) -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!("the {what} is larger than the limit of {limit} bytes, or could not be read whole"),
    )
    .with_details(json!({ "limit": limit }))
}

/// Query parameters of type `T`, unknown ones refused.
#[derive(Debug)]
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<T: DeserializeOwned> FromRequestParts<App> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &App) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| ApiQuery(q.0))
            .map_err(|e| ApiError::bad_request(format!("query parameters: {}", e.body_text())))
    }
}

/// Path parameters of type `T`; one that does not parse is a 400 with the error body.
#[derive(Debug)]
pub(crate) struct ApiPath<T>(pub(crate) T);

impl<T: DeserializeOwned + Send> FromRequestParts<App> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, app)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| ApiError::bad_request(format!("path: {}", e.body_text())))
    }
}

/// An incident key (`INC-2026-0042`) or id as written in a path.
pub(crate) fn incident_ref(text: &str) -> Result<IncidentRef, ApiError> {
    if let Ok(key) = text.parse::<IncidentKey>() {
        return Ok(IncidentRef::Key(key));
    }
    text.parse::<IncidentId>()
        .map(IncidentRef::Id)
        .map_err(|_| {
            ApiError::bad_request(format!(
                "{text:?} is not an incident key such as INC-2026-0042 or an incident id (a UUID)"
            ))
        })
}

/// The incident `text` names, if `principal` may see it; 404 otherwise.
pub(crate) async fn visible_incident(
    app: &App,
    principal: &Principal,
    text: &str,
) -> Result<Incident, ApiError> {
    let which = incident_ref(text)?;
    let incident = app.store().incident(which).await?;
    if may_see(app, &principal.visibility(), &incident).await? {
        Ok(incident)
    } else {
        Err(ApiError::not_found(format!("incident {which}")))
    }
}

/// Whether `incident` is within `visibility`.
async fn may_see(
    app: &App,
    visibility: &Visibility,
    incident: &Incident,
) -> Result<bool, ApiError> {
    Ok(match visibility {
        Visibility::All => true,
        Visibility::OpenedBy(actor) => incident.opened_by() == actor,
        Visibility::SharedWith(user) => app.store().is_shared(incident.id(), *user).await?,
    })
}
