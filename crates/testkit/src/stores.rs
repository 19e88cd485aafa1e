//! Fresh stores for tests: SQLite in a temporary directory, and PostgreSQL as a new database on
//! the server `RAMPART_TEST_DATABASE_URL` names. With `RAMPART_REQUIRE_POSTGRES=1` a missing or
//! unreachable server fails the test; without it the PostgreSQL half is skipped, saying so.
//! [`on_both_backends!`](crate::on_both_backends) declares one test per backend.

use rampart_store::{Store, StoreConfig};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tempfile::TempDir;

/// The variable naming a PostgreSQL server for the tests.
pub const DATABASE_URL_ENV: &str = "RAMPART_TEST_DATABASE_URL";
/// The variable that makes a missing PostgreSQL server a failure.
pub const REQUIRE_ENV: &str = "RAMPART_REQUIRE_POSTGRES";

/// A store under test and the directory that holds its data.
pub struct TestStore {
    /// The open store.
    pub store: Store,
    /// How it was opened (to reopen it).
    pub config: StoreConfig,
    /// The data directory, removed when the test ends.
    pub dir: TempDir,
}

impl TestStore {
    /// Closes and reopens the store (a restart of the process).
    pub async fn reopen(self) -> TestStore {
        self.store.close().await;
        let store = Store::open(&self.config).await.expect("reopen the store");
        TestStore { store, ..self }
    }
}

/// A fresh SQLite store.
pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = StoreConfig::sqlite(dir.path().join("data"));
    let store = Store::open(&config).await.expect("open a SQLite store");
    TestStore { store, config, dir }
}

/// A fresh PostgreSQL store, or `None` when no server is configured and none is required.
pub async fn postgres() -> Option<TestStore> {
    let (dir, config) = postgres_config().await?;
    let store = Store::open(&config).await.expect("open a PostgreSQL store");
    Some(TestStore { store, config, dir })
}

/// A fresh database's configuration, or `None` (skip) when no server is configured and none is
/// required.
pub async fn postgres_config() -> Option<(TempDir, StoreConfig)> {
    let url = match std::env::var(DATABASE_URL_ENV) {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var(REQUIRE_ENV).as_deref() != Ok("1"),
                "{REQUIRE_ENV}=1 but {DATABASE_URL_ENV} is not set: the PostgreSQL run cannot be skipped"
            );
            eprintln!("PostgreSQL part skipped: {DATABASE_URL_ENV} is not set");
            return None;
        }
    };
    let name = format!("rampart_test_{}", uuid::Uuid::now_v7().simple());
    if let Err(e) = create_database(&url, &name).await {
        panic!(
            "PostgreSQL at {DATABASE_URL_ENV} is unreachable or refuses to create a test database: {e}"
        );
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = StoreConfig::postgres(dir.path().join("data"), with_database(&url, &name))
        .expect("PostgreSQL configuration");
    Some((dir, config))
}

async fn create_database(url: &str, name: &str) -> Result<(), sqlx::Error> {
    let mut admin = PgConnection::connect(url).await?;
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await?;
    admin.close().await
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// Declares one test per backend for each `async fn name(t: TestStore) { … }`:
/// `name::sqlite` and `name::postgres` (skipped as [`postgres`] says).
#[macro_export]
macro_rules! on_both_backends {
    ($(
        $(#[$meta:meta])*
        async fn $name:ident($t:ident: $ty:ty) $body:block
    )*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($t: $ty) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::stores::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) = $crate::stores::postgres().await {
                    run(t).await;
                }
            }
        }
    )*};
}
