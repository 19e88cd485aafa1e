//! The plan's pages: the plan rendered readably (roles and responsibilities, incident types,
//! severity matrix, identification checklist, playbooks with their tasks) with its review status,
//! version history and the diff between two versions. Read by the roles that read every incident
//! ([`Access::ReadPlan`]), from the same functions as the API; the team's pages are in `team`.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{MethodRouter, get};
use jiff::Timestamp;
use rampart_plan::{PlanEvent, ReviewState, ReviewStatus};
use serde::{Deserialize, Serialize};

use super::{Layout, UiError, render};
use crate::access::{Access, Route};
use crate::api::plan::{DiffQuery, diff, review, version};
use crate::app::App;
use crate::auth::Principal;
use crate::error::ApiError;

/// A plan value's name as written in the plan file (`law_enforcement`, `*`, `containment`).
fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The review status in one sentence, and whether it needs attention (due or overdue).
pub(crate) fn review_line(status: &ReviewStatus) -> (String, bool) {
    let state = match status.state {
        ReviewState::Current => "current",
        ReviewState::Due => "due",
        ReviewState::Overdue => "OVERDUE",
    };
    let mut line = format!(
        "Plan review {state} (version {}; next review by {})",
        status.version,
        status.due_by.strftime("%Y-%m-%d")
    );
    for reason in &status.reasons {
        line.push_str(". ");
        line.push_str(reason);
    }
    (line, status.state != ReviewState::Current)
}

/// The review status line when the plan's review is due or overdue, for the dashboard.
pub(crate) async fn review_attention(app: &App) -> Result<Option<String>, UiError> {
    Ok(review(app, Timestamp::now())
        .await?
        .as_ref()
        .map(review_line)
        .and_then(|(line, attention)| attention.then_some(line)))
}

struct Section {
    heading: String,
    lines: Vec<String>,
}

struct HistoryRow {
    seq: u64,
    at: String,
    actor: String,
    what: String,
    version: Option<u64>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    layout: Layout,
    name: String,
    objective: String,
    version: u64,
    review: String,
    review_attention: bool,
    sections: Vec<Section>,
    history: Vec<HistoryRow>,
}

async fn plan_page(State(app): State<App>, principal: Principal) -> Result<Response, UiError> {
    let current = version(&app, None).await?;
    let plan = &current.plan;
    let (review, review_attention) = review(&app, Timestamp::now())
        .await?
        .as_ref()
        .map_or_else(|| (String::new(), false), review_line);
    let roles = plan
        .roles
        .iter()
        .map(|(role, spec)| {
            format!(
                "{} ({}): {}",
                spec.title,
                role.name(),
                spec.responsibilities.join("; ")
            )
        })
        .collect();
    let types = plan
        .types
        .iter()
        .map(|(id, t)| format!("{id}: {}", t.description))
        .collect();
    let severity = plan
        .severity
        .iter()
        .map(|(level, s)| {
            let activates = if s.activate_on_open {
                " (activates the team when opened)"
            } else {
                ""
            };
            format!("{}: {}{activates}", level.name(), s.meaning)
        })
        .collect();
    let checklist = plan
        .identification
        .iter()
        .map(|c| format!("{}: {}", c.id, c.question))
        .collect();
    let mut sections = vec![
        Section {
            heading: "Roles and responsibilities".into(),
            lines: roles,
        },
        Section {
            heading: "Incident types".into(),
            lines: types,
        },
        Section {
            heading: "Severity matrix".into(),
            lines: severity,
        },
        Section {
            heading: "Identification checklist (any yes: a security incident)".into(),
            lines: checklist,
        },
    ];
    for playbook in &plan.playbooks {
        let types: Vec<String> = playbook.types.iter().map(name_of).collect();
        let severities: Vec<String> = playbook.severities.iter().map(name_of).collect();
        sections.push(Section {
            heading: format!(
                "Playbook {}: {} (types {}; severities {})",
                playbook.id,
                playbook.title,
                types.join(", "),
                severities.join(", ")
            ),
            lines: playbook
                .tasks
                .iter()
                .map(|t| {
                    let optional = if t.required { "" } else { ", optional" };
                    format!(
                        "{} — {} ({}, {}, due {}{optional}): {}",
                        t.id,
                        t.title,
                        t.role.name(),
                        name_of(&t.kind),
                        t.due,
                        t.description
                    )
                })
                .collect(),
        });
    }
    let history = app
        .store()
        .plan_log()
        .await?
        .into_iter()
        .rev()
        .map(|e| HistoryRow {
            seq: e.seq,
            at: e.at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
            actor: e.actor.clone(),
            version: match &e.event {
                PlanEvent::Applied(a) => Some(a.version),
                _ => None,
            },
            what: match &e.event {
                PlanEvent::Applied(a) => {
                    format!(
                        "version {} applied from {} ({} changes)",
                        a.version, a.source, a.changes
                    )
                }
                other => other.kind().replace(['.', '_'], " "),
            } + &Some(e.text.as_str())
                .filter(|t| !t.is_empty())
                .map(|t| format!(": {t}"))
                .unwrap_or_default(),
        })
        .collect();
    let page = PlanPage {
        layout: Layout::of(&principal),
        name: plan.name.clone(),
        objective: plan.objective.clone(),
        version: current.version,
        review,
        review_attention,
        sections,
        history,
    };
    Ok(render(StatusCode::OK, &page))
}

struct ChangeRow {
    path: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "plan_diff.html")]
struct DiffPage {
    layout: Layout,
    from: u64,
    to: u64,
    changes: Vec<ChangeRow>,
}

/// The compare form's fields: a version number each, or empty for the default.
#[derive(Debug, Default, Deserialize)]
struct DiffForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn version_number(field: &str, text: &str) -> Result<Option<u64>, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        ApiError::bad_request(format!("{field} {text:?} is not a plan version number"))
    })
}

async fn diff_page(
    State(app): State<App>,
    principal: Principal,
    Query(form): Query<DiffForm>,
) -> Result<Response, UiError> {
    let query = DiffQuery {
        from: version_number("from", &form.from)?,
        to: version_number("to", &form.to)?,
    };
    let (from, to, changes) = diff(&app, &query).await?;
    let show =
        |v: Option<serde_json::Value>| v.map_or_else(|| "(none)".to_owned(), |v| v.to_string());
    let page = DiffPage {
        layout: Layout::of(&principal),
        from,
        to,
        changes: changes
            .into_iter()
            .map(|c| ChangeRow {
                path: c.path,
                before: show(c.before),
                after: show(c.after),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// A page of the plan, read by [`Access::ReadPlan`].
pub(super) fn read_route(
    path: &'static str,
    summary: &'static str,
    handler: MethodRouter<App>,
) -> Route {
    Route {
        method: Method::GET,
        path,
        access: Access::ReadPlan,
        summary,
        handler,
    }
}

/// The plan's pages.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        read_route(
            "/plan",
            "The plan, its review status and version history",
            get(plan_page),
        ),
        read_route(
            "/plan/diff",
            "The changes between two plan versions",
            get(diff_page),
        ),
    ]
}
