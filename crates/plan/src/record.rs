//! The plan log: every plan version applied, every review, every recorded major change and every
//! training completion, as append-only, hash-chained [`PlanEntry`]s.
//!
//! An entry's `hash` is SHA-256 over [`PLAN_ENTRY_TAG`], `seq` and `at` (microseconds since the
//! epoch) as 8-byte big-endian integers, then `actor`, `kind`, the canonical JSON of the payload
//! (as in the incident log, `docs/log-format.md`) and `text`, each as an 8-byte big-endian length
//! and its UTF-8 bytes, then the previous entry's hash ([`Digest::GENESIS`] for the first). An
//! edit, deletion, insertion or reordering breaks the chain at the first entry it touches.

use jiff::Timestamp;
use jiff::civil::Date;
use rampart_core::log::{PayloadError, canonical_json};
use rampart_core::{ChainHead, Digest};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Domain-separation tag that starts the hashed bytes of a plan log entry.
pub const PLAN_ENTRY_TAG: &[u8] = b"rampart.plan-entry.v1\0";

/// One sealed entry of the plan log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct PlanEntry {
    /// Position in the plan log, from 1.
    pub seq: u64,
    /// When it was recorded (microsecond precision).
    pub at: Timestamp,
    /// Who recorded it.
    pub actor: String,
    /// What happened.
    pub event: PlanEvent,
    /// Free text (notes of a review, the reason of a change).
    pub text: String,
    /// The previous entry's hash, or [`Digest::GENESIS`].
    pub prev_hash: Digest,
    /// SHA-256 over this entry (see the module documentation).
    pub hash: Digest,
}

/// What a plan log entry records; its `kind` names it in storage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum PlanEvent {
    /// A plan version was applied and became current.
    #[serde(rename = "plan.applied")]
    Applied(Applied),
    /// The plan was reviewed and approved.
    #[serde(rename = "plan.reviewed")]
    Reviewed(Reviewed),
    /// A major infrastructure or system change was recorded: the plan must be reviewed.
    #[serde(rename = "plan.major_change")]
    MajorChange(MajorChange),
    /// A team member completed a training course.
    #[serde(rename = "training.recorded")]
    TrainingRecorded(TrainingRecord),
}

/// Payload of `plan.applied`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Applied {
    /// The version number given to the plan, from 1.
    pub version: u64,
    /// SHA-256 of the plan's canonical JSON.
    pub sha256: Digest,
    /// The file it was read from.
    pub source: String,
    /// How many values differ from the previous version (every value, for the first).
    pub changes: u64,
}

/// Payload of `plan.reviewed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Reviewed {
    /// The version reviewed (the current one when recorded).
    pub version: u64,
    /// The senior manager who approved it.
    pub approver: String,
}

/// Payload of `plan.major_change`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct MajorChange {
    /// What changed.
    pub description: String,
}

/// Payload of `training.recorded`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct TrainingRecord {
    /// The member id.
    pub member: String,
    /// The training id in the plan.
    pub training: String,
    /// When the course was completed.
    pub completed: Date,
    /// When the completion stops counting.
    pub expires: Date,
}

/// Why an entry cannot be sealed or read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanLogError {
    /// No actor.
    #[error("a plan log entry needs an actor; the actor is empty")]
    EmptyActor,
    /// A stored kind or payload that does not decode.
    #[error("plan log entry {seq} ({kind}) cannot be read: {message}")]
    BadEntry {
        /// The entry.
        seq: u64,
        /// Its kind.
        kind: String,
        /// What is wrong.
        message: String,
    },
    /// A payload without a canonical encoding.
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// The log has reached the largest sequence number.
    #[error("the plan log is full")]
    Full,
}

impl PlanEvent {
    /// The kind string stored with the entry.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Applied(_) => "plan.applied",
            Self::Reviewed(_) => "plan.reviewed",
            Self::MajorChange(_) => "plan.major_change",
            Self::TrainingRecorded(_) => "training.recorded",
        }
    }

    /// The payload stored with the entry, keys sorted.
    pub fn payload(&self) -> Value {
        let mut value = match serde_json::to_value(self) {
            Ok(Value::Object(mut tagged)) => tagged.remove("payload").unwrap_or(Value::Null),
            _ => Value::Null,
        };
        value.sort_all_objects();
        value
    }

    /// The event stored as `kind` and `payload` in entry `seq`.
    pub fn from_parts(seq: u64, kind: &str, payload: Value) -> Result<Self, PlanLogError> {
        let tagged = serde_json::json!({ "kind": kind, "payload": payload });
        serde_json::from_value(tagged).map_err(|e| PlanLogError::BadEntry {
            seq,
            kind: kind.to_owned(),
            message: e.to_string(),
        })
    }
}

