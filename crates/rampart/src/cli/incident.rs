//! `rampart incident …`: open, read and change incidents. Every change is one appended log entry,
//! decided by `rampart-core` against the incident as it stands under the store's write lock.

mod affected;
mod facts;
mod identify;
mod open;
pub(crate) mod remote;
mod show;
mod update;

pub(crate) use show::describe;

use clap::{Args as ClapArgs, Subcommand};
use hyper::Method;
use rampart_core::incident::{IncidentType, Role, Severity, State};
use rampart_core::{Command, Incident};
use rampart_store::IncidentFilter;

use super::context::{Globals, Session, domain_error, incident_ref, parse_time, parse_value};
use super::exit::Code;
use super::output;
use super::remote::Remote;

/// Arguments of `rampart incident`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Open an incident; prints its key.
    Open(open::Args),
    /// List incidents, newest first.
    List(ListArgs),
    /// Show an incident: its record, evidence, roles and log.
    Show(show::Args),
    /// Change the title, summary, type, flags, impact, severity or timestamps.
    Update(update::Args),
    /// Move an incident through its lifecycle.
    Transition(TransitionArgs),
    /// Add a note to the log.
    Note(NoteArgs),
    /// Give an incident role to someone.
    Assign(AssignArgs),
    /// Leave an incident role vacant.
    Unassign(UnassignArgs),
    /// Record what was affected: systems, accounts, services, data, networks, damage.
    Affected(affected::Args),
    /// Record the facts that start notification clocks: residents per region, legal process,
    /// materiality.
    Facts(facts::Args),
    /// Answer the identification checklist, set the severity, and confirm or dismiss.
    Identify(identify::Args),
    /// Activate the team under the plan: playbook tasks, on-call roles, the first page.
    Activate(KeyArgs),
}

#[derive(Debug, ClapArgs)]
struct KeyArgs {
    /// The incident key (INC-2026-0042) or id.
    key: String,
}

#[derive(Debug, ClapArgs)]
struct ListArgs {
    /// Only incidents in this state (reported, triage, confirmed, …).
    #[arg(long)]
    state: Option<String>,
    /// Only incidents of this severity.
    #[arg(long)]
    severity: Option<String>,
    /// Only incidents of this type.
    #[arg(long = "type", value_name = "TYPE")]
    incident_type: Option<String>,
}

#[derive(Debug, ClapArgs)]
struct TransitionArgs {
    /// The incident key (INC-2026-0042) or id.
    key: String,
    /// The target state.
    state: String,
    /// Why (required when dismissing or reopening).
    #[arg(long)]
    reason: Option<String>,
    /// When the change took effect, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
}

#[derive(Debug, ClapArgs)]
struct NoteArgs {
    /// The incident key or id.
    key: String,
    /// The note.
    text: String,
}

#[derive(Debug, ClapArgs)]
struct AssignArgs {
    /// The incident key or id.
    key: String,
    /// The role: commander, scribe, technical_lead, communications_lead, legal_privacy, impoc.
    role: String,
    /// Who takes it.
    person: String,
}

#[derive(Debug, ClapArgs)]
struct UnassignArgs {
    /// The incident key or id.
    key: String,
    /// The role to leave vacant.
    role: String,
}

