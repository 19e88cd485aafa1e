//! `rampart incident update`: descriptive fields in one `incident.updated` entry, or the severity
//! set by hand (or handed back to the matrix) in one `incident.severity_overridden` entry. A
//! changed timestamp needs a reason, and the entry names the clocks it moves.

use clap::Args as ClapArgs;
use hyper::Method;
use rampart_core::Command;
use rampart_core::incident::{IncidentType, Severity, Updated};

use super::open::ImpactArgs;
use super::{change, remote};
use crate::cli::clocks::change_moving_clocks;
use crate::cli::context::{Session, bad_input, domain_error, parse_time, parse_value};
use crate::cli::exit::Code;
use crate::cli::remote::Remote;

/// Arguments of `rampart incident update`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// The incident key or id.
    key: String,
    /// New title.
    #[arg(long)]
    title: Option<String>,
    /// New summary.
    #[arg(long)]
    summary: Option<String>,
    /// New type.
    #[arg(long = "type", value_name = "TYPE")]
    incident_type: Option<String>,
    /// Whether Amazon Information is involved.
    #[arg(long, value_name = "BOOL")]
    amazon_data: Option<bool>,
    /// Whether personal data is involved.
    #[arg(long, value_name = "BOOL")]
    personal_data: Option<bool>,
    /// When it happened, RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    occurred: Option<String>,
    /// When it was detected, RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    detected: Option<String>,
    /// When it was reported, RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    reported: Option<String>,
    #[command(flatten)]
    impact: ImpactArgs,
    /// Set the severity by hand (low, medium, high, critical), or `matrix` to derive it from the
    /// impact again. Recorded on its own; needs --reason.
    #[arg(long, requires = "reason", conflicts_with_all = [
        "title", "summary", "incident_type", "amazon_data", "personal_data",
        "occurred", "detected", "reported", "functional_impact",
    ])]
    severity: Option<String>,
    /// Why: required with --severity and when a timestamp changes (it moves clocks).
    #[arg(long)]
    reason: Option<String>,
}

/// Appends the update.
pub(crate) fn run(session: &Session, args: Args) -> anyhow::Result<Code> {
    if let Some(severity) = severity(&args)? {
        let cmd = Command::OverrideSeverity {
            severity,
            reason: args.reason.clone().unwrap_or_default(),
        };
        return change(session, &args.key, cmd, String::new());
    }
    let incident_type = args
        .incident_type
        .as_deref()
        .map(|t| session.types.parse(t).map_err(domain_error))
        .transpose()?;
    let key = args.key.clone();
    let updated = updated(args, incident_type)?;
    change_moving_clocks(session, &key, Command::Update(updated))
}

/// The update on a server (`PATCH /api/v1/incidents/KEY`, or `POST …/severity`); the server
/// checks the type against its own list.
pub(crate) fn run_remote(remote: &Remote, args: Args) -> anyhow::Result<Code> {
    if let Some(severity) = severity(&args)? {
        let body = serde_json::json!({
            "severity": severity.map(Severity::name),
            "reason": args.reason.clone().unwrap_or_default(),
        });
        return remote::change(remote, Method::POST, &args.key, "/severity", Some(body));
    }
    let key = args.key.clone();
    let incident_type = args.incident_type.clone();
    let mut body = serde_json::to_value(updated(args, None)?)?;
    if let Some(t) = incident_type {
        body["incident_type"] = serde_json::Value::String(t);
    }
    remote::change_moving_clocks(remote, Method::PATCH, &key, "", body)
}

/// With `--severity`: the severity set by hand, or `None` to hand it back to the matrix.
fn severity(args: &Args) -> anyhow::Result<Option<Option<Severity>>> {
    Ok(match args.severity.as_deref().map(str::trim) {
        None => None,
        Some("matrix") => Some(None),
        Some(other) => Some(Some(parse_value::<Severity>(other)?)),
    })
}

/// The fields to change (the type, parsed, comes apart); refused when there are none.
fn updated(args: Args, incident_type: Option<IncidentType>) -> anyhow::Result<Updated> {
    let time = |option: &str, value: &Option<String>| {
        value.as_deref().map(|t| parse_time(option, t)).transpose()
    };
    let typed = args.incident_type.is_some();
    let updated = Updated {
        title: args.title,
        summary: args.summary,
        incident_type,
        impact: args.impact.impact()?,
        amazon_information: args.amazon_data,
        personal_data: args.personal_data,
        occurred: time("--occurred", &args.occurred)?,
        detected: time("--detected", &args.detected)?,
        reported: time("--reported", &args.reported)?,
        reason: args.reason,
    };
    if updated.fields().is_empty() && !typed {
        return Err(bad_input(
            "nothing to update: name at least one field (see `rampart incident update --help`)",
        ));
    }
    Ok(updated)
}
