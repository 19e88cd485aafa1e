//! `rampart page list|ack|escalate`: pages calling the team to incidents. A page left
//! unacknowledged past its step's window escalates along the plan's chain when `escalate` runs
//! (the server runs it on a schedule); each page, acknowledgement and escalation is a log entry.

use clap::{Args as ClapArgs, Subcommand};
use rampart_core::incident::{PageEscalated, ResponseAction, ResponseCommand};
use rampart_core::{Action, Command, Incident};
use rampart_notify::{Message, Outbox};
use rampart_store::{Appended, IncidentFilter};

use super::context::{Globals, Session, bad_input, incident_ref};
use super::exit::{Code, Failure};
use super::incident::change;
use super::output;
use super::respond::append_all;

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
    let session = Session::open(globals)?;
    match args.verb {
        Verb::List { open } => list(&session, globals, open),
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

fn list(session: &Session, globals: &Globals, open_only: bool) -> anyhow::Result<Code> {
    let incidents = session.run(session.store.incidents(&IncidentFilter::default()))?;
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
/// queues the new pages; returns how many escalation entries were written.
/// Without a plan applied there is nothing to escalate: no page can have been sent.
pub(crate) fn escalate_due(session: &Session) -> anyhow::Result<usize> {
    let Some(current) = session.run(session.store.plan_version(None))? else {
        return Ok(0);
    };
    let plan = current.plan;
    let now = session.now().instant();
    let incidents = session.run(session.store.incidents(&IncidentFilter::default()))?;
    let mut written = Vec::new();
    for incident in &incidents {
        let mut commands = Vec::new();
        for page in incident.response().pages.iter().filter(|p| p.is_open()) {
            for (step, at) in rampart_plan::escalations(&plan, &page.step, page.step_since, now) {
                commands.push(Command::Respond(ResponseCommand::EscalatePage(
                    PageEscalated {
                        page: page.id,
                        step: step.id.clone(),
                        ack_within_minutes: step.ack_within.minutes(),
                        at,
                        recipients: plan.recipients(&step.page, at),
                    },
                )));
            }
        }
        written.extend(append_all(session, incident.id(), commands)?);
    }
    deliver(session, &written)?;
    Ok(written.len())
}

/// Puts one e-mail per recipient of each page and escalation in `appended` in the outbox, where
/// the dispatcher picks them up; each delivery attempt is then logged on the incident. The
/// idempotency key names the entry and the member, so a page is queued once however often this
/// runs.
pub(crate) fn deliver(session: &Session, appended: &[Appended]) -> anyhow::Result<()> {
    for a in appended {
        let (page, step, minutes, recipients) = match Action::from_entry(&a.entry) {
            Ok(Action::Response(ResponseAction::Paged(p))) => {
                (a.entry.seq, p.step, p.ack_within_minutes, p.recipients)
            }
            Ok(Action::Response(ResponseAction::PageEscalated(e))) => {
                (e.page, e.step, e.ack_within_minutes, e.recipients)
            }
            _ => continue,
        };
        let incident = &a.incident;
        let title: String = incident
            .title()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let subject = format!(
            "[Rampart] Page: {} {title} (acknowledge within {minutes} min)",
            incident.key()
        );
        let body = format!(
            "You are paged for incident {key}: {title}\n\n\
             Type: {kind}. Severity: {severity}. State: {state}.\n\
             Escalation step: {step}.\n\n\
             Acknowledge within {minutes} minutes, or the page escalates to the next step:\n\n    \
             rampart page ack {key} {page}\n",
            key = incident.key(),
            kind = incident.incident_type(),
            severity = incident.severity().map_or("not assessed", |s| s.name()),
            state = incident.state(),
        );
        for r in recipients {
            let key = format!("page:{}:{}:{}", incident.id(), a.entry.seq, r.member);
            let message = Message::email(
                [format!("{} <{}>", r.name, r.email)],
                subject.clone(),
                body.clone(),
                key,
            )
            .for_incident(incident.id());
            let queued =
                session.run(async { Ok(Outbox::enqueue(&session.store, message).await) })?;
            let id = queued.map_err(|e| {
                Failure::new(
                    Code::Internal,
                    format!("cannot queue the page to {}: {e}", r.email),
                )
            })?;
            eprintln!(
                "{}: page {page} (step {step}) to {} queued as message {id}",
                incident.key(),
                r.email
            );
        }
    }
    Ok(())
}
