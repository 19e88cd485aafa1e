//! Test helpers: an in-memory journal that decides, seals, appends and applies exactly as a store
//! does, so tests build real logs through the public API.

#![allow(clippy::unwrap_used, dead_code, missing_docs)]

use std::collections::BTreeMap;

use jiff::Timestamp;
use rampart_core::incident::{
    Command, Context, DataAffected, Detail, EvidenceMeta, FileName, IncidentType, OpenIncident,
    State, TypeCatalog,
};
use rampart_core::{
    ChainHead, Digest, EntryDraft, Incident, IncidentId, IncidentKey, LogEntry, ZonedTime, seal,
};

/// Every entry of every incident in global order, plus the projections.
#[derive(Default)]
pub(crate) struct Journal {
    pub(crate) log: Vec<LogEntry>,
    pub(crate) incidents: BTreeMap<IncidentId, Incident>,
    pub(crate) types: TypeCatalog,
    /// Minutes since the first entry: each append moves the clock one minute on.
    pub(crate) minutes: i64,
}

impl Journal {
    pub(crate) fn now(&self) -> ZonedTime {
        let start: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
        let t = start
            .checked_add(jiff::SignedDuration::from_mins(self.minutes))
            .unwrap();
        ZonedTime::new(t, jiff::tz::Offset::constant(-5)).unwrap()
    }

    pub(crate) fn ctx(&self) -> Context<'_> {
        Context {
            actor: "alice@example.com",
            now: self.now(),
            types: &self.types,
        }
    }

    fn append(&mut self, draft: EntryDraft) -> LogEntry {
        let head = self
            .incidents
            .get(&draft.incident)
            .map_or(ChainHead::GENESIS, Incident::head);
        let global = self
            .log
            .last()
            .map_or(ChainHead::GENESIS, LogEntry::global_head);
        let entry = seal(draft, head, global).unwrap();
        match self.incidents.get_mut(&entry.incident) {
            Some(incident) => incident.apply(&entry).unwrap(),
            None => {
                self.incidents
                    .insert(entry.incident, Incident::from_opening(&entry).unwrap());
            }
        }
        self.log.push(entry.clone());
        self.minutes += 1;
        entry
    }

    pub(crate) fn open(&mut self, number: u32, title: &str) -> IncidentId {
        let id = IncidentId::generate();
        let cmd = OpenIncident {
            id,
            key: IncidentKey::new(2026, number).unwrap(),
            title: title.into(),
            summary: "Reported by the warehouse team.".into(),
            incident_type: IncidentType::UnauthorizedAccess,
            impact: None,
            severity_override: None,
            amazon_information: false,
            personal_data: false,
            drill: false,
            occurred: None,
            detected: None,
            reported: None,
        };
        let draft = Incident::open(&self.ctx(), cmd, String::new()).unwrap();
        self.append(draft);
        id
    }

    pub(crate) fn try_run(
        &mut self,
        id: IncidentId,
        cmd: Command,
        text: &str,
    ) -> Result<LogEntry, rampart_core::DomainError> {
        let draft = self.incidents[&id].decide(&self.ctx(), cmd, text.into())?;
        Ok(self.append(draft))
    }

    pub(crate) fn run(&mut self, id: IncidentId, cmd: Command, text: &str) -> LogEntry {
        self.try_run(id, cmd, text).unwrap()
    }

    pub(crate) fn transition(&mut self, id: IncidentId, to: State) -> LogEntry {
        let cmd = Command::Transition {
            to,
            at: None,
            reason: None,
        };
        self.run(id, cmd, "")
    }

    pub(crate) fn entries_of(&self, id: IncidentId) -> Vec<LogEntry> {
        self.log
            .iter()
            .filter(|e| e.incident == id)
            .cloned()
            .collect()
    }
}

pub(crate) fn evidence_meta(content: &[u8], name: &str) -> EvidenceMeta {
    EvidenceMeta {
        sha256: Digest::of(content),
        size: content.len() as u64,
        media_type: "text/plain".parse().unwrap(),
        file_name: FileName::sanitize(name),
        description: "auth.log from web-01".into(),
    }
}

/// Two incidents worked on in turn, with details, evidence, custody, roles and transitions.
pub(crate) fn busy_journal() -> (Journal, IncidentId, IncidentId) {
    let mut j = Journal::default();
    let a = j.open(1, "Unknown logins on the seller account");
    let b = j.open(2, "Laptop stolen from a car");
    j.transition(a, State::Triage);
    j.run(b, Command::Note, "Police report filed: case 2026-118.");
    j.run(
        a,
        Command::AssignRole {
            role: "commander".parse().unwrap(),
            person: "bob".into(),
        },
        "",
    );
    j.transition(a, State::Confirmed);
    j.run(
        a,
        Command::AddDetail(Detail::Data(DataAffected {
            categories: vec!["customer addresses".into()],
            record_count: Some(1_200),
            amazon_information: true,
            personal_data: true,
            description: "Order export downloaded".into(),
        })),
        "From the SP-API audit log.",
    );
    j.transition(b, State::Triage);
    j.run(
        a,
        Command::AddEvidence {
            meta: evidence_meta(b"sshd[1]: Accepted password for root", "/var/log/auth.log"),
            custodian: None,
        },
        "",
    );
    j.run(
        a,
        Command::TransferCustody {
            sha256: Digest::of(b"sshd[1]: Accepted password for root"),
            to: "carol".into(),
            at: None,
            reason: "Forensic analysis".into(),
        },
        "",
    );
    j.transition(a, State::Containment);
    (j, a, b)
}
