//! What every verb that touches the incident record shares: the global options, the open store,
//! who is acting, the configured incident types, and the mapping of library errors to exit codes.

use std::future::Future;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args as ClapArgs;
use rampart_core::incident::TypeCatalog;
use rampart_core::{DomainError, IncidentId, IncidentKey, ZonedTime};
use rampart_store::{ErrorClass, IncidentRef, Store, StoreConfig, StoreError};
use serde::Deserialize;

use super::exit::{Code, Failure};

/// Options every verb accepts. The PostgreSQL URL is read from `RAMPART_DATABASE_URL` only, never
/// from a flag, so its password does not show in the process list.
#[derive(Clone, Debug, ClapArgs)]
pub(crate) struct Globals {
    /// The data directory: the SQLite database, evidence files and `rampart.toml`.
    #[arg(long, global = true, env = "RAMPART_DATA_DIR", value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// Print JSON instead of tables (reading verbs).
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Who is acting, as recorded in the log (default: the login name).
    #[arg(long, global = true, env = "RAMPART_ACTOR", value_name = "NAME")]
    pub(crate) actor: Option<String>,
    /// Work on this Rampart server over its REST API instead of the local store (the `incident`,
    /// `evidence`, `task`, `page`, `plan`, `clocks` and `training` verbs, `export` and `verify`;
    /// a verb without a remote form says so).
    #[arg(long, global = true, env = "RAMPART_SERVER", value_name = "URL")]
    pub(crate) server: Option<String>,
    /// The API token for --server; prefer RAMPART_TOKEN, which the process list does not show.
    #[arg(
        long,
        global = true,
        env = "RAMPART_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub(crate) token: Option<super::remote::Token>,
}

/// `rampart.toml` in the data directory: settings that are the company's, not the code's.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    /// Incident types besides the built-in ones (`supply_chain`, …).
    #[serde(default)]
    incident_types: Vec<String>,
    /// Notification clocks: enabled regimes, the company's zone and regime file.
    #[serde(default)]
    pub(crate) clocks: rampart_clock::Settings,
    /// Delivery: the SMTP relay, webhook endpoints, retry timing.
    #[serde(default)]
    pub(crate) notify: rampart_notify::Settings,
    /// The report to Amazon: its security addresses and the contact point.
    #[serde(default)]
    pub(crate) amazon: super::amazon::AmazonSettings,
    /// Notices: the company's name and contact points.
    #[serde(default)]
    pub(crate) notices: rampart_notice::NoticeSettings,
}

/// An open store and the acting person, with a runtime to drive the store's async API. Dropping
/// it closes the store (SQLite checkpoints its write-ahead log into the database file).
pub(crate) struct Session {
    runtime: tokio::runtime::Runtime,
    pub(crate) store: Store,
    /// Who is acting; `None` when nobody can be named, which only writing verbs refuse.
    actor: Option<String>,
    pub(crate) types: TypeCatalog,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.runtime.block_on(self.store.clone().close());
    }
}

impl Session {
    /// Opens the store named by the options and environment, creating it on first use.
    pub(crate) fn open(globals: &Globals) -> anyhow::Result<Session> {
        let config = StoreConfig::from_env(globals.data_dir.clone()).map_err(store_error)?;
        let types = incident_types(config.data_dir())?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let store = runtime
            .block_on(Store::open(&config))
            .map_err(store_error)?;
        Ok(Session {
            runtime,
            store,
            actor: actor(globals),
            types,
        })
    }

    /// Runs a store operation to completion.
    pub(crate) fn run<T>(
        &self,
        work: impl Future<Output = Result<T, StoreError>>,
    ) -> anyhow::Result<T> {
        self.runtime.block_on(work).map_err(store_error)
    }

    /// Runs any future to completion on the session's runtime.
    pub(crate) fn block_on<F: Future>(&self, work: F) -> F::Output {
        self.runtime.block_on(work)
    }

    /// The current time with this machine's UTC offset: what the log records as "now".
    pub(crate) fn now(&self) -> ZonedTime {
        now()
    }

