//! The facts that start notification clocks, and how each clock ended.
//!
//! Deadlines themselves are derived elsewhere (`rampart-clock`, from the company's enabled regimes);
//! the incident records only facts: how many residents of each region are affected, when a legal
//! demand for data was received, when the incident was determined to be material, and for each
//! clock whether it was met (with the log entry or evidence that proves it) or missed (with the
//! reason). Replay never depends on configuration, so the rules here check the facts' shape and
//! the incident's own history only.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::Incident;
use crate::error::DomainError;
use crate::log::Digest;
use crate::named::checked_string;
use crate::time::ZonedTime;

/// A country (ISO 3166-1 alpha-2, `DE`) or one of its subdivisions (ISO 3166-2, `US-CA`).
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Region(String);

checked_string!(Region);

impl Region {
    /// The code, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Region {
    type Err = DomainError;
    fn from_str(text: &str) -> Result<Self, DomainError> {
        let code = text.trim().to_ascii_uppercase();
        let (country, sub) = code.split_once('-').unwrap_or((code.as_str(), ""));
        let country_ok = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
        let sub_ok = !code.contains('-')
            || ((1..=3).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_alphanumeric()));
        if country_ok && sub_ok {
            Ok(Region(code))
        } else {
            Err(DomainError::Invalid {
                field: "region",
                value: text.to_owned(),
                reason: "give a country (ISO 3166-1, e.g. DE) or a subdivision (ISO 3166-2, e.g. US-CA)",
            })
        }
    }
}

/// The name of a clock: `regime.deadline`, e.g. `gdpr.art33` or `us_ca.attorney_general`.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct ClockId(String);

checked_string!(ClockId);

impl ClockId {
    /// Longest clock name, in bytes.
    pub const MAX_LEN: usize = 64;

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for ClockId {
    type Err = DomainError;
    fn from_str(text: &str) -> Result<Self, DomainError> {
        let part_ok = |p: &str| {
            p.starts_with(|c: char| c.is_ascii_lowercase())
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        let ok = text.len() <= Self::MAX_LEN && text.split('.').all(part_ok);
        if ok {
            Ok(ClockId(text.to_owned()))
        } else {
            Err(DomainError::Invalid {
                field: "clock",
                value: text.to_owned(),
                reason: "a clock is named regime.deadline in a-z, 0-9 and '_' (see `rampart clocks`)",
            })
        }
    }
}

/// The facts clocks start from, as the incident's log established them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct ClockFacts {
    /// Affected residents per region (regions with a count of 0 are left out).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub residents: BTreeMap<Region, u64>,
    /// When a legal demand for the data (subpoena, warrant, order) was received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_process_received: Option<ZonedTime>,
    /// When the incident was determined to be material (SEC Form 8-K item 1.05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub materiality_determined: Option<ZonedTime>,
}

impl ClockFacts {
    /// Whether no fact is recorded.
    pub fn is_empty(&self) -> bool {
        self == &ClockFacts::default()
    }

    /// Affected people over all regions.
    pub fn affected(&self) -> u64 {
        self.residents.values().sum()
    }
}

/// Payload of `incident.facts_recorded`: only the facts that change are present.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsRecorded {
    /// New resident counts per region (0 removes the region).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub residents: BTreeMap<Region, u64>,
    /// When the legal demand was received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_process_received: Option<ZonedTime>,
    /// When the incident was determined to be material.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub materiality_determined: Option<ZonedTime>,
    /// Why (required when a time already recorded changes: the clocks it starts move).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What proves that a clock was met: a log entry of the incident (the notice sent, a call
/// recorded) or an evidence item (the message as sent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Proof {
    /// The `seq` of the entry in this incident's log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<u64>,
    /// The SHA-256 of an evidence item of this incident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Digest>,
}

/// Payload of `clock.met`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct ClockMet {
    /// Which clock.
    pub clock: ClockId,
    /// When the notice was given.
    pub at: ZonedTime,
    /// What proves it.
    pub proof: Proof,
}

/// Payload of `clock.missed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct ClockMissed {
    /// Which clock.
    pub clock: ClockId,
    /// Why it was missed (or why no notice is owed).
    pub reason: String,
}

/// How a clock ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ClockOutcome {
    /// The notice was given.
    Met {
        /// When.
        at: ZonedTime,
        /// What proves it.
        proof: Proof,
        /// The entry that recorded it.
        recorded_in: u64,
    },
    /// It was not.
    Missed {
        /// Why.
        reason: String,
        /// The entry that recorded it.
        recorded_in: u64,
    },
}

