//! Accounts: users and their roles, and the one-time links that set a password (the first
//! administrator's setup link, invitations).
//!
//! The store keeps what it is given: password hashes are computed by the caller (argon2id in the
//! web crate), and links are kept as the SHA-256 of the random value handed out, so nothing read
//! from the database lets anyone sign in. Taking a link marks it used in the same transaction that
//! sets the password or creates the first administrator: a link works once, and only while no
//! administrator exists when it is a setup link.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use uuid::Uuid;

use crate::Store;
use crate::db::on_pool;
use crate::error::StoreError;

/// What a user may do; the web crate maps each route to the roles allowed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UserRole {
    /// Everything, including user administration.
    Administrator,
    /// Works incidents: opens, changes, adds evidence, exports.
    Responder,
    /// Reads every incident, changes nothing.
    Viewer,
    /// Any employee: reports suspected incidents and sees only their own reports.
    Reporter,
    /// An outside party: sees only the incidents explicitly shared with them.
    ExternalReviewer,
}

impl UserRole {
    /// Every role, most privileged first.
    pub const ALL: [UserRole; 5] = [
        UserRole::Administrator,
        UserRole::Responder,
        UserRole::Viewer,
        UserRole::Reporter,
        UserRole::ExternalReviewer,
    ];

    /// The stored and displayed name.
    pub fn name(self) -> &'static str {
        match self {
            UserRole::Administrator => "administrator",
            UserRole::Responder => "responder",
            UserRole::Viewer => "viewer",
            UserRole::Reporter => "reporter",
            UserRole::ExternalReviewer => "external_reviewer",
        }
    }
}

impl fmt::Display for UserRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for UserRole {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UserRole::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| {
                StoreError::Config(format!(
                    "unknown role {s:?}; roles are administrator, responder, viewer, reporter, \
                     external_reviewer"
                ))
            })
    }
}

/// A user as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// Its id (UUIDv7).
    pub id: Uuid,
    /// The sign-in name, recorded as the actor of what the user does.
    pub name: String,
    /// What the user may do.
    pub role: UserRole,
    /// The argon2id PHC string, `None` until a password is set.
    pub password_hash: Option<String>,
    /// A disabled user cannot sign in, and their sessions and tokens no longer work.
    pub disabled: bool,
    /// When the account was created.
    pub created_at: Timestamp,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("password_set", &self.password_hash.is_some())
            .field("disabled", &self.disabled)
            .finish()
    }
}

/// What taking a one-time link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// The password of this user is set (an invitation or a reset).
    PasswordSet(User),
    /// The first administrator was created (the setup link).
    AdministratorCreated(User),
    /// The link is unknown, used, expired, or a setup link after an administrator exists.
    Invalid,
    /// A setup link was given no name for the administrator; it stays unused.
    NameRequired,
}

pub(crate) type UserRow = (Uuid, String, String, Option<String>, bool, i64);

pub(crate) fn user_from_row(row: UserRow) -> Result<User, StoreError> {
    let (id, name, role, password_hash, disabled, created_at) = row;
    let bad = |detail: String| StoreError::Undecodable {
        what: format!("user {name}"),
        detail,
    };
    Ok(User {
        role: role.parse().map_err(|e: StoreError| bad(e.to_string()))?,
        created_at: Timestamp::from_microsecond(created_at).map_err(|e| bad(e.to_string()))?,
        id,
        password_hash,
        disabled,
        name,
    })
}

