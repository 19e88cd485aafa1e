//! Incident lists a page at a time: filters, a title search, a sort order, who may see what, and
//! keyset pagination (the cursor is the last row's sort position), so a page costs the same at
//! incident 100,000 as at incident 1.

use rampart_core::{Incident, ZonedTime};
use sqlx::types::Json;
use uuid::Uuid;

use crate::Store;
use crate::db::on_pool;
use crate::error::StoreError;
use crate::incidents::{IncidentFilter, RecordText, decode_record_text};
use crate::rows::{EntryRow, select_entries};
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

/// One incident as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRow {
    /// Its key (`INC-2026-0042`).
    pub key: String,
    /// Its title.
    pub title: String,
    /// The name of its state.
    pub state: String,
    /// The name of its severity (`None`: not assessed).
    pub severity: Option<String>,
    /// When it was detected, in the offset it was recorded with.
    pub detected: ZonedTime,
}

/// One page of a list, as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentRowPage {
    /// The incidents, in order.
    pub rows: Vec<IncidentRow>,
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
/// `shown` names the columns read for each row, after the cursor's (sort column, key year, key
/// number).
pub(crate) fn statement(query: &IncidentQuery, shown: &str) -> Select {
    let search = query
        .search
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| contains_pattern(s.trim()));
    let column = match query.sort {
        IncidentSort::Key => None,
        IncidentSort::Detected => Some("detected_at"),
        IncidentSort::Updated => Some("updated_at"),
    };
    let mut select = Select::incidents(&format!(
        "{}, key_year, key_number, {shown}",
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
    // One row past the page tells whether there is a next one.
    select.limit(i64::from(page_size(query)) + 1);
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

/// How many incidents a page of `query` holds.
fn page_size(query: &IncidentQuery) -> u32 {
    query.limit.clamp(1, MAX_PAGE)
}

/// The rows of a page of `query` (read one past its end, each with its position) as its items,
/// each made by `item` from the incident's key and the row's other columns, and the next page's
/// cursor when there is one.
fn cut<R, T>(
    query: &IncidentQuery,
    rows: impl ExactSizeIterator<Item = (Cursor, R)>,
    mut item: impl FnMut(String, R) -> Result<T, StoreError>,
) -> Result<(Vec<T>, Option<Cursor>), StoreError> {
    let limit = page_size(query) as usize;
    let more = rows.len() > limit;
    let mut items = Vec::with_capacity(rows.len().min(limit));
    let mut next = None;
    for (at, rest) in rows.take(limit) {
        items.push(item(format!("INC-{}-{:04}", at.year, at.number), rest)?);
        next = Some(at);
    }
    Ok((items, next.filter(|_| more)))
}

/// A row's position: sort value, key year, key number.
fn at(value: i64, year: i64, number: i64) -> Cursor {
    Cursor {
        value,
        year,
        number,
    }
}

/// The columns of an [`IncidentRow`] after the cursor's; the detection time is the one field
/// taken from the record (the column `detected_at` has lost its offset), with the same operators
/// on both backends.
const ROW_COLUMNS: &str = "title, state, severity, record->'times'->>'detected'";

impl Store {
    /// One page of the incidents `query` selects, whole.
    pub async fn incident_page(&self, query: &IncidentQuery) -> Result<IncidentPage, StoreError> {
        let select = statement(query, "record");
        let rows: Vec<(i64, i64, i64, RecordText)> =
            on_pool!(&self.db.pool, reader, |pool| run_select!(
                &select, pool, fetch_all
            ))
            .map_err(self.db.fail("listing incidents"))?;
        let rows = rows.into_iter().map(|(v, y, n, r)| (at(v, y, n), r));
        let (incidents, next) = cut(query, rows, |key, Json(record)| {
            decode_record_text(record.get(), &key)
        })?;
        Ok(IncidentPage { incidents, next })
    }

    /// One page of the incidents `query` selects, as a list shows them: the listed columns only,
    /// without decoding each incident's record.
    pub async fn incident_rows(
        &self,
        query: &IncidentQuery,
    ) -> Result<IncidentRowPage, StoreError> {
        let select = statement(query, ROW_COLUMNS);
        type Row = (i64, i64, i64, String, String, Option<String>, String);
        let rows: Vec<Row> = on_pool!(&self.db.pool, reader, |pool| run_select!(
            &select, pool, fetch_all
        ))
        .map_err(self.db.fail("listing incidents"))?;
        let rows = rows
            .into_iter()
            .map(|(v, y, n, title, state, severity, detected)| {
                (at(v, y, n), (title, state, severity, detected))
            });
        let (rows, next) = cut(query, rows, |key, (title, state, severity, detected)| {
            let detected = detected.parse().map_err(|e| StoreError::Undecodable {
                what: format!("record of incident {key}"),
                detail: format!("detection time {detected:?}: {e}"),
            })?;
            Ok(IncidentRow {
                key,
                title,
                state,
                severity,
                detected,
            })
        })?;
        Ok(IncidentRowPage { rows, next })
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

    /// The newest `limit` log entries of all incidents, newest first, each with its incident's
    /// key (one statement).
    pub async fn recent_entries(&self, limit: u32) -> Result<Vec<RecentEntry>, StoreError> {
        let rows: Vec<KeyedEntryRow> = on_pool!(&self.db.pool, reader, |pool| {
            sqlx::query_as(select_entries!(
                ", key_year, key_number",
                "JOIN incidents ON incidents.id = log_entries.incident_id \
                 ORDER BY global_seq DESC LIMIT $1"
            ))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
        })
        .map_err(self.db.fail("reading recent log entries"))?;
        rows.into_iter()
            .map(|row| {
                Ok(RecentEntry {
                    key: format!("INC-{}-{:04}", row.key_year, row.key_number),
                    entry: row.entry.into_entry()?,
                })
            })
            .collect()
    }
}

/// A log entry with its incident's key (the entry's columns first, see [`select_entries`]).
#[derive(sqlx::FromRow)]
struct KeyedEntryRow {
    #[sqlx(flatten)]
    entry: EntryRow,
    key_year: i64,
    key_number: i64,
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
