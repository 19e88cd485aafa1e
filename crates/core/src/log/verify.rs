//! Verification of stored log entries: recomputes every hash and checks every link and sequence
//! number, stopping at the first bad entry.
//!
//! Checks on each entry, in this order (the first failure is reported): its payload has a canonical
//! encoding; its `hash` matches its content; its `global_hash` matches its global link; its
//! `global_seq` follows the previous entry's; its `global_prev_hash` is the previous entry's
//! `global_hash`; its `seq` follows the previous entry of its incident; its `prev_hash` is that
//! entry's `hash`. A deleted entry therefore shows as a gap at the entry after it, a reordering as
//! a gap at the first entry out of place, an edited entry as a hash mismatch at itself.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::canonical::{Encoder, PayloadError, global_hash};
use super::{ChainHead, Digest, LogEntry};
use crate::id::IncidentId;

/// Where an entry claims to sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct EntryPosition {
    /// Its incident.
    pub incident: IncidentId,
    /// Its position in the incident chain.
    pub seq: u64,
    /// Its position in the global chain.
    pub global_seq: u64,
}

impl fmt::Display for EntryPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "incident {} entry {} (global {})",
            self.incident, self.seq, self.global_seq
        )
    }
}

/// The first bad entry found, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {kind}", match .entry { Some(e) => format!("log entry #{} ({e})", .index + 1), None => "end of log".to_owned() })]
pub struct ChainBreak {
    /// 0-based place of the bad entry in the sequence given to the verifier.
    pub index: u64,
    /// What the bad entry says about itself (`None` when the log ends too early).
    pub entry: Option<EntryPosition>,
    /// What is wrong (boxed: breaks are rare and the digests are large).
    pub kind: Box<BreakKind>,
}

/// What is wrong with a bad entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreakKind {
    /// The payload has no canonical encoding (the entry was altered).
    #[error("payload cannot be encoded: {0}")]
    Payload(PayloadError),
    /// The content does not hash to the stored `hash`: the entry was altered.
    #[error("content hash mismatch: stored {stored}, content hashes to {computed}")]
    ContentHash {
        /// The stored hash.
        stored: Digest,
        /// The hash of the stored content.
        computed: Digest,
    },
    /// The global link does not hash to the stored `global_hash`.
    #[error("global hash mismatch: stored {stored}, link hashes to {computed}")]
    GlobalHash {
        /// The stored global hash.
        stored: Digest,
        /// The hash of the stored link.
        computed: Digest,
    },
    /// `global_seq` does not follow the previous entry's: an entry is missing, duplicated or moved.
    #[error("gap in global_seq: expected {expected}, found {found}")]
    GlobalSeq {
        /// The number that should come next.
        expected: u64,
        /// The number found.
        found: u64,
    },
    /// `global_prev_hash` is not the previous entry's `global_hash`.
    #[error("broken global link: global_prev_hash is {found}, previous global_hash is {expected}")]
    GlobalLink {
        /// The previous entry's global hash.
        expected: Digest,
        /// The stored `global_prev_hash`.
        found: Digest,
    },
    /// `seq` does not follow the previous entry of the same incident.
    #[error("gap in seq: expected {expected}, found {found}")]
    Seq {
        /// The number that should come next.
        expected: u64,
        /// The number found.
        found: u64,
    },
    /// `prev_hash` is not the previous entry's `hash`.
    #[error("broken link: prev_hash is {found}, previous hash is {expected}")]
    Link {
        /// The previous entry's hash.
        expected: Digest,
        /// The stored `prev_hash`.
        found: Digest,
    },
    /// An entry of another incident among one incident's entries.
    #[error("entry of another incident: expected {expected}")]
    WrongIncident {
        /// The incident being verified.
        expected: IncidentId,
    },
    /// The log ends before the head recorded elsewhere: its newest entries are missing.
    #[error(
        "log ends at global #{} ({}) but the chain head kept beside it is global #{} ({}): \
         the newest entries are missing or altered",
        found.seq, found.hash, expected.seq, expected.hash
    )]
    Truncated {
        /// The head recorded elsewhere.
        expected: ChainHead,
        /// The head the log ends at.
        found: ChainHead,
    },
}

/// What a successful verification saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct VerifySummary {
    /// Entries verified.
    pub entries: u64,
    /// Distinct incidents among them.
    pub incidents: u64,
    /// The global head after the last entry ([`ChainHead::GENESIS`] if none).
    pub global_head: ChainHead,
}

/// What a verifier is checking.
#[derive(Debug, Clone, Copy)]
enum Scope {
    /// The whole log from its first entry: the global chain must be complete.
    Global,
    /// One incident's entries: global positions must increase, but entries of other incidents
    /// between them are absent, so a global link is checked only between neighbours.
    Incident(IncidentId),
}

/// Verifies entries pushed one at a time in storage order (by `global_seq`), so a long log can be
/// streamed from storage.
#[derive(Debug)]
pub struct LogVerifier {
    scope: Scope,
    encoder: Encoder,
    global: ChainHead,
    incidents: HashMap<IncidentId, ChainHead>,
    index: u64,
}

impl LogVerifier {
    /// A verifier for the whole log, starting from its first entry.
    pub fn new() -> Self {
        Self::with_scope(Scope::Global)
    }

    /// A verifier for the entries of one incident alone (an export, or `verify KEY`).
    pub fn for_incident(incident: IncidentId) -> Self {
        Self::with_scope(Scope::Incident(incident))
    }

