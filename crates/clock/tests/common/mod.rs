//! Test helpers: incidents built through the public domain API (decide, seal, apply), and
//! configurations of the built-in regimes.

#![allow(clippy::unwrap_used, dead_code, missing_docs, unreachable_pub)]

use rampart_clock::{Catalog, Clock, Config, Evaluation, Settings};
use rampart_core::incident::{
    ClockId, Command, Context, FactsRecorded, IncidentType, OpenIncident, Proof, Severity, State,
    TypeCatalog,
};
use rampart_core::{ChainHead, Incident, IncidentId, IncidentKey, ZonedTime, seal};

/// An incident being worked on; every change goes through decide → seal → apply.
pub struct Case {
    pub incident: Incident,
    types: TypeCatalog,
}

/// Far enough ahead that no time in the tests lies in the future.
pub fn now() -> ZonedTime {
    "2028-06-30T12:00:00Z".parse().unwrap()
}

pub fn t(text: &str) -> ZonedTime {
    text.parse().unwrap()
}

impl Case {
    /// An incident detected at `detected`, with the given flags.
    pub fn detected(detected: &str, amazon_information: bool, personal_data: bool) -> Case {
        let types = TypeCatalog::default();
        let ctx = Context {
            actor: "alice",
            now: now(),
            types: &types,
        };
        let cmd = OpenIncident {
            id: IncidentId::generate(),
            key: IncidentKey::new(2026, 1).unwrap(),
            title: "Unknown SP-API calls".into(),
            summary: String::new(),
            incident_type: IncidentType::DataBreach,
            impact: None,
            severity_override: None,
            amazon_information,
            personal_data,
            drill: false,
            occurred: None,
            detected: Some(t(detected)),
            reported: Some(t(detected)),
        };
        let draft = Incident::open(&ctx, cmd, String::new()).unwrap();
        let entry = seal(draft, ChainHead::GENESIS, ChainHead::GENESIS).unwrap();
        let incident = Incident::from_opening(&entry).unwrap();
        Case { incident, types }
    }

    pub fn run(mut self, cmd: Command) -> Case {
        let ctx = Context {
            actor: "alice",
            now: now(),
            types: &self.types,
        };
        let draft = self.incident.decide(&ctx, cmd, String::new()).unwrap();
        let entry = seal(draft, self.incident.head(), ChainHead::GENESIS).unwrap();
        self.incident.apply(&entry).unwrap();
        self
    }

    pub fn to(self, state: State, at: &str) -> Case {
        self.run(Command::Transition {
            to: state,
            at: Some(t(at)),
            reason: Some("test".into()),
        })
    }

    /// Triage, then confirmed at `at`.
    pub fn confirmed(self, at: &str) -> Case {
        self.to(State::Triage, at).to(State::Confirmed, at)
    }

    pub fn residents(self, counts: &[(&str, u64)]) -> Case {
        let facts = FactsRecorded {
            residents: counts
                .iter()
                .map(|(r, n)| (r.parse().unwrap(), *n))
                .collect(),
            ..FactsRecorded::default()
        };
        self.run(Command::RecordFacts(facts))
    }

    pub fn legal_process(self, at: &str) -> Case {
        self.run(Command::RecordFacts(FactsRecorded {
            legal_process_received: Some(t(at)),
            ..FactsRecorded::default()
        }))
    }

    pub fn material(self, at: &str) -> Case {
        self.run(Command::RecordFacts(FactsRecorded {
            materiality_determined: Some(t(at)),
            ..FactsRecorded::default()
        }))
    }

    pub fn severity_high(self) -> Case {
        self.run(Command::OverrideSeverity {
            severity: Some(Severity::High),
            reason: "significant: customer-facing outage".into(),
        })
    }

    /// Ends `clock` as met at `at`, proven by the entry before.
    pub fn met(self, clock: &str, at: &str) -> Case {
        let entry = self.incident.head().seq;
        self.run(Command::MeetClock {
            clock: clock.parse::<ClockId>().unwrap(),
            at: Some(t(at)),
            proof: Proof {
                entry: Some(entry),
                evidence: None,
            },
        })
    }
}

/// The built-in regimes, `enabled`, days counted in `zone`.
pub fn config(enabled: &[&str], zone: &str) -> Config {
    let settings = Settings {
        zone: Some(zone.to_owned()),
        regimes: Some(enabled.iter().map(|s| (*s).to_owned()).collect()),
        file: None,
        ..Settings::default()
    };
    Config::new(&Catalog::builtin().unwrap(), &settings).unwrap()
}

pub fn evaluate(config: &Config, case: &Case) -> Evaluation {
    config.evaluate(&case.incident).unwrap()
}

pub fn clock<'a>(evaluation: &'a Evaluation, id: &str) -> &'a Clock {
    evaluation
        .clocks
        .iter()
        .find(|c| c.id.as_str() == id)
        .unwrap_or_else(|| panic!("no clock {id}; have {evaluation:#?}"))
}

/// The due time of `id`, as text (`none` without a deadline).
pub fn due(evaluation: &Evaluation, id: &str) -> String {
    clock(evaluation, id)
        .due
        .map_or_else(|| "none".to_owned(), |d| d.to_string())
}
