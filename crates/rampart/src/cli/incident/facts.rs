//! `rampart incident facts`: the facts that start notification clocks — residents affected per
//! region, when a legal demand for the data was received, when the incident was determined to be
//! material. A change that moves a clock says so in its log entry.

use std::collections::BTreeMap;

use clap::Args as ClapArgs;
use hyper::Method;
use rampart_core::Command;
use rampart_core::incident::{FactsRecorded, Region};

use crate::cli::clocks::change_moving_clocks;
use crate::cli::context::{Session, bad_input, parse_time, parse_value};
use crate::cli::exit::Code;
use crate::cli::remote::Remote;

/// Arguments of `rampart incident facts`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// The incident key or id.
    key: String,
    /// Affected residents of a region, as REGION=COUNT (ISO 3166: `US-CA=1200`, `DE=40`); 0
    /// removes the region. Repeat for each region.
    #[arg(long, value_name = "REGION=COUNT")]
    residents: Vec<String>,
    /// When a legal demand for the data (subpoena, warrant, order) was received, RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    legal_process_received: Option<String>,
    /// When the incident was determined to be material (SEC Form 8-K item 1.05), RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    materiality_determined: Option<String>,
    /// Why (required when a time already recorded changes).
    #[arg(long)]
    reason: Option<String>,
}

/// Appends the facts.
pub(crate) fn run(session: &Session, args: Args) -> anyhow::Result<Code> {
    let key = args.key.clone();
    change_moving_clocks(session, &key, Command::RecordFacts(facts(args)?))
}

/// The facts on a server (`POST /api/v1/incidents/KEY/facts`).
pub(crate) fn run_remote(remote: &Remote, args: Args) -> anyhow::Result<Code> {
    let key = args.key.clone();
    let body = serde_json::to_value(facts(args)?)?;
    super::remote::change_moving_clocks(remote, Method::POST, &key, "/facts", body)
}

/// The facts the arguments give; refused when there are none.
fn facts(args: Args) -> anyhow::Result<FactsRecorded> {
    let mut residents = BTreeMap::new();
    for pair in &args.residents {
        let (region, count) = pair.split_once('=').ok_or_else(|| {
            bad_input(format!(
                "--residents {pair:?}: write REGION=COUNT, e.g. US-CA=1200"
            ))
        })?;
        let region = parse_value::<Region>(region)?;
        let count = count.trim().parse::<u64>().map_err(|e| {
            bad_input(format!(
                "--residents {pair:?}: the count is not a whole number: {e}"
            ))
        })?;
        if residents.insert(region.clone(), count).is_some() {
            return Err(bad_input(format!("--residents names {region} twice")));
        }
    }
    let time = |option: &str, value: &Option<String>| {
        value.as_deref().map(|t| parse_time(option, t)).transpose()
    };
    let facts = FactsRecorded {
        residents,
        legal_process_received: time("--legal-process-received", &args.legal_process_received)?,
        materiality_determined: time("--materiality-determined", &args.materiality_determined)?,
        reason: args.reason,
    };
    if facts.residents.is_empty()
        && facts.legal_process_received.is_none()
        && facts.materiality_determined.is_none()
    {
        return Err(bad_input(
            "no facts given: name --residents, --legal-process-received or --materiality-determined",
        ));
    }
    Ok(facts)
}