    /// The domain context for deciding a change: who, when, which types.
    pub(crate) fn context(&self) -> anyhow::Result<rampart_core::Context<'_>> {
        let actor = self.actor.as_deref().ok_or_else(|| {
            bad_input("cannot tell who is acting: pass --actor NAME or set RAMPART_ACTOR")
        })?;
        Ok(rampart_core::Context {
            actor,
            now: self.now(),
            types: &self.types,
        })
    }

    /// The id of the incident named by `key` (`INC-2026-0001` or a UUID).
    pub(crate) fn incident_id(&self, key: &str) -> anyhow::Result<IncidentId> {
        let which = incident_ref(key)?;
        Ok(self.run(self.store.incident(which))?.id())
    }
}

/// The current time with this machine's UTC offset.
pub(crate) fn now() -> ZonedTime {
    let zoned = jiff::Zoned::now();
    ZonedTime::new(zoned.timestamp(), zoned.offset())
        .unwrap_or_else(|_| ZonedTime::utc(zoned.timestamp()))
}

/// Reads an incident key or id as typed by a person.
pub(crate) fn incident_ref(text: &str) -> anyhow::Result<IncidentRef> {
    if let Ok(key) = text.parse::<IncidentKey>() {
        return Ok(IncidentRef::Key(key));
    }
    match text.parse::<IncidentId>() {
        Ok(id) => Ok(IncidentRef::Id(id)),
        Err(_) => Err(bad_input(format!(
            "{text:?} is not an incident key such as INC-2026-0042 or an incident id (a UUID)"
        ))),
    }
}

/// Parses a timestamp argument (RFC 3339 with an offset), naming the option on failure.
pub(crate) fn parse_time(option: &str, value: &str) -> anyhow::Result<ZonedTime> {
    value
        .parse::<ZonedTime>()
        .map_err(|e| bad_input(format!("{option} {value:?}: {e}")))
}

/// Parses a closed-list or structured value with its domain parser.
pub(crate) fn parse_value<T>(value: &str) -> anyhow::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    value.parse::<T>().map_err(|e| bad_input(e.to_string()))
}

/// A bad-input failure (exit 1).
pub(crate) fn bad_input(message: impl Into<String>) -> anyhow::Error {
    Failure::new(Code::BadInput, message).into()
}

/// A refused domain change (exit 1).
pub(crate) fn domain_error(error: DomainError) -> anyhow::Error {
    bad_input(error.to_string())
}

/// A store error, with its exit code from its class.
pub(crate) fn store_error(error: StoreError) -> anyhow::Error {
    let code = match error.class() {
        ErrorClass::BadInput => Code::BadInput,
        ErrorClass::NotFound => Code::NotFound,
        ErrorClass::Conflict => Code::Internal,
        ErrorClass::Integrity => Code::VerificationFailed,
        ErrorClass::Unavailable => Code::StoreUnavailable,
    };
    Failure::new(code, error.to_string()).into()
}

/// `--actor`, `RAMPART_ACTOR`, or the login name.
fn actor(globals: &Globals) -> Option<String> {
    [
        globals.actor.clone(),
        std::env::var("USER").ok(),
        std::env::var("LOGNAME").ok(),
    ]
    .into_iter()
    .flatten()
    .map(|name| name.trim().to_owned())
    .find(|name| !name.is_empty())
}

/// `rampart.toml` in `data_dir`, or the defaults when there is none.
pub(crate) fn read_settings(data_dir: &Path) -> anyhow::Result<Settings> {
    let path = data_dir.join("rampart.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str::<Settings>(&text)
            .map_err(|e| bad_input(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(bad_input(format!("cannot read {}: {e}", path.display()))),
    }
}

/// The incident types this deployment accepts: the built-in ones and `rampart.toml`'s.
pub(crate) fn incident_types(data_dir: &Path) -> anyhow::Result<TypeCatalog> {
    let path = data_dir.join("rampart.toml");
    let settings = read_settings(data_dir)?;
    TypeCatalog::with_custom(&settings.incident_types)
        .map_err(|e| bad_input(format!("{}: incident_types: {e}", path.display())))
}
