//! The log: append-only, hash-chained entries that carry every change to an incident.
//!
//! A caller builds an [`EntryDraft`] (who, when, what kind, structured payload, free text) and
//! [`seal`]s it against two chain heads: the head of the incident's own chain and the head of the one
//! global chain that runs across all incidents. The sealed [`LogEntry`] carries both links:
//!
//! - `hash` = SHA-256 over the entry's canonical content, including its `seq`, `global_seq` and
//!   `prev_hash` (the incident chain);
//! - `global_hash` = SHA-256 over (`global_prev_hash`, `global_seq`, incident, `seq`, `hash`) (the
//!   global chain).
//!
//! An edit of any field breaks the entry's own hashes; a deletion, insertion or reordering breaks
//! a link or a sequence number; deleting a whole incident leaves a hole in the global chain. What
//! no unkeyed chain can show by itself is the loss of its newest entries: compare the verified head
//! against one kept elsewhere ([`LogVerifier::finish_expecting`]). The byte layout is specified in
//! `docs/log-format.md`; [`LogVerifier`] holds the checks.

mod canonical;
mod digest;
mod verify;

#[cfg(test)]
mod tests;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use canonical::{ENTRY_TAG, GLOBAL_TAG, MAX_PAYLOAD_DEPTH, PayloadError, canonical_json};
pub use digest::{Digest, DigestError};
pub use verify::{
    BreakKind, ChainBreak, EntryHasher, EntryPosition, HashedEntry, LogVerifier, VerifySummary,
    verify_log,
};

use crate::id::IncidentId;
use canonical::{Encoder, EntryContent};

/// Longest `kind` string, in bytes.
pub const MAX_KIND_LEN: usize = 64;

/// One sealed entry of the log, exactly as stored and exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct LogEntry {
    /// The incident the entry belongs to.
    pub incident: IncidentId,
    /// Position in the incident's chain, from 1.
    pub seq: u64,
    /// Position in the global chain across all incidents, from 1.
    pub global_seq: u64,
    /// When the entry was recorded (microsecond precision).
    pub at: Timestamp,
    /// Who made the change.
    pub actor: String,
    /// What kind of change (an action kind such as `incident.transitioned`).
    pub kind: String,
    /// The structured change; integers only, no fractional numbers.
    pub payload: Value,
    /// Free text written by the actor.
    pub text: String,
    /// `hash` of the previous entry of the same incident, or [`Digest::GENESIS`].
    pub prev_hash: Digest,
    /// SHA-256 over this entry's canonical content.
    pub hash: Digest,
    /// `global_hash` of the entry at `global_seq - 1`, or [`Digest::GENESIS`].
    pub global_prev_hash: Digest,
    /// SHA-256 over this entry's place in the global chain.
    pub global_hash: Digest,
}

impl LogEntry {
    /// The head of the incident chain once this entry is appended.
    pub fn incident_head(&self) -> ChainHead {
        ChainHead {
            seq: self.seq,
            hash: self.hash,
        }
    }

    /// The head of the global chain once this entry is appended.
    pub fn global_head(&self) -> ChainHead {
        ChainHead {
            seq: self.global_seq,
            hash: self.global_hash,
        }
    }

    /// Where the entry sits, for messages.
    pub fn position(&self) -> EntryPosition {
        EntryPosition {
            incident: self.incident,
            seq: self.seq,
            global_seq: self.global_seq,
        }
    }

    pub(crate) fn content(&self) -> EntryContent<'_> {
        EntryContent {
            incident: &self.incident,
            seq: self.seq,
            global_seq: self.global_seq,
            at: self.at,
            actor: &self.actor,
            kind: &self.kind,
            payload: &self.payload,
            text: &self.text,
            prev_hash: &self.prev_hash,
        }
    }
}

/// The last link of a chain: its sequence number and hash. [`ChainHead::GENESIS`] for an empty chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
pub struct ChainHead {
    /// Sequence number of the last entry (0 for an empty chain).
    pub seq: u64,
    /// Hash of the last entry ([`Digest::GENESIS`] for an empty chain).
    pub hash: Digest,
}

