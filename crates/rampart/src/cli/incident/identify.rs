//! `rampart incident identify`: the plan's identification checklist answered on an incident, the
//! severity from the matrix (or overridden with a reason), and the decision — confirmed, which
//! sets the confirmed timestamp and activates the team, or dismissed with a reason. Every part is
//! its own log entry, all written in one transaction. Without options it prints the checklist.

use std::collections::BTreeMap;

use clap::Args as ClapArgs;
use rampart_core::Command;
use rampart_core::incident::{
    Decision, Incident, ResponseCommand, Severity, SeverityOverride, State, Updated,
};
use rampart_plan::{Flag, Plan};

use super::open::ImpactArgs;
use crate::cli::context::{Globals, Session, bad_input, incident_ref, parse_time, parse_value};
use crate::cli::exit::Code;
use crate::cli::plan::stored_plan;
use crate::cli::{output, page, respond};

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
    let commands = commands(&plan, &incident, &args)?;
    let incident = match respond::append_all(session, incident.id(), commands)?.pop() {
        Some(last) => last.incident,
        None => incident,
    };
    if args.confirm {
        let pages = respond::activate(session, &incident)?;
        page::deliver(session, &pages)?;
    }
    let incident = session.run(session.store.incident(incident.id()))?;
    print_checklist(globals, &plan, &incident)
}

/// The entries the options ask for, in order: triage if still reported, answers, flags the
/// answers set, impact, severity override, decision.
fn commands(plan: &Plan, incident: &Incident, args: &Args) -> anyhow::Result<Vec<Command>> {
    let mut answers = BTreeMap::new();
    for text in &args.answers {
        let (id, value) = answer(plan, text)?;
        answers.insert(id, value);
    }
    let mut commands = Vec::new();
    let deciding = args.confirm || args.dismiss.is_some();
    if deciding && incident.state() == State::Reported {
        commands.push(Command::Transition {
            to: State::Triage,
            at: None,
            reason: None,
        });
    }
    let mut update = Updated::default();
    for (id, yes) in &answers {
        let sets = plan
            .identification
            .iter()
            .find(|c| c.id == *id)
            .and_then(|c| c.sets);
        match sets {
            Some(Flag::AmazonInformation) if *yes && !incident.flags().amazon_information => {
                update.amazon_information = Some(true);
            }
            Some(Flag::PersonalData) if *yes && !incident.flags().personal_data => {
                update.personal_data = Some(true);
            }
            _ => {}
        }
    }
    if !answers.is_empty() {
        commands.push(Command::Respond(ResponseCommand::AnswerChecklist(answers)));
    }
    let impact = args.impact.impact()?;
    if impact.is_some() && impact.as_ref() != incident.impact() {
        update.impact = impact;
    }
    if !update.fields().is_empty() {
        commands.push(Command::Update(update));
    }
    if let Some(severity) = &args.severity {
        let severity = parse_value::<Severity>(severity)?;
        let current = incident
            .severity_override()
            .map(|o: &SeverityOverride| o.severity);
        if current != Some(severity) {
            commands.push(Command::OverrideSeverity {
                severity: Some(severity),
                reason: args.severity_reason.clone().unwrap_or_default(),
            });
        }
    }
    if deciding {
        commands.push(Command::Respond(ResponseCommand::Identify {
            decision: if args.confirm {
                Decision::Confirmed
            } else {
                Decision::Dismissed
            },
            reason: args.dismiss.clone(),
            at: args
                .at
                .as_deref()
                .map(|t| parse_time("--at", t))
                .transpose()?,
        }));
    }
    Ok(commands)
}

/// `CRITERION=yes|no`, with the criterion checked against the plan.
fn answer(plan: &Plan, text: &str) -> anyhow::Result<(String, bool)> {
    let (id, value) = text.split_once('=').ok_or_else(|| {
        bad_input(format!(
            "--answer {text:?}: write CRITERION=yes or CRITERION=no"
        ))
    })?;
    let id = id.trim();
    if !plan.identification.iter().any(|c| c.id == id) {
        let known: Vec<&str> = plan.identification.iter().map(|c| c.id.as_str()).collect();
        return Err(bad_input(format!(
            "--answer {text:?}: the plan's checklist has no criterion {id:?}; it has: {}",
            known.join(", ")
        )));
    }
    let yes = match value.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => true,
        "no" | "n" | "false" => false,
        other => {
            return Err(bad_input(format!(
                "--answer {text:?}: {other:?} is not yes or no"
            )));
        }
    };
    Ok((id.to_owned(), yes))
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
