//! Law-enforcement notification holds on the incident page, as `rampart register hold|lift`: a
//! hold recorded through an engagement (who asked, when, until when) and lifted with the reason;
//! each one appended log entry. While a hold is in force, notices to affected people are blocked.

use axum::extract::{Form, Path, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::post;
use rampart_core::incident::{HoldLifted, HoldRequested, RegisterAction};
use rampart_core::{Command, ZonedTime};
use serde::Deserialize;

use super::UiError;
use super::forms::after_change;
use crate::access::{Access, Route, route};
use crate::api::change;
use crate::app::App;
use crate::auth::Principal;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
struct HoldForm {
    engagement: u64,
    officer: String,
    requested_on: String,
    #[serde(default)]
    until: String,
}

fn time(field: &str, text: &str) -> Result<ZonedTime, ApiError> {
    text.trim().parse().map_err(|e| {
        ApiError::bad_request(format!(
            "{field} {text:?}: not a time with an offset such as 2026-03-01T09:30:00Z ({e})"
        ))
    })
}

async fn hold(
    State(app): State<App>,
    principal: Principal,
    Path(key): Path<String>,
    Form(form): Form<HoldForm>,
) -> Result<Response, UiError> {
    let until = Some(form.until.as_str())
        .filter(|u| !u.trim().is_empty())
        .map(|u| time("until", u))
        .transpose()?;
    let action = RegisterAction::HoldRequested(HoldRequested {
        engagement: form.engagement,
        officer: form.officer.trim().to_owned(),
        requested_on: time("requested on", &form.requested_on)?,
        until,
    });
    register(&app, &principal, &key, action).await
}

#[derive(Debug, Deserialize)]
struct LiftForm {
    #[serde(default)]
    reason: String,
}

async fn lift(
    State(app): State<App>,
    principal: Principal,
    Path((key, hold)): Path<(String, u64)>,
    Form(form): Form<LiftForm>,
) -> Result<Response, UiError> {
    let action = RegisterAction::HoldLifted(HoldLifted {
        hold,
        reason: form.reason.trim().to_owned(),
    });
    register(&app, &principal, &key, action).await
}

/// Appends the register `action` to incident `key` and shows the page again.
async fn register(
    app: &App,
    principal: &Principal,
    key: &str,
    action: RegisterAction,
) -> Result<Response, UiError> {
    let result = change(
        app,
        principal,
        key,
        Command::Register(action),
        String::new(),
    )
    .await;
    after_change(app, principal, key, result).await
}

/// The hold forms.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::POST,
            "/incidents/{key}/holds",
            Access::Respond,
            "Record a law-enforcement notification hold (form)",
            post(hold),
        ),
        route(
            Method::POST,
            "/incidents/{key}/holds/{hold}/lift",
            Access::Respond,
            "Lift a notification hold, with the reason (form)",
            post(lift),
        ),
    ]
}
