//! What can go wrong in the store, and which class of failure each error is (the command line
//! turns the class into its exit code).

use std::io;
use std::path::PathBuf;

use rampart_core::{Digest, DomainError, IdError, ReplayError, SealError};

/// The classes of store failure a caller tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The request itself is wrong: a refused change, a malformed value, an unreadable input file.
    BadInput,
    /// The named incident, evidence or input file does not exist.
    NotFound,
    /// The change collides with what is stored.
    Conflict,
    /// Stored records fail a check: an undecodable row or an evidence file that no longer
    /// matches its address.
    Integrity,
    /// The store cannot be opened or written: unreachable server, corrupted or newer database,
    /// full disk, no permission.
    Unavailable,
}

/// An error from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The configuration cannot be used.
    #[error("store configuration: {0}")]
    Config(String),
    /// The database cannot be reached or used.
    #[error("store {place} is unavailable while {operation}: {source}")]
    Unavailable {
        /// The SQLite file or the redacted PostgreSQL URL.
        place: String,
        /// What the store was doing.
        operation: &'static str,
        /// The driver's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database has a migration applied that this version does not know.
    #[error(
        "store {place} was written by a newer version of Rampart: it has schema migration {version} \
         applied, and this version knows migrations up to {latest}; use a newer Rampart"
    )]
    NewerSchema {
        /// The SQLite file or the redacted PostgreSQL URL.
        place: String,
        /// The unknown applied migration.
        version: i64,
        /// The newest migration this version knows.
        latest: i64,
    },
    /// The database has a migration applied whose content differs from this version's.
    #[error(
        "store {place} has schema migration {version} applied with different content than this \
         version of Rampart ships; it was written by an incompatible build"
    )]
    SchemaMismatch {
        /// The SQLite file or the redacted PostgreSQL URL.
        place: String,
        /// The differing migration.
        version: i64,
    },
    /// The database file is damaged.
    #[error("store {place} is corrupted ({detail}); restore it from a backup")]
    Corrupt {
        /// The SQLite file.
        place: String,
        /// The engine's description.
        detail: String,
    },
    /// The disk holding the store is full; nothing was written.
    #[error("the disk holding {place} is full; nothing was written ({detail})")]
    DiskFull {
        /// The file or directory that could not grow.
        place: String,
        /// The underlying message.
        detail: String,
    },
    /// No incident with this key or id.
    #[error("incident {0} not found")]
    IncidentNotFound(String),
    /// The incident has no evidence with this address.
    #[error("incident {incident} has no evidence with sha256 {sha256}")]
    EvidenceNotFound {
        /// The incident key.
        incident: String,
        /// The content address asked for.
        sha256: Digest,
    },
    /// The domain refused the change (an illegal transition, an unknown value, a missing reason).
    #[error(transparent)]
    Refused(#[from] DomainError),
    /// The entry's draft cannot be sealed (no actor, a malformed kind or payload).
    #[error(transparent)]
    Unsealable(#[from] SealError),
    /// The sealed entry does not apply to the incident as it is now.
    #[error("the change does not apply to the incident: {0}")]
    NotApplicable(#[from] ReplayError),
    /// An incident key cannot be formed or parsed.
    #[error(transparent)]
    Key(#[from] IdError),
    /// A write collides with a stored record (an incident id used twice).
    #[error("conflicting record while {operation}: {detail}")]
    Conflict {
        /// What the store was doing.
        operation: &'static str,
        /// The database's description of the collision.
        detail: String,
    },
    /// A background task of the store was cancelled or panicked.
    #[error("store task interrupted: {0}")]
    Interrupted(String),
    /// An evidence file recorded in the log is missing from the data directory.
    #[error("evidence file {path} (sha256 {sha256}) is missing from the data directory")]
    EvidenceMissing {
        /// Where it should be.
        path: PathBuf,
        /// Its address.
        sha256: Digest,
    },
    /// An input file (evidence to add) cannot be read.
    #[error("cannot read {path}: {source}")]
    Input {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A file in the data directory cannot be written or read.
    #[error("cannot {action} {path}: {source}")]
    File {
        /// What was being done (`write`, `read`, `create directory`, …).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A stored evidence file does not hash to its address.
    #[error(
        "evidence file {path} is damaged: its address is sha256 {expected} but its content hashes to {actual}"
    )]
    EvidenceDamaged {
        /// The file.
        path: PathBuf,
        /// The address it is stored under.
        expected: Digest,
        /// The hash of its content.
        actual: Digest,
    },
    /// A stored row cannot be turned back into a record.
    #[error("stored {what} cannot be read back: {detail}")]
    Undecodable {
        /// Which record (`log entry 42`, `incident INC-2026-0001`, …).
        what: String,
        /// What is wrong with it.
        detail: String,
    },
}

impl StoreError {
    /// The class of this failure.
    pub fn class(&self) -> ErrorClass {
        match self {
            StoreError::Refused(DomainError::UnknownEvidence { .. }) => ErrorClass::NotFound,
            StoreError::Config(_)
            | StoreError::Refused(_)
            | StoreError::Unsealable(_)
            | StoreError::NotApplicable(_)
            | StoreError::Key(_) => ErrorClass::BadInput,
            StoreError::Conflict { .. } => ErrorClass::Conflict,
            StoreError::Input { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                ErrorClass::NotFound
            }
            StoreError::Input { .. } => ErrorClass::BadInput,
            StoreError::IncidentNotFound(_) | StoreError::EvidenceNotFound { .. } => {
                ErrorClass::NotFound
            }
            StoreError::EvidenceDamaged { .. }
            | StoreError::EvidenceMissing { .. }
            | StoreError::Undecodable { .. } => ErrorClass::Integrity,
            StoreError::Unavailable { .. }
            | StoreError::NewerSchema { .. }
            | StoreError::SchemaMismatch { .. }
            | StoreError::Corrupt { .. }
            | StoreError::DiskFull { .. }
            | StoreError::File { .. }
            | StoreError::Interrupted(_) => ErrorClass::Unavailable,
        }
    }
}
