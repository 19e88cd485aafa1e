//! The plan on the incident page: the identification checklist (answer yes or no per criterion,
//! then confirm — which activates the team — or dismiss with a reason), the task checklist with
//! owners, due times and overdue flags (start, done, skip with a reason, reopen) and the pages
//! with their acknowledgement. The page e-mail links to [`ack_page`], which asks the signed-in
//! member to confirm before anything is written.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use jiff::Timestamp;
use rampart_core::Command;
use rampart_core::incident::{Decision, Incident, ResponseCommand, TaskStatus};
use rampart_respond::identify::Identification;
use serde::Deserialize;

use super::forms::after_change;
use super::{Layout, UiError, render};
use crate::access::{Access, Route};
use crate::api::respond::{activate_team, identify, task_command, task_views};
use crate::api::{change, visible_incident};
use crate::app::App;
use crate::auth::Principal;
use crate::error::ApiError;

/// A criterion of the checklist with the incident's answer (`yes`, `no` or empty).
pub(crate) struct CriterionView {
    pub(crate) id: String,
    pub(crate) question: String,
    pub(crate) answer: &'static str,
}

/// A task row.
pub(crate) struct TaskRow {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) role: String,
    pub(crate) owner: String,
    pub(crate) due: String,
    pub(crate) status: String,
    pub(crate) overdue: bool,
    pub(crate) required: bool,
    pub(crate) reason: String,
    pub(crate) moves: Vec<(&'static str, &'static str)>,
}

/// A page row.
pub(crate) struct PageRow {
    pub(crate) id: u64,
    pub(crate) step: String,
    pub(crate) since: String,
    pub(crate) paged: String,
    pub(crate) acknowledged: String,
}

/// The plan's part of the incident page.
#[derive(Default)]
pub(crate) struct ResponseView {
    pub(crate) has_plan: bool,
    pub(crate) criteria: Vec<CriterionView>,
    pub(crate) decision: String,
    pub(crate) undecided: bool,
    pub(crate) tasks: Vec<TaskRow>,
    pub(crate) pages: Vec<PageRow>,
}

fn time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

fn label(to: TaskStatus) -> &'static str {
    match to {
        TaskStatus::Open => "Reopen",
        TaskStatus::InProgress => "Start",
        TaskStatus::Done => "Done",
        TaskStatus::Skipped => "Skip",
    }
}

