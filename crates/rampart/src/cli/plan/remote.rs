//! `rampart plan …` on a server over `/api/v1/plan…`: the version in force, the plan log and the
//! differences between stored versions or with a file, printed as local mode prints them.

use rampart_plan::{Change, Plan, PlanEntry};

use super::versions::{DiffArgs, print_changes, print_history};
use super::{print_plan, read_plan};
use crate::cli::context::{Globals, bad_input};
use crate::cli::exit::Code;
use crate::cli::remote::Remote;

/// The version in force on the server.
#[derive(serde::Deserialize)]
struct InForce {
    version: u64,
    plan: Plan,
}

/// The plan in force on the server.
pub(crate) fn plan_in_force(remote: &Remote) -> anyhow::Result<Plan> {
    Ok(in_force(remote)?.plan)
}

fn in_force(remote: &Remote) -> anyhow::Result<InForce> {
    remote.get("/api/v1/plan", &[])
}

/// `plan show --current`.
pub(super) fn show_current(remote: &Remote, globals: &Globals) -> anyhow::Result<Code> {
    print_plan(globals, &in_force(remote)?.plan)
}

/// `plan history`.
pub(super) fn history(remote: &Remote, globals: &Globals) -> anyhow::Result<Code> {
    #[derive(serde::Deserialize)]
    struct Log {
        entries: Vec<PlanEntry>,
    }
    print_history(
        globals,
        &remote.get::<Log>("/api/v1/plan/log", &[])?.entries,
    )
}

/// `plan diff`: a file against the version in force, or two stored versions (the one in force
/// when one is not named).
pub(super) fn diff(remote: &Remote, globals: &Globals, args: DiffArgs) -> anyhow::Result<Code> {
    #[derive(serde::Deserialize)]
    struct Diff {
        changes: Vec<Change>,
    }
    let (from, to) = match (&args.file, args.from, args.to) {
        (Some(file), None, _) => {
            let changes = rampart_plan::diff(&in_force(remote)?.plan, &read_plan(file)?);
            return print_changes(globals, &changes);
        }
        (Some(_), Some(_), _) => {
            return Err(bad_input(
                "against a server, a plan FILE is compared with the version in force only; drop \
                 --from",
            ));
        }
        (None, Some(from), Some(to)) => (from, to),
        (None, Some(from), None) => (from, in_force(remote)?.version),
        (None, None, Some(to)) => (in_force(remote)?.version, to),
        (None, None, None) => {
            return Err(bad_input(
                "name a plan FILE to compare with the current version, or --from VERSION",
            ));
        }
    };
    let (from, to) = (from.to_string(), to.to_string());
    let query = [("from", from.as_str()), ("to", to.as_str())];
    let diff: Diff = remote.get("/api/v1/plan/diff", &query)?;
    print_changes(globals, &diff.changes)
}
