//! `rampart plan`: show a plan (the built-in default, a file or a stored version), validate a
//! plan file, print the format's JSON Schema; apply a file as a new stored version, compare
//! versions, list the plan log, record reviews and major changes, and show what is due.

pub(crate) mod remote;
mod render;
mod review;
mod versions;

use std::path::{Path, PathBuf};

use clap::{Args as ClapArgs, Subcommand};
use rampart_plan::{Plan, PlanError, default_plan};

use super::context::{Globals, Session};
use super::exit::{Code, Failure};
use super::output;
use super::remote::{Remote, local_only};

/// Arguments of `rampart plan`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: PlanCommand,
}

#[derive(Debug, Subcommand)]
enum PlanCommand {
    /// Print a plan readably (or as JSON with --json); without FILE, the built-in default plan.
    Show {
        /// A plan file in TOML.
        #[arg(conflicts_with_all = ["plan_version", "current"])]
        file: Option<PathBuf>,
        /// Show this stored version instead.
        #[arg(long, value_name = "N", conflicts_with = "current")]
        plan_version: Option<u64>,
        /// Show the stored version in force instead.
        #[arg(long)]
        current: bool,
    },
    /// Check a plan file; print FILE:LINE: problem for each fault and exit 1 if there is any.
    Validate {
        /// A plan file in TOML.
        file: PathBuf,
    },
    /// Print the JSON Schema of the plan format.
    Schema,
    /// Validate a plan file and store it as the new current version (logged in the plan log).
    Apply(versions::ApplyArgs),
    /// Compare the current version with FILE, or two stored versions.
    Diff(versions::DiffArgs),
    /// List the plan log: versions applied, reviews, major changes, training.
    History,
    /// Show the version in force, its review status, overdue training and team gaps.
    Status,
    /// Record that the current version was reviewed and approved by a senior manager.
    Review(review::ReviewArgs),
    /// Record a major infrastructure or system change: the plan must be reviewed after it.
    Change(review::ChangeArgs),
}

/// Runs the subcommand.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    if let Some(server) = Remote::from_globals(globals)? {
        match args.command {
            PlanCommand::Show {
                file: None,
                plan_version: None,
                current: true,
            } => return remote::show_current(&server, globals),
            PlanCommand::Show {
                plan_version: Some(_),
                ..
            } => return Err(local_only("plan show --plan-version")),
            PlanCommand::History => return remote::history(&server, globals),
            PlanCommand::Diff(a) => return remote::diff(&server, globals, a),
            PlanCommand::Apply(_)
            | PlanCommand::Status
            | PlanCommand::Review(_)
            | PlanCommand::Change(_) => {
                return Err(local_only("plan apply|status|review|change"));
            }
            // A file, the built-in plan and the format need no store.
            PlanCommand::Show { .. } | PlanCommand::Validate { .. } | PlanCommand::Schema => {}
        }
    }
    match args.command {
        PlanCommand::Show {
            file,
            plan_version: version,
            current,
        } => {
            let plan = match &file {
                Some(path) => read_plan(path)?,
                None if version.is_some() || current => {
                    versions::stored(&Session::open(globals)?, version)?.plan
                }
                None => default_plan().map_err(|err| refused(&err))?,
            };
            print_plan(globals, &plan)
        }
        PlanCommand::Validate { file } => validate(globals, &file),
        PlanCommand::Schema => {
            output::json(&rampart_plan::schema())?;
            Ok(Code::Ok)
        }
        PlanCommand::Apply(a) => versions::apply(&Session::open(globals)?, a),
        PlanCommand::Diff(a) => versions::diff(&Session::open(globals)?, globals, a),
        PlanCommand::History => versions::history(&Session::open(globals)?, globals),
        PlanCommand::Status => review::status(&Session::open(globals)?, globals),
        PlanCommand::Review(a) => review::review(&Session::open(globals)?, a),
        PlanCommand::Change(a) => review::change(&Session::open(globals)?, a),
    }
}

/// Prints a plan readably (or as JSON).
fn print_plan(globals: &Globals, plan: &Plan) -> anyhow::Result<Code> {
    if globals.json {
        output::json(plan)?;
    } else {
        render::plan(plan)?;
    }
    Ok(Code::Ok)
}

fn validate(globals: &Globals, path: &Path) -> anyhow::Result<Code> {
    let text = read_text(path)?;
    match Plan::from_toml(&path.display().to_string(), &text) {
        Ok(plan) => {
            let gaps = plan.gaps();
            if globals.json {
                output::json(&serde_json::json!({ "valid": true, "gaps": gaps }))?;
            } else {
                let tasks: usize = plan.playbooks.iter().map(|p| p.tasks.len()).sum();
                println!(
                    "{}: valid: {} roles, {} members, {} playbooks, {} tasks, {} rules",
                    path.display(),
                    plan.roles.len(),
                    plan.members.len(),
                    plan.playbooks.len(),
                    tasks,
                    plan.rules.len()
                );
                for gap in gaps {
                    println!("note: {gap}");
                }
            }
            Ok(Code::Ok)
        }
        Err(err) => {
            if globals.json {
                let problems: Vec<_> = err
                    .problems
                    .iter()
                    .map(|p| {
                        serde_json::json!({
                            "file": err.source_name,
                            "line": p.line,
                            "path": p.path.as_ref().map(ToString::to_string),
                            "message": p.message,
                        })
                    })
                    .collect();
                output::json(&serde_json::json!({ "valid": false, "problems": problems }))?;
            } else {
                eprintln!("{err}");
            }
            Err(refused(&err).into())
        }
    }
}

/// The plan version in force, from the store; not found when none is applied.
pub(crate) fn stored_plan(session: &Session) -> anyhow::Result<Plan> {
    Ok(versions::stored(session, None)?.plan)
}

/// Reads and checks a plan file, refusing it with every problem on its own line.
fn read_plan(path: &Path) -> anyhow::Result<Plan> {
    let text = read_text(path)?;
    Plan::from_toml(&path.display().to_string(), &text)
        .map_err(|err| Failure::new(Code::BadInput, err.to_string()).into())
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).map_err(|err| {
        let code = if err.kind() == std::io::ErrorKind::NotFound {
            Code::NotFound
        } else {
            Code::BadInput
        };
        Failure::new(code, format!("cannot read plan {}: {err}", path.display())).into()
    })
}

fn refused(err: &PlanError) -> Failure {
    Failure::new(
        Code::BadInput,
        format!(
            "plan {} refused: {} problem(s)",
            err.source_name,
            err.problems.len()
        ),
    )
}