impl Store {
    /// How many users exist.
    pub async fn user_count(&self) -> Result<u64, StoreError> {
        let (n,): (i64,) = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM users")
                .fetch_one(pool)
                .await
        })
        .map_err(self.db.fail("counting users"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Creates a user without a password (they set it through a link). A name already taken is a
    /// [`StoreError::Conflict`].
    pub async fn create_user(
        &self,
        name: &str,
        role: UserRole,
        now: Timestamp,
    ) -> Result<User, StoreError> {
        let user = User {
            id: Uuid::now_v7(),
            name: name.to_owned(),
            role,
            password_hash: None,
            disabled: false,
            created_at: now,
        };
        on_pool!(&self.db.pool, writer, |pool| {
            sqlx::query(
                "INSERT INTO users (id, name, role, password_hash, disabled, created_at) \
                 VALUES ($1, $2, $3, NULL, FALSE, $4)",
            )
            .bind(user.id)
            .bind(&user.name)
            .bind(role.name())
            .bind(now.as_microsecond())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(self.db.fail("creating a user"))?;
        Ok(user)
    }

    /// The user with this sign-in name.
    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT id, name, role, password_hash, disabled, created_at FROM users \
                 WHERE name = $1",
            )
            .bind(name)
            .fetch_optional(pool)
            .await
        })
        .map_err(self.db.fail("reading a user"))?;
        row.map(user_from_row).transpose()
    }

    /// The user with this id.
    pub async fn user(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT id, name, role, password_hash, disabled, created_at FROM users \
                 WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await
        })
        .map_err(self.db.fail("reading a user"))?;
        row.map(user_from_row).transpose()
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT id, name, role, password_hash, disabled, created_at FROM users \
                 ORDER BY name",
            )
            .fetch_all(pool)
            .await
        })
        .map_err(self.db.fail("listing users"))?;
        rows.into_iter().map(user_from_row).collect()
    }

    /// Changes a user's role and whether they are disabled; disabling also ends their sessions.
    /// Returns the user as changed, `None` if there is no such user.
    pub async fn update_user(
        &self,
        id: Uuid,
        role: UserRole,
        disabled: bool,
    ) -> Result<Option<User>, StoreError> {
        let changed = on_pool!(&self.db.pool, writer, |pool, lock| async {
            let mut tx = pool.begin_with(lock.begin).await?;
            let n = sqlx::query("UPDATE users SET role = $2, disabled = $3 WHERE id = $1")
                .bind(id)
                .bind(role.name())
                .bind(disabled)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await.map(|()| n)
        }
        .await)
        .map_err(self.db.fail("changing a user"))?;
        if changed == 0 {
            return Ok(None);
        }
        self.user(id).await
    }

    /// Records a one-time link: its SHA-256, the user whose password it sets (`None`: the setup
    /// link that creates the first administrator) and when it expires. Making a setup link
    /// withdraws the unused ones made before.
    pub async fn create_account_link(
        &self,
        token_hash: [u8; 32],
        user: Option<Uuid>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        on_pool!(&self.db.pool, writer, |pool, lock| async {
            let mut tx = pool.begin_with(lock.begin).await?;
            if user.is_none() {
                sqlx::query("DELETE FROM account_links WHERE user_id IS NULL AND used_at IS NULL")
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO account_links (token_hash, user_id, created_at, expires_at, used_at) \
                 VALUES ($1, $2, $3, $4, NULL)",
            )
            .bind(token_hash.to_vec())
            .bind(user)
            .bind(now.as_microsecond())
            .bind(expires_at.as_microsecond())
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        }
        .await)
        .map_err(self.db.fail("recording an account link"))
    }

    /// Takes the link with this SHA-256: in one transaction marks it used and sets the password
    /// hash of its user, or, for a setup link while no administrator exists, creates the
    /// administrator `name`. A taken name is a [`StoreError::Conflict`] and leaves the link unused.
    pub async fn take_account_link(
        &self,
        token_hash: [u8; 32],
        name: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<LinkOutcome, StoreError> {
        let at = now.as_microsecond();
        if name.is_empty() && self.is_setup_link(token_hash).await? {
            return Ok(LinkOutcome::NameRequired);
        }
        let outcome: Option<(Uuid, bool)> = on_pool!(&self.db.pool, writer, |pool, lock| async {
            let mut tx = pool.begin_with(lock.begin).await?;
            let link: Option<(Option<Uuid>,)> = sqlx::query_as(
                "UPDATE account_links SET used_at = $2 \
                 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
                 RETURNING user_id",
            )
            .bind(token_hash.to_vec())
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            let done = match link {
                None => None,
                Some((Some(user),)) => {
                    let n = sqlx::query(
                        "UPDATE users SET password_hash = $2 WHERE id = $1 AND disabled = FALSE",
                    )
                    .bind(user)
                    .bind(password_hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user)
                        .execute(&mut *tx)
                        .await?;
                    (n == 1).then_some((user, false))
                }
                Some((None,)) => {
                    let (admins,): (i64,) =
                        sqlx::query_as("SELECT COUNT(*) FROM users WHERE role = 'administrator'")
                            .fetch_one(&mut *tx)
                            .await?;
                    if admins > 0 || name.is_empty() {
                        None
                    } else {
                        let id = Uuid::now_v7();
                        sqlx::query(
                            "INSERT INTO users (id, name, role, password_hash, disabled, \
                             created_at) VALUES ($1, $2, 'administrator', $3, FALSE, $4)",
                        )
                        .bind(id)
                        .bind(name)
                        .bind(password_hash)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                        Some((id, true))
                    }
                }
            };
            if done.is_some() {
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            Ok::<_, sqlx::Error>(done)
        }
        .await)
        .map_err(self.db.fail("taking an account link"))?;
        let Some((id, created)) = outcome else {
            return Ok(LinkOutcome::Invalid);
        };
        let user = self
            .user(id)
            .await?
            .ok_or_else(|| StoreError::Interrupted(format!("user {id} vanished")))?;
        Ok(if created {
            LinkOutcome::AdministratorCreated(user)
        } else {
            LinkOutcome::PasswordSet(user)
        })
    }

    async fn is_setup_link(&self, token_hash: [u8; 32]) -> Result<bool, StoreError> {
        let (n,): (i64,) = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM account_links WHERE token_hash = $1 AND user_id IS NULL",
            )
            .bind(token_hash.to_vec())
            .fetch_one(pool)
            .await
        })
        .map_err(self.db.fail("reading an account link"))?;
        Ok(n > 0)
    }
}
