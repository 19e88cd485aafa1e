//! Running the plan on an incident through the API, with `rampart-respond` as the command line
//! does: the identification (checklist answers, severity, decision; confirming activates the team
//! and queues the first page's e-mails with the acknowledgement link), task status changes and
//! page acknowledgements, and the tasks with owners, due times and overdue flags. The incident
//! page's forms call the same functions.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, patch, post};
use jiff::Timestamp;
use rampart_core::incident::{Decision, Impact, ResponseCommand, Severity, Task, TaskStatus};
use rampart_core::{Command, Incident, ZonedTime};
use rampart_respond::RespondError;
use rampart_respond::identify::Identification;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::incidents::{Changed, context};
use super::{ApiJson, ApiPath, ReplySchema, change, reply, visible_incident};
use crate::access::{Access, Route, route};
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};

/// A failure of `rampart-respond` as an API error.
pub(crate) fn respond_error(e: RespondError) -> ApiError {
    match e {
        RespondError::Store(s) => s.into(),
        RespondError::NoPlan => ApiError::new(ErrorCode::NotFound, e.to_string()),
        RespondError::UnknownCriterion { .. } => ApiError::bad_request(e.to_string()),
        RespondError::Queue { .. } => ApiError::internal(e),
    }
}

/// Records `identification` on incident `key` as `principal`; on confirmation activates the team
/// and queues the first page's e-mails. Returns the incident afterwards.
pub(crate) async fn identify(
    app: &App,
    principal: &Principal,
    key: &str,
    identification: &Identification,
) -> Result<Incident, ApiError> {
    let incident = visible_incident(app, principal, key).await?;
    let store = app.store();
    let (plan, _) = rampart_respond::current_plan(store)
        .await
        .map_err(respond_error)?;
    let ctx = context(app, principal);
    let incident = identification
        .record(store, &ctx, &plan, incident)
        .await
        .map_err(respond_error)?;
    if !identification.confirms() {
        return Ok(incident);
    }
    activate_team(app, principal, incident).await
}

/// Activates the team on `incident` as `principal` (roles from on-call, the playbook tasks it
/// lacks, the first page) and queues the page's e-mails with the acknowledgement link. Returns
/// the incident afterwards.
pub(crate) async fn activate_team(
    app: &App,
    principal: &Principal,
    incident: Incident,
) -> Result<Incident, ApiError> {
    let store = app.store();
    let ctx = context(app, principal);
    let activated = rampart_respond::activate(store, &ctx, &incident)
        .await
        .map_err(respond_error)?;
    let public_url = app.config().public_url.as_str();
    rampart_respond::page::deliver(store, &activated.appended, Some(public_url))
        .await
        .map_err(respond_error)?;
    Ok(activated
        .appended
        .last()
        .map_or(incident, |a| a.incident.clone()))
}

async fn activation(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let incident = activate_team(&app, &principal, incident).await?;
    Ok(Json(incident).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentifyBody {
    #[serde(default)]
    answers: BTreeMap<String, bool>,
    impact: Option<Impact>,
    severity: Option<Severity>,
    severity_reason: Option<String>,
    decision: Option<Decision>,
    reason: Option<String>,
    at: Option<ZonedTime>,
}

async fn identification(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<IdentifyBody>,
) -> Result<Response, ApiError> {
    let severity = match (body.severity, body.severity_reason) {
        (Some(s), Some(reason)) => Some((s, reason)),
        (None, None) => None,
        _ => {
            return Err(ApiError::bad_request(
                "severity and severity_reason go together: the matrix is overridden only with a \
                 reason",
            ));
        }
    };
    let identification = Identification {
        answers: body.answers,
        impact: body.impact,
        severity,
        decision: body.decision.map(|d| (d, body.reason, body.at)),
    };
    let incident = identify(&app, &principal, &key, &identification).await?;
    Ok(Json(incident).into_response())
}

/// A task as listed: the plan's task with its owner, due time and whether it is overdue.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct TaskView<'a> {
    #[serde(flatten)]
    pub(crate) task: &'a Task,
    pub(crate) owner: Option<&'a str>,
    pub(crate) due: Option<Timestamp>,
    pub(crate) overdue: bool,
}

/// The tasks of `incident` at `now`, in order.
pub(crate) fn task_views(incident: &Incident, now: Timestamp) -> Vec<TaskView<'_>> {
    incident
        .response()
        .tasks
        .iter()
        .map(|task| TaskView {
            task,
            owner: task.owner(incident.roles()),
            due: task.due(incident.times()),
            overdue: task.is_overdue(incident.times(), now),
        })
        .collect()
}

