//! `rampart incident update`: descriptive fields in one `incident.updated` entry, or the severity
//! set by hand (or handed back to the matrix) in one `incident.severity_overridden` entry. A
//! changed timestamp needs a reason, and the entry names the clocks it moves.

use clap::Args as ClapArgs;
use rampart_core::Command;
use rampart_core::incident::{Severity, Updated};

use super::change;
use super::open::ImpactArgs;
use crate::cli::clocks::change_moving_clocks;
use crate::cli::context::{Session, bad_input, domain_error, parse_time, parse_value};
use crate::cli::exit::Code;

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
    if let Some(severity) = &args.severity {
        let severity = match severity.trim() {
            "matrix" => None,
            other => Some(parse_value::<Severity>(other)?),
        };
        let cmd = Command::OverrideSeverity {
            severity,
            reason: args.reason.clone().unwrap_or_default(),
        };
        return change(session, &args.key, cmd, String::new());
    }
    let time = |option: &str, value: &Option<String>| {
        value.as_deref().map(|t| parse_time(option, t)).transpose()
    };
    let updated = Updated {
        title: args.title,
        summary: args.summary,
        incident_type: args
            .incident_type
            .as_deref()
            .map(|t| session.types.parse(t).map_err(domain_error))
            .transpose()?,
        impact: args.impact.impact()?,
        amazon_information: args.amazon_data,
        personal_data: args.personal_data,
        occurred: time("--occurred", &args.occurred)?,
        detected: time("--detected", &args.detected)?,
        reported: time("--reported", &args.reported)?,
        reason: args.reason,
    };
    if updated.fields().is_empty() {
        return Err(bad_input(
            "nothing to update: name at least one field (see `rampart incident update --help`)",
        ));
    }
    change_moving_clocks(session, &args.key, Command::Update(updated))
}
