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
use rampart_store::Store;

pub(crate) use rampart_testkit::on_both_backends;
pub use rampart_testkit::stores::{TestStore, postgres, sqlite};

pub const ACTOR: &str = "analyst@example.org";

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
