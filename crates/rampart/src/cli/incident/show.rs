//! `rampart incident show`: the incident's record, evidence, roles, clocks and log.

use anyhow::Context as _;
use clap::Args as ClapArgs;
use rampart_core::incident::Detail;
use rampart_core::{Incident, LogEntry};
use serde::{Deserialize, Serialize};

use crate::cli::clocks::{config, render};
use crate::cli::context::{Globals, Session, bad_input, incident_ref};
use crate::cli::exit::Code;
use crate::cli::output;
use crate::cli::remote::Remote;

/// Arguments of `rampart incident show`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// The incident key or id.
    key: String,
}

/// The JSON form: the incident, its clocks and its whole log.
#[derive(Serialize)]
struct Shown<'a> {
    incident: &'a Incident,
    clocks: &'a [rampart_clock::view::ClockView],
    pending_clocks: &'a [rampart_clock::Pending],
    log: &'a [LogEntry],
}

/// Prints the incident.
pub(crate) fn run(session: &Session, globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let which = incident_ref(&args.key)?;
    let incident = session.run(session.store.incident(which))?;
    let log = session.run(session.store.log_of(incident.id()))?;
    let evaluation = config(session)?
        .evaluate(&incident)
        .map_err(|e| bad_input(e.to_string()))?;
    let mut clocks = rampart_clock::view::views(&incident, &evaluation, session.now().instant());
    rampart_clock::view::sort(&mut clocks);
    if globals.json {
        output::json(&Shown {
            incident: &incident,
            clocks: &clocks,
            pending_clocks: &evaluation.pending,
            log: &log,
        })?;
        return Ok(Code::Ok);
    }
    print_record(&incident)?;
    if !clocks.is_empty() {
        println!("\nclocks");
        render::table(&clocks)?;
    }
    let pending = evaluation.pending.iter();
    print_pending(pending.map(|p| [p.id.to_string(), p.waiting_for.clone(), p.deadline.clone()]))?;
    print_log(&log)
}

/// Prints the incident on a server: its record and log, and its clocks as the server computes
/// them from its regimes (`/api/v1/incidents/{key}/clocks`). With `--json` the clocks are in the
/// API's form.
pub(crate) fn run_remote(remote: &Remote, globals: &Globals, args: Args) -> anyhow::Result<Code> {
    #[derive(Deserialize)]
    struct Log {
        entries: Vec<LogEntry>,
    }
    #[derive(Deserialize)]
    struct Pending {
        clock: String,
        deadline: String,
        waiting_for: String,
    }
    let path = format!("/api/v1/incidents/{}", incident_ref(&args.key)?);
    let incident: Incident = remote.get(&path, &[])?;
    let log: Log = remote.get(&format!("{path}/log"), &[])?;
    let clocks: serde_json::Value = remote.get(&format!("{path}/clocks"), &[])?;
    if globals.json {
        output::json(&serde_json::json!({
            "incident": incident,
            "clocks": clocks["clocks"],
            "pending_clocks": clocks["pending"],
            "log": log.entries,
        }))?;
        return Ok(Code::Ok);
    }
    let unexpected =
        || format!("the server's answer to GET {path}/clocks is not what was expected");
    let served: Vec<render::Served> =
        serde_json::from_value(clocks["clocks"].clone()).with_context(unexpected)?;
    let pending: Vec<Pending> =
        serde_json::from_value(clocks["pending"].clone()).with_context(unexpected)?;
    print_record(&incident)?;
    if !served.is_empty() {
        println!("\nclocks");
        render::served_table(served)?;
    }
    print_pending(
        pending
            .into_iter()
            .map(|p| [p.clock, p.waiting_for, p.deadline]),
    )?;
    print_log(&log.entries)
}

/// The deadlines whose clocks have not started (clock, what it waits for, what), if any.
fn print_pending(rows: impl Iterator<Item = [String; 3]>) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = rows.map(Vec::from).collect();
    if !rows.is_empty() {
        println!("\nclocks not started");
        output::table(&["CLOCK", "WAITS FOR", "WHAT"], &rows)?;
    }
    Ok(())
}

