//! `rampart register …`: the incident's registers. Legal-process requests for Amazon data (each
//! starts an Amazon 24-hour clock), law-enforcement engagement, and the notification holds law
//! enforcement asks for (a hold in force blocks notices to affected people until it is lifted).

use clap::{Args as ClapArgs, Subcommand};
use rampart_core::Command;
use rampart_core::incident::{
    HoldLifted, HoldRequested, LawEnforcementEngaged, LegalProcessRecorded, RegisterAction,
};

use super::clocks::change_moving_clocks;
use super::context::{Globals, Session, incident_ref, parse_time};
use super::exit::Code;
use super::incident::change;
use super::output;

/// Arguments of `rampart register`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Record a legal-process request for Amazon data; it starts an Amazon 24-hour clock.
    LegalProcess(LegalProcessArgs),
    /// Record that the incident was referred to law enforcement.
    LawEnforcement(LawEnforcementArgs),
    /// Record a notification hold law enforcement asked for.
    Hold(HoldArgs),
    /// Lift a notification hold, with the reason.
    Lift(LiftArgs),
    /// List an incident's registers.
    List(ListArgs),
}

#[derive(Debug, ClapArgs)]
struct LegalProcessArgs {
    /// The incident key or id.
    key: String,
    /// Who makes the demand (court, agency, party).
    #[arg(long)]
    requester: String,
    /// The instrument: subpoena, warrant, court order, …
    #[arg(long)]
    instrument: String,
    /// What data it seeks.
    #[arg(long)]
    scope: String,
    /// When it was received, RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    received: String,
}

#[derive(Debug, ClapArgs)]
struct LawEnforcementArgs {
    /// The incident key or id.
    key: String,
    /// The agency.
    #[arg(long)]
    agency: String,
    /// The contact there.
    #[arg(long)]
    contact: String,
    /// Their case number.
    #[arg(long)]
    case_number: Option<String>,
    /// When the incident was referred, RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    referred: String,
    /// What was shared with them.
    #[arg(long)]
    shared: String,
    /// A request they made (repeat for each).
    #[arg(long = "request", value_name = "TEXT")]
    requests: Vec<String>,
}

#[derive(Debug, ClapArgs)]
struct HoldArgs {
    /// The incident key or id.
    key: String,
    /// The engagement the request came through (its id in `rampart register list`).
    #[arg(long)]
    engagement: u64,
    /// The officer who asked.
    #[arg(long)]
    officer: String,
    /// When it was asked, RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    requested_on: String,
    /// Until when, or when to review it, RFC 3339 (the hold stays until lifted).
    #[arg(long, value_name = "RFC3339")]
    until: Option<String>,
}

#[derive(Debug, ClapArgs)]
struct LiftArgs {
    /// The incident key or id.
    key: String,
    /// The hold's id.
    hold: u64,
    /// Why it is lifted.
    #[arg(long)]
    reason: String,
}

#[derive(Debug, ClapArgs)]
struct ListArgs {
    /// The incident key or id.
    key: String,
}

/// Runs `rampart register`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let session = Session::open(globals)?;
    let record =
        |key: &str, action| change(&session, key, Command::Register(action), String::new());
    match args.verb {
        Verb::LegalProcess(a) => {
            let action = RegisterAction::LegalProcess(LegalProcessRecorded {
                requester: a.requester,
                instrument: a.instrument,
                scope: a.scope,
                received: parse_time("--received", &a.received)?,
            });
            change_moving_clocks(&session, &a.key, Command::Register(action))
        }
        Verb::LawEnforcement(a) => record(
            &a.key,
            RegisterAction::LawEnforcement(LawEnforcementEngaged {
                agency: a.agency,
                contact: a.contact,
                case_number: a.case_number,
                referred: parse_time("--referred", &a.referred)?,
                shared: a.shared,
                requests: a.requests,
            }),
        ),
        Verb::Hold(a) => record(
            &a.key,
            RegisterAction::HoldRequested(HoldRequested {
                engagement: a.engagement,
                officer: a.officer,
                requested_on: parse_time("--requested-on", &a.requested_on)?,
                until: a
                    .until
                    .as_deref()
                    .map(|t| parse_time("--until", t))
                    .transpose()?,
            }),
        ),
        Verb::Lift(a) => record(
            &a.key,
            RegisterAction::HoldLifted(HoldLifted {
                hold: a.hold,
                reason: a.reason,
            }),
        ),
        Verb::List(a) => {
            let incident = session.run(session.store.incident(incident_ref(&a.key)?))?;
            list(globals, incident.registers())
        }
    }
}

fn list(globals: &Globals, r: &rampart_core::incident::Registers) -> anyhow::Result<Code> {
    if globals.json {
        output::json(r)?;
        return Ok(Code::Ok);
    }
    let mut rows = Vec::new();
    for l in &r.legal_process {
        let what = format!(
            "{} from {}: {}",
            l.record.instrument, l.record.requester, l.record.scope
        );
        rows.push(row(
            l.id,
            "legal process",
            what,
            l.record.received.to_string(),
        ));
    }
    for e in &r.law_enforcement {
        let case = e.record.case_number.as_deref().unwrap_or("no case number");
        let what = format!(
            "{} ({}, {case}); shared: {}",
            e.record.agency, e.record.contact, e.record.shared
        );
        rows.push(row(
            e.id,
            "law enforcement",
            what,
            e.record.referred.to_string(),
        ));
    }
    for h in &r.holds {
        let state = match &h.lifted {
            None => "in force".to_owned(),
            Some((by, at, why)) => format!("lifted by {by} at {at}: {why}"),
        };
        let what = format!(
            "hold asked by {} (engagement {}), {state}",
            h.request.record.officer, h.request.record.engagement
        );
        rows.push(row(
            h.request.id,
            "notification hold",
            what,
            h.request.record.requested_on.to_string(),
        ));
    }
    output::table(&["ID", "REGISTER", "WHAT", "WHEN"], &rows)?;
    Ok(Code::Ok)
}

fn row(id: u64, register: &str, what: String, when: String) -> Vec<String> {
    vec![id.to_string(), register.to_owned(), what, when]
}
