//! Clocks on the pages: the dashboard's running clocks of open incidents by time left, and every
//! clock of the incident page with how it ended. Urgency is a CSS class (`clock-50`, `clock-75`,
//! `clock-90`, `clock-overdue`; the CSP forbids inline styles) and also words ("3h 12m left",
//! "overdue by 2h 0m"), so it reads without colour.

use jiff::Timestamp;
use rampart_clock::view::ClockView;
use rampart_clock::{Status, Threshold};
use rampart_core::Incident;
use rampart_core::incident::ClockOutcome;

use super::UiError;
use crate::api::clocks::{incident_clocks, open_clocks};
use crate::app::App;
use crate::auth::Principal;

/// A clock row.
pub(crate) struct ClockRow {
    pub(crate) incident: String,
    pub(crate) clock: String,
    pub(crate) regime: String,
    pub(crate) deadline: String,
    pub(crate) due: String,
    /// Where it stands in words.
    pub(crate) text: String,
    /// The urgency class.
    pub(crate) class: &'static str,
    /// How it ended: the proof of a met clock, the reason of a missed one.
    pub(crate) outcome: String,
}

impl ClockRow {
    fn of(v: &ClockView) -> Self {
        let class = match v.state {
            Status::Overdue { .. } => "clock-overdue",
            Status::Running { .. } => match v.threshold {
                Some(Threshold::NinetyPercent | Threshold::Overdue) => "clock-90",
                Some(Threshold::ThreeQuarters) => "clock-75",
                Some(Threshold::Half) => "clock-50",
                None => "clock-ok",
            },
            Status::NoDeadline { .. } => "clock-open",
            Status::Met { late_by: None } => "clock-met",
            Status::Met { late_by: Some(_) } | Status::Missed => "clock-missed",
        };
        let due = v.clock.due.map_or_else(
            || "without undue delay".to_owned(),
            |d| d.instant().strftime("%Y-%m-%d %H:%M UTC").to_string(),
        );
        ClockRow {
            incident: v.incident.clone(),
            clock: v.clock.id.to_string(),
            regime: v.clock.regime_name.clone(),
            deadline: v.clock.deadline.clone(),
            due: if v.clock.provisional {
                format!("{due} (provisional)")
            } else {
                due
            },
            text: v.sentence(),
            class,
            outcome: v.clock.outcome.as_ref().map_or_else(String::new, outcome),
        }
    }
}

fn outcome(o: &ClockOutcome) -> String {
    match o {
        ClockOutcome::Met {
            at,
            proof,
            recorded_in,
        } => {
            let mut by = Vec::new();
            by.extend(proof.entry.map(|e| format!("log entry #{e}")));
            by.extend(proof.evidence.map(|d| format!("evidence {d}")));
            format!(
                "met at {at}, proved by {} (recorded in #{recorded_in})",
                by.join(" and ")
            )
        }
        ClockOutcome::Missed {
            reason,
            recorded_in,
        } => format!("missed: {reason} (recorded in #{recorded_in})"),
    }
}

/// The running clocks of the open incidents `principal` may see, by time left.
pub(crate) async fn dashboard_rows(
    app: &App,
    principal: &Principal,
) -> Result<Vec<ClockRow>, UiError> {
    let views = open_clocks(app, principal, Timestamp::now()).await?;
    Ok(views.iter().map(ClockRow::of).collect())
}

/// Every clock of `incident`, running ones by time left first.
pub(crate) fn incident_rows(
    config: &rampart_clock::Config,
    incident: &Incident,
) -> Result<Vec<ClockRow>, UiError> {
    let views = incident_clocks(config, incident, Timestamp::now())?;
    Ok(views.iter().map(ClockRow::of).collect())
}