impl ChainHead {
    /// The head of an empty chain.
    pub const GENESIS: ChainHead = ChainHead {
        seq: 0,
        hash: Digest::GENESIS,
    };
}

/// What a caller supplies to record a change; [`seal`] turns it into a [`LogEntry`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDraft {
    /// The incident the change belongs to.
    pub incident: IncidentId,
    /// When it is recorded; sealing truncates it to whole microseconds.
    pub at: Timestamp,
    /// Who makes it (not empty).
    pub actor: String,
    /// The action kind: 1 to [`MAX_KIND_LEN`] bytes of `a-z`, `0-9`, `_`, `.`.
    pub kind: String,
    /// The structured change: integers only.
    pub payload: Value,
    /// Free text.
    pub text: String,
}

/// Why a draft cannot be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The actor is empty or only whitespace.
    #[error("a log entry needs an actor; the actor is empty")]
    EmptyActor,
    /// The kind is not a well-formed action kind.
    #[error(
        "log entry kind {kind:?} is not 1 to {MAX_KIND_LEN} characters of a-z, 0-9, '_' and '.'"
    )]
    BadKind {
        /// The rejected kind.
        kind: String,
    },
    /// The payload has no canonical encoding.
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// A chain has reached the largest sequence number.
    #[error(
        "the {chain} chain is full: its head is at sequence number {}",
        u64::MAX
    )]
    ChainFull {
        /// `incident` or `global`.
        chain: &'static str,
    },
}

/// Seals `draft` as the next entry after `incident_head` (the head of its incident's chain) and
/// `global_head` (the head of the global chain).
pub fn seal(
    draft: EntryDraft,
    incident_head: ChainHead,
    global_head: ChainHead,
) -> Result<LogEntry, SealError> {
    Sealer::default().seal(draft, incident_head, global_head)
}

/// Seals many drafts with one reused encoding buffer (for bulk appends and benchmarks).
#[derive(Debug, Default)]
pub struct Sealer {
    encoder: Encoder,
}

impl Sealer {
    /// As [`seal`], reusing this sealer's buffer.
    pub fn seal(
        &mut self,
        draft: EntryDraft,
        incident_head: ChainHead,
        global_head: ChainHead,
    ) -> Result<LogEntry, SealError> {
        if draft.actor.trim().is_empty() {
            return Err(SealError::EmptyActor);
        }
        if !is_valid_kind(&draft.kind) {
            return Err(SealError::BadKind { kind: draft.kind });
        }
        let next = |head: ChainHead, chain| {
            head.seq
                .checked_add(1)
                .ok_or(SealError::ChainFull { chain })
        };
        // Only whole microseconds are hashed; dropping the rest here keeps a stored entry equal to the
        // sealed one in stores that keep microseconds. (Converting back cannot leave jiff's range.)
        let at = Timestamp::from_microsecond(draft.at.as_microsecond()).unwrap_or(draft.at);
        let mut entry = LogEntry {
            incident: draft.incident,
            seq: next(incident_head, "incident")?,
            global_seq: next(global_head, "global")?,
            at,
            actor: draft.actor,
            kind: draft.kind,
            payload: draft.payload,
            text: draft.text,
            prev_hash: incident_head.hash,
            hash: Digest::GENESIS,
            global_prev_hash: global_head.hash,
            global_hash: Digest::GENESIS,
        };
        entry.hash = self.encoder.content_hash(&entry.content())?;
        entry.global_hash = canonical::global_hash(
            &entry.global_prev_hash,
            entry.global_seq,
            &entry.incident,
            entry.seq,
            &entry.hash,
        );
        Ok(entry)
    }
}

/// Whether `kind` is 1 to [`MAX_KIND_LEN`] bytes of `a-z`, `0-9`, `_`, `.`.
pub fn is_valid_kind(kind: &str) -> bool {
    (1..=MAX_KIND_LEN).contains(&kind.len())
        && kind
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.'))
}
