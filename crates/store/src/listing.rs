//! Incident lists a page at a time: filters, a title search, a sort order, who may see what, and
//! keyset pagination (the cursor is the last row's sort position), so a page costs the same at
//! incident 100,000 as at incident 1.

use std::collections::HashMap;

use rampart_core::Incident;
use sqlx::types::Json;
use uuid::Uuid;

use crate::Store;
use crate::db::on_pool;
use crate::error::StoreError;
use crate::incidents::{IncidentFilter, decode_record};
use crate::rows::EntryRow;
use crate::select::{Param, Select, run_select};

/// Which incidents a reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every incident.
    All,
    /// Only those whose opening entry this actor wrote (a reporter's own reports).
    OpenedBy(String),
    /// Only those shared with this user (an external reviewer).
    SharedWith(Uuid),
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncidentSort {
    /// By key: year, then number.
    #[default]
    Key,
    /// By detection time.
    Detected,
    /// By the time of the last log entry.
    Updated,
}

/// Where the next page starts: the sort position of the last row of the page before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The sort column's value.
    pub value: i64,
    /// The key's year.
    pub year: i64,
    /// The key's number.
    pub number: i64,
}

/// A list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentQuery {
    /// State, severity and type filters.
    pub filter: IncidentFilter,
    /// Only titles containing this text (any case).
    pub search: Option<String>,
    /// Who is reading.
    pub visibility: Visibility,
    /// The order.
    pub sort: IncidentSort,
    /// Newest (largest) first.
    pub descending: bool,
    /// Continue after this position.
    pub after: Option<Cursor>,
    /// At most this many incidents (1 to 500).
    pub limit: u32,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentPage {
    /// The incidents, in order.
    pub incidents: Vec<Incident>,
    /// Where the next page starts, `None` on the last page.
    pub next: Option<Cursor>,
}

/// The largest page.
pub const MAX_PAGE: u32 = 500;

/// How many incidents are in one state with one severity (`None`: not assessed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateCount {
    /// The state's name.
    pub state: String,
    /// The severity's name.
    pub severity: Option<String>,
    /// How many.
    pub count: u64,
}

/// A recent log entry and the key of its incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentEntry {
    /// The incident's key.
    pub key: String,
    /// The entry.
    pub entry: rampart_core::LogEntry,
}

/// The statement for one page of `query`: its filters, search and visibility as conditions, the
/// position after the cursor (if any), and the order of `sort`, which the index of the sort
/// column (or, with a filter, the filter's index) walks without sorting.
pub(crate) fn statement(query: &IncidentQuery, search: Option<String>, limit: u32) -> Select {
    let column = match query.sort {
        IncidentSort::Key => None,
        IncidentSort::Detected => Some("detected_at"),
        IncidentSort::Updated => Some("updated_at"),
    };
    let mut select = Select::incidents(&format!(
        "{}, key_year, key_number, record",
        column.unwrap_or("key_year")
    ));
    select.filter(&query.filter);
    if let Some(pattern) = search {
        select.and(|s| {
            format!(
                "LOWER(title) LIKE {} ESCAPE '\\'",
                s.bind(Param::Text(pattern))
            )
        });
    }
    select.visible(&query.visibility);
    let (cmp, dir) = if query.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some(after) = query.after {
        select.and(|s| {
            let key = format!(
                "{}, {}",
                s.bind(Param::Int(after.year)),
                s.bind(Param::Int(after.number))
            );
            match column {
                // The key once only: named twice, SQLite sorts every row of the year instead of
                // walking the key's index and stopping at the page's end.
                None => format!("(key_year, key_number) {cmp} ({key})"),
                Some(c) => {
                    let value = s.bind(Param::Int(after.value));
                    format!("({c}, key_year, key_number) {cmp} ({value}, {key})")
                }
            }
        });
    }
    let order = match column {
        None => format!(" ORDER BY key_year {dir}, key_number {dir}"),
        Some(c) => format!(" ORDER BY {c} {dir}, key_year {dir}, key_number {dir}"),
    };
    select.push(&order);
    let limit = select.bind(Param::Int(i64::from(limit) + 1));
    select.push(&format!(" LIMIT {limit}"));
    select
}

/// `text` as a `LIKE` pattern matching titles that contain it, any case.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl Store {
    /// One page of the incidents `query` selects.
    pub async fn incident_page(&self, query: &IncidentQuery) -> Result<IncidentPage, StoreError> {
        let limit = query.limit.clamp(1, MAX_PAGE);
        let search = query
            .search
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| contains_pattern(s.trim()));
        let select = statement(query, search, limit);
        let rows: Vec<(i64, i64, i64, Json<serde_json::Value>)> =
            on_pool!(&self.db.pool, reader, |pool| run_select!(
                &select, pool, fetch_all
            ))
            .map_err(self.db.fail("listing incidents"))?;
        let more = rows.len() > limit as usize;
        let mut incidents = Vec::with_capacity(rows.len().min(limit as usize));
        let mut next = None;
        for (value, year, number, Json(record)) in rows.into_iter().take(limit as usize) {
            incidents.push(decode_record(
                record,
                &format_args!("INC-{year}-{number:04}"),
            )?);
            next = Some(Cursor {
                value,
                year,
                number,
            });
        }
        Ok(IncidentPage {
            incidents,
            next: if more { next } else { None },
        })
    }
}

impl Store {
    /// How many incidents the reader may see, by state and severity.
    pub async fn incident_counts(
        &self,
        visibility: &Visibility,
    ) -> Result<Vec<StateCount>, StoreError> {
        let mut select = Select::incidents("state, severity, COUNT(*)");
        select.visible(visibility);
        select.push(" GROUP BY state, severity ORDER BY state, severity");
        let rows: Vec<(String, Option<String>, i64)> =
            on_pool!(&self.db.pool, reader, |pool| run_select!(
                &select, pool, fetch_all
            ))
            .map_err(self.db.fail("counting incidents"))?;
        Ok(rows
            .into_iter()
            .map(|(state, severity, n)| StateCount {
                state,
                severity,
                count: u64::try_from(n).unwrap_or(0),
            })
            .collect())
    }

    /// The newest `limit` log entries of all incidents, newest first.
    pub async fn recent_entries(&self, limit: u32) -> Result<Vec<RecentEntry>, StoreError> {
        let rows: Vec<EntryRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(
                "SELECT global_seq, incident_id, seq, at, actor, kind, payload, text, prev_hash, \
                 hash, global_prev_hash, global_hash \
                 FROM log_entries ORDER BY global_seq DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
        })
        .map_err(self.db.fail("reading recent log entries"))?;
        let mut keys: HashMap<Uuid, String> = HashMap::new();
        let mut recent = Vec::with_capacity(rows.len());
        for row in rows {
            let entry = row.into_entry()?;
            let id = *entry.incident.as_uuid();
            let key = match keys.get(&id) {
                Some(key) => key.clone(),
                None => {
                    let (year, number): (i64, i64) = on_pool!(&self.db.pool, reader, |pool| {
                        sqlx::query_as("SELECT key_year, key_number FROM incidents WHERE id = $1")
                            .bind(id)
                            .fetch_one(pool)
                            .await
                    })
                    .map_err(self.db.fail("reading an incident key"))?;
                    let key = format!("INC-{year}-{number:04}");
                    keys.insert(id, key.clone());
                    key
                }
            };
            recent.push(RecentEntry { key, entry });
        }
        Ok(recent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_matched_literally() {
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(contains_pattern("VPN"), "%vpn%");
    }
}
