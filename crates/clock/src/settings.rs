//! The company's choice: which regimes apply and which time zone its days are counted in
//! (`[clocks]` in `rampart.toml`).

use std::path::PathBuf;

use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::catalog::{Catalog, Regime};
use crate::error::RegimeError;

/// The regimes enabled when the settings name none: Rampart's users hold Amazon Information.
pub const DEFAULT_ENABLED: [&str; 2] = ["amazon_incident", "amazon_legal_process"];

/// `[clocks]` in `rampart.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The IANA time zone days and months are counted in unless a regime names its own
    /// (default `UTC`).
    pub zone: Option<String>,
    /// The ids of the regimes that apply to the company (default: [`DEFAULT_ENABLED`]).
    pub regimes: Option<Vec<String>>,
    /// A regime file of the company's own, laid over the built-in regimes (relative to the data
    /// directory).
    pub file: Option<PathBuf>,
    /// Addresses reminded when a clock reaches 50 %, 75 %, 90 % and overdue (`rampart clocks
    /// remind`).
    #[serde(default)]
    pub remind: Vec<String>,
    /// Addresses added to the reminder at 90 % and overdue: the escalation.
    #[serde(default)]
    pub escalate: Vec<String>,
}

/// The regimes in force for a company, and its zone.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) zone: TimeZone,
    pub(crate) zone_name: String,
    pub(crate) regimes: Vec<Regime>,
}

impl Config {
    /// Picks the enabled regimes out of `catalog`; an unknown id or zone is refused.
    pub fn new(catalog: &Catalog, settings: &Settings) -> Result<Config, RegimeError> {
        let zone_name = settings.zone.clone().unwrap_or_else(|| "UTC".to_owned());
        let zone = TimeZone::get(&zone_name).map_err(|e| RegimeError::Setting {
            setting: "zone",
            value: zone_name.clone(),
            reason: format!("not a time zone of the IANA database ({e})"),
        })?;
        let enabled: Vec<String> = match &settings.regimes {
            Some(ids) => ids.clone(),
            None => DEFAULT_ENABLED.map(str::to_owned).to_vec(),
        };
        if let Some(twice) = enabled
            .iter()
            .enumerate()
            .find(|(i, id)| enabled[..*i].contains(*id))
        {
            return Err(RegimeError::Setting {
                setting: "regimes",
                value: twice.1.clone(),
                reason: "listed twice".to_owned(),
            });
        }
        let regimes = enabled
            .iter()
            .map(|id| {
                catalog.regime(id).cloned().ok_or_else(|| {
                    let known: Vec<&str> = catalog.regimes().map(|r| r.id.as_str()).collect();
                    RegimeError::Setting {
                        setting: "regimes",
                        value: id.clone(),
                        reason: format!("no such regime; known: {}", known.join(", ")),
                    }
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Config {
            zone,
            zone_name,
            regimes,
        })
    }

    /// The enabled regimes, in the order named.
    pub fn regimes(&self) -> &[Regime] {
        &self.regimes
    }

    /// The company's zone name.
    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }
}