/// Checks `incident.facts_recorded`.
pub(super) fn check_facts(
    incident: &Incident,
    f: &FactsRecorded,
    now: Timestamp,
) -> Result<(), DomainError> {
    let current = &incident.facts;
    let counts_change = f
        .residents
        .iter()
        .any(|(r, n)| current.residents.get(r).copied().unwrap_or(0) != *n);
    let moved = |new: Option<ZonedTime>, old: Option<ZonedTime>| matches!((new, old), (Some(n), Some(o)) if n != o);
    let changes = counts_change
        || f.legal_process_received
            .is_some_and(|t| current.legal_process_received != Some(t))
        || f.materiality_determined
            .is_some_and(|t| current.materiality_determined != Some(t));
    if !changes {
        return Err(DomainError::NothingToChange);
    }
    for (field, value) in [
        ("legal process received", f.legal_process_received),
        ("materiality determined", f.materiality_determined),
    ] {
        if let Some(value) = value.filter(|v| v.is_after(now)) {
            return Err(DomainError::InFuture { field, value, now });
        }
    }
    let moves = moved(f.legal_process_received, current.legal_process_received)
        || moved(f.materiality_determined, current.materiality_determined);
    if moves && f.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(DomainError::ReasonRequired {
            what: "changing a recorded time (it moves the clocks it starts)",
        });
    }
    Ok(())
}

/// Checks that `clock` has not ended yet.
pub(super) fn check_open(incident: &Incident, clock: &ClockId) -> Result<(), DomainError> {
    match incident.clock_outcomes.get(clock) {
        None => Ok(()),
        Some(_) => Err(DomainError::Invalid {
            field: "clock",
            value: clock.to_string(),
            reason: "this clock has already ended (met or missed)",
        }),
    }
}

/// Checks `clock.met`: the clock is open, the time is not in the future and the proof names an
/// earlier entry or an evidence item of this incident.
pub(super) fn check_met(
    incident: &Incident,
    m: &ClockMet,
    now: Timestamp,
) -> Result<(), DomainError> {
    check_open(incident, &m.clock)?;
    if m.at.is_after(now) {
        return Err(DomainError::InFuture {
            field: "clock met at",
            value: m.at,
            now,
        });
    }
    let Proof { entry, evidence } = &m.proof;
    if entry.is_none() && evidence.is_none() {
        return Err(DomainError::Missing {
            field: "proof (the log entry or evidence item of the notice)",
        });
    }
    if let Some(seq) = *entry
        && !(1..=incident.head.seq).contains(&seq)
    {
        return Err(DomainError::Invalid {
            field: "proof entry",
            value: seq.to_string(),
            reason: "the proof must be an earlier entry of this incident's log",
        });
    }
    if let Some(sha256) = *evidence
        && !incident.evidence.iter().any(|e| e.meta.sha256 == sha256)
    {
        return Err(DomainError::UnknownEvidence { sha256 });
    }
    Ok(())
}

impl Incident {
    /// The facts clocks start from.
    pub fn clock_facts(&self) -> &ClockFacts {
        &self.facts
    }

    /// How each ended clock ended.
    pub fn clock_outcomes(&self) -> &BTreeMap<ClockId, ClockOutcome> {
        &self.clock_outcomes
    }

    pub(super) fn fold_facts(&mut self, f: FactsRecorded) {
        for (region, count) in f.residents {
            if count == 0 {
                self.facts.residents.remove(&region);
            } else {
                self.facts.residents.insert(region, count);
            }
        }
        if f.legal_process_received.is_some() {
            self.facts.legal_process_received = f.legal_process_received;
        }
        if f.materiality_determined.is_some() {
            self.facts.materiality_determined = f.materiality_determined;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_countries_or_subdivisions() {
        assert_eq!("us-ca".parse::<Region>().unwrap().as_str(), "US-CA");
        assert_eq!("DE".parse::<Region>().unwrap().as_str(), "DE");
        for bad in ["", "C", "USA-CA", "US-", "US-CALI", "U1", "US_CA"] {
            assert!(bad.parse::<Region>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn clock_names_are_dotted_snake_case() {
        assert!("gdpr.art33".parse::<ClockId>().is_ok());
        assert!("us_ca.attorney_general".parse::<ClockId>().is_ok());
        for bad in [
            "",
            "GDPR.art33",
            "gdpr..art33",
            "gdpr.",
            "1gdpr",
            "gdpr art33",
        ] {
            assert!(bad.parse::<ClockId>().is_err(), "{bad} accepted");
        }
    }
}
