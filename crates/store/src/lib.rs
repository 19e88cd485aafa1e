//! Persistence for Rampart: the incident record over SQLite (default, one file in the data
//! directory, WAL) or PostgreSQL (`RAMPART_DATABASE_URL`), with the same SQL text for both, and
//! evidence files content-addressed beside it.
//!
//! Everything is written through one operation, the append ([`Store::open_incident`],
//! [`Store::append`], [`Store::put_evidence`]): in one transaction it reads both chain heads,
//! seals the entry the caller decided (with `rampart-core`), inserts it and updates the incident's
//! projection. The log is read back per incident ([`Store::log_of`]), in global order in batches
//! ([`Store::entries_in_global_order`]) and verified against the stored heads
//! ([`Store::verify_log`], [`Store::verify_incident`]). The incident response plan is kept beside
//! it: every version applied and a plan log of its own ([`Store::apply_plan`],
//! [`Store::record_plan_event`], [`Store::verify_plan_log`]). `docs/storage.md` explains the
//! schema, the locking and the durability guarantees.
//!
//! Beside the record it keeps the accounts of the web interface and REST API: users and roles,
//! one-time password links, sessions, API tokens and incidents shared with external reviewers
//! ([`Store::take_account_link`], [`Store::session`], [`Store::api_token_user`]), and lists
//! incidents a page at a time with the visibility of the reader ([`Store::incident_page`]).

#![forbid(unsafe_code)]

mod accounts;
mod append;
pub mod config;
mod db;
pub mod error;
mod evidence;
mod files;
mod incidents;
mod listing;
mod log;
mod notice_shares;
mod notice_templates;
pub mod outbox;
mod plan;
mod rows;
mod select;
mod sessions;

use std::path::Path;

pub use accounts::{LinkOutcome, User, UserRole};
pub use append::Appended;
pub use config::{Database, StoreConfig};
pub use error::{ErrorClass, StoreError};
pub use evidence::EvidenceRecord;
pub use files::StoredFile;
pub use incidents::{IncidentFilter, IncidentRef};
pub use listing::{
    Cursor, IncidentPage, IncidentQuery, IncidentRow, IncidentRowPage, IncidentSort, MAX_PAGE,
    RecentEntry, StateCount, Visibility,
};
pub use log::{DEFAULT_BATCH, GlobalEntries, Verification, verify_incident_log};
pub use notice_shares::NoticeShare;
pub use notice_templates::NoticeTemplate;
pub use plan::{PlanApplied, PlanVersion};
pub use sessions::{ApiTokenInfo, SessionRecord};

use db::Db;
use files::EvidenceFiles;

/// The incident record and its evidence files.
#[derive(Debug, Clone)]
pub struct Store {
    db: Db,
    files: EvidenceFiles,
    config: StoreConfig,
}

impl Store {
    /// Opens the store `config` names, creating the data directory and the database if missing
    /// and bringing the schema up to date. A database written by a newer version, a damaged
    /// database file or an unreachable server is refused with a precise error.
    pub async fn open(config: &StoreConfig) -> Result<Store, StoreError> {
        create_data_dir(config.data_dir())?;
        let db = Db::open(config).await?;
        Ok(Store {
            db,
            files: EvidenceFiles::new(config.data_dir()),
            config: config.clone(),
        })
    }

    /// How this store was opened.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// Closes the database connections, waiting for those in use.
    pub async fn close(self) {
        self.db.close().await;
    }
}

fn create_data_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::create_dir_all(dir).map_err(|source| StoreError::File {
        action: "create the data directory",
        path: dir.to_owned(),
        source,
    })
}