/// Runs `rampart incident`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    if let Some(remote) = Remote::from_globals(globals)? {
        return match args.verb {
            Verb::List(a) => remote::list(&remote, globals, a),
            Verb::Open(a) => open::run_remote(&remote, globals, a),
            Verb::Affected(a) => affected::run_remote(&remote, a),
            Verb::Identify(a) => identify::run_remote(&remote, globals, a),
            Verb::Activate(a) => {
                remote::run_plan(&remote, &a.key, "/activation", None)?;
                Ok(Code::Ok)
            }
            Verb::Transition(a) => {
                let state = parse_value::<State>(&a.state)?;
                let at = a.at.as_deref().map(|t| parse_time("--at", t)).transpose()?;
                let body =
                    serde_json::json!({ "state": state.name(), "reason": a.reason, "at": at });
                remote::change(&remote, Method::POST, &a.key, "/transitions", Some(body))
            }
            Verb::Note(a) => {
                let body = serde_json::json!({ "text": a.text });
                remote::change(&remote, Method::POST, &a.key, "/notes", Some(body))
            }
            Verb::Assign(a) => {
                let role = parse_value::<Role>(&a.role)?;
                let body = serde_json::json!({ "person": a.person });
                let path = format!("/roles/{}", role.name());
                remote::change(&remote, Method::PUT, &a.key, &path, Some(body))
            }
            Verb::Unassign(a) => {
                let role = parse_value::<Role>(&a.role)?;
                let path = format!("/roles/{}", role.name());
                remote::change(&remote, Method::DELETE, &a.key, &path, None)
            }
            Verb::Show(a) => show::run_remote(&remote, globals, a),
            Verb::Update(a) => update::run_remote(&remote, a),
            Verb::Facts(a) => facts::run_remote(&remote, a),
        };
    }
    let session = Session::open(globals)?;
    match args.verb {
        Verb::Open(a) => open::run(&session, globals, a),
        Verb::List(a) => list(&session, globals, a),
        Verb::Show(a) => show::run(&session, globals, a),
        Verb::Update(a) => update::run(&session, a),
        Verb::Transition(a) => {
            let cmd = Command::Transition {
                to: parse_value::<State>(&a.state)?,
                at: a.at.as_deref().map(|t| parse_time("--at", t)).transpose()?,
                reason: a.reason,
            };
            change(&session, &a.key, cmd, String::new())
        }
        Verb::Note(a) => change(&session, &a.key, Command::Note, a.text),
        Verb::Assign(a) => {
            let cmd = Command::AssignRole {
                role: parse_value::<Role>(&a.role)?,
                person: a.person,
            };
            change(&session, &a.key, cmd, String::new())
        }
        Verb::Unassign(a) => {
            let cmd = Command::UnassignRole {
                role: parse_value::<Role>(&a.role)?,
            };
            change(&session, &a.key, cmd, String::new())
        }
        Verb::Affected(a) => affected::run(&session, a),
        Verb::Facts(a) => facts::run(&session, a),
        Verb::Identify(a) => identify::run(&session, globals, a),
        Verb::Activate(a) => {
            let incident = session.run(session.store.incident(incident_ref(&a.key)?))?;
            super::respond::activate(&session, &incident)?;
            Ok(Code::Ok)
        }
    }
}

/// Appends the entry `command` decides on the incident `key` and reports it on stderr.
pub(crate) fn change(
    session: &Session,
    key: &str,
    command: Command,
    text: String,
) -> anyhow::Result<Code> {
    let id = session.incident_id(key)?;
    let ctx = session.context()?;
    let appended = session.run(session.store.append(id, |incident: &Incident| {
        incident.decide(&ctx, command.clone(), text.clone())
    }))?;
    report_entry(&appended.incident, &appended.entry);
    Ok(Code::Ok)
}

/// One line on stderr saying which entry recorded a change.
pub(crate) fn report_entry(incident: &Incident, entry: &rampart_core::LogEntry) {
    eprintln!(
        "{}: log entry #{} ({}) recorded; state {}",
        incident.key(),
        entry.seq,
        entry.kind,
        incident.state().name()
    );
}

fn list(session: &Session, globals: &Globals, args: ListArgs) -> anyhow::Result<Code> {
    let filter = IncidentFilter {
        state: args
            .state
            .as_deref()
            .map(parse_value::<State>)
            .transpose()?,
        severity: args
            .severity
            .as_deref()
            .map(parse_value::<Severity>)
            .transpose()?,
        incident_type: args
            .incident_type
            .as_deref()
            .map(|t| session.types.parse(t).map_err(domain_error))
            .transpose()?,
    };
    let incidents = session.run(session.store.incidents(&filter))?;
    print_list(globals, &incidents)
}

fn print_list(globals: &Globals, incidents: &[Incident]) -> anyhow::Result<Code> {
    if globals.json {
        output::json(&incidents)?;
        return Ok(Code::Ok);
    }
    let rows: Vec<Vec<String>> = incidents.iter().map(summary_row).collect();
    output::table(
        &["KEY", "STATE", "SEVERITY", "TYPE", "DETECTED", "TITLE"],
        &rows,
    )?;
    Ok(Code::Ok)
}

fn summary_row(incident: &Incident) -> Vec<String> {
    vec![
        incident.key().to_string(),
        incident.state().name().to_owned(),
        incident.severity().map_or("-", Severity::name).to_owned(),
        type_name(incident.incident_type()),
        incident.times().detected.to_string(),
        incident.title().to_owned(),
    ]
}

fn type_name(t: &IncidentType) -> String {
    t.name().to_owned()
}
