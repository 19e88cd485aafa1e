//! The notification clocks over the API, computed as `rampart clocks` computes them: the regimes
//! in force come from `rampart.toml` in the store's data directory
//! (`rampart_respond::company`), the views from `rampart_clock::view`. The dashboard and the
//! incident page read the same functions.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::routing::get;
use jiff::Timestamp;
use rampart_clock::Config;
use rampart_clock::view::{self, ClockView};
use rampart_core::Incident;
use rampart_core::incident::ClockOutcome;
use schemars::JsonSchema;
use serde::Serialize;

use super::{ApiPath, ReplySchema, reply, visible_incident};
use crate::access::{Access, Route, route};
use crate::app::App;
use crate::auth::Principal;
use crate::company::Company;
use crate::error::ApiError;

/// The company's settings and the regimes in force, from one reading of the settings.
pub(crate) fn company(app: &App) -> Result<Arc<Company>, ApiError> {
    app.company()
        .get(app.store().config().data_dir())
        .map_err(ApiError::internal)
}

/// Every clock of `incident` at `now`, sorted by time left.
pub(crate) fn incident_clocks(
    config: &Config,
    incident: &Incident,
    now: Timestamp,
) -> Result<Vec<ClockView>, ApiError> {
    let evaluation = config
        .evaluate(incident)
        .map_err(|e| ApiError::internal(format!("{}: {e}", incident.key())))?;
    let mut views = view::views(incident, &evaluation, now);
    view::sort(&mut views);
    Ok(views)
}

/// The clocks still running (or overdue) on the open incidents `principal` may see, sorted by
/// time left.
pub(crate) async fn open_clocks(
    app: &App,
    principal: &Principal,
    now: Timestamp,
) -> Result<Vec<ClockView>, ApiError> {
    let company = company(app)?;
    let visibility = principal.visibility();
    let mut all = Vec::new();
    for incident in app.store().unfinished_incidents(&visibility).await? {
        let views = incident_clocks(&company.clocks, &incident, now)?;
        all.extend(views.into_iter().filter(|v| !v.ended()));
    }
    view::sort(&mut all);
    Ok(all)
}

/// A clock as the API answers it.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ClockBody {
    /// The incident key.
    incident: String,
    /// The clock, `regime.deadline`.
    clock: String,
    /// The regime's id.
    regime: String,
    /// The regime's name.
    regime_name: String,
    /// What must be done.
    deadline: String,
    /// Who is notified.
    recipients: Vec<String>,
    /// Where the rule comes from.
    source: String,
    /// When it started, RFC 3339.
    started: String,
    /// When it is due, RFC 3339; absent for "without undue delay".
    due: Option<String>,
    /// Whether the due time may still move earlier.
    provisional: bool,
    /// `running`, `overdue`, `no_deadline`, `met`, `met_late`, `missed`.
    status: String,
    /// Seconds to the due time (negative when overdue); absent without a due time or once ended.
    seconds_left: Option<i64>,
    /// Percent of the time run.
    percent: Option<i64>,
    /// The highest reminder threshold reached: `50%`, `75%`, `90%`, `overdue`.
    threshold: Option<String>,
    /// Where it stands, in words: `3h 12m left`, `overdue by 2h 0m`, `met`.
    text: String,
    /// The time left as `rampart clocks` shows it: `5h 12m`, `-2h 0m` when overdue, `-` otherwise.
    left: String,
    /// The status as `rampart clocks` shows it: `running 80% (past 75%)`, `OVERDUE`, `met`, …
    status_text: String,
    /// How it ended, if it has.
    outcome: Option<OutcomeBody>,
}

/// How a clock ended.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct OutcomeBody {
    /// `met` or `missed`.
    kind: String,
    /// When the notice was given (met), RFC 3339.
    at: Option<String>,
    /// The log entry that records the notice (met).
    proof_entry: Option<u64>,
    /// The SHA-256 of the evidence item holding the notice (met).
    proof_evidence: Option<String>,
    /// Why it was missed.
    reason: Option<String>,
    /// The log entry that ended the clock.
    recorded_in: u64,
}

