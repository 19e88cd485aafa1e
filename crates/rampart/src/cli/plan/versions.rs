//! `rampart plan apply|diff|history`: plan versions in the store and the plan log.

use std::path::PathBuf;

use clap::Args as ClapArgs;
use rampart_plan::{Change, Plan, PlanEntry, PlanEvent};
use rampart_store::{PlanApplied, PlanVersion};

use super::{read_plan, read_text, refused};
use crate::cli::context::{Globals, Session, bad_input};
use crate::cli::exit::{Code, Failure};
use crate::cli::{output, respond};

/// Arguments of `rampart plan apply`.
#[derive(Debug, ClapArgs)]
pub(crate) struct ApplyArgs {
    /// The plan file in TOML.
    file: PathBuf,
    /// Why the plan changes (recorded in the plan log).
    #[arg(long, default_value = "")]
    reason: String,
    /// Also add the new version's tasks to open incidents that were already activated (their
    /// existing tasks stay as they are).
    #[arg(long)]
    sync_tasks: bool,
}

/// Arguments of `rampart plan diff`.
#[derive(Debug, ClapArgs)]
pub(crate) struct DiffArgs {
    /// A plan file to compare with the current version (or with --from).
    #[arg(conflicts_with = "to")]
    pub(super) file: Option<PathBuf>,
    /// The stored version to compare from (default: the current one).
    #[arg(long)]
    pub(super) from: Option<u64>,
    /// The stored version to compare to (default: the current one).
    #[arg(long)]
    pub(super) to: Option<u64>,
}

/// The stored version `version`, or the current one.
pub(crate) fn stored(session: &Session, version: Option<u64>) -> anyhow::Result<PlanVersion> {
    session
        .run(session.store.plan_version(version))?
        .ok_or_else(|| {
            let message = match version {
                Some(n) => format!("no plan version {n} is stored (see `rampart plan history`)"),
                None => "no plan is applied yet: run `rampart init` (the default plan) or \
                         `rampart plan apply FILE`"
                    .to_owned(),
            };
            Failure::new(Code::NotFound, message).into()
        })
}

/// Validates the file and stores it as a new version.
pub(crate) fn apply(session: &Session, args: ApplyArgs) -> anyhow::Result<Code> {
    let text = read_text(&args.file)?;
    let source = args.file.display().to_string();
    let plan = Plan::from_toml(&source, &text).map_err(|err| {
        eprintln!("{err}");
        anyhow::Error::from(refused(&err))
    })?;
    let ctx = session.context()?;
    let applied = session.run(session.store.apply_plan(
        ctx.actor,
        ctx.now.instant(),
        &source,
        &text,
        &plan,
        &args.reason,
    ))?;
    match applied {
        PlanApplied::Applied { entry, changes } => {
            if let PlanEvent::Applied(a) = &entry.event {
                println!(
                    "plan version {} applied from {} ({} changes; plan log entry {})",
                    a.version, a.source, a.changes, entry.seq
                );
                if args.sync_tasks {
                    respond::sync_tasks(session, &plan, a.version)?;
                }
            }
            for change in changes.iter().take(20) {
                println!("  {}", change_line(change));
            }
            if changes.len() > 20 {
                println!("  … {} more (rampart plan diff)", changes.len() - 20);
            }
            for gap in plan.gaps() {
                println!("note: {gap}");
            }
        }
        PlanApplied::Unchanged { version } => {
            println!("the plan equals version {version}, the current one: nothing applied");
        }
    }
    Ok(Code::Ok)
}

/// Prints the differences between two plans.
pub(crate) fn diff(session: &Session, globals: &Globals, args: DiffArgs) -> anyhow::Result<Code> {
    let (before, after) = match (&args.file, args.from, args.to) {
        (Some(file), from, _) => (stored(session, from)?.plan, read_plan(file)?),
        (None, Some(from), to) => (stored(session, Some(from))?.plan, stored(session, to)?.plan),
        (None, None, Some(to)) => (stored(session, None)?.plan, stored(session, Some(to))?.plan),
        (None, None, None) => {
            return Err(bad_input(
                "name a plan FILE to compare with the current version, or --from VERSION",
            ));
        }
    };
    print_changes(globals, &rampart_plan::diff(&before, &after))
}

/// Prints changes between two plans, one per line (or as JSON).
pub(super) fn print_changes(globals: &Globals, changes: &[Change]) -> anyhow::Result<Code> {
    if globals.json {
        output::json(&changes)?;
    } else if changes.is_empty() {
        println!("no differences");
    } else {
        for change in changes {
            println!("{}", change_line(change));
        }
    }
    Ok(Code::Ok)
}

/// One change as a line: `~ path: before -> after`, `+ path: value`, `- path: value`.
fn change_line(change: &Change) -> String {
    match (&change.before, &change.after) {
        (Some(b), Some(a)) => format!("~ {}: {b} -> {a}", change.path),
        (None, Some(a)) => format!("+ {}: {a}", change.path),
        (Some(b), None) => format!("- {}: {b}", change.path),
        (None, None) => format!("~ {}", change.path),
    }
}

/// Prints the plan log.
pub(crate) fn history(session: &Session, globals: &Globals) -> anyhow::Result<Code> {
    print_history(globals, &session.run(session.store.plan_log())?)
}

/// Prints the plan log as a table (or as JSON).
pub(super) fn print_history(globals: &Globals, log: &[PlanEntry]) -> anyhow::Result<Code> {
    if globals.json {
        output::json(&log)?;
        return Ok(Code::Ok);
    }
    let rows: Vec<Vec<String>> = log
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                e.at.to_string(),
                e.actor.clone(),
                e.event.kind().to_owned(),
                summary(e),
            ]
        })
        .collect();
    output::table(&["#", "AT", "ACTOR", "KIND", "WHAT"], &rows)?;
    Ok(Code::Ok)
}

/// What an entry records, in a few words.
fn summary(entry: &PlanEntry) -> String {
    let what = match &entry.event {
        PlanEvent::Applied(a) => format!(
            "version {} from {} ({} changes)",
            a.version, a.source, a.changes
        ),
        PlanEvent::Reviewed(r) => format!("version {} approved by {}", r.version, r.approver),
        PlanEvent::MajorChange(c) => c.description.clone(),
        PlanEvent::TrainingRecorded(t) => format!(
            "{} completed {} on {} (expires {})",
            t.member, t.training, t.completed, t.expires
        ),
    };
    if entry.text.is_empty() {
        what
    } else {
        format!("{what}: {}", entry.text)
    }
}
