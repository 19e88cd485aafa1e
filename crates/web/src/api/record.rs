//! Changes that can move notification clocks: the descriptive fields and timestamps (`PATCH`),
//! the facts that start clocks (residents per region, legal process, materiality) and the
//! severity set by hand. Each entry's text names the clocks it moves, in the words
//! `rampart incident update` and `rampart incident facts` write locally.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{patch, post};
use rampart_core::Command;
use rampart_core::incident::{FactsRecorded, Severity, Updated};
use schemars::JsonSchema;
use serde::Deserialize;

use super::incidents::{Changed, change_with};
use super::{ApiJson, ApiPath, BodySchema, ReplySchema, body, reply};
use crate::access::{Access, Route, route};
use crate::app::App;
use crate::auth::Principal;
use crate::error::ApiError;

const FACTS: &str = "/api/v1/incidents/{key}/facts";
const SEVERITY: &str = "/api/v1/incidents/{key}/severity";
const INCIDENT: &str = "/api/v1/incidents/{key}";

/// Appends `command` on the incident `key`, its text naming the clocks it moves.
async fn moving_clocks(
    app: &App,
    principal: &Principal,
    key: &str,
    command: Command,
) -> Result<Response, ApiError> {
    let company = super::clocks::company(app)?;
    change_with(
        app,
        principal,
        key,
        command,
        String::new(),
        Some(&company.clocks),
    )
    .await
}

async fn update(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<Updated>,
) -> Result<Response, ApiError> {
    moving_clocks(&app, &principal, &key, Command::Update(body)).await
}

async fn facts(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<FactsRecorded>,
) -> Result<Response, ApiError> {
    moving_clocks(&app, &principal, &key, Command::RecordFacts(body)).await
}

/// The severity set by hand, or handed back to the impact matrix.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeverityBody {
    /// `low`, `medium`, `high` or `critical`; null hands the severity back to the impact matrix.
    #[schemars(with = "Option<String>")]
    severity: Option<Severity>,
    /// Why.
    reason: String,
}

async fn severity(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<SeverityBody>,
) -> Result<Response, ApiError> {
    let command = Command::OverrideSeverity {
        severity: body.severity,
        reason: body.reason,
    };
    moving_clocks(&app, &principal, &key, command).await
}

/// The JSON bodies of these routes.
pub(super) fn bodies() -> Vec<BodySchema> {
    vec![
        body::<Updated>(Method::PATCH, INCIDENT),
        body::<FactsRecorded>(Method::POST, FACTS),
        body::<SeverityBody>(Method::POST, SEVERITY),
    ]
}

/// What these routes answer: the incident after the change and its log entry.
pub(super) fn replies() -> Vec<ReplySchema> {
    vec![
        reply::<Changed>(Method::PATCH, INCIDENT, StatusCode::OK),
        reply::<Changed>(Method::POST, FACTS, StatusCode::OK),
        reply::<Changed>(Method::POST, SEVERITY, StatusCode::OK),
    ]
}

/// The routes.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::PATCH,
            INCIDENT,
            Access::Respond,
            "Change title, summary, type, flags, impact or timestamps",
            patch(update),
        ),
        route(
            Method::POST,
            FACTS,
            Access::Respond,
            "Record the facts that start notification clocks: residents per region, legal \
             process, materiality",
            post(facts),
        ),
        route(
            Method::POST,
            SEVERITY,
            Access::Respond,
            "Set the severity by hand, or hand it back to the impact matrix",
            post(severity),
        ),
    ]
}
