//! `rampart incident …` on a server over `/api/v1`: the list, page by page, and the changes, each
//! reported like a local one.

use hyper::Method;
use rampart_core::Incident;

use super::{ListArgs, print_list, report_entry};
use crate::cli::context::{Globals, incident_ref};
use crate::cli::exit::Code;
use crate::cli::remote::Remote;

/// `incident list` on a server: every page of `/api/v1/incidents` in key order, the filters
/// checked by the server.
pub(super) fn list(remote: &Remote, globals: &Globals, args: ListArgs) -> anyhow::Result<Code> {
    let mut filters: Vec<(&str, &str)> = Vec::new();
    for (name, value) in [
        ("state", &args.state),
        ("severity", &args.severity),
        ("type", &args.incident_type),
    ] {
        if let Some(value) = value {
            filters.push((name, value));
        }
    }
    print_list(globals, &incidents(remote, &filters)?)
}

/// The incident `key` (or id) on a server.
pub(crate) fn incident(remote: &Remote, key: &str) -> anyhow::Result<Incident> {
    remote.get(&format!("/api/v1/incidents/{}", incident_ref(key)?), &[])
}

/// Every incident on a server that `filters` (query parameters of `/api/v1/incidents`) let
/// through, in key order, page by page.
pub(crate) fn incidents(
    remote: &Remote,
    filters: &[(&str, &str)],
) -> anyhow::Result<Vec<Incident>> {
    #[derive(serde::Deserialize)]
    struct Page {
        incidents: Vec<Incident>,
        next_cursor: Option<String>,
    }
    let mut query: Vec<(&str, &str)> = vec![("sort", "key"), ("limit", "500")];
    query.extend_from_slice(filters);
    let mut incidents = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut page_query = query.clone();
        if let Some(c) = &cursor {
            page_query.push(("cursor", c));
        }
        let page: Page = remote.get("/api/v1/incidents", &page_query)?;
        incidents.extend(page.incidents);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(incidents)
}

/// `POST /api/v1/incidents/KEY{tail}` with `body`, which the server answers with the incident
/// afterwards, running the plan on it; each log entry it wrote is reported like a local one.
pub(crate) fn run_plan(
    remote: &Remote,
    key: &str,
    tail: &str,
    body: Option<serde_json::Value>,
) -> anyhow::Result<Incident> {
    #[derive(serde::Deserialize)]
    struct Log {
        entries: Vec<rampart_core::LogEntry>,
    }
    let path = format!("/api/v1/incidents/{}", incident_ref(key)?);
    let before = remote
        .get::<Log>(&format!("{path}/log"), &[])?
        .entries
        .len();
    let incident: Incident = remote.send(Method::POST, &format!("{path}{tail}"), body.as_ref())?;
    let after: Log = remote.get(&format!("{path}/log"), &[])?;
    for entry in after.entries.iter().skip(before) {
        report_entry(&incident, entry);
    }
    Ok(incident)
}

/// A change on a server: `method /api/v1/incidents/KEY{tail}`, reported like a local one.
pub(crate) fn change(
    remote: &Remote,
    method: Method,
    key: &str,
    tail: &str,
    body: Option<serde_json::Value>,
) -> anyhow::Result<Code> {
    send_change(remote, method, key, tail, body)?;
    Ok(Code::Ok)
}

/// [`change`] for a change that can move clocks: the server names the clocks it moved in the
/// entry's text, printed as `rampart incident update` and `facts` print it locally.
pub(crate) fn change_moving_clocks(
    remote: &Remote,
    method: Method,
    key: &str,
    tail: &str,
    body: serde_json::Value,
) -> anyhow::Result<Code> {
    let entry = send_change(remote, method, key, tail, Some(body))?;
    if !entry.text.is_empty() {
        eprintln!("{}", entry.text);
    }
    Ok(Code::Ok)
}

/// Sends the change, reports its entry, and returns it.
fn send_change(
    remote: &Remote,
    method: Method,
    key: &str,
    tail: &str,
    body: Option<serde_json::Value>,
) -> anyhow::Result<rampart_core::LogEntry> {
    #[derive(serde::Deserialize)]
    struct Changed {
        incident: Incident,
        entry: rampart_core::LogEntry,
    }
    let key = incident_ref(key)?.to_string();
    let path = format!("/api/v1/incidents/{key}{tail}");
    let changed: Changed = remote.send(method, &path, body.as_ref())?;
    report_entry(&changed.incident, &changed.entry);
    Ok(changed.entry)
}