impl PlanEntry {
    /// Seals `event` as the entry after `head`.
    pub fn seal(
        head: ChainHead,
        at: Timestamp,
        actor: &str,
        event: PlanEvent,
        text: &str,
    ) -> Result<PlanEntry, PlanLogError> {
        if actor.trim().is_empty() {
            return Err(PlanLogError::EmptyActor);
        }
        let seq = head.seq.checked_add(1).ok_or(PlanLogError::Full)?;
        let at = Timestamp::from_microsecond(at.as_microsecond()).unwrap_or(at);
        let mut entry = PlanEntry {
            seq,
            at,
            actor: actor.to_owned(),
            event,
            text: text.to_owned(),
            prev_hash: head.hash,
            hash: Digest::GENESIS,
        };
        entry.hash = entry.content_hash()?;
        Ok(entry)
    }

    /// The hash this entry's content gives (equal to `hash` unless the entry was altered).
    pub fn content_hash(&self) -> Result<Digest, PayloadError> {
        fn push(buf: &mut Vec<u8>, bytes: &[u8]) {
            buf.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
            buf.extend_from_slice(bytes);
        }
        let mut buf = Vec::with_capacity(256);
        buf.extend_from_slice(PLAN_ENTRY_TAG);
        buf.extend_from_slice(&self.seq.to_be_bytes());
        buf.extend_from_slice(&self.at.as_microsecond().to_be_bytes());
        push(&mut buf, self.actor.as_bytes());
        push(&mut buf, self.event.kind().as_bytes());
        let mut payload = Vec::new();
        canonical_json(&self.event.payload(), &mut payload)?;
        push(&mut buf, &payload);
        push(&mut buf, self.text.as_bytes());
        buf.extend_from_slice(&self.prev_hash.0);
        Ok(Digest::of(&buf))
    }

    /// The head of the plan log once this entry is appended.
    pub fn head(&self) -> ChainHead {
        ChainHead {
            seq: self.seq,
            hash: self.hash,
        }
    }
}

/// The first entry of a plan log that does not verify, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plan log entry {seq}: {problem}")]
pub struct PlanLogBreak {
    /// The entry (or the position where one is missing).
    pub seq: u64,
    /// What is wrong.
    pub problem: String,
}

/// Verifies a whole plan log, oldest first, and that it ends at `expected` (the stored head).
/// Returns the number of entries.
pub fn verify_plan_log(entries: &[PlanEntry], expected: ChainHead) -> Result<u64, PlanLogBreak> {
    let mut head = ChainHead::GENESIS;
    for entry in entries {
        let seq = head.seq.saturating_add(1);
        let broken = |problem: String| PlanLogBreak { seq, problem };
        if entry.seq != seq {
            return Err(broken(format!("found entry {} in its place", entry.seq)));
        }
        if entry.prev_hash != head.hash {
            return Err(broken(
                "its prev_hash is not the hash of the entry before".into(),
            ));
        }
        match entry.content_hash() {
            Ok(hash) if hash == entry.hash => {}
            Ok(_) => return Err(broken("its content does not match its hash".into())),
            Err(e) => return Err(broken(e.to_string())),
        }
        head = entry.head();
    }
    if head != expected {
        return Err(PlanLogBreak {
            seq: head.seq.saturating_add(1),
            problem: format!(
                "the log ends at entry {} but the stored head is entry {}",
                head.seq, expected.seq
            ),
        });
    }
    Ok(head.seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn chain() -> Vec<PlanEntry> {
        let first = PlanEntry::seal(
            ChainHead::GENESIS,
            at("2026-01-05T09:00:00Z"),
            "alice",
            PlanEvent::MajorChange(MajorChange {
                description: "moved to a new cloud account".into(),
            }),
            "",
        )
        .unwrap();
        let second = PlanEntry::seal(
            first.head(),
            at("2026-01-06T09:00:00Z"),
            "bob",
            PlanEvent::Reviewed(Reviewed {
                version: 1,
                approver: "Carol (CEO)".into(),
            }),
            "reviewed after the move",
        )
        .unwrap();
        vec![first, second]
    }

    #[test]
    fn a_sealed_log_verifies_and_round_trips_through_kind_and_payload() {
        let entries = chain();
        let head = entries[1].head();
        assert_eq!(verify_plan_log(&entries, head), Ok(2));
        for entry in &entries {
            let back = PlanEvent::from_parts(entry.seq, entry.event.kind(), entry.event.payload())
                .unwrap();
            assert_eq!(back, entry.event);
        }
        assert!(PlanEvent::from_parts(3, "plan.deleted", Value::Null).is_err());
    }

    #[test]
    fn edits_removals_and_truncation_are_found() {
        let mut edited = chain();
        edited[0].actor = "mallory".into();
        assert_eq!(
            verify_plan_log(&edited, edited[1].head()).unwrap_err().seq,
            1
        );

        let entries = chain();
        let head = entries[1].head();
        assert_eq!(verify_plan_log(&entries[1..], head).unwrap_err().seq, 1);
        assert_eq!(verify_plan_log(&entries[..1], head).unwrap_err().seq, 2);
        assert!(
            PlanEntry::seal(
                head,
                at("2026-01-07T00:00:00Z"),
                " ",
                entries[0].event.clone(),
                ""
            )
            .is_err()
        );
    }
}
