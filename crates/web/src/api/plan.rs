//! The incident response plan through the API: the version in force with its review status, the
//! plan log (versions, reviews, training records), the diff between two versions, the team with
//! who is on call now, and the training status per member. Readable by the roles that read every
//! incident ([`Access::ReadPlan`]); the plan's pages use the same functions.

use axum::extract::State;
use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use jiff::Timestamp;
use rampart_core::incident::Role;
use rampart_plan::{
    Change, Contact, EscalationStep, Member, Plan, PlanEntry, ReviewStatus, RoleSpec,
    TrainingStatus,
};
use rampart_store::PlanVersion;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ApiQuery, ReplySchema, reply};
use crate::access::{Access, Route};
use crate::app::App;
use crate::error::{ApiError, ErrorCode};

/// Plan version `version`, or the one in force; 404 when there is none.
pub(crate) async fn version(app: &App, version: Option<u64>) -> Result<PlanVersion, ApiError> {
    app.store().plan_version(version).await?.ok_or_else(|| {
        let message = match version {
            Some(n) => format!("no plan version {n} is stored"),
            None => {
                "no plan is applied yet: run `rampart init` or `rampart plan apply FILE`".to_owned()
            }
        };
        ApiError::new(ErrorCode::NotFound, message)
    })
}

/// The review status of the plan in force at `now` (`None` before any version is applied).
pub(crate) async fn review(app: &App, now: Timestamp) -> Result<Option<ReviewStatus>, ApiError> {
    Ok(app.store().plan_review_status(now).await?)
}

/// Who is on call in one rotation.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct OnCall {
    pub(crate) rotation: String,
    pub(crate) role: Role,
    pub(crate) member: Option<String>,
}

/// Who each rotation of `plan` has on call at `now`.
pub(crate) fn on_call(plan: &Plan, now: Timestamp) -> Vec<OnCall> {
    plan.rotations
        .iter()
        .map(|(id, rotation)| OnCall {
            rotation: id.clone(),
            role: rotation.role,
            member: rotation.on_call(now).map(str::to_owned),
        })
        .collect()
}

/// The training status of every member under the plan in force, today (UTC).
pub(crate) async fn training(app: &App, now: Timestamp) -> Result<Vec<TrainingStatus>, ApiError> {
    let current = version(app, None).await?;
    let log = app.store().plan_log().await?;
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    Ok(rampart_plan::training_status(&current.plan, &log, today))
}

/// Two versions to compare: `from` (default: the one before `to`) and `to` (default: the one in
/// force).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiffQuery {
    pub(crate) from: Option<u64>,
    pub(crate) to: Option<u64>,
}

/// The versions compared and every change from one to the other.
pub(crate) async fn diff(
    app: &App,
    query: &DiffQuery,
) -> Result<(u64, u64, Vec<Change>), ApiError> {
    let to = version(app, query.to).await?;
    let from_number = match query.from {
        Some(n) => n,
        None => to.version.saturating_sub(1).max(1),
    };
    let from = version(app, Some(from_number)).await?;
    let changes = rampart_plan::diff(&from.plan, &to.plan);
    Ok((from.version, to.version, changes))
}

/// The plan in force: its version, SHA-256 and review status.
#[derive(Debug, Serialize, JsonSchema)]
struct PlanReply {
    version: u64,
    sha256: String,
    review: Option<ReviewStatus>,
    plan: Plan,
}

/// The plan log, oldest first.
#[derive(Debug, Serialize, JsonSchema)]
struct PlanLog {
    entries: Vec<PlanEntry>,
}

/// The changes from one plan version to another.
#[derive(Debug, Serialize, JsonSchema)]
struct PlanDiff {
    from: u64,
    to: u64,
    changes: Vec<Change>,
}

/// The team of the plan in force, with who is on call now.
#[derive(Debug, Serialize, JsonSchema)]
struct TeamReply {
    roles: BTreeMap<Role, RoleSpec>,
    members: BTreeMap<String, Member>,
    on_call: Vec<OnCall>,
    escalation: Vec<EscalationStep>,
    contacts: BTreeMap<String, Contact>,
}

/// Each member's training status.
#[derive(Debug, Serialize, JsonSchema)]
struct TrainingList {
    training: Vec<TrainingStatus>,
}

async fn current(State(app): State<App>) -> Result<Response, ApiError> {
    let current = version(&app, None).await?;
    let review = review(&app, Timestamp::now()).await?;
    Ok(Json(PlanReply {
        version: current.version,
        sha256: current.sha256.to_string(),
        review,
        plan: current.plan,
    })
    .into_response())
}

async fn log(State(app): State<App>) -> Result<Response, ApiError> {
    let entries: Vec<PlanEntry> = app.store().plan_log().await?;
    Ok(Json(PlanLog { entries }).into_response())
}

async fn changes(
    State(app): State<App>,
    ApiQuery(query): ApiQuery<DiffQuery>,
) -> Result<Response, ApiError> {
    let (from, to, changes) = diff(&app, &query).await?;
    Ok(Json(PlanDiff { from, to, changes }).into_response())
}

async fn team(State(app): State<App>) -> Result<Response, ApiError> {
    let plan = version(&app, None).await?.plan;
    Ok(Json(TeamReply {
        on_call: on_call(&plan, Timestamp::now()),
        roles: plan.roles,
        members: plan.members,
        escalation: plan.escalation,
        contacts: plan.contacts,
    })
    .into_response())
}

async fn training_list(State(app): State<App>) -> Result<Response, ApiError> {
    let statuses = training(&app, Timestamp::now()).await?;
    Ok(Json(TrainingList { training: statuses }).into_response())
}

/// What the plan routes answer.
pub(crate) fn replies() -> Vec<ReplySchema> {
    vec![
        reply::<PlanReply>(Method::GET, "/api/v1/plan", StatusCode::OK),
        reply::<PlanLog>(Method::GET, "/api/v1/plan/log", StatusCode::OK),
        reply::<PlanDiff>(Method::GET, "/api/v1/plan/diff", StatusCode::OK),
        reply::<TeamReply>(Method::GET, "/api/v1/team", StatusCode::OK),
        reply::<TrainingList>(Method::GET, "/api/v1/training", StatusCode::OK),
    ]
}

/// The plan routes of the API.
pub(crate) fn routes() -> Vec<Route> {
    let route = |path, summary, handler| Route {
        method: Method::GET,
        path,
        access: Access::ReadPlan,
        summary,
        handler,
    };
    vec![
        route(
            "/api/v1/plan",
            "The plan in force, its version and review status",
            get(current),
        ),
        route(
            "/api/v1/plan/log",
            "The plan log: versions applied, reviews, major changes, training records",
            get(log),
        ),
        route(
            "/api/v1/plan/diff",
            "The changes between two plan versions (from, to)",
            get(changes),
        ),
        route(
            "/api/v1/team",
            "Roles, members, who is on call now, the escalation chain and the contacts",
            get(team),
        ),
        route(
            "/api/v1/training",
            "Each member's required training and whether it is current, expired or missing",
            get(training_list),
        ),
    ]
}
