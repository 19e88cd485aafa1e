//! The plan's pages: the plan rendered readably (roles and responsibilities, incident types,
//! severity matrix, identification checklist, playbooks with their tasks) with its review status,
//! version history and the diff between two versions; the team with who is on call now and the
//! escalation chain; the contacts directory; training per member with the overdue list. Read by
//! the roles that read every incident ([`Access::ReadPlan`]), from the same functions as the API.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use jiff::Timestamp;
use rampart_plan::{PlanEvent, ReviewState, ReviewStatus, TrainingState};
use serde::Serialize;

use super::{Layout, UiError, render};
use crate::access::{Access, Route};
use crate::api::plan::{DiffQuery, OnCall, diff, on_call, review, training, version};
use crate::app::App;
use crate::auth::Principal;

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

async fn diff_page(
    State(app): State<App>,
    principal: Principal,
    Query(query): Query<DiffQuery>,
) -> Result<Response, UiError> {
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

struct MemberRow {
    id: String,
    name: String,
    email: String,
    phone: String,
    roles: String,
}

struct StepRow {
    id: String,
    page: String,
    ack_within: String,
    next: String,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    layout: Layout,
    members: Vec<MemberRow>,
    on_call: Vec<OnCall>,
    escalation: Vec<StepRow>,
}

async fn team_page(State(app): State<App>, principal: Principal) -> Result<Response, UiError> {
    let plan = version(&app, None).await?.plan;
    let members = plan
        .members
        .iter()
        .map(|(id, m)| MemberRow {
            id: id.clone(),
            name: m.name.clone(),
            email: m.email.clone(),
            phone: m.phone.clone().unwrap_or_default(),
            roles: m
                .roles
                .iter()
                .map(|r| r.name())
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let escalation = plan
        .escalation
        .iter()
        .map(|s| StepRow {
            id: s.id.clone(),
            page: s
                .page
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            ack_within: s.ack_within.to_string(),
            next: s
                .next
                .clone()
                .unwrap_or_else(|| "end of the chain".to_owned()),
        })
        .collect();
    let page = TeamPage {
        layout: Layout::of(&principal),
        members,
        on_call: on_call(&plan, Timestamp::now()),
        escalation,
    };
    Ok(render(StatusCode::OK, &page))
}

struct ContactRow {
    id: String,
    kind: String,
    name: String,
    handles: String,
    reach: String,
    url: String,
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    layout: Layout,
    contacts: Vec<ContactRow>,
}

async fn contacts_page(State(app): State<App>, principal: Principal) -> Result<Response, UiError> {
    let plan = version(&app, None).await?.plan;
    let mut contacts: Vec<ContactRow> = plan
        .contacts
        .iter()
        .map(|(id, c)| ContactRow {
            id: id.clone(),
            kind: c.kind.name().replace('_', " "),
            name: c.name.clone(),
            handles: c.handles.join("; "),
            reach: c
                .emails
                .iter()
                .chain(&c.phones)
                .chain(&c.channel)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            url: c.url.clone().unwrap_or_default(),
        })
        .collect();
    contacts.sort_by(|a, b| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)));
    let page = ContactsPage {
        layout: Layout::of(&principal),
        contacts,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Clone)]
struct TrainingRow {
    member: String,
    course: String,
    state: &'static str,
    completed: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    layout: Layout,
    overdue: Vec<TrainingRow>,
    all: Vec<TrainingRow>,
}

async fn training_page(State(app): State<App>, principal: Principal) -> Result<Response, UiError> {
    let rows: Vec<(bool, TrainingRow)> = training(&app, Timestamp::now())
        .await?
        .into_iter()
        .map(|t| {
            let state = match t.state {
                TrainingState::Current => "current",
                TrainingState::Expired => "expired",
                TrainingState::Missing => "missing",
            };
            let row = TrainingRow {
                member: t.member,
                course: t.course,
                state,
                completed: t.completed.map(|d| d.to_string()).unwrap_or_default(),
                expires: t.expires.map(|d| d.to_string()).unwrap_or_default(),
            };
            (t.state != TrainingState::Current, row)
        })
        .collect();
    let mut overdue = Vec::new();
    let mut all = Vec::new();
    for (late, row) in rows {
        if late {
            overdue.push(row.clone());
        }
        all.push(row);
    }
    let page = TrainingPage {
        layout: Layout::of(&principal),
        overdue,
        all,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The plan's pages.
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
            "/plan",
            "The plan, its review status and version history",
            get(plan_page),
        ),
        route(
            "/plan/diff",
            "The changes between two plan versions",
            get(diff_page),
        ),
        route(
            "/team",
            "Team, on-call now and the escalation chain",
            get(team_page),
        ),
        route("/contacts", "Contacts directory", get(contacts_page)),
        route(
            "/training",
            "Training per member and the overdue list",
            get(training_page),
        ),
    ]
}
