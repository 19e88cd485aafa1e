//! The team's pages: who is on call now in each rotation, the escalation chain and the members
//! with their roles and contact details; the contacts directory; training per member with the
//! overdue list. Read by [`Access::ReadPlan`](crate::access::Access::ReadPlan).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use jiff::Timestamp;
use rampart_plan::TrainingState;

use super::plan::read_route;
use super::{Layout, UiError, render};
use crate::access::Route;
use crate::api::plan::{OnCall, on_call, training, version};
use crate::app::App;
use crate::auth::Principal;

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

/// The team's pages.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        read_route(
            "/team",
            "Team, on-call now and the escalation chain",
            get(team_page),
        ),
        read_route("/contacts", "Contacts directory", get(contacts_page)),
        read_route(
            "/training",
            "Training per member and the overdue list",
            get(training_page),
        ),
    ]
}
