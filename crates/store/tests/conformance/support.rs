//! Backends for the conformance suite, and incidents to put in them.
//!
//! Every test runs against a fresh SQLite store in a temporary directory, and against a fresh
//! PostgreSQL database (created on the server `RAMPART_TEST_DATABASE_URL` names) when that variable
//! is set. With `RAMPART_REQUIRE_POSTGRES=1` a missing or unreachable server fails the test.

use std::path::Path;

use jiff::Timestamp;
use rampart_core::incident::{Command, IncidentType, TypeCatalog};
use rampart_core::{Context, Incident, IncidentKey, OpenIncident, ZonedTime};
use rampart_store::{Appended, Database, Store};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

pub use rampart_testkit::stores::{TestStore, postgres_config, sqlite};

/// The actor of test changes.
pub const ACTOR: &str = "analyst@example.org";

/// The decision context for test changes, at `now`.
pub fn context(types: &TypeCatalog) -> Context<'_> {
    Context {
        actor: ACTOR,
        now: ZonedTime::utc(Timestamp::now()),
        types,
    }
}

/// The built-in incident types.
pub fn types() -> TypeCatalog {
    TypeCatalog::with_custom::<&str>(&[]).expect("built-in types")
}

/// Opens an incident titled `title` (an unauthorized access, nothing else stated).
pub async fn open(store: &Store, title: &str) -> Appended {
    open_with(store, 2026, title, |_| {}).await
}

/// Opens an incident with a key of `year`, titled `title`, as `edit` adjusts the command.
pub async fn open_with(
    store: &Store,
    year: u16,
    title: &str,
    edit: impl FnOnce(&mut OpenIncident) + Send,
) -> Appended {
    let types = types();
    let ctx = context(&types);
    store
        .open_incident(year, |key| {
            let mut cmd = opening(key, title);
            edit(&mut cmd);
            Incident::open(&ctx, cmd, String::new())
        })
        .await
        .expect("open an incident")
}

/// The command that opens a plain incident.
pub fn opening(key: IncidentKey, title: &str) -> OpenIncident {
    OpenIncident {
        id: rampart_core::IncidentId::generate(),
        key,
        title: title.to_owned(),
        summary: String::new(),
        incident_type: IncidentType::UnauthorizedAccess,
        impact: None,
        severity_override: None,
        amazon_information: false,
        personal_data: false,
        drill: false,
        occurred: None,
        detected: None,
        reported: None,
    }
}

/// Appends the change `cmd` with free text `text` to the incident.
pub async fn change(store: &Store, incident: &Incident, cmd: Command, text: &str) -> Appended {
    let types = types();
    let ctx = context(&types);
    store
        .append(incident.id(), |current| {
            current.decide(&ctx, cmd.clone(), text.to_owned())
        })
        .await
        .expect("append a change")
}

/// Appends a note with `text` to the incident.
pub async fn note(store: &Store, incident: &Incident, text: &str) -> Appended {
    change(store, incident, Command::Note, text).await
}

/// Whether `dir` holds no leftover temporary files of the evidence store.
pub fn no_temp_files(data_dir: &Path) -> bool {
    let incoming = data_dir.join("evidence").join("incoming");
    match std::fs::read_dir(&incoming) {
        Ok(entries) => entries.count() == 0,
        Err(_) => true,
    }
}

/// Declares one test per backend: `name::sqlite` and `name::postgres`.
pub(crate) use rampart_testkit::on_both_backends as conformance;

/// Runs `sql` on the store's database behind its back, as an intruder with database access would.
pub async fn tamper(t: &TestStore, sql: &'static str) {
    match t.config.database() {
        Database::Sqlite => {
            let path = t.config.sqlite_path().expect("SQLite path");
            let mut conn =
                SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
                    .await
                    .expect("connect to SQLite");
            for guard in APPEND_ONLY_GUARDS {
                sqlx::query(AssertSqlSafe(format!("DROP TRIGGER IF EXISTS {guard}")))
                    .execute(&mut conn)
                    .await
                    .expect("drop guard");
            }
            sqlx::query(sql).execute(&mut conn).await.expect("tamper");
            conn.close().await.expect("close");
        }
        Database::Postgres { url } => {
            let mut conn = PgConnection::connect(url)
                .await
                .expect("connect to PostgreSQL");
            for guard in APPEND_ONLY_GUARDS {
                sqlx::query(AssertSqlSafe(format!(
                    "DROP TRIGGER IF EXISTS {guard} ON log_entries"
                )))
                .execute(&mut conn)
                .await
                .expect("drop guard");
            }
            sqlx::query(sql).execute(&mut conn).await.expect("tamper");
            conn.close().await.expect("close");
        }
    }
}

/// The triggers that make the database refuse changes to log entries and entries that do not
/// extend the global chain; a tamperer who owns the
/// database drops them first, as [`tamper`] does.
pub const APPEND_ONLY_GUARDS: [&str; 3] = [
    "log_entries_are_append_only_update",
    "log_entries_are_append_only_delete",
    "log_entries_extend_the_head",
];

/// Runs `sql` directly on the database with its guards in place, returning the database's answer.
pub async fn try_raw(t: &TestStore, sql: &'static str) -> Result<(), sqlx::Error> {
    match t.config.database() {
        Database::Sqlite => {
            let path = t.config.sqlite_path().expect("SQLite path");
            let mut conn =
                SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
                    .await
                    .expect("connect to SQLite");
            sqlx::query(sql).execute(&mut conn).await.map(drop)
        }
        Database::Postgres { url } => {
            let mut conn = PgConnection::connect(url)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(sql).execute(&mut conn).await.map(drop)
        }
    }
}
