//! `rampart incident open`: the first entry of a new incident.

use anyhow::Context as _;
use clap::Args as ClapArgs;
use hyper::Method;
use rampart_core::incident::{
    FunctionalImpact, Impact, InformationImpact, Recoverability, Severity, SeverityOverride,
};
use rampart_core::{Incident, IncidentId, OpenIncident, ZonedTime};

use crate::cli::context::{Globals, Session, domain_error, parse_time, parse_value};
use crate::cli::exit::Code;
use crate::cli::remote::Remote;
use crate::cli::{output, respond};

/// The impact assessment (NIST SP 800-61): all three or none.
#[derive(Debug, ClapArgs)]
pub(crate) struct ImpactArgs {
    /// Functional impact: none, low, medium, high.
    #[arg(long, requires_all = ["information_impact", "recoverability"])]
    pub(crate) functional_impact: Option<String>,
    /// Information impact: none, privacy_breach, proprietary_breach, integrity_loss.
    #[arg(long, requires_all = ["functional_impact", "recoverability"])]
    pub(crate) information_impact: Option<String>,
    /// Recoverability: regular, supplemented, extended, not_recoverable.
    #[arg(long, requires_all = ["functional_impact", "information_impact"])]
    pub(crate) recoverability: Option<String>,
}

impl ImpactArgs {
    /// The assessment, when given.
    pub(crate) fn impact(&self) -> anyhow::Result<Option<Impact>> {
        let (Some(f), Some(i), Some(r)) = (
            &self.functional_impact,
            &self.information_impact,
            &self.recoverability,
        ) else {
            return Ok(None);
        };
        Ok(Some(Impact {
            functional: parse_value::<FunctionalImpact>(f)?,
            information: parse_value::<InformationImpact>(i)?,
            recoverability: parse_value::<Recoverability>(r)?,
        }))
    }
}

/// Arguments of `rampart incident open`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// A one-line title.
    #[arg(long)]
    title: String,
    /// The incident type (unauthorized_access, data_breach, malware, …).
    #[arg(long = "type", value_name = "TYPE")]
    incident_type: String,
    /// What is known so far.
    #[arg(long, default_value = "")]
    summary: String,
    /// Set the severity by hand (low, medium, high, critical) instead of from the impact.
    #[arg(long, conflicts_with = "functional_impact")]
    severity: Option<String>,
    /// Why the severity is set by hand (default: stated when opening).
    #[arg(long, requires = "severity")]
    severity_reason: Option<String>,
    #[command(flatten)]
    impact: ImpactArgs,
    /// Amazon Information is involved (starts Amazon's 24-hour clock).
    #[arg(long)]
    amazon_data: bool,
    /// Personal data is involved.
    #[arg(long)]
    personal_data: bool,
    /// This is a drill: handled as an incident, kept out of statistics.
    #[arg(long)]
    drill: bool,
    /// When it happened, RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    occurred: Option<String>,
    /// When it was detected, RFC 3339 (default: when reported).
    #[arg(long, value_name = "RFC3339")]
    detected: Option<String>,
    /// When it was reported, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    reported: Option<String>,
}

/// What the options say, checked: the severity set by hand, the impact and the three times.
struct Stated {
    severity_override: Option<SeverityOverride>,
    impact: Option<Impact>,
    occurred: Option<ZonedTime>,
    detected: Option<ZonedTime>,
    reported: Option<ZonedTime>,
}

fn stated(args: &Args) -> anyhow::Result<Stated> {
    let severity_override = args
        .severity
        .as_deref()
        .map(|s| -> anyhow::Result<SeverityOverride> {
            Ok(SeverityOverride {
                severity: parse_value::<Severity>(s)?,
                reason: args
                    .severity_reason
                    .clone()
                    .unwrap_or_else(|| "stated when the incident was opened".to_owned()),
            })
        })
        .transpose()?;
    let time = |option: &str, value: &Option<String>| {
        value.as_deref().map(|t| parse_time(option, t)).transpose()
    };
    Ok(Stated {
        severity_override,
        impact: args.impact.impact()?,
        occurred: time("--occurred", &args.occurred)?,
        detected: time("--detected", &args.detected)?,
        reported: time("--reported", &args.reported)?,
    })
}

/// Opens the incident on a server (which activates the team when the plan says so) and prints its
/// key (or the incident as JSON).
pub(crate) fn run_remote(remote: &Remote, globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let stated = stated(&args)?;
    let (severity, severity_reason) = match stated.severity_override {
        Some(o) => (Some(o.severity), Some(o.reason)),
        None => (None, None),
    };
    let body = serde_json::json!({
        "title": args.title,
        "type": args.incident_type,
        "summary": args.summary,
        "severity": severity.map(Severity::name),
        "severity_reason": severity_reason,
        "impact": stated.impact,
        "amazon_information": args.amazon_data,
        "personal_data": args.personal_data,
        "drill": args.drill,
        "occurred": stated.occurred,
        "detected": stated.detected,
        "reported": stated.reported,
    });
    let incident: Incident = remote.send(Method::POST, "/api/v1/incidents", Some(&body))?;
    print_opened(globals, &incident)?;
    Ok(Code::Ok)
}

fn print_opened(globals: &Globals, incident: &Incident) -> anyhow::Result<()> {
    if globals.json {
        output::json(incident)?;
    } else {
        println!("{}", incident.key());
    }
    Ok(())
}

/// Opens the incident and prints its key (or the incident as JSON).
pub(crate) fn run(session: &Session, globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let Stated {
        severity_override,
        impact,
        occurred,
        detected,
        reported,
    } = stated(&args)?;
    let incident_type = session
        .types
        .parse(&args.incident_type)
        .map_err(domain_error)?;
    let ctx = session.context()?;
    let year = key_year(&ctx.now);
    let appended = session.run(session.store.open_incident(year, |key| {
        let cmd = OpenIncident {
            id: IncidentId::generate(),
            key,
            title: args.title,
            summary: args.summary,
            incident_type,
            impact,
            severity_override,
            amazon_information: args.amazon_data,
            personal_data: args.personal_data,
            drill: args.drill,
            occurred,
            detected,
            reported,
        };
        Incident::open(&ctx, cmd, String::new())
    }))?;
    print_opened(globals, &appended.incident)?;
    activate_on_open(session, &appended.incident)?;
    Ok(Code::Ok)
}

/// Activates the team at once when the plan says so for the incident's severity (high and
/// critical in the default plan), before identification is decided. The incident stays opened
/// whatever happens here; a failure says how to activate it by hand.
fn activate_on_open(session: &Session, incident: &Incident) -> anyhow::Result<()> {
    if !session.run(rampart_respond::activates_on_open(&session.store, incident))? {
        return Ok(());
    }
    respond::activate(session, incident).with_context(|| {
        format!(
            "{key} is opened, but activating the team failed; retry with \
             `rampart incident activate {key}`",
            key = incident.key()
        )
    })
}

/// The key's year: the year of "now" at the actor's offset.
fn key_year(now: &rampart_core::ZonedTime) -> u16 {
    let year = now
        .instant()
        .to_zoned(jiff::tz::TimeZone::fixed(now.offset()))
        .year();
    u16::try_from(year).unwrap_or(0)
}
