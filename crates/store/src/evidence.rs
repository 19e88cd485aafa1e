//! Evidence: the file goes into the content-addressed directory first, then a log entry records
//! it; listing and reading back go through the incident's evidence rows.
//!
//! If the append fails after the file was stored, the file stays, unreferenced: it is complete and
//! addressed by its content, the next addition of the same content reuses it, and no record points
//! at it. The temporary copy of a failed store attempt is always removed.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use jiff::Timestamp;
use rampart_core::incident::{EvidenceMeta, FileName, MediaType};
use rampart_core::{Digest, DomainError, EntryDraft, Incident, IncidentId};

use crate::Store;
use crate::append::Appended;
use crate::db::on_pool;
use crate::error::StoreError;
use crate::files::StoredFile;
use crate::rows;

/// An evidence item of an incident as listed: what was recorded, by whom, when, and who holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRecord {
    /// What was recorded when it was added.
    pub meta: EvidenceMeta,
    /// Who added it.
    pub added_by: String,
    /// When the entry that added it was written.
    pub added_at: Timestamp,
    /// Who holds it now.
    pub custodian: String,
    /// The global position of the entry that added it.
    pub global_seq: u64,
}

type EvidenceRow = (
    Vec<u8>,
    i64,
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
);

impl Store {
    /// Stores the file at `source` under its SHA-256 and appends the entry that records it on the
    /// incident: `decide` gets the incident and the stored file's address and size and returns the
    /// draft (typically [`Incident::decide`] with `Command::AddEvidence`; it may be called more than
    /// once, as [`Store::append`] says). A missing or unreadable source or a full disk leaves the
    /// store unchanged.
    pub async fn put_evidence<G>(
        &self,
        incident: IncidentId,
        source: &Path,
        mut decide: G,
    ) -> Result<Appended, StoreError>
    where
        G: FnMut(&Incident, StoredFile) -> Result<EntryDraft, DomainError> + Send,
    {
        // Refuse an unknown incident before copying anything.
        self.incident(incident).await?;
        let files = self.files.clone();
        let source = source.to_owned();
        let stored = blocking(move || files.put(&source)).await?;
        self.append(incident, |current| decide(current, stored))
            .await
    }

    /// The evidence items of an incident, in the order they were added.
    pub async fn evidence_of(
        &self,
        incident: IncidentId,
    ) -> Result<Vec<EvidenceRecord>, StoreError> {
        let found: Vec<EvidenceRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT e.sha256, e.size, e.media_type, e.file_name, e.description, e.added_by, \
                 l.at, e.custodian, e.global_seq \
                 FROM evidence e JOIN log_entries l ON l.global_seq = e.global_seq \
                 WHERE e.incident_id = $1 ORDER BY e.global_seq",
            )
            .bind(incident.as_uuid())
            .fetch_all(pool)
            .await
        })
        .map_err(self.db.fail("listing evidence"))?;
        found
            .into_iter()
            .map(|row| evidence_record(row, incident))
            .collect()
    }

    /// Copies the evidence file `sha256` of `incident` to the new file `dest`, checking its hash on
    /// the way; `dest` appears only if the content matches. Returns the size.
    pub async fn copy_evidence(
        &self,
        incident: IncidentId,
        sha256: Digest,
        dest: &Path,
    ) -> Result<u64, StoreError> {
        let (held,): (i64,) = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM evidence WHERE incident_id = $1 AND sha256 = $2")
                .bind(incident.as_uuid())
                .bind(sha256.0.to_vec())
                .fetch_one(pool)
                .await
        })
        .map_err(self.db.fail("looking up evidence"))?;
        if held == 0 {
            return Err(StoreError::EvidenceNotFound {
                incident: incident.to_string(),
                sha256,
            });
        }
        let files = self.files.clone();
        let dest = dest.to_owned();
        blocking(move || files.copy_out(&sha256, &dest)).await
    }

    /// Re-hashes the stored file `sha256` and checks it still matches its address. Returns its size.
    pub async fn check_evidence(&self, sha256: Digest) -> Result<u64, StoreError> {
        let files = self.files.clone();
        blocking(move || files.check(&sha256)).await
    }

    /// Where the file with this address lives in the data directory.
    pub fn evidence_path(&self, sha256: &Digest) -> PathBuf {
        self.files.path_of(sha256)
    }
}

fn evidence_record(row: EvidenceRow, incident: IncidentId) -> Result<EvidenceRecord, StoreError> {
    let (sha256, size, media_type, file_name, description, added_by, at, custodian, global_seq) =
        row;
    let what = || format!("evidence row of incident {incident}");
    let bad = |detail: String| StoreError::Undecodable {
        what: what(),
        detail,
    };
    Ok(EvidenceRecord {
        meta: EvidenceMeta {
            sha256: rows::digest(&sha256, "sha256", what)?,
            size: rows::to_u64(size, "size", what)?,
            media_type: MediaType::from_str(&media_type).map_err(|e| bad(e.to_string()))?,
            file_name: FileName::try_from(file_name).map_err(|e| bad(e.to_string()))?,
            description,
        },
        added_by,
        added_at: Timestamp::from_microsecond(at).map_err(|e| bad(e.to_string()))?,
        custodian,
        global_seq: rows::to_u64(global_seq, "global_seq", what)?,
    })
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::Interrupted(e.to_string()))?
}