    fn with_scope(scope: Scope) -> Self {
        Self {
            scope,
            encoder: Encoder::default(),
            global: ChainHead::GENESIS,
            incidents: HashMap::new(),
            index: 0,
        }
    }

    /// Checks the next entry.
    pub fn push(&mut self, entry: &LogEntry) -> Result<(), ChainBreak> {
        let own = own_hashes(&mut self.encoder, entry);
        self.push_links(entry, own)
    }

    /// Checks the next entry, whose own hashes an [`EntryHasher`] has already recomputed (on any
    /// thread): what is left are its links to the entries before it.
    pub fn push_hashed(&mut self, hashed: HashedEntry) -> Result<(), ChainBreak> {
        self.push_links(&hashed.entry, hashed.own)
    }

    /// Checks `entry`'s sequence numbers and links, after `own`, the outcome of the checks on its
    /// own hashes, which come first.
    fn push_links(
        &mut self,
        entry: &LogEntry,
        own: Result<(), BreakKind>,
    ) -> Result<(), ChainBreak> {
        let fail = |kind| ChainBreak {
            index: self.index,
            entry: Some(entry.position()),
            kind: Box::new(kind),
        };
        own.map_err(fail)?;
        let expected_global = self.global.seq.saturating_add(1);
        let global_neighbour = match self.scope {
            Scope::Global => {
                if entry.global_seq != expected_global {
                    return Err(fail(BreakKind::GlobalSeq {
                        expected: expected_global,
                        found: entry.global_seq,
                    }));
                }
                true
            }
            Scope::Incident(expected) => {
                if entry.incident != expected {
                    return Err(fail(BreakKind::WrongIncident { expected }));
                }
                if entry.global_seq < expected_global {
                    return Err(fail(BreakKind::GlobalSeq {
                        expected: expected_global,
                        found: entry.global_seq,
                    }));
                }
                entry.global_seq == expected_global && self.index > 0
            }
        };
        if global_neighbour && entry.global_prev_hash != self.global.hash {
            return Err(fail(BreakKind::GlobalLink {
                expected: self.global.hash,
                found: entry.global_prev_hash,
            }));
        }
        let head = self
            .incidents
            .get(&entry.incident)
            .copied()
            .unwrap_or(ChainHead::GENESIS);
        let expected_seq = head.seq.saturating_add(1);
        if entry.seq != expected_seq {
            return Err(fail(BreakKind::Seq {
                expected: expected_seq,
                found: entry.seq,
            }));
        }
        if entry.prev_hash != head.hash {
            return Err(fail(BreakKind::Link {
                expected: head.hash,
                found: entry.prev_hash,
            }));
        }
        self.incidents.insert(entry.incident, entry.incident_head());
        self.global = entry.global_head();
        self.index += 1;
        Ok(())
    }

    /// The result once every entry has been pushed.
    pub fn finish(self) -> VerifySummary {
        VerifySummary {
            entries: self.index,
            incidents: self.incidents.len() as u64,
            global_head: self.global,
        }
    }

    /// As [`finish`](Self::finish), and checks that the log ends at `expected`, a global head kept
    /// outside the log (deleting the newest entries leaves no hole for the chain itself to show).
    pub fn finish_expecting(self, expected: ChainHead) -> Result<VerifySummary, ChainBreak> {
        if self.global != expected {
            return Err(ChainBreak {
                index: self.index,
                entry: None,
                kind: Box::new(BreakKind::Truncated {
                    expected,
                    found: self.global,
                }),
            });
        }
        Ok(self.finish())
    }
}

/// Recomputes the hashes each entry carries of itself, the checks that need no other entry: a
/// long log's entries can be hashed on several threads and then given, in order, to
/// [`LogVerifier::push_hashed`].
#[derive(Debug, Default)]
pub struct EntryHasher {
    encoder: Encoder,
}

impl EntryHasher {
    /// `entry` with the outcome of checking its payload encoding, `hash` and `global_hash`.
    pub fn hash(&mut self, entry: LogEntry) -> HashedEntry {
        let own = own_hashes(&mut self.encoder, &entry);
        HashedEntry { entry, own }
    }
}

/// An entry and the outcome of the checks on its own hashes ([`EntryHasher::hash`]).
#[derive(Debug)]
pub struct HashedEntry {
    entry: LogEntry,
    own: Result<(), BreakKind>,
}

/// The first failure among an entry's own checks: its payload has a canonical encoding, its content
/// hashes to its `hash`, its global link to its `global_hash`.
fn own_hashes(encoder: &mut Encoder, entry: &LogEntry) -> Result<(), BreakKind> {
    let computed = encoder
        .content_hash(&entry.content())
        .map_err(BreakKind::Payload)?;
    if computed != entry.hash {
        return Err(BreakKind::ContentHash {
            stored: entry.hash,
            computed,
        });
    }
    let computed = global_hash(
        &entry.global_prev_hash,
        entry.global_seq,
        &entry.incident,
        entry.seq,
        &entry.hash,
    );
    if computed != entry.global_hash {
        return Err(BreakKind::GlobalHash {
            stored: entry.global_hash,
            computed,
        });
    }
    Ok(())
}

impl Default for LogVerifier {
    fn default() -> Self {
        Self::new()
    }
}

/// Verifies the whole log, given in storage order from its first entry.
pub fn verify_log<'a>(
    entries: impl IntoIterator<Item = &'a LogEntry>,
) -> Result<VerifySummary, ChainBreak> {
    let mut verifier = LogVerifier::new();
    for entry in entries {
        verifier.push(entry)?;
    }
    Ok(verifier.finish())
}
