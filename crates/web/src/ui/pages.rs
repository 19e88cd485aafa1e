//! The reading pages: the dashboard, the incident list (search, filters, sort, pages) and the
//! incident page (record, lifecycle, record of details, evidence with SHA-256, chain status, the
//! log as a timeline).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use rampart_core::incident::{Detail, Severity, State as LifecycleState};
use rampart_core::{Incident, LogEntry, ZonedTime};
use rampart_store::{IncidentFilter, IncidentQuery, IncidentSort, UserRole};
use serde::Deserialize;

use super::{Layout, UiError, render};
use crate::access::{Access, Route, route};
use crate::api::visible_incident;
use crate::app::App;
use crate::auth::Principal;

/// A log entry as the timeline shows it.
pub(crate) struct EntryView {
    pub(crate) key: String,
    pub(crate) seq: u64,
    pub(crate) kind: String,
    pub(crate) actor: String,
    pub(crate) at: String,
    pub(crate) text: String,
}

impl EntryView {
    fn of(key: String, e: &LogEntry) -> Self {
        Self {
            key,
            seq: e.seq,
            kind: e.kind.clone(),
            actor: e.actor.clone(),
            at: e.at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
            text: e.text.clone(),
        }
    }
}

/// A fact's time as people read it: to the second, in the offset it was recorded with.
fn shown(t: &ZonedTime) -> String {
    let local = t.offset().to_datetime(t.instant());
    let offset = t.offset();
    if offset.seconds() == 0 {
        format!("{} UTC", local.strftime("%Y-%m-%d %H:%M:%S"))
    } else {
        format!("{} {offset}", local.strftime("%Y-%m-%d %H:%M:%S"))
    }
}

struct CountView {
    state: String,
    severity: String,
    count: u64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    counts: Vec<CountView>,
    recent: Vec<EntryView>,
    /// The plan's review status when it needs attention (due or overdue).
    plan_review: Option<String>,
    /// The running clocks of open incidents, by time left.
    clocks: Vec<super::clocks::ClockRow>,
}

async fn dashboard(State(app): State<App>, principal: Principal) -> Result<Response, UiError> {
    let visibility = principal.visibility();
    let counts = app
        .store()
        .incident_counts(&visibility)
        .await?
        .into_iter()
        .filter(|c| c.state != "closed" && c.state != "dismissed")
        .map(|c| CountView {
            state: c.state,
            severity: c.severity.unwrap_or_else(|| "not assessed".to_owned()),
            count: c.count,
        })
        .collect();
    // The newest entries of everything: only for those who may read every incident.
    let recent = match principal.user.role {
        UserRole::Administrator | UserRole::Responder | UserRole::Viewer => app
            .store()
            .recent_entries(10)
            .await?
            .into_iter()
            .map(|r| EntryView::of(r.key, &r.entry))
            .collect(),
        UserRole::Reporter | UserRole::ExternalReviewer => Vec::new(),
    };
    let plan_review = if Access::ReadPlan.allows(principal.user.role) {
        super::plan::review_attention(&app).await?
    } else {
        None
    };
    let page = DashboardPage {
        layout: Layout::of(&principal),
        clocks: super::clocks::dashboard_rows(&app, &principal).await?,
        counts,
        recent,
        plan_review,
    };
    Ok(render(StatusCode::OK, &page))
}

