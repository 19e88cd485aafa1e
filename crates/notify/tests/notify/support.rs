//! Stores, incidents and delivery configurations for the tests, and the real servers they talk to.
//!
//! Every store test runs against a fresh SQLite store and, when `RAMPART_TEST_DATABASE_URL` names
//! a server, a fresh PostgreSQL database (`RAMPART_REQUIRE_POSTGRES=1` makes a missing server a
//! failure), as the store's conformance suite does.

pub mod receiver;
pub use rampart_testkit::smtp as sink;

use jiff::Timestamp;
use rampart_core::incident::{IncidentType, TypeCatalog};
use rampart_core::{Context, Incident, IncidentId, LogEntry, OpenIncident, ZonedTime};
use rampart_notify::{NotifyConfig, Settings};
use rampart_store::{Store, StoreConfig};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tempfile::TempDir;

pub const DATABASE_URL_ENV: &str = "RAMPART_TEST_DATABASE_URL";
pub const REQUIRE_ENV: &str = "RAMPART_REQUIRE_POSTGRES";
pub const ACTOR: &str = "analyst@example.org";

/// A store under test and the directory that holds its data.
pub struct TestStore {
    pub store: Store,
    pub config: StoreConfig,
    _dir: TempDir,
}

/// A fresh SQLite store.
pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = StoreConfig::sqlite(dir.path().join("data"));
    let store = Store::open(&config).await.expect("open a SQLite store");
    TestStore {
        store,
        config,
        _dir: dir,
    }
}

/// A fresh PostgreSQL store, or `None` when no server is configured and none is required.
pub async fn postgres() -> Option<TestStore> {
    let url = match std::env::var(DATABASE_URL_ENV) {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var(REQUIRE_ENV).as_deref() != Ok("1"),
                "{REQUIRE_ENV}=1 but {DATABASE_URL_ENV} is not set"
            );
            eprintln!("PostgreSQL part skipped: {DATABASE_URL_ENV} is not set");
            return None;
        }
    };
    let name = format!("rampart_notify_{}", uuid::Uuid::now_v7().simple());
    let mut admin = PgConnection::connect(&url).await.expect("reach PostgreSQL");
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    admin.close().await.expect("close");
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = StoreConfig::postgres(dir.path().join("data"), with_database(&url, &name))
        .expect("PostgreSQL configuration");
    let store = Store::open(&config).await.expect("open a PostgreSQL store");
    Some(TestStore {
        store,
        config,
        _dir: dir,
    })
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

/// Declares one test per backend for each `async fn name(t: TestStore) { … }`.
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
                run($crate::support::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) = $crate::support::postgres().await {
                    run(t).await;
                }
            }
        }
    )*};
}
pub(crate) use on_both_backends;

/// Opens an incident titled `title` and returns its id.
pub async fn open_incident(store: &Store, title: &str) -> IncidentId {
    let types = TypeCatalog::with_custom::<&str>(&[]).unwrap();
    let ctx = Context {
        actor: ACTOR,
        now: ZonedTime::utc(Timestamp::now()),
        types: &types,
    };
    let appended = store
        .open_incident(2026, |key| {
            let cmd = OpenIncident {
                id: IncidentId::generate(),
                key,
                title: title.to_owned(),
                summary: String::new(),
                incident_type: IncidentType::UnauthorizedAccess,
                impact: None,
                severity_override: None,
                amazon_information: true,
                personal_data: false,
                drill: false,
                occurred: None,
                detected: None,
                reported: None,
            };
            Incident::open(&ctx, cmd, String::new())
        })
        .await
        .unwrap();
    appended.incident.id()
}

/// The `message.delivery_attempted` entries of an incident, oldest first.
pub async fn deliveries(store: &Store, incident: IncidentId) -> Vec<LogEntry> {
    store
        .log_of(incident)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "message.delivery_attempted")
        .collect()
}

/// A checked configuration from TOML text, with `env` as the environment.
pub fn config(toml_text: &str, env: &[(&str, &str)]) -> NotifyConfig {
    let settings: Settings = toml::from_str(toml_text).expect("test settings parse");
    NotifyConfig::from_settings(&settings, |name| {
        env.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    })
    .expect("test settings are valid")
}