/// The checklist, tasks and pages of `incident` under the plan in force.
pub(crate) async fn response_view(app: &App, incident: &Incident) -> Result<ResponseView, UiError> {
    let plan = app.store().plan_in_force().await?;
    let response = incident.response();
    let criteria = plan
        .iter()
        .flat_map(|p| p.identification.iter())
        .map(|c| CriterionView {
            id: c.id.clone(),
            question: c.question.clone(),
            answer: match response.checklist.get(&c.id) {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            },
        })
        .collect();
    let decision = response.decision.as_ref().map_or_else(String::new, |d| {
        let reason = d
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        format!("{} by {} at {}{reason}", d.decision, d.by, d.at)
    });
    let tasks = task_views(incident, Timestamp::now())
        .into_iter()
        .map(|v| TaskRow {
            id: v.task.spec.id.clone(),
            title: v.task.spec.title.clone(),
            role: v.task.spec.role.name().to_owned(),
            owner: v.owner.unwrap_or("nobody yet").to_owned(),
            due: v.due.map_or_else(|| "not yet known".to_owned(), time),
            status: v.task.status.name().to_owned(),
            overdue: v.overdue,
            required: v.task.spec.required,
            reason: v.task.reason.clone().unwrap_or_default(),
            moves: v
                .task
                .status
                .allowed_targets()
                .iter()
                .map(|t| (t.name(), label(*t)))
                .collect(),
        })
        .collect();
    let pages = response
        .pages
        .iter()
        .map(|p| PageRow {
            id: p.id,
            step: p.step.clone(),
            since: time(p.step_since),
            paged: p
                .recipients
                .iter()
                .map(|r| r.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
            acknowledged: p
                .acknowledged
                .as_ref()
                .map(|(by, at)| format!("{by} at {}", time(*at)))
                .unwrap_or_default(),
        })
        .collect();
    Ok(ResponseView {
        has_plan: plan.is_some(),
        criteria,
        undecided: response.decision.is_none(),
        decision,
        tasks,
        pages,
    })
}

async fn identify_form(
    State(app): State<App>,
    principal: Principal,
    Path(key): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, UiError> {
    let mut identification = Identification::default();
    let mut reason = String::new();
    let mut decision = None;
    for (name, value) in fields {
        match (name.strip_prefix("answer."), name.as_str()) {
            (Some(id), _) if !value.is_empty() => {
                let yes = match value.as_str() {
                    "yes" => true,
                    "no" => false,
                    other => {
                        let message = format!("answer to {id:?}: {other:?} is not yes or no");
                        return Err(ApiError::bad_request(message).into());
                    }
                };
                identification.answers.insert(id.to_owned(), yes);
            }
            (_, "reason") => reason = value.trim().to_owned(),
            (_, "decision") if value == "confirm" => decision = Some(Decision::Confirmed),
            (_, "decision") if value == "dismiss" => decision = Some(Decision::Dismissed),
            _ => {}
        }
    }
    identification.decision = decision.map(|d| (d, Some(reason).filter(|r| !r.is_empty()), None));
    let result = identify(&app, &principal, &key, &identification)
        .await
        .map(|_| ());
    after_change(&app, &principal, &key, result).await
}

async fn activate_form(
    State(app): State<App>,
    principal: Principal,
    Path(key): Path<String>,
) -> Result<Response, UiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let result = activate_team(&app, &principal, incident).await.map(|_| ());
    after_change(&app, &principal, &key, result).await
}

#[derive(Debug, Deserialize)]
struct TaskForm {
    status: TaskStatus,
    #[serde(default)]
    reason: String,
}

async fn task_form(
    State(app): State<App>,
    principal: Principal,
    Path((key, task)): Path<(String, String)>,
    Form(form): Form<TaskForm>,
) -> Result<Response, UiError> {
    let cmd = task_command(task, form.status, Some(form.reason));
    let result = change(&app, &principal, &key, cmd, String::new())
        .await
        .map(|_| ());
    after_change(&app, &principal, &key, result).await
}

#[derive(Template)]
#[template(path = "page_ack.html")]
struct AckPage {
    layout: Layout,
    key: String,
    title: String,
    page: PageRow,
    open: bool,
}

/// The acknowledgement form the page e-mail links to (sign-in first when signed out).
async fn ack_page(
    State(app): State<App>,
    principal: Principal,
    Path((key, page)): Path<(String, u64)>,
) -> Result<Response, UiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let view = response_view(&app, &incident).await?;
    let found = incident.response().pages.iter().find(|p| p.id == page);
    let (Some(found), Some(row)) = (found, view.pages.into_iter().find(|p| p.id == page)) else {
        return Err(ApiError::not_found(format!("page {page} of {key}")).into());
    };
    let ack = AckPage {
        layout: Layout::of(&principal),
        key: incident.key().to_string(),
        title: incident.title().to_owned(),
        open: found.is_open(),
        page: row,
    };
    Ok(render(StatusCode::OK, &ack))
}

async fn ack(
    State(app): State<App>,
    principal: Principal,
    Path((key, page)): Path<(String, u64)>,
) -> Result<Response, UiError> {
    let cmd = Command::Respond(ResponseCommand::AcknowledgePage { page });
    let result = change(&app, &principal, &key, cmd, String::new())
        .await
        .map(|_| ());
    after_change(&app, &principal, &key, result).await
}

/// The incident page's plan forms and the acknowledgement page.
pub(crate) fn routes() -> Vec<Route> {
    let route = |method, path, summary, handler| Route {
        method,
        path,
        access: Access::Respond,
        summary,
        handler,
    };
    vec![
        route(
            Method::POST,
            "/incidents/{key}/identify",
            "Answer the identification checklist; confirm or dismiss (form)",
            post(identify_form),
        ),
        route(
            Method::POST,
            "/incidents/{key}/activate",
            "Activate the team (form)",
            post(activate_form),
        ),
        route(
            Method::POST,
            "/incidents/{key}/tasks/{task}",
            "Start, finish, skip or reopen a task (form)",
            post(task_form),
        ),
        route(
            Method::GET,
            "/incidents/{key}/pages/{page}/ack",
            "Acknowledge a page: the form the page e-mail links to",
            get(ack_page),
        ),
        route(
            Method::POST,
            "/incidents/{key}/pages/{page}/ack",
            "Acknowledge a page (form)",
            post(ack),
        ),
    ]
}
