//! `rampart init`: create the data directory, the database and a commented `rampart.toml`, write
//! the default plan to `plan.toml` and store it as plan version 1. Running it again changes
//! nothing that exists.

use std::path::PathBuf;

use clap::Args as ClapArgs;
use rampart_store::PlanApplied;

use super::context::{Globals, Session, bad_input};
use super::exit::Code;

/// Arguments of `rampart init`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {}

const SETTINGS_TEMPLATE: &str = "\
# Rampart settings for this data directory.

# Incident types besides the built-in ones (unauthorized_access, data_breach, malware,
# credential_compromise, denial_of_service, lost_or_stolen_device, insider_misuse,
# legal_process_request, other). Lowercase letters, digits and '_'.
incident_types = []

# Notification clocks (docs/regimes.md): the regimes that apply to this company, the IANA time
# zone its day and month deadlines are counted in, and optionally a regime file of its own laid
# over the built-in regimes.
[clocks]
regimes = [\"amazon_incident\", \"amazon_legal_process\"]
zone = \"UTC\"
# file = \"regimes.toml\"
";

/// Creates what is missing.
pub(crate) fn run(globals: &Globals, _args: Args) -> anyhow::Result<Code> {
    let session = Session::open(globals)?;
    let (settings, plan_file, version) = initialise(&session)?;
    let config = session.store.config();
    println!("data directory: {}", config.data_dir().display());
    println!("database:       {}", config.place());
    println!("settings:       {}", settings.display());
    println!(
        "plan:           {} (version {version} in force; edit it, then `rampart plan apply`)",
        plan_file.display()
    );
    Ok(Code::Ok)
}

/// Writes the settings and plan files that are missing and stores the plan as the first version
/// when none is in force; returns both files and the version in force. `rampart serve` does this
/// on its first start too, so a fresh data directory works in the browser at once.
pub(crate) fn initialise(session: &Session) -> anyhow::Result<(PathBuf, PathBuf, u64)> {
    let config = session.store.config();
    let settings = config.data_dir().join("rampart.toml");
    if !settings.exists() {
        std::fs::write(&settings, SETTINGS_TEMPLATE)?;
    }
    let plan_file = config.data_dir().join("plan.toml");
    if !plan_file.exists() {
        std::fs::write(&plan_file, rampart_plan::DEFAULT_PLAN_TOML)?;
    }
    let version = match session.run(session.store.plan_version(None))? {
        Some(current) => current.version,
        None => store_plan(session, &plan_file)?,
    };
    Ok((settings, plan_file, version))
}

/// Reads the plan file and stores it as the first version.
fn store_plan(session: &Session, plan_file: &std::path::Path) -> anyhow::Result<u64> {
    let source = plan_file.display().to_string();
    let text = std::fs::read_to_string(plan_file)
        .map_err(|e| bad_input(format!("cannot read {source}: {e}")))?;
    let plan =
        rampart_plan::Plan::from_toml(&source, &text).map_err(|e| bad_input(e.to_string()))?;
    let actor = session
        .context()
        .map_or_else(|_| "rampart init".to_owned(), |c| c.actor.to_owned());
    let applied = session.run(session.store.apply_plan(
        &actor,
        session.now().instant(),
        &source,
        &text,
        &plan,
        "rampart init",
    ))?;
    Ok(match applied {
        PlanApplied::Applied { entry, .. } => match entry.event {
            rampart_plan::PlanEvent::Applied(a) => a.version,
            _ => 1,
        },
        PlanApplied::Unchanged { version } => version,
    })
}
