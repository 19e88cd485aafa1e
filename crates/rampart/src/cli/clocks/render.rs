//! Clocks for people: the table of views (`rampart_clock::view`), computed here or as a server
//! answered them.

use rampart_clock::view::ClockView;
use serde::Deserialize;

use crate::cli::output;

/// Prints views as a table.
pub(crate) fn table(views: &[ClockView]) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| {
            row(
                &v.incident,
                v.clock.id.to_string(),
                v.clock.due.map(|d| d.to_string()),
                v.clock.provisional,
                [v.left_text(), v.status_text(), v.clock.deadline.clone()],
            )
        })
        .collect();
    print(rows)
}

/// A clock as a server answers it (`/api/v1/clocks`, `/api/v1/incidents/{key}/clocks`): what the
/// table shows.
#[derive(Debug, Deserialize)]
pub(crate) struct Served {
    incident: String,
    clock: String,
    due: Option<String>,
    provisional: bool,
    left: String,
    status_text: String,
    deadline: String,
}

/// Prints the clocks a server answered as a table, as [`table`] prints them locally.
pub(crate) fn served_table(clocks: Vec<Served>) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = clocks
        .into_iter()
        .map(|c| {
            row(
                &c.incident,
                c.clock,
                c.due,
                c.provisional,
                [c.left, c.status_text, c.deadline],
            )
        })
        .collect();
    print(rows)
}

/// One row: incident, clock, due (marked provisional), time left, status, what.
fn row(
    incident: &str,
    clock: String,
    due: Option<String>,
    provisional: bool,
    [left, status, deadline]: [String; 3],
) -> Vec<String> {
    let due = due.unwrap_or_else(|| "-".to_owned());
    let due = if provisional {
        format!("{due} (provisional)")
    } else {
        due
    };
    vec![incident.to_owned(), clock, due, left, status, deadline]
}

fn print(rows: Vec<Vec<String>>) -> anyhow::Result<()> {
    output::table(
        &["INCIDENT", "CLOCK", "DUE", "LEFT", "STATUS", "WHAT"],
        &rows,
    )
}
