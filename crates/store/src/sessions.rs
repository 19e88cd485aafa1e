//! Sessions of signed-in browsers and API tokens, both kept as the SHA-256 of the random value the
//! client holds, and the incidents shared with external reviewers.
//!
//! A session or token of a disabled user, an expired session and a revoked token are never
//! returned. Signing in creates a new session (the caller removes the one it replaces); changing a
//! password, disabling a user or "sign out everywhere" removes every session of the user.

use jiff::Timestamp;
use rampart_core::IncidentId;
use uuid::Uuid;

use crate::Store;
use crate::accounts::{User, UserRow, user_from_row};
use crate::db::on_pool;
use crate::error::StoreError;

/// A live session and its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Who is signed in.
    pub user: User,
    /// The token forms of this session must carry (compared by the web layer).
    pub csrf_token: String,
    /// When it ends.
    pub expires_at: Timestamp,
}

/// An API token as listed: never its value or hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenInfo {
    /// Its id.
    pub id: Uuid,
    /// What its owner called it.
    pub name: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

type SessionRow = (Uuid, String, String, Option<String>, bool, i64, String, i64);

fn time(micros: i64, what: &str) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(micros).map_err(|e| StoreError::Undecodable {
        what: what.to_owned(),
        detail: e.to_string(),
    })
}

impl Store {
    /// Records a new session of `user` ending at `expires_at`.
    pub async fn create_session(
        &self,
        token_hash: [u8; 32],
        user: Uuid,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash.to_vec())
            .bind(user)
            .bind(csrf_token)
            .bind(now.as_microsecond())
            .bind(expires_at.as_microsecond())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(self.db.fail("recording a session"))?;
        Ok(())
    }

    /// The live session with this SHA-256 at `now`, with its (enabled) user.
    pub async fn session(
        &self,
        token_hash: [u8; 32],
        now: Timestamp,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row: Option<SessionRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT u.id, u.name, u.role, u.password_hash, u.disabled, u.created_at, \
                 s.csrf_token, s.expires_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE",
            )
            .bind(token_hash.to_vec())
            .bind(now.as_microsecond())
            .fetch_optional(pool)
            .await
        })
        .map_err(self.db.fail("reading a session"))?;
        let Some((id, name, role, hash, disabled, created, csrf_token, expires_at)) = row else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            user: user_from_row((id, name, role, hash, disabled, created))?,
            csrf_token,
            expires_at: time(expires_at, "session expiry")?,
        }))
    }

    /// Ends one session (signing out). Ending an unknown session does nothing.
    pub async fn delete_session(&self, token_hash: [u8; 32]) -> Result<(), StoreError> {
        on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash.to_vec())
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(self.db.fail("ending a session"))?;
        Ok(())
    }

    /// Ends every session of a user, and expired sessions of anyone; returns how many of the
    /// user's ended.
    pub async fn delete_sessions_of(&self, user: Uuid, now: Timestamp) -> Result<u64, StoreError> {
        on_pool!(&self.db.pool, writer, |pool| async {
            let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user)
                .execute(pool)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now.as_microsecond())
                .execute(pool)
                .await?;
            Ok::<_, sqlx::Error>(n)
        }
        .await)
        .map_err(self.db.fail("ending sessions"))
    }

    /// Records a new API token of `user`; returns its id.
    pub async fn create_api_token(
        &self,
        token_hash: [u8; 32],
        user: Uuid,
        name: &str,
        now: Timestamp,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query(
                "INSERT INTO api_tokens (id, token_hash, user_id, name, created_at, revoked_at) \
                 VALUES ($1, $2, $3, $4, $5, NULL)",
            )
            .bind(id)
            .bind(token_hash.to_vec())
            .bind(user)
            .bind(name)
            .bind(now.as_microsecond())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(self.db.fail("recording an API token"))?;
        Ok(id)
    }

    /// The (enabled) user of the unrevoked API token with this SHA-256.
    pub async fn api_token_user(&self, token_hash: [u8; 32]) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT u.id, u.name, u.role, u.password_hash, u.disabled, u.created_at \
                 FROM api_tokens t JOIN users u ON u.id = t.user_id \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = FALSE",
            )
            .bind(token_hash.to_vec())
            .fetch_optional(pool)
            .await
        })
        .map_err(self.db.fail("reading an API token"))?;
        row.map(user_from_row).transpose()
    }

    /// The API tokens of a user, oldest first.
    pub async fn api_tokens_of(&self, user: Uuid) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let rows: Vec<(Uuid, String, i64, Option<i64>)> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 \
                 ORDER BY created_at, id",
            )
            .bind(user)
            .fetch_all(pool)
            .await
        })
        .map_err(self.db.fail("listing API tokens"))?;
        rows.into_iter()
            .map(|(id, name, created_at, revoked_at)| {
                Ok(ApiTokenInfo {
                    id,
                    name,
                    created_at: time(created_at, "API token creation time")?,
                    revoked_at: revoked_at
                        .map(|t| time(t, "API token revocation time"))
                        .transpose()?,
                })
            })
            .collect()
    }

    /// Revokes the token `id` of `user`; `false` when the user has no such unrevoked token.
    pub async fn revoke_api_token(
        &self,
        user: Uuid,
        id: Uuid,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let n = on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $3 \
                 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
            )
            .bind(id)
            .bind(user)
            .bind(now.as_microsecond())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(self.db.fail("revoking an API token"))?;
        Ok(n == 1)
    }

    /// Shares an incident with a user (an external reviewer); sharing twice changes nothing.
    pub async fn share_incident(
        &self,
        incident: IncidentId,
        user: Uuid,
        granted_by: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query(
                "INSERT INTO incident_shares (incident_id, user_id, granted_by, granted_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (incident_id, user_id) DO NOTHING",
            )
            .bind(incident.as_uuid())
            .bind(user)
            .bind(granted_by)
            .bind(now.as_microsecond())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(self.db.fail("sharing an incident"))?;
        Ok(())
    }

    /// Whether the incident is shared with the user.
    pub async fn is_shared(&self, incident: IncidentId, user: Uuid) -> Result<bool, StoreError> {
        let (n,): (i64,) = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM incident_shares WHERE incident_id = $1 AND user_id = $2",
            )
            .bind(incident.as_uuid())
            .bind(user)
            .fetch_one(pool)
            .await
        })
        .map_err(self.db.fail("reading incident shares"))?;
        Ok(n > 0)
    }
}
