//! `rampart plan`: show a plan (the built-in default or a file), validate a plan file, print the
//! format's JSON Schema. Reading only: storing, applying and comparing plan versions is the
//! store's job.

mod render;

use std::path::{Path, PathBuf};

use clap::{Args as ClapArgs, Subcommand};
use rampart_plan::{Plan, PlanError, default_plan};

use super::context::Globals;
use super::exit::{Code, Failure};
use super::output;

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
        file: Option<PathBuf>,
    },
    /// Check a plan file; print FILE:LINE: problem for each fault and exit 1 if there is any.
    Validate {
        /// A plan file in TOML.
        file: PathBuf,
    },
    /// Print the JSON Schema of the plan format.
    Schema,
}

/// Runs the subcommand.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    match args.command {
        PlanCommand::Show { file } => {
            let plan = match &file {
                Some(path) => read_plan(path)?,
                None => default_plan().map_err(|err| refused(&err))?,
            };
            if globals.json {
                output::json(&plan)?;
            } else {
                render::plan(&plan)?;
            }
            Ok(Code::Ok)
        }
        PlanCommand::Validate { file } => validate(globals, &file),
        PlanCommand::Schema => {
            output::json(&rampart_plan::schema())?;
            Ok(Code::Ok)
        }
    }
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