/// An incident's tasks, in order.
#[derive(Debug, Serialize, JsonSchema)]
struct TaskList<'a> {
    tasks: Vec<TaskView<'a>>,
}

async fn tasks(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let tasks = task_views(&incident, Timestamp::now());
    Ok(Json(TaskList { tasks }).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskBody {
    status: TaskStatus,
    reason: Option<String>,
}

/// The command moving `task` to `to`, an empty reason left out.
pub(crate) fn task_command(task: String, to: TaskStatus, reason: Option<String>) -> Command {
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    Command::Respond(ResponseCommand::ChangeTask { task, to, reason })
}

async fn change_task(
    State(app): State<App>,
    principal: Principal,
    ApiPath((key, task)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<TaskBody>,
) -> Result<Response, ApiError> {
    let cmd = task_command(task, body.status, body.reason);
    change(&app, &principal, &key, cmd, String::new()).await
}

async fn acknowledge(
    State(app): State<App>,
    principal: Principal,
    ApiPath((key, page)): ApiPath<(String, u64)>,
) -> Result<Response, ApiError> {
    let cmd = Command::Respond(ResponseCommand::AcknowledgePage { page });
    change(&app, &principal, &key, cmd, String::new()).await
}

/// What the incident response routes answer.
pub(crate) fn replies() -> Vec<ReplySchema> {
    vec![
        reply::<Incident>(
            Method::POST,
            "/api/v1/incidents/{key}/identification",
            StatusCode::OK,
        ),
        reply::<Incident>(
            Method::POST,
            "/api/v1/incidents/{key}/activation",
            StatusCode::OK,
        ),
        reply::<TaskList<'static>>(Method::GET, "/api/v1/incidents/{key}/tasks", StatusCode::OK),
        reply::<Changed>(
            Method::PATCH,
            "/api/v1/incidents/{key}/tasks/{task}",
            StatusCode::OK,
        ),
        reply::<Changed>(
            Method::POST,
            "/api/v1/incidents/{key}/pages/{page}/acknowledgement",
            StatusCode::OK,
        ),
    ]
}

/// The incident response routes of the API.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::POST,
            "/api/v1/incidents/{key}/identification",
            Access::Respond,
            "Answer the identification checklist, set severity, confirm (activates the team) or dismiss",
            post(identification),
        ),
        route(
            Method::POST,
            "/api/v1/incidents/{key}/activation",
            Access::Respond,
            "Activate the team: roles from on-call, the playbook tasks, the first page",
            post(activation),
        ),
        route(
            Method::GET,
            "/api/v1/incidents/{key}/tasks",
            Access::Read,
            "An incident's tasks with owners, due times and overdue flags",
            get(tasks),
        ),
        route(
            Method::PATCH,
            "/api/v1/incidents/{key}/tasks/{task}",
            Access::Respond,
            "Start, finish, skip (with a reason) or reopen a task",
            patch(change_task),
        ),
        route(
            Method::POST,
            "/api/v1/incidents/{key}/pages/{page}/acknowledgement",
            Access::Respond,
            "Acknowledge a page as the signed-in user",
            post(acknowledge),
        ),
    ]
}
