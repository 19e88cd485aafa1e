//! List statements (incidents, the outbox) built from the filters actually given. A condition written as
//! `($1 IS NULL OR state = $1)` hides the column from the planner (neither SQLite nor PostgreSQL
//! can choose an index for it), so a rare filter would walk the whole key index; here a filter
//! that is absent is left out of the text, and one that is given is `state = $n`, which the
//! `(state, key_year, key_number)` indexes serve in key order. Values are always bound, never
//! written into the text, but for the row limit ([`Select::limit`]), and the text (`$n`
//! placeholders) is the same on both backends.

use uuid::Uuid;

use crate::incidents::IncidentFilter;
use crate::listing::Visibility;

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
    Id(Uuid),
}

/// A statement under construction: its text and the values of its placeholders, in order.
#[derive(Debug, Default)]
pub(crate) struct Select {
    pub(crate) sql: String,
    pub(crate) params: Vec<Param>,
    conditions: usize,
}

impl Select {
    /// Starts `SELECT {columns} FROM incidents`.
    pub(crate) fn incidents(columns: &str) -> Self {
        Self::table("incidents", columns)
    }

    /// Starts `SELECT {columns} FROM {table}`.
    pub(crate) fn table(table: &str, columns: &str) -> Self {
        Select {
            sql: format!("SELECT {columns} FROM {table}"),
            ..Select::default()
        }
    }

    /// Binds `param`; returns its placeholder.
    pub(crate) fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }

    /// Adds one condition, `WHERE` before the first and `AND` before the others; `condition`
    /// receives the statement to bind its values with.
    pub(crate) fn and(&mut self, condition: impl FnOnce(&mut Self) -> String) {
        let text = condition(self);
        self.sql.push_str(if self.conditions == 0 {
            " WHERE "
        } else {
            " AND "
        });
        self.sql.push_str(&text);
        self.conditions += 1;
    }

    /// `column = value`, when a value is given.
    pub(crate) fn equal(&mut self, column: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.and(|s| format!("{column} = {}", s.bind(Param::Text(value.to_owned()))));
        }
    }

    /// The state, severity and type filters that are given.
    pub(crate) fn filter(&mut self, filter: &IncidentFilter) {
        self.equal("state", filter.state.map(|s| s.name()));
        self.equal("severity", filter.severity.map(|s| s.name()));
        self.equal(
            "incident_type",
            filter.incident_type.as_ref().map(|t| t.name()),
        );
    }

    /// Only the incidents `visibility` lets the reader see.
    pub(crate) fn visible(&mut self, visibility: &Visibility) {
        match visibility {
            Visibility::All => {}
            Visibility::OpenedBy(actor) => self.and(|s| {
                format!(
                    "EXISTS (SELECT 1 FROM log_entries o WHERE o.incident_id = incidents.id \
                     AND o.seq = 1 AND o.actor = {})",
                    s.bind(Param::Text(actor.clone()))
                )
            }),
            Visibility::SharedWith(user) => self.and(|s| {
                format!(
                    "EXISTS (SELECT 1 FROM incident_shares s WHERE s.incident_id = incidents.id \
                     AND s.user_id = {})",
                    s.bind(Param::Id(*user))
                )
            }),
        }
    }

    /// Appends `text` as it is (no values in it).
    pub(crate) fn push(&mut self, text: &str) {
        self.sql.push_str(text);
    }

    /// Appends ` LIMIT {rows}`. The number is written into the statement, not bound: SQLite
    /// plans a LIMIT with its value, so a statement whose LIMIT is a bound value is compiled
    /// again every time it runs.
    pub(crate) fn limit(&mut self, rows: i64) {
        self.sql.push_str(&format!(" LIMIT {rows}"));
    }
}

/// Runs `$select` with its values bound as `query_as` on `$pool`, with `$fetch` (e.g.
/// `fetch_all`).
macro_rules! run_select {
    ($select:expr, $pool:expr, $fetch:ident) => {{
        let select: &$crate::select::Select = $select;
        // The text holds placeholders and the names of columns only: every value is bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(select.sql.as_str()));
        for param in &select.params {
            query = match param {
                $crate::select::Param::Text(text) => query.bind(text.as_str()),
                $crate::select::Param::Int(n) => query.bind(*n),
                $crate::select::Param::Id(id) => query.bind(*id),
            };
        }
        query.$fetch($pool).await
    }};
}
pub(crate) use run_select;

