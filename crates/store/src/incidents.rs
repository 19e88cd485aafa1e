//! Reading incidents: one by key or id, or a filtered list, from the stored projections.

use rampart_core::incident::{IncidentType, Severity, State};
use rampart_core::{Incident, IncidentId, IncidentKey};
use serde_json::value::RawValue;
use sqlx::types::Json;
use uuid::Uuid;

use crate::Store;
use crate::db::on_pool;
use crate::error::StoreError;
use crate::listing::Visibility;
use crate::select::{Param, Select, run_select};

/// An incident named by its key or its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentRef {
    /// By key (`INC-2026-0042`).
    Key(IncidentKey),
    /// By UUIDv7.
    Id(IncidentId),
}

impl From<IncidentKey> for IncidentRef {
    fn from(key: IncidentKey) -> Self {
        IncidentRef::Key(key)
    }
}

impl From<IncidentId> for IncidentRef {
    fn from(id: IncidentId) -> Self {
        IncidentRef::Id(id)
    }
}

impl std::fmt::Display for IncidentRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IncidentRef::Key(key) => key.fmt(f),
            IncidentRef::Id(id) => id.fmt(f),
        }
    }
}

/// Which incidents to list; `None` matches any value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentFilter {
    /// Only incidents in this state.
    pub state: Option<State>,
    /// Only incidents of this severity.
    pub severity: Option<Severity>,
    /// Only incidents of this type.
    pub incident_type: Option<IncidentType>,
}

/// The columns of an incident row besides its record, as bound in SQL.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ProjectionRow {
    pub(crate) id: Uuid,
    pub(crate) state: &'static str,
    pub(crate) severity: Option<&'static str>,
    pub(crate) incident_type: String,
    pub(crate) title: String,
    pub(crate) amazon_information: bool,
    pub(crate) personal_data: bool,
    pub(crate) drill: bool,
    pub(crate) detected_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) key_year: i64,
    pub(crate) key_number: i64,
}

impl ProjectionRow {
    /// The indexed columns of `incident`. The flags are the effective ones (stated, or implied by
    /// the data affected), so a list filtered on them finds every incident that involves it.
    pub(crate) fn of(incident: &Incident) -> Self {
        Self {
            id: *incident.id().as_uuid(),
            state: incident.state().name(),
            severity: incident.severity().map(Severity::name),
            incident_type: incident.incident_type().name().to_owned(),
            title: incident.title().to_owned(),
            amazon_information: incident.amazon_information(),
            personal_data: incident.personal_data(),
            drill: incident.flags().drill,
            detected_at: incident.times().detected.instant().as_microsecond(),
            updated_at: incident.updated_at().as_microsecond(),
            key_year: i64::from(incident.key().year()),
            key_number: i64::from(incident.key().number()),
        }
    }

    /// Whether any column but `updated_at` differs from `other`'s.
    pub(crate) fn differs_beyond_update_time(&self, other: &ProjectionRow) -> bool {
        let mut same_time = other.clone();
        same_time.updated_at = self.updated_at;
        *self != same_time
    }
}

/// A stored record as the database returns it: its JSON text, checked for syntax only, so that it
/// is decoded into an incident straight from the text ([`decode_record_text`]) rather than
/// through a tree of JSON values first.
pub(crate) type RecordText = Json<Box<RawValue>>;

/// An incident from its stored record as JSON text.
pub(crate) fn decode_record_text(
    record: &str,
    incident: &impl std::fmt::Display,
) -> Result<Incident, StoreError> {
    serde_json::from_str(record).map_err(|e| undecodable_record(incident, &e))
}

/// An incident from its stored record.
pub(crate) fn decode_record(
    record: serde_json::Value,
    incident: &impl std::fmt::Display,
) -> Result<Incident, StoreError> {
    serde_json::from_value(record).map_err(|e| undecodable_record(incident, &e))
}

fn undecodable_record(incident: &impl std::fmt::Display, e: &serde_json::Error) -> StoreError {
    StoreError::Undecodable {
        what: format!("record of incident {incident}"),
        detail: e.to_string(),
    }
}

impl Store {
    /// The incident with this key or id.
    pub async fn incident(&self, which: impl Into<IncidentRef>) -> Result<Incident, StoreError> {
        let which = which.into();
        let fail = self.db.fail("reading an incident");
        let found: Option<(RecordText,)> = on_pool!(&self.db.pool, reader, |pool| {
            match which {
                IncidentRef::Key(key) => {
                    sqlx::query_as(
                        "SELECT record FROM incidents WHERE key_year = $1 AND key_number = $2",
                    )
                    .bind(i64::from(key.year()))
                    .bind(i64::from(key.number()))
                    .fetch_optional(pool)
                    .await
                }
                IncidentRef::Id(id) => {
                    sqlx::query_as("SELECT record FROM incidents WHERE id = $1")
                        .bind(id.as_uuid())
                        .fetch_optional(pool)
                        .await
                }
            }
        })
        .map_err(fail)?;
        let (Json(record),) =
            found.ok_or_else(|| StoreError::IncidentNotFound(which.to_string()))?;
        decode_record_text(record.get(), &which)
    }

    /// The incidents that match `filter`, by key (oldest year first, then by number).
    pub async fn incidents(&self, filter: &IncidentFilter) -> Result<Vec<Incident>, StoreError> {
        let mut select = Select::incidents("key_year, key_number, record");
        select.filter(filter);
        select.push(" ORDER BY key_year, key_number");
        self.decoded(&select).await
    }

    /// The incidents `visibility` lets the reader see that are not finished with (neither
    /// dismissed nor closed), by key.
    pub async fn unfinished_incidents(
        &self,
        visibility: &Visibility,
    ) -> Result<Vec<Incident>, StoreError> {
        let mut select = Select::incidents("key_year, key_number, record");
        select.and(|s| {
            let finished: Vec<String> = State::ALL
                .iter()
                .filter(|state| state.is_terminal())
                .map(|state| s.bind(Param::Text(state.name().to_owned())))
                .collect();
            format!("state NOT IN ({})", finished.join(", "))
        });
        select.visible(visibility);
        select.push(" ORDER BY key_year, key_number");
        self.decoded(&select).await
    }

    /// The incidents `select` reads (key year, key number, record), decoded.
    async fn decoded(&self, select: &Select) -> Result<Vec<Incident>, StoreError> {
        let found: Vec<(i64, i64, RecordText)> =
            on_pool!(&self.db.pool, reader, |pool| run_select!(
                select, pool, fetch_all
            ))
            .map_err(self.db.fail("listing incidents"))?;
        found
            .into_iter()
            .map(|(year, number, Json(record))| {
                decode_record_text(record.get(), &format_args!("INC-{year}-{number:04}"))
            })
            .collect()
    }
}
