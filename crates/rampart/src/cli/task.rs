//! `rampart task list|start|done|skip|reopen`: the playbook tasks of incidents, with owners (the
//! holders of their roles), due times and overdue flags. Each status change is a log entry.

use clap::{Args as ClapArgs, Subcommand};
use jiff::Timestamp;
use rampart_core::incident::{ResponseCommand, TaskStatus};
use rampart_core::{Command, Incident};
use rampart_store::IncidentFilter;
use serde::Serialize;

use super::context::{Globals, Session, incident_ref};
use super::exit::Code;
use hyper::Method;

use super::incident::{change, remote};
use super::output;
use super::remote::Remote;

/// Arguments of `rampart task`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// List tasks: of one incident, or of every open incident.
    List(ListArgs),
    /// Start working on a task.
    Start(ChangeArgs),
    /// Mark a task done.
    Done(ChangeArgs),
    /// Skip a task (a required task needs --reason).
    Skip(ChangeArgs),
    /// Reopen a done or skipped task (needs --reason).
    Reopen(ChangeArgs),
}

#[derive(Debug, ClapArgs)]
struct ListArgs {
    /// The incident key or id (default: every incident not dismissed or closed).
    key: Option<String>,
    /// Only tasks past their due time and not done or skipped.
    #[arg(long)]
    overdue: bool,
    /// Only tasks owned by this person.
    #[arg(long)]
    owner: Option<String>,
}

#[derive(Debug, ClapArgs)]
struct ChangeArgs {
    /// The incident key or id.
    key: String,
    /// The task id (`rampart task list KEY`).
    task: String,
    /// Why (required to skip a required task or to reopen one).
    #[arg(long)]
    reason: Option<String>,
}

/// One task as listed.
#[derive(Debug, Serialize)]
struct Row<'a> {
    incident: String,
    task: &'a str,
    title: &'a str,
    role: &'static str,
    owner: Option<&'a str>,
    status: TaskStatus,
    required: bool,
    kind: &'a str,
    due: Option<Timestamp>,
    overdue: bool,
}

/// Runs `rampart task`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    if let Some(remote) = Remote::from_globals(globals)? {
        let (a, to) = match args.verb {
            Verb::List(a) => {
                let incidents = match &a.key {
                    Some(key) => vec![remote::incident(&remote, key)?],
                    None => remote::incidents(&remote, &[])?,
                };
                return list(incidents, Timestamp::now(), globals, &a);
            }
            Verb::Start(a) => (a, TaskStatus::InProgress),
            Verb::Done(a) => (a, TaskStatus::Done),
            Verb::Skip(a) => (a, TaskStatus::Skipped),
            Verb::Reopen(a) => (a, TaskStatus::Open),
        };
        let body = serde_json::json!({ "status": to.name(), "reason": a.reason });
        let tail = format!("/tasks/{}", a.task);
        return remote::change(&remote, Method::PATCH, &a.key, &tail, Some(body));
    }
    let session = Session::open(globals)?;
    let (a, to) = match args.verb {
        Verb::List(a) => {
            let incidents = match &a.key {
                Some(key) => vec![session.run(session.store.incident(incident_ref(key)?))?],
                None => session.run(session.store.incidents(&IncidentFilter::default()))?,
            };
            return list(incidents, session.now().instant(), globals, &a);
        }
        Verb::Start(a) => (a, TaskStatus::InProgress),
        Verb::Done(a) => (a, TaskStatus::Done),
        Verb::Skip(a) => (a, TaskStatus::Skipped),
        Verb::Reopen(a) => (a, TaskStatus::Open),
    };
    let cmd = Command::Respond(ResponseCommand::ChangeTask {
        task: a.task,
        to,
        reason: a.reason,
    });
    change(&session, &a.key, cmd, String::new())
}

/// Prints the tasks of `incidents` (of the unfinished ones when no key is named) at `now`.
fn list(
    incidents: Vec<Incident>,
    now: Timestamp,
    globals: &Globals,
    args: &ListArgs,
) -> anyhow::Result<Code> {
    let rows: Vec<Row<'_>> = incidents
        .iter()
        .filter(|i| args.key.is_some() || !i.state().is_terminal())
        .flat_map(|incident| rows(incident, now))
        .filter(|r| !args.overdue || r.overdue)
        .filter(|r| args.owner.as_deref().is_none_or(|o| r.owner == Some(o)))
        .collect();
    if globals.json {
        output::json(&rows)?;
        return Ok(Code::Ok);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.incident.clone(),
                r.task.to_owned(),
                r.status.name().to_owned(),
                format!("{} ({})", r.owner.unwrap_or("-"), r.role),
                r.due.map_or_else(|| "-".to_owned(), |d| d.to_string()),
                if r.overdue { "OVERDUE" } else { "" }.to_owned(),
                format!("{}{}", r.title, if r.required { "" } else { " (optional)" }),
            ]
        })
        .collect();
    output::table(
        &[
            "INCIDENT",
            "TASK",
            "STATUS",
            "OWNER (ROLE)",
            "DUE",
            "",
            "TITLE",
        ],
        &table,
    )?;
    Ok(Code::Ok)
}

/// The incident's tasks as rows, in the order created.
fn rows(incident: &Incident, now: Timestamp) -> Vec<Row<'_>> {
    incident
        .response()
        .tasks
        .iter()
        .map(|t| Row {
            incident: incident.key().to_string(),
            task: &t.spec.id,
            title: &t.spec.title,
            role: t.spec.role.name(),
            owner: t.owner(incident.roles()),
            status: t.status,
            required: t.spec.required,
            kind: &t.spec.kind,
            due: t.due(incident.times()),
            overdue: t.is_overdue(incident.times(), now),
        })
        .collect()
}