#[cfg(test)]
mod tests {
    use rampart_core::incident::{IncidentType, Severity, State};

    use super::*;
    use crate::Store;
    use crate::listing::{Cursor, IncidentQuery, IncidentSort, statement};

    #[test]
    fn only_the_filters_given_are_in_the_text_and_every_value_is_bound() {
        let mut select = Select::incidents("record");
        select.filter(&IncidentFilter::default());
        select.visible(&Visibility::All);
        assert_eq!(select.sql, "SELECT record FROM incidents");
        assert!(select.params.is_empty());

        let mut select = Select::incidents("record");
        select.filter(&IncidentFilter {
            state: Some(State::Triage),
            severity: Some(Severity::High),
            incident_type: None,
        });
        select.visible(&Visibility::OpenedBy("o'brien".to_owned()));
        assert_eq!(
            select.sql,
            "SELECT record FROM incidents WHERE state = $1 AND severity = $2 AND EXISTS \
             (SELECT 1 FROM log_entries o WHERE o.incident_id = incidents.id AND o.seq = 1 \
             AND o.actor = $3)"
        );
        assert_eq!(
            select.params,
            [
                Param::Text("triage".to_owned()),
                Param::Text("high".to_owned()),
                Param::Text("o'brien".to_owned())
            ]
        );
    }

    /// A first page (or the page after `after`) of 50 with `filter`, by `sort`.
    fn page(
        filter: &IncidentFilter,
        sort: IncidentSort,
        descending: bool,
        after: Option<Cursor>,
    ) -> IncidentQuery {
        IncidentQuery {
            filter: filter.clone(),
            search: None,
            visibility: Visibility::All,
            sort,
            descending,
            after,
            limit: 50,
        }
    }

    /// SQLite's plan for the page `query` asks for, one line per step.
    async fn plan(store: &Store, query: &IncidentQuery) -> Vec<String> {
        let mut select = statement(query, "record");
        select.sql = format!("EXPLAIN QUERY PLAN {}", select.sql);
        let crate::db::Pool::Sqlite { reader, .. } = &store.db.pool else {
            panic!("a SQLite store");
        };
        let rows: Vec<(i64, i64, i64, String)> = run_select!(&select, reader, fetch_all).unwrap();
        rows.into_iter().map(|(_, _, _, detail)| detail).collect()
    }

    #[tokio::test]
    async fn a_filtered_page_is_read_from_the_filter_index_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&crate::StoreConfig::sqlite(dir.path()))
            .await
            .unwrap();
        let filters = [
            IncidentFilter {
                state: Some(State::Triage),
                ..IncidentFilter::default()
            },
            IncidentFilter {
                severity: Some(Severity::High),
                ..IncidentFilter::default()
            },
            IncidentFilter {
                incident_type: Some(IncidentType::DataBreach),
                ..IncidentFilter::default()
            },
        ];
        for (filter, index) in filters.into_iter().zip([
            "incidents_by_state",
            "incidents_by_severity",
            "incidents_by_type",
        ]) {
            for descending in [false, true] {
                for after in [
                    None,
                    Some(Cursor {
                        value: 2026,
                        year: 2026,
                        number: 42,
                    }),
                ] {
                    let query = page(&filter, IncidentSort::Key, descending, after);
                    let steps = plan(&store, &query).await;
                    assert_eq!(
                        steps,
                        [format!("SEARCH incidents USING INDEX {index} ({})", {
                            let column = index.trim_start_matches("incidents_by_");
                            let column = if column == "type" {
                                "incident_type"
                            } else {
                                column
                            };
                            match after {
                                None => format!("{column}=?"),
                                Some(_) => format!(
                                    "{column}=? AND (key_year,key_number){}(?,?)",
                                    if descending { "<" } else { ">" }
                                ),
                            }
                        })],
                        "{query:?}"
                    );
                }
            }
            // By last change: the filter's index finds the matches, which are then sorted.
            let query = page(&filter, IncidentSort::Updated, true, None);
            let steps = plan(&store, &query).await;
            assert!(
                steps[0].starts_with(&format!("SEARCH incidents USING INDEX {index}")),
                "{steps:?}"
            );
        }
        // Unfiltered, the sort column's index is walked and nothing is sorted.
        let query = page(
            &IncidentFilter::default(),
            IncidentSort::Updated,
            true,
            None,
        );
        assert_eq!(
            plan(&store, &query).await,
            ["SCAN incidents USING INDEX incidents_by_updated"]
        );
    }
}
