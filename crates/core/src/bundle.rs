//! The export bundle: one incident with its whole log, its evidence manifest and where its entries
//! hang in the global chain, verifiable with nothing but the bundle ([`verify_bundle`]).
//!
//! What a bundle proves on its own: every entry is intact; the incident's chain is complete from
//! entry 1 to the last exported entry; every entry is correctly linked to the global positions listed
//! as `anchors`; the projection and the evidence manifest are exactly what the entries say. What it
//! cannot prove alone is that those global positions are the operator's: compare `anchors` and
//! `global_head` with the operator's log (`rampart verify` on the source) for that.

use std::collections::HashSet;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::ReplayError;
use crate::id::IncidentId;
use crate::incident::{FileName, Incident, MediaType};
use crate::log::{ChainBreak, ChainHead, Digest, LogEntry, LogVerifier, VerifySummary};

/// The format tag of bundles this version writes and reads.
pub const BUNDLE_FORMAT: &str = "rampart.bundle.v1";

/// An exported incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Bundle {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// When the bundle was made.
    pub exported_at: Timestamp,
    /// The incident as its entries fold to.
    pub incident: Incident,
    /// All its entries, oldest first.
    pub entries: Vec<LogEntry>,
    /// The evidence files the entries record.
    pub evidence: Vec<ManifestItem>,
    /// For each entry whose global predecessor is not in the bundle: that predecessor's position
    /// and `global_hash` (the entry's `global_prev_hash`).
    pub anchors: Vec<ChainHead>,
    /// The head of the global chain when the bundle was made.
    pub global_head: ChainHead,
}

/// One evidence file of a bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct ManifestItem {
    /// SHA-256 of the content.
    pub sha256: Digest,
    /// Size in bytes.
    pub size: u64,
    /// Media type.
    pub media_type: MediaType,
    /// Original file name (sanitized).
    pub file_name: FileName,
}

impl ManifestItem {
    /// Checks that `content` is this file.
    pub fn check_content(&self, content: &[u8]) -> Result<(), BundleError> {
        let sha256 = Digest::of(content);
        if sha256 == self.sha256 && content.len() as u64 == self.size {
            Ok(())
        } else {
            Err(BundleError::EvidenceContent {
                expected: self.sha256,
                found: sha256,
            })
        }
    }
}

/// Why a bundle does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Not a format this version reads.
    #[error("bundle format {found:?} is not {BUNDLE_FORMAT:?}")]
    Format {
        /// The format found.
        found: String,
    },
    /// A bad entry.
    #[error(transparent)]
    Chain(#[from] ChainBreak),
    /// The entries do not fold into an incident.
    #[error(transparent)]
    Replay(#[from] ReplayError),
    /// The projection differs from what the entries fold to.
    #[error("the incident in the bundle differs from the one its entries fold to")]
    Projection,
    /// The manifest differs from the evidence the entries record.
    #[error("the evidence manifest differs from the evidence the entries record")]
    Manifest,
    /// The anchors differ from the global positions the entries hang from.
    #[error("the anchors differ from the global positions the entries link to")]
    Anchors,
    /// The global head precedes the last entry or disagrees with it.
    #[error("global head {head:?} does not follow the last entry (global {last_global_seq})")]
    GlobalHead {
        /// The head in the bundle.
        head: ChainHead,
        /// The last entry's global position.
        last_global_seq: u64,
    },
    /// An evidence file's content does not match the manifest.
    #[error("evidence content hashes to {found}, manifest says {expected}")]
    EvidenceContent {
        /// The manifest's address.
        expected: Digest,
        /// The content's hash.
        found: Digest,
    },
}

impl Bundle {
    /// Bundles an incident's entries (all of them, oldest first) with the global head at export time.
    pub fn new(
        entries: Vec<LogEntry>,
        global_head: ChainHead,
        exported_at: Timestamp,
    ) -> Result<Bundle, ReplayError> {
        let incident = Incident::replay(&entries)?;
        Ok(Bundle {
            format: BUNDLE_FORMAT.to_owned(),
            exported_at,
            evidence: manifest(&incident),
            anchors: anchors(&entries),
            incident,
            entries,
            global_head,
        })
    }
}

/// Verifies a bundle with nothing else: the entries' chains, the anchors, the global head, the
/// projection and the manifest.
pub fn verify_bundle(bundle: &Bundle) -> Result<VerifySummary, BundleError> {
    if bundle.format != BUNDLE_FORMAT {
        return Err(BundleError::Format {
            found: bundle.format.clone(),
        });
    }
    let incident_id: IncidentId = bundle.incident.id();
    let mut verifier = LogVerifier::for_incident(incident_id);
    for entry in &bundle.entries {
        verifier.push(entry)?;
    }
    let summary = verifier.finish();
    if bundle.anchors != anchors(&bundle.entries) {
        return Err(BundleError::Anchors);
    }
    let last = summary.global_head;
    let head = bundle.global_head;
    if head.seq < last.seq || (head.seq == last.seq && head.hash != last.hash) {
        return Err(BundleError::GlobalHead {
            head,
            last_global_seq: last.seq,
        });
    }
    let incident = Incident::replay(&bundle.entries)?;
    if incident != bundle.incident {
        return Err(BundleError::Projection);
    }
    if bundle.evidence != manifest(&incident) {
        return Err(BundleError::Manifest);
    }
    Ok(summary)
}

fn manifest(incident: &Incident) -> Vec<ManifestItem> {
    incident
        .evidence()
        .iter()
        .map(|e| ManifestItem {
            sha256: e.meta.sha256,
            size: e.meta.size,
            media_type: e.meta.media_type.clone(),
            file_name: e.meta.file_name.clone(),
        })
        .collect()
}

fn anchors(entries: &[LogEntry]) -> Vec<ChainHead> {
    let present: HashSet<u64> = entries.iter().map(|e| e.global_seq).collect();
    entries
        .iter()
        .filter(|e| e.global_seq > 1 && !present.contains(&(e.global_seq - 1)))
        .map(|e| ChainHead {
            seq: e.global_seq - 1,
            hash: e.global_prev_hash,
        })
        .collect()
}