struct RowView {
    key: String,
    title: String,
    state: String,
    severity: String,
    detected: String,
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct ListPage {
    layout: Layout,
    q: String,
    states: Vec<(&'static str, bool)>,
    severities: Vec<(&'static str, bool)>,
    sorts: Vec<(&'static str, &'static str, bool)>,
    rows: Vec<RowView>,
    first_query: String,
    next_query: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    cursor: String,
}

const STATES: [&str; 9] = [
    "reported",
    "triage",
    "dismissed",
    "confirmed",
    "containment",
    "eradication",
    "recovery",
    "post_incident_review",
    "closed",
];
const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];
const SORTS: [(&str, &str); 4] = [
    ("-key", "newest first"),
    ("key", "oldest first"),
    ("-detected", "detected, latest first"),
    ("-updated", "recently changed first"),
];

fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", percent(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn list(
    State(app): State<App>,
    principal: Principal,
    Query(params): Query<ListParams>,
) -> Result<Response, UiError> {
    let sort = if params.sort.is_empty() {
        "-key"
    } else {
        params.sort.as_str()
    };
    let (order, descending) = match sort {
        "key" => (IncidentSort::Key, false),
        "-detected" => (IncidentSort::Detected, true),
        "-updated" => (IncidentSort::Updated, true),
        _ => (IncidentSort::Key, true),
    };
    let state = (!params.state.is_empty())
        .then(|| params.state.parse::<LifecycleState>())
        .transpose()?;
    let severity = (!params.severity.is_empty())
        .then(|| params.severity.parse::<Severity>())
        .transpose()?;
    let after = (!params.cursor.is_empty())
        .then(|| crate::api::decode_cursor(&params.cursor))
        .transpose()?;
    let query = IncidentQuery {
        filter: IncidentFilter {
            state,
            severity,
            incident_type: None,
        },
        search: Some(params.q.clone()),
        visibility: principal.visibility(),
        sort: order,
        descending,
        after,
        limit: 50,
    };
    let page = app.store().incident_rows(&query).await?;
    let base = [
        ("q", params.q.as_str()),
        ("state", params.state.as_str()),
        ("severity", params.severity.as_str()),
        ("sort", sort),
    ];
    let next_query = page.next.map(|c| {
        let cursor = crate::api::encode_cursor(c);
        let mut pairs = base.to_vec();
        pairs.push(("cursor", cursor.as_str()));
        encode(&pairs)
    });
    let rows = page
        .rows
        .into_iter()
        .map(|r| RowView {
            detected: shown(&r.detected),
            key: r.key,
            title: r.title,
            state: r.state,
            severity: r.severity.unwrap_or_else(|| "not assessed".to_owned()),
        })
        .collect();
    let view = ListPage {
        layout: Layout::of(&principal),
        q: params.q.clone(),
        states: STATES.iter().map(|s| (*s, *s == params.state)).collect(),
        severities: SEVERITIES
            .iter()
            .map(|s| (*s, *s == params.severity))
            .collect(),
        sorts: SORTS.iter().map(|(v, t)| (*v, *t, *v == sort)).collect(),
        rows,
        first_query: encode(&base),
        next_query,
    };
    Ok(render(StatusCode::OK, &view))
}

pub(crate) struct EvidenceView {
    file_name: String,
    sha256: String,
    size: u64,
    custodian: String,
}

#[derive(Template)]
#[template(path = "incident.html")]
pub(crate) struct IncidentPage {
    pub(crate) layout: Layout,
    pub(crate) flash: Option<String>,
    pub(crate) flash_error: bool,
    key: String,
    title: String,
    summary: String,
    state: String,
    severity: String,
    incident_type: String,
    flags: String,
    detected: String,
    reported: String,
    opened_by: String,
    roles: String,
    chain: String,
    chain_ok: bool,
    can_respond: bool,
    transitions: Vec<&'static str>,
    details: Vec<String>,
    evidence: Vec<EvidenceView>,
    timeline: Vec<EntryView>,
    response: super::respond::ResponseView,
    /// Every clock, running ones by time left first.
    clocks: Vec<super::clocks::ClockRow>,
    /// The notices with their actions, and the notification holds.
    notices: super::notices::NoticesView,
    /// What was sent about the incident and how far each delivery got.
    deliveries: Vec<String>,
}

fn describe(detail: &Detail) -> String {
    let text = serde_json::to_value(detail)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .map(|fields| {
            fields
                .iter()
                .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
                .map(|(k, v)| match v.as_str() {
                    Some(s) => format!("{k}: {s}"),
                    None => format!("{k}: {v}"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        });
    text.unwrap_or_default()
}

/// The incident page for `principal`, with an optional message at the top.
pub(crate) async fn incident_page(
    app: &App,
    principal: &Principal,
    incident: &Incident,
    flash: Option<(String, bool)>,
) -> Result<IncidentPage, UiError> {
    let key = incident.key().to_string();
    let log = app.store().log_of(incident.id()).await?;
    // The chain is checked on the entries just read, against the head recorded in `incident`
    // (read before them), as `Store::verify_incident` would read both again.
    let (chain, chain_ok) = match rampart_store::verify_incident_log(incident, &log) {
        Ok(summary) => (
            format!("verified: {} entries, hash chain intact", summary.entries),
            true,
        ),
        Err(bad) => (format!("BROKEN: {bad}"), false),
    };
    let flags = incident.flags();
    let flag_names: Vec<&str> = [
        (incident.amazon_information(), "Amazon Information"),
        (incident.personal_data(), "personal data"),
        (flags.drill, "drill"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    let can_respond = Access::Respond.allows(principal.user.role);
    let company = crate::api::clocks::company(app)?;
    Ok(IncidentPage {
        layout: Layout::of(principal),
        flash: flash.as_ref().map(|(m, _)| m.clone()),
        flash_error: flash.is_some_and(|(_, e)| e),
        title: incident.title().to_owned(),
        summary: incident.summary().to_owned(),
        state: incident.state().name().to_owned(),
        severity: incident
            .severity()
            .map_or("not assessed", Severity::name)
            .to_owned(),
        incident_type: incident.incident_type().name().to_owned(),
        flags: if flag_names.is_empty() {
            "none".to_owned()
        } else {
            flag_names.join(", ")
        },
        detected: shown(&incident.times().detected),
        reported: shown(&incident.times().reported),
        opened_by: incident.opened_by().to_owned(),
        roles: incident
            .roles()
            .iter()
            .map(|(role, person)| format!("{}: {person}", role.name()))
            .collect::<Vec<_>>()
            .join(", "),
        chain,
        chain_ok,
        can_respond,
        transitions: incident
            .state()
            .allowed_targets()
            .iter()
            .map(|s| s.name())
            .collect(),
        details: incident
            .details()
            .iter()
            .map(|d| describe(&d.detail))
            .collect(),
        evidence: incident
            .evidence()
            .iter()
            .map(|e| EvidenceView {
                file_name: e.meta.file_name.as_str().to_owned(),
                sha256: e.meta.sha256.to_string(),
                size: e.meta.size,
                custodian: e.custodian.clone(),
            })
            .collect(),
        timeline: log
            .iter()
            .rev()
            .map(|e| EntryView::of(key.clone(), e))
            .collect(),
        response: super::respond::response_view(app, incident).await?,
        clocks: super::clocks::incident_rows(&company.clocks, incident)?,
        notices: super::notices::notices_view(
            app,
            incident,
            &company.settings.notices,
            &company.clocks,
        )
        .await?,
        deliveries: super::deliveries::delivery_lines(app, incident).await?,
        key,
    })
}

async fn incident(
    State(app): State<App>,
    principal: Principal,
    Path(key): Path<String>,
) -> Result<Response, UiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let page = incident_page(&app, &principal, &incident, None).await?;
    Ok(render(StatusCode::OK, &page))
}

/// The reading pages.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/", Access::Read, "Dashboard", get(dashboard)),
        route(
            Method::GET,
            "/incidents",
            Access::Read,
            "Incident list page",
            get(list),
        ),
        route(
            Method::GET,
            "/incidents/{key}",
            Access::Read,
            "Incident page",
            get(incident),
        ),
    ]
}
