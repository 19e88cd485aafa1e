//! Where the store lives: the data directory (evidence files, and the SQLite database unless a
//! PostgreSQL server is named) and, optionally, a `postgres://` URL.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::StoreError;

/// The data directory used when none is given.
pub const DEFAULT_DATA_DIR: &str = "./rampart-data";
/// The environment variable naming the data directory.
pub const DATA_DIR_ENV: &str = "RAMPART_DATA_DIR";
/// The environment variable naming a PostgreSQL server (`postgres://…`).
pub const DATABASE_URL_ENV: &str = "RAMPART_DATABASE_URL";
/// The SQLite database file inside the data directory.
pub const SQLITE_FILE: &str = "rampart.db";

/// Which database holds the incident record.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// SQLite in WAL mode, in `rampart.db` inside the data directory.
    Sqlite,
    /// A PostgreSQL server.
    Postgres {
        /// The connection URL, password included; never printed as is (see the `Debug` impl).
        url: String,
    },
}

/// How to open a [`Store`](crate::Store).
#[derive(Clone, PartialEq, Eq)]
pub struct StoreConfig {
    data_dir: PathBuf,
    database: Database,
}

impl StoreConfig {
    /// SQLite in `data_dir/rampart.db`, evidence files in `data_dir/evidence`.
    pub fn sqlite(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            database: Database::Sqlite,
        }
    }

    /// PostgreSQL at `url` (`postgres://` or `postgresql://`), evidence files in `data_dir/evidence`.
    pub fn postgres(
        data_dir: impl Into<PathBuf>,
        url: impl Into<String>,
    ) -> Result<Self, StoreError> {
        let url = url.into();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::Config(format!(
                "database URL {} is not a PostgreSQL URL: it must start with postgres:// or postgresql://",
                redact_url(&url)
            )));
        }
        Ok(Self {
            data_dir: data_dir.into(),
            database: Database::Postgres { url },
        })
    }

    /// The data directory `data_dir` (or `$RAMPART_DATA_DIR`, or `./rampart-data`) and the
    /// database `$RAMPART_DATABASE_URL` when it is set and not empty, SQLite otherwise.
    pub fn from_env(data_dir: Option<PathBuf>) -> Result<Self, StoreError> {
        let data_dir = data_dir
            .or_else(|| {
                std::env::var_os(DATA_DIR_ENV)
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        match std::env::var(DATABASE_URL_ENV) {
            Ok(url) if !url.is_empty() => Self::postgres(data_dir, url),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(Self::sqlite(data_dir)),
            Err(std::env::VarError::NotUnicode(_)) => Err(StoreError::Config(format!(
                "{DATABASE_URL_ENV} is not valid UTF-8"
            ))),
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The database.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The SQLite file, when the store is on SQLite.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match self.database {
            Database::Sqlite => Some(self.data_dir.join(SQLITE_FILE)),
            Database::Postgres { .. } => None,
        }
    }

    /// Where the records are, for messages: the SQLite file or the redacted URL.
    pub fn place(&self) -> String {
        match &self.database {
            Database::Sqlite => self.data_dir.join(SQLITE_FILE).display().to_string(),
            Database::Postgres { url } => redact_url(url),
        }
    }
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite => f.write_str("Sqlite"),
            Database::Postgres { url } => f
                .debug_struct("Postgres")
                .field("url", &redact_url(url))
                .finish(),
        }
    }
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("data_dir", &self.data_dir)
            .field("database", &self.database)
            .finish()
    }
}

/// `url` with the password (in the user info or a `password=` parameter) replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut out = String::with_capacity(url.len());
    out.push_str(&url[..scheme_end]);
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.split_once(':') {
                Some((user, _password)) => {
                    out.push_str(user);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    let tail = &rest[authority_end..];
    match tail.split_once('?') {
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            let params: Vec<String> = query
                .split('&')
                .map(|param| match param.split_once('=') {
                    Some((name, _)) if name.eq_ignore_ascii_case("password") => {
                        format!("{name}=***")
                    }
                    _ => param.to_owned(),
                })
                .collect();
            out.push_str(&params.join("&"));
        }
        None => out.push_str(tail),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_database_password() {
        let config = StoreConfig::postgres(
            "/srv/rampart",
            "postgres://ir:s3cret@db.example:5432/rampart",
        )
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("postgres://ir:***@db.example:5432/rampart"),
            "{shown}"
        );
    }

    #[test]
    fn password_parameters_and_odd_urls_are_redacted() {
        assert_eq!(
            redact_url("postgresql://db/rampart?user=ir&password=s3cret&sslmode=require"),
            "postgresql://db/rampart?user=ir&password=***&sslmode=require"
        );
        assert_eq!(redact_url("postgres://a:b:c@h/d"), "postgres://a:***@h/d");
        assert_eq!(redact_url("postgres://ir@h"), "postgres://ir@h");
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn a_non_postgres_url_is_refused_with_the_rule() {
        let err = StoreConfig::postgres(".", "mysql://root:pw@h/db").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("must start with postgres://"), "{text}");
        assert!(!text.contains("pw@"), "{text}");
    }
}
