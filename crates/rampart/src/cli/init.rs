//! `rampart init`: create the data directory, the database and a commented `rampart.toml`.
//! Running it again changes nothing that exists.

use clap::Args as ClapArgs;

use super::context::{Globals, Session};
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
";

/// Creates what is missing.
pub(crate) fn run(globals: &Globals, _args: Args) -> anyhow::Result<Code> {
    let session = Session::open(globals)?;
    let config = session.store.config();
    let settings = config.data_dir().join("rampart.toml");
    if !settings.exists() {
        std::fs::write(&settings, SETTINGS_TEMPLATE)?;
    }
    println!("data directory: {}", config.data_dir().display());
    println!("database:       {}", config.place());
    println!("settings:       {}", settings.display());
    Ok(Code::Ok)
}