impl From<&ClockOutcome> for OutcomeBody {
    fn from(outcome: &ClockOutcome) -> Self {
        match outcome {
            ClockOutcome::Met {
                at,
                proof,
                recorded_in,
            } => OutcomeBody {
                kind: "met".to_owned(),
                at: Some(at.to_string()),
                proof_entry: proof.entry,
                proof_evidence: proof.evidence.map(|d| d.to_string()),
                reason: None,
                recorded_in: *recorded_in,
            },
            ClockOutcome::Missed {
                reason,
                recorded_in,
            } => OutcomeBody {
                kind: "missed".to_owned(),
                at: None,
                proof_entry: None,
                proof_evidence: None,
                reason: Some(reason.clone()),
                recorded_in: *recorded_in,
            },
        }
    }
}

impl From<&ClockView> for ClockBody {
    fn from(v: &ClockView) -> Self {
        let c = &v.clock;
        ClockBody {
            incident: v.incident.clone(),
            clock: c.id.to_string(),
            regime: c.regime.clone(),
            regime_name: c.regime_name.clone(),
            deadline: c.deadline.clone(),
            recipients: c.recipients.clone(),
            source: c.source.clone(),
            started: c.started.to_string(),
            due: c.due.map(|d| d.to_string()),
            provisional: c.provisional,
            status: v.status.to_owned(),
            seconds_left: v.seconds_left,
            percent: v.percent,
            threshold: v.threshold.map(|t| t.name().to_owned()),
            text: v.sentence(),
            left: v.left_text(),
            status_text: v.status_text(),
            outcome: c.outcome.as_ref().map(OutcomeBody::from),
        }
    }
}

/// The clocks of an answer.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ClocksBody {
    /// Sorted by time left: running and overdue first, then without a deadline, then ended.
    clocks: Vec<ClockBody>,
}

/// A deadline that applies to the incident but whose clock has not started.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct PendingBody {
    /// The clock it will start, `regime.deadline`.
    clock: String,
    /// What must be done.
    deadline: String,
    /// The fact it waits for.
    waiting_for: String,
}

/// One incident's clocks.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct IncidentClocksBody {
    /// Sorted by time left: running and overdue first, then without a deadline, then ended.
    clocks: Vec<ClockBody>,
    /// Deadlines that apply but have not started, each with the fact it waits for.
    pending: Vec<PendingBody>,
}

fn answer(views: &[ClockView]) -> Json<ClocksBody> {
    Json(ClocksBody {
        clocks: views.iter().map(ClockBody::from).collect(),
    })
}

async fn all_clocks(
    State(app): State<App>,
    principal: Principal,
) -> Result<Json<ClocksBody>, ApiError> {
    Ok(answer(
        &open_clocks(&app, &principal, Timestamp::now()).await?,
    ))
}

async fn clocks_of(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
) -> Result<Json<IncidentClocksBody>, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let company = company(&app)?;
    let config = &company.clocks;
    let pending = config
        .evaluate(&incident)
        .map_err(|e| ApiError::internal(format!("{}: {e}", incident.key())))?
        .pending;
    Ok(Json(IncidentClocksBody {
        clocks: incident_clocks(config, &incident, Timestamp::now())?
            .iter()
            .map(ClockBody::from)
            .collect(),
        pending: pending
            .into_iter()
            .map(|p| PendingBody {
                clock: p.id.to_string(),
                deadline: p.deadline,
                waiting_for: p.waiting_for,
            })
            .collect(),
    }))
}

/// The clock routes.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/api/v1/clocks",
            Access::Read,
            "The running clocks of open incidents, by time left",
            get(all_clocks),
        ),
        route(
            Method::GET,
            "/api/v1/incidents/{key}/clocks",
            Access::Read,
            "An incident's clocks: due time, time left, met or missed",
            get(clocks_of),
        ),
    ]
}

/// The clock routes' answers.
pub(super) fn replies() -> Vec<ReplySchema> {
    vec![
        reply::<ClocksBody>(Method::GET, "/api/v1/clocks", StatusCode::OK),
        reply::<IncidentClocksBody>(
            Method::GET,
            "/api/v1/incidents/{key}/clocks",
            StatusCode::OK,
        ),
    ]
}
