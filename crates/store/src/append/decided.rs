//! What an append has decided so far: the sealed entries, the incidents as they leave them, and
//! the rows to write.

use std::collections::HashMap;

use rampart_core::{
    ChainHead, Digest, DomainError, EntryDraft, Incident, IncidentId, LogEntry, seal,
};

use super::Appended;
use super::writes::{EvidenceRow, Statement};
use crate::db::Db;
use crate::error::StoreError;
use crate::incidents::ProjectionRow;
use crate::rows::{self, EntryRow};

/// The entries an append has decided so far, and what they change.
pub(super) struct Decided {
    global_head: ChainHead,
    /// Whether the store's cache of incidents holds them as this transaction found them.
    cache_valid: bool,
    /// Every incident the append has read or opened, as its entries so far leave it.
    known: HashMap<IncidentId, Incident>,
    /// Incidents opened by the append, whose projection is inserted.
    opened: Vec<IncidentId>,
    /// Existing incidents the append changed, whose projection is updated, in order, with their
    /// columns as stored.
    changed: Vec<(IncidentId, ProjectionRow)>,
    entries: Vec<EntryRow>,
    evidence: Vec<EvidenceRow>,
    pub(super) appended: Vec<Appended>,
}

impl Decided {
    pub(super) fn new(global_head: ChainHead, cache_valid: bool) -> Self {
        Self {
            global_head,
            cache_valid,
            known: HashMap::new(),
            opened: Vec::new(),
            changed: Vec::new(),
            entries: Vec::new(),
            evidence: Vec::new(),
            appended: Vec::new(),
        }
    }

    /// Seals an opening entry and records the new incident.
    pub(super) fn open(&mut self, draft: EntryDraft) -> Result<(), StoreError> {
        let entry = seal(draft, ChainHead::GENESIS, self.global_head)?;
        let incident = Incident::from_opening(&entry)?;
        self.opened.push(incident.id());
        self.record(entry, &[], incident)
    }

    /// The global chain head after the entries decided so far.
    pub(super) fn global_head(&self) -> ChainHead {
        self.global_head
    }

    /// Every incident the append has read or opened, as its entries so far leave it.
    pub(super) fn incidents(&self) -> impl Iterator<Item = &Incident> {
        self.known.values()
    }

    /// Incident `id` from the store's cache, if the cache holds the store as this transaction
    /// found it and has the incident.
    pub(super) fn cached(&self, db: &Db, id: IncidentId) -> Option<Incident> {
        self.cache_valid
            .then(|| db.appends.cache(|cache| cache.get(id)))
            .flatten()
    }

    /// Whether the append has read or opened incident `id`.
    pub(super) fn knows(&self, id: IncidentId) -> bool {
        self.known.contains_key(&id)
    }

    /// Takes `incident` as read from the store.
    pub(super) fn learn(&mut self, incident: Incident) {
        self.known.insert(incident.id(), incident);
    }

    /// Lets `decide` decide the next entry of `id` (which the append [knows](Self::knows)), seals
    /// and applies it. A refusal or failure changes nothing.
    pub(super) fn next<G>(&mut self, id: IncidentId, decide: G) -> Result<(), StoreError>
    where
        G: FnOnce(&Incident) -> Result<EntryDraft, DomainError>,
    {
        let current = self
            .known
            .get(&id)
            .ok_or_else(|| StoreError::IncidentNotFound(id.to_string()))?;
        let entry = seal(decide(current)?, current.head(), self.global_head)?;
        let before = custodians(current);
        let stored = ProjectionRow::of(current);
        let mut next = current.clone();
        next.apply(&entry)?;
        if !self.changed.iter().any(|(changed, _)| *changed == id) && !self.opened.contains(&id) {
            self.changed.push((id, stored));
        }
        self.record(entry, &before, next)
    }

    fn record(
        &mut self,
        entry: LogEntry,
        before: &[(Digest, String)],
        incident: Incident,
    ) -> Result<(), StoreError> {
        let row = EntryRow::from_entry(&entry)?;
        self.evidence
            .extend(evidence_changes(before, &incident, &row)?);
        self.entries.push(row);
        self.global_head = entry.global_head();
        self.appended.push(Appended {
            entry,
            incident: incident.clone(),
        });
        self.known.insert(incident.id(), incident);
        Ok(())
    }

    /// The writes, in an order the foreign keys accept: new incidents, entries, evidence rows,
    /// then the projections of changed incidents as the last entry left each (only the record and
    /// the time of the last change where nothing else changed).
    pub(super) fn statements(&self) -> Vec<Statement<'_>> {
        let projection = |id: &IncidentId| {
            self.known
                .get(id)
                .map(|incident| (ProjectionRow::of(incident), incident))
        };
        let opened = self.opened.iter().filter_map(projection);
        let changed = self.changed.iter().filter_map(|(id, stored)| {
            projection(id).map(|(row, incident)| {
                if row.differs_beyond_update_time(stored) {
                    Statement::UpdateIncident(row, incident)
                } else {
                    Statement::UpdateRecord(row, incident)
                }
            })
        });
        opened
            .map(|(row, incident)| Statement::InsertIncident(row, incident))
            .chain(self.entries.iter().map(Statement::Entry))
            .chain(self.evidence.iter().map(Statement::Evidence))
            .chain(changed)
            .collect()
    }
}

/// Each evidence item's address and custodian, to find what an entry added or handed over.
fn custodians(incident: &Incident) -> Vec<(Digest, String)> {
    incident
        .evidence()
        .iter()
        .map(|item| (item.meta.sha256, item.custodian.clone()))
        .collect()
}

/// The evidence rows the entry `row` changes: items it added, items it handed over.
fn evidence_changes(
    before: &[(Digest, String)],
    incident: &Incident,
    row: &EntryRow,
) -> Result<Vec<EvidenceRow>, StoreError> {
    incident
        .evidence()
        .iter()
        .filter(|item| {
            !before.iter().any(|(sha256, custodian)| {
                *sha256 == item.meta.sha256 && *custodian == item.custodian
            })
        })
        .map(|item| {
            let size = rows::to_i64(item.meta.size, || format!("evidence {}", item.meta.sha256))?;
            Ok(EvidenceRow {
                incident_id: row.incident_id,
                sha256: item.meta.sha256.0.to_vec(),
                size,
                media_type: item.meta.media_type.as_str().to_owned(),
                file_name: item.meta.file_name.as_str().to_owned(),
                description: item.meta.description.clone(),
                added_by: item.added_by.clone(),
                custodian: item.custodian.clone(),
                global_seq: row.global_seq,
            })
        })
        .collect()
}
