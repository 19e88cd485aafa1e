//! `rampart incident identify`: the plan's identification checklist answered on an incident, the
//! severity from the matrix (or overridden with a reason), and the decision — confirmed, which
//! sets the confirmed timestamp and activates the team, or dismissed with a reason. Every part is
//! its own log entry, all written in one transaction. Without options it prints the checklist.

use std::collections::BTreeMap;

use clap::Args as ClapArgs;
use rampart_core::incident::{Decision, Incident, Severity};
use rampart_plan::Plan;
use rampart_respond::identify::Identification;

use super::open::ImpactArgs;
use crate::cli::context::{Globals, Session, bad_input, incident_ref, parse_time, parse_value};
use crate::cli::exit::Code;
use crate::cli::plan::stored_plan;
use crate::cli::remote::Remote;
use crate::cli::{output, respond};

/// Arguments of `rampart incident identify`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// The incident key or id.
    key: String,
    /// An answer: CRITERION=yes or CRITERION=no (criteria: `rampart plan show`); repeatable.
    #[arg(long = "answer", value_name = "CRITERION=yes|no")]
    answers: Vec<String>,
    #[command(flatten)]
    impact: ImpactArgs,
    /// Set the severity by hand instead of from the matrix; needs --severity-reason.
    #[arg(long, requires = "severity_reason")]
    severity: Option<String>,
    /// Why the matrix is overridden.
    #[arg(long, requires = "severity")]
    severity_reason: Option<String>,
    /// Decide: a security incident. Needs a "yes" on the checklist; activates the team.
    #[arg(long, conflicts_with = "dismiss")]
    confirm: bool,
    /// Decide: not a security incident, for this reason.
    #[arg(long, value_name = "REASON")]
    dismiss: Option<String>,
    /// When the decision took effect, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
}

/// Records what was given, then activates the team on confirmation.
pub(crate) fn run(session: &Session, globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let plan = stored_plan(session)?;
    let incident = session.run(session.store.incident(incident_ref(&args.key)?))?;
    let identification = identification(&args)?;
    let commands = identification
        .commands(&plan, &incident)
        .map_err(respond::failure)?;
    let incident = match respond::append_all(session, incident.id(), commands)?.pop() {
        Some(last) => last.incident,
        None => incident,
    };
    if identification.confirms() {
        respond::activate(session, &incident)?;
    }
    let incident = session.run(session.store.incident(incident.id()))?;
    print_checklist(globals, &plan, &incident)
}

/// Records what was given on a server (which activates the team on confirmation), then prints
/// the checklist of the plan in force there.
pub(crate) fn run_remote(remote: &Remote, globals: &Globals, args: Args) -> anyhow::Result<Code> {
    #[derive(serde::Deserialize)]
    struct InForce {
        plan: Plan,
    }
    let given = identification(&args)?;
    let nothing = given.answers.is_empty()
        && given.impact.is_none()
        && given.severity.is_none()
        && given.decision.is_none();
    let incident = if nothing {
        super::remote::incident(remote, &args.key)?
    } else {
        let (severity, severity_reason) = given.severity.unzip();
        let (decision, reason, at) = match given.decision {
            Some((decision, reason, at)) => (Some(decision), reason, at),
            None => (None, None, None),
        };
        let body = serde_json::json!({
            "answers": given.answers,
            "impact": given.impact,
            "severity": severity,
            "severity_reason": severity_reason,
            "decision": decision,
            "reason": reason,
            "at": at,
        });
        super::remote::run_plan(remote, &args.key, "/identification", Some(body))?
    };
    let plan = remote.get::<InForce>("/api/v1/plan", &[])?.plan;
    print_checklist(globals, &plan, &incident)
}

/// What the options ask to record.
fn identification(args: &Args) -> anyhow::Result<Identification> {
    let mut answers = BTreeMap::new();
    for text in &args.answers {
        let (id, value) = answer(text)?;
        answers.insert(id, value);
    }
    let severity = match &args.severity {
        Some(severity) => Some((
            parse_value::<Severity>(severity)?,
            args.severity_reason.clone().unwrap_or_default(),
        )),
        None => None,
    };
    let at = args
        .at
        .as_deref()
        .map(|t| parse_time("--at", t))
        .transpose()?;
    let decision = if args.confirm {
        Some((Decision::Confirmed, None, at))
    } else {
        args.dismiss
            .clone()
            .map(|reason| (Decision::Dismissed, Some(reason), at))
    };
    Ok(Identification {
        answers,
        impact: args.impact.impact()?,
        severity,
        decision,
    })
}

/// `CRITERION=yes|no` (the criterion is checked against the plan when recorded).
fn answer(text: &str) -> anyhow::Result<(String, bool)> {
    let (id, value) = text.split_once('=').ok_or_else(|| {
        bad_input(format!(
            "--answer {text:?}: write CRITERION=yes or CRITERION=no"
        ))
    })?;
    let yes = match value.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => true,
        "no" | "n" | "false" => false,
        other => {
            return Err(bad_input(format!(
                "--answer {text:?}: {other:?} is not yes or no"
            )));
        }
    };
    Ok((id.trim().to_owned(), yes))
}

/// The checklist with the incident's answers, its severity and the decision.
fn print_checklist(globals: &Globals, plan: &Plan, incident: &Incident) -> anyhow::Result<Code> {
    let response = incident.response();
    if globals.json {
        let checklist: Vec<serde_json::Value> = plan
            .identification
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id,
                    "question": c.question,
                    "answer": response.checklist.get(&c.id),
                })
            })
            .collect();
        output::json(&serde_json::json!({
            "incident": incident.key().to_string(),
            "state": incident.state(),
            "severity": incident.severity(),
            "checklist": checklist,
            "decision": response.decision,
            "confirmed": incident.times().confirmed,
        }))?;
        return Ok(Code::Ok);
    }
    println!(
        "{}: {} — identification checklist (any yes: a security incident)",
        incident.key(),
        incident.title()
    );
    for criterion in &plan.identification {
        let answer = match response.checklist.get(&criterion.id) {
            Some(true) => "yes",
            Some(false) => "no ",
            None => " ? ",
        };
        println!("  [{answer}] {}: {}", criterion.id, criterion.question);
    }
    println!(
        "severity: {}",
        incident.severity().map_or("not assessed", Severity::name)
    );
    match &response.decision {
        Some(d) => println!(
            "decision: {} by {} at {}{}",
            d.decision,
            d.by,
            d.at,
            d.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ),
        None => println!("decision: none yet (--confirm or --dismiss REASON)"),
    }
    Ok(Code::Ok)
}
