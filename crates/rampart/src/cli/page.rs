//! `rampart page list|ack|escalate`: pages calling the team to incidents. A page left
//! unacknowledged past its step's window escalates along the plan's chain when `escalate` runs
//! (the server runs it on a schedule); each page, acknowledgement and escalation is a log entry.

use clap::{Args as ClapArgs, Subcommand};
use rampart_core::incident::ResponseCommand;
use rampart_core::{Command, Incident};
use rampart_store::IncidentFilter;

use super::context::{Globals, Session, bad_input, incident_ref};
use super::exit::Code;
use hyper::Method;

use super::incident::{change, remote};
use super::remote::{Remote, local_only};
use super::{output, respond};

/// Arguments of `rampart page`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// List pages, newest incidents last.
    List {
        /// Only pages still waiting for an acknowledgement.
        #[arg(long)]
        open: bool,
    },
    /// Acknowledge a page as the acting person.
    Ack {
        /// The incident key or id.
        key: String,
        /// The page number (default: the incident's only open page).
        page: Option<u64>,
    },
    /// Escalate every page whose acknowledgement window has run out, along the plan's chain.
    Escalate,
}

/// Runs `rampart page`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    if let Some(remote) = Remote::from_globals(globals)? {
        return match args.verb {
            Verb::List { open } => list(&remote::incidents(&remote, &[])?, globals, open),
            Verb::Ack { key, page } => {
                let page = match page {
                    Some(page) => page,
                    None => only_open_page(&remote::incident(&remote, &key)?)?,
                };
                let tail = format!("/pages/{page}/acknowledgement");
                remote::change(&remote, Method::POST, &key, &tail, None)
            }
            // The server escalates on its own schedule.
            Verb::Escalate => Err(local_only("page escalate")),
        };
    }
    let session = Session::open(globals)?;
    match args.verb {
        Verb::List { open } => {
            let incidents = session.run(session.store.incidents(&IncidentFilter::default()))?;
            list(&incidents, globals, open)
        }
        Verb::Ack { key, page } => {
            let incident = session.run(session.store.incident(incident_ref(&key)?))?;
            let page = match page {
                Some(page) => page,
                None => only_open_page(&incident)?,
            };
            let cmd = Command::Respond(ResponseCommand::AcknowledgePage { page });
            change(&session, &key, cmd, String::new())
        }
        Verb::Escalate => {
            let escalated = escalate_due(&session)?;
            println!("{escalated} page(s) escalated");
            Ok(Code::Ok)
        }
    }
}

fn only_open_page(incident: &Incident) -> anyhow::Result<u64> {
    let open: Vec<u64> = incident
        .response()
        .pages
        .iter()
        .filter(|p| p.is_open())
        .map(|p| p.id)
        .collect();
    match open.as_slice() {
        [one] => Ok(*one),
        [] => Err(bad_input(format!("{} has no open page", incident.key()))),
        many => Err(bad_input(format!(
            "{} has {} open pages ({}); name one",
            incident.key(),
            many.len(),
            many.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn list(incidents: &[Incident], globals: &Globals, open_only: bool) -> anyhow::Result<Code> {
    let pages: Vec<(&Incident, &rampart_core::incident::Page)> = incidents
        .iter()
        .flat_map(|i| i.response().pages.iter().map(move |p| (i, p)))
        .filter(|(_, p)| !open_only || p.is_open())
        .collect();
    if globals.json {
        let all: Vec<_> = pages
            .iter()
            .map(|(i, p)| serde_json::json!({ "incident": i.key().to_string(), "page": p }))
            .collect();
        output::json(&all)?;
        return Ok(Code::Ok);
    }
    let rows: Vec<Vec<String>> = pages
        .iter()
        .map(|(i, p)| {
            let to: Vec<String> = p
                .recipients
                .iter()
                .map(|r| format!("{} <{}>", r.member, r.email))
                .collect();
            vec![
                i.key().to_string(),
                p.id.to_string(),
                p.step.clone(),
                p.step_since.to_string(),
                to.join(", "),
                p.acknowledged
                    .as_ref()
                    .map_or_else(|| "OPEN".to_owned(), |(by, at)| format!("{by} at {at}")),
            ]
        })
        .collect();
    output::table(
        &["INCIDENT", "PAGE", "STEP", "SINCE", "PAGED", "ACKNOWLEDGED"],
        &rows,
    )?;
    Ok(Code::Ok)
}

/// Moves every open page whose window ran out to the next step(s) of the chain, as of now, and
/// queues the new pages; returns how many escalation entries were written. Without a plan
/// applied there is nothing to escalate: no page can have been sent.
pub(crate) fn escalate_due(session: &Session) -> anyhow::Result<usize> {
    if session.run(session.store.plan_version(None))?.is_none() {
        return Ok(0);
    }
    let ctx = session.context()?;
    let written = session
        .block_on(rampart_respond::escalate(&session.store, &ctx))
        .map_err(respond::failure)?;
    respond::report(&written);
    respond::deliver(session, &written)?;
    Ok(written.len())
}
