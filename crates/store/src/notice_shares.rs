//! Notices shared with external reviewers. A share names one notice of one incident and one
//! reviewer; it gives the reviewer that notice to read and decide on, and nothing else of the
//! incident (incident shares are separate, `sessions.rs`). The log entry recording the share is
//! the caller's to append, before the share is stored.

use jiff::Timestamp;
use rampart_core::IncidentId;
use uuid::Uuid;

use crate::Store;
use crate::db::on_pool;
use crate::error::StoreError;

/// A notice shared with a reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeShare {
    /// The incident.
    pub incident: IncidentId,
    /// The notice (the `seq` of the entry that drafted it).
    pub notice: u64,
    /// The reviewer.
    pub user: Uuid,
    /// The reviewer reviews for Amazon: their approval is Amazon's recorded approval.
    pub for_amazon: bool,
    /// Who shared it.
    pub shared_by: String,
    /// When.
    pub shared_at: Timestamp,
}

type ShareRow = (Uuid, i64, Uuid, bool, String, i64);

fn share_from_row(row: ShareRow) -> Result<NoticeShare, StoreError> {
    let (incident, notice, user, for_amazon, shared_by, at) = row;
    let bad = |detail: String| StoreError::Undecodable {
        what: format!("notice share of notice {notice}"),
        detail,
    };
    Ok(NoticeShare {
        incident: IncidentId::from_uuid(incident).map_err(|e| bad(e.to_string()))?,
        notice: u64::try_from(notice).map_err(|e| bad(e.to_string()))?,
        user,
        for_amazon,
        shared_by,
        shared_at: Timestamp::from_microsecond(at).map_err(|e| bad(e.to_string()))?,
    })
}

/// The columns a [`ShareRow`] reads, as a literal for `concat!`.
macro_rules! select {
    () => {
        "SELECT incident_id, notice, user_id, for_amazon, shared_by, shared_at FROM notice_shares "
    };
}

impl Store {
    /// Shares `share.notice` of `share.incident` with `share.user` (again: keeps the first
    /// share, with its `for_amazon`).
    pub async fn share_notice(&self, share: &NoticeShare) -> Result<(), StoreError> {
        let notice = i64::try_from(share.notice).unwrap_or(i64::MAX);
        on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query(
                "INSERT INTO notice_shares \
                 (incident_id, notice, user_id, for_amazon, shared_by, shared_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (incident_id, notice, user_id) DO NOTHING",
            )
            .bind(share.incident.as_uuid())
            .bind(notice)
            .bind(share.user)
            .bind(share.for_amazon)
            .bind(&share.shared_by)
            .bind(share.shared_at.as_microsecond())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(self.db.fail("sharing a notice"))?;
        Ok(())
    }

    /// The notices shared with `user`, oldest share first.
    pub async fn notices_shared_with(&self, user: Uuid) -> Result<Vec<NoticeShare>, StoreError> {
        let rows: Vec<ShareRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(concat!(
                select!(),
                "WHERE user_id = $1 ORDER BY shared_at, notice"
            ))
            .bind(user)
            .fetch_all(pool)
            .await
        })
        .map_err(self.db.fail("reading notice shares"))?;
        rows.into_iter().map(share_from_row).collect()
    }

    /// The reviewers a notice is shared with.
    pub async fn notice_shares(
        &self,
        incident: IncidentId,
        notice: u64,
    ) -> Result<Vec<NoticeShare>, StoreError> {
        let notice = i64::try_from(notice).unwrap_or(i64::MAX);
        let rows: Vec<ShareRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(concat!(
                select!(),
                "WHERE incident_id = $1 AND notice = $2 ORDER BY shared_at"
            ))
            .bind(incident.as_uuid())
            .bind(notice)
            .fetch_all(pool)
            .await
        })
        .map_err(self.db.fail("reading notice shares"))?;
        rows.into_iter().map(share_from_row).collect()
    }
}
