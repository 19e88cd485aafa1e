//! The incidents as the last appends left them, so that the next append need not read and decode
//! them again.
//!
//! The cache is valid only while the global chain head is the one those appends left. Every
//! change to an incident is a log entry and every entry moves the head, so when an append finds,
//! under the write lock, the head it remembers, nothing was written since (by this process or any
//! other), and the cached incidents are the stored ones. A different head empties the cache; a
//! failed commit does too.

use std::collections::HashMap;

use rampart_core::{ChainHead, Incident, IncidentId};

/// Incidents kept at most; beyond, the cache starts again from those the last commit wrote.
const CACHED_INCIDENTS: usize = 256;

/// The incidents as stored at [`head`](Cache::head).
#[derive(Debug, Default)]
pub(super) struct Cache {
    head: Option<ChainHead>,
    incidents: HashMap<IncidentId, Incident>,
}

impl Cache {
    /// Whether the cache holds the store as it is at `head`; if not, it is emptied.
    pub(super) fn valid_at(&mut self, head: ChainHead) -> bool {
        if self.head == Some(head) {
            return true;
        }
        self.forget();
        false
    }

    /// The head the last commit left and incident `id` as it left it, if the cache holds them: what
    /// an append may decide against before it has read anything, presuming nothing was written
    /// since (the schema refuses its entry otherwise).
    pub(super) fn presume(&self, id: IncidentId) -> Option<(ChainHead, Incident)> {
        Some((self.head?, self.get(id)?))
    }

    /// The cached incident `id`, if any.
    pub(super) fn get(&self, id: IncidentId) -> Option<Incident> {
        self.incidents.get(&id).cloned()
    }

    /// Takes what a commit wrote: the incidents as it left them, and the head it left. The
    /// commit's transaction held the write lock from the head it started from (where the cache,
    /// if not empty, was valid), so the other cached incidents stay valid too.
    pub(super) fn committed<'a>(
        &mut self,
        head: ChainHead,
        written: impl Iterator<Item = &'a Incident>,
    ) {
        if self.incidents.len() > CACHED_INCIDENTS {
            self.incidents.clear();
        }
        self.incidents
            .extend(written.map(|incident| (incident.id(), incident.clone())));
        self.head = Some(head);
    }

    /// Empties the cache.
    pub(super) fn forget(&mut self) {
        self.head = None;
        self.incidents.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_core::Digest;

    fn head(seq: u64) -> ChainHead {
        ChainHead {
            seq,
            hash: Digest([u8::try_from(seq).unwrap_or(0); 32]),
        }
    }

    #[test]
    fn only_the_head_it_was_left_at_makes_it_valid() {
        let mut cache = Cache::default();
        assert!(!cache.valid_at(head(0)));
        cache.committed(head(3), std::iter::empty());
        assert!(cache.valid_at(head(3)));
        assert!(!cache.valid_at(head(4)), "another writer moved the head");
        assert!(
            !cache.valid_at(head(3)),
            "a moved head empties the cache for good"
        );
    }
}