fn print_record(incident: &Incident) -> anyhow::Result<()> {
    let times = incident.times();
    let opt =
        |t: &Option<rampart_core::ZonedTime>| t.map_or_else(|| "-".to_owned(), |t| t.to_string());
    let flags = incident.flags();
    let facts = incident.clock_facts();
    let yes = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let severity = match (incident.severity(), incident.severity_override()) {
        (Some(s), Some(o)) => format!("{} (set by hand: {})", s.name(), o.reason),
        (Some(s), None) => format!("{} (from the impact matrix)", s.name()),
        (None, _) => "not assessed".to_owned(),
    };
    output::fields(&[
        ("key", incident.key().to_string()),
        ("id", incident.id().to_string()),
        ("title", incident.title().to_owned()),
        ("type", incident.incident_type().name().to_owned()),
        ("state", incident.state().name().to_owned()),
        ("severity", severity),
        ("amazon information", yes(incident.amazon_information())),
        ("personal data", yes(incident.personal_data())),
        ("drill", yes(flags.drill)),
        ("occurred", opt(&times.occurred)),
        ("detected", times.detected.to_string()),
        ("reported", times.reported.to_string()),
        ("confirmed", opt(&times.confirmed)),
        ("contained", opt(&times.contained)),
        ("eradicated", opt(&times.eradicated)),
        ("recovered", opt(&times.recovered)),
        ("closed", opt(&times.closed)),
        ("residents", residents(incident)),
        ("legal process received", opt(&facts.legal_process_received)),
        ("materiality determined", opt(&facts.materiality_determined)),
        ("summary", incident.summary().to_owned()),
    ])?;
    if !incident.roles().is_empty() {
        println!("\nroles");
        let rows: Vec<Vec<String>> = incident
            .roles()
            .iter()
            .map(|(role, person)| vec![role.name().to_owned(), person.clone()])
            .collect();
        output::table(&["ROLE", "PERSON"], &rows)?;
    }
    if !incident.details().is_empty() {
        println!("\nrecord of details");
        let rows: Vec<Vec<String>> = incident
            .details()
            .iter()
            .map(|d| {
                vec![
                    d.id.to_string(),
                    d.detail.category().to_owned(),
                    describe(&d.detail),
                ]
            })
            .collect();
        output::table(&["ID", "CATEGORY", "WHAT"], &rows)?;
    }
    if !incident.evidence().is_empty() {
        println!("\nevidence");
        let rows: Vec<Vec<String>> = incident
            .evidence()
            .iter()
            .map(|e| {
                vec![
                    e.meta.sha256.to_string(),
                    e.meta.size.to_string(),
                    e.meta.file_name.as_str().to_owned(),
                    e.custodian.clone(),
                ]
            })
            .collect();
        output::table(&["SHA256", "BYTES", "NAME", "CUSTODIAN"], &rows)?;
    }
    Ok(())
}

fn print_log(log: &[LogEntry]) -> anyhow::Result<Code> {
    println!("\nlog");
    let rows: Vec<Vec<String>> = log
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                e.at.to_string(),
                e.actor.clone(),
                e.kind.clone(),
                payload_summary(&e.payload),
                e.text.clone(),
            ]
        })
        .collect();
    output::table(&["#", "AT", "ACTOR", "KIND", "CHANGE", "TEXT"], &rows)?;
    Ok(Code::Ok)
}

/// The entry's payload as compact JSON, cut to fit a table row (`--json` shows all of it).
fn payload_summary(payload: &serde_json::Value) -> String {
    const WIDTH: usize = 60;
    let text = payload.to_string();
    if text.chars().count() <= WIDTH {
        return text;
    }
    let cut: String = text.chars().take(WIDTH - 1).collect();
    format!("{cut}…")
}

/// Affected residents per region (`US-CA 1200, DE 40`), or `-`.
fn residents(incident: &Incident) -> String {
    let residents = &incident.clock_facts().residents;
    if residents.is_empty() {
        return "-".to_owned();
    }
    let each: Vec<String> = residents.iter().map(|(r, n)| format!("{r} {n}")).collect();
    each.join(", ")
}

/// One line describing an item of the record of details.
pub(crate) fn describe(detail: &Detail) -> String {
    let with = |main: String, description: &str| {
        if description.is_empty() {
            main
        } else {
            format!("{main}: {description}")
        }
    };
    match detail {
        Detail::System(s) => with(s.name.clone(), &s.description),
        Detail::Account(a) => with(
            match &a.system {
                Some(system) => format!("{} on {system}", a.account),
                None => a.account.clone(),
            },
            &a.description,
        ),
        Detail::Service(s) => with(s.service.clone(), &s.description),
        Detail::Data(d) => {
            let mut main = d.categories.join(", ");
            if let Some(n) = d.record_count {
                main.push_str(&format!(" ({n} records)"));
            }
            if d.amazon_information {
                main.push_str(" [Amazon Information]");
            }
            if d.personal_data {
                main.push_str(" [personal data]");
            }
            with(main, &d.description)
        }
        Detail::Network(n) => with(n.network.clone(), &n.description),
        Detail::Damage(d) => with(format!("{}: {}", d.damage_type, d.estimate), &d.description),
    }
}
