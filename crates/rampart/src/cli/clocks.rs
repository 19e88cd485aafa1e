//! `rampart clocks`: the notification clocks of every incident, sorted by time left; `rampart
//! clocks met` and `rampart clocks missed` end one. Deadlines come from the regimes the company
//! enabled (`[clocks]` in `rampart.toml`, `docs/regimes.md`).

mod remind;
pub(crate) mod render;

use clap::{Args as ClapArgs, Subcommand};
use rampart_clock::Config;
use rampart_core::incident::{ClockId, Proof};
use rampart_core::{Command, Digest, DomainError, Incident};
use rampart_store::IncidentFilter;

use anyhow::Context as _;

use super::context::{Globals, Session, bad_input, parse_time, parse_value, read_settings};
use super::exit::Code;
use super::incident::report_entry;
use super::output;
use super::remote::{Remote, local_only};

/// Arguments of `rampart clocks`.
#[derive(Debug, ClapArgs)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Option<Verb>,
    /// Also list clocks that have ended (met or missed).
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// End a clock as met by a notice: name the log entry or evidence item that proves it.
    Met(MetArgs),
    /// End a clock as missed, with the reason.
    Missed(MissedArgs),
    /// Queue reminders for clocks at 50 %, 75 %, 90 % and overdue (each sent once).
    Remind,
}

#[derive(Debug, ClapArgs)]
struct MetArgs {
    /// The incident key or id.
    key: String,
    /// The clock (`amazon_incident.notice`; see `rampart incident show`).
    clock: String,
    /// When the notice was given, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// The log entry (its number in the incident's log) that records the notice.
    #[arg(long, value_name = "N")]
    entry: Option<u64>,
    /// The SHA-256 of the evidence item holding the notice as sent.
    #[arg(long, value_name = "SHA256")]
    evidence: Option<String>,
}

#[derive(Debug, ClapArgs)]
struct MissedArgs {
    /// The incident key or id.
    key: String,
    /// The clock.
    clock: String,
    /// Why the notice was not given in time (or why none is owed).
    #[arg(long)]
    reason: String,
}

/// Runs `rampart clocks`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    if let Some(remote) = Remote::from_globals(globals)? {
        return match args.verb {
            None => list_remote(&remote, globals, args.all),
            Some(_) => Err(local_only("clocks met|missed|remind")),
        };
    }
    let session = Session::open(globals)?;
    let config = config(&session)?;
    match args.verb {
        None => list(&session, &config, globals, args.all),
        Some(Verb::Met(a)) => {
            if a.entry.is_none() && a.evidence.is_none() {
                return Err(bad_input(
                    "name what proves the notice: --entry N (its log entry) or --evidence SHA256",
                ));
            }
            let proof = Proof {
                entry: a.entry,
                evidence: a
                    .evidence
                    .as_deref()
                    .map(parse_value::<Digest>)
                    .transpose()?,
            };
            let at = a.at.as_deref().map(|t| parse_time("--at", t)).transpose()?;
            end(&session, &config, &a.key, &a.clock, |clock| {
                Command::MeetClock {
                    clock,
                    at,
                    proof: proof.clone(),
                }
            })
        }
        Some(Verb::Remind) => remind::run(&session, &config),
        Some(Verb::Missed(a)) => end(&session, &config, &a.key, &a.clock, |clock| {
            Command::MissClock {
                clock,
                reason: a.reason.clone(),
            }
        }),
    }
}

/// The regimes in force: the built-in catalog, the company's regime file over it, and the
/// enabled regimes and zone from `rampart.toml`.
pub(crate) fn config(session: &Session) -> anyhow::Result<Config> {
    let data_dir = session.store.config().data_dir();
    let settings = read_settings(data_dir)?.clocks;
    rampart_respond::company::clock_config(data_dir, &settings)
        .map_err(|e| bad_input(e.to_string()))
}

fn list(session: &Session, config: &Config, globals: &Globals, all: bool) -> anyhow::Result<Code> {
    let now = session.now().instant();
    let incidents = session.run(session.store.incidents(&IncidentFilter::default()))?;
    let mut views = Vec::new();
    for incident in &incidents {
        let evaluation = config
            .evaluate(incident)
            .map_err(|e| bad_input(format!("{}: {e}", incident.key())))?;
        views.extend(
            rampart_clock::view::views(incident, &evaluation, now)
                .into_iter()
                .filter(|v| all || !v.ended()),
        );
    }
    rampart_clock::view::sort(&mut views);
    if globals.json {
        output::json(&views)?;
    } else {
        render::table(&views)?;
    }
    Ok(Code::Ok)
}

/// The clocks on a server, as it computes them from its regimes: the running clocks of open
/// incidents (`/api/v1/clocks`), or with `--all` every clock of every incident, ended ones too.
fn list_remote(remote: &Remote, globals: &Globals, all: bool) -> anyhow::Result<Code> {
    #[derive(serde::Deserialize)]
    struct Clocks {
        clocks: Vec<serde_json::Value>,
    }
    let clocks = if all {
        let mut clocks = Vec::new();
        for incident in super::incident::remote::incidents(remote, &[])? {
            let path = format!("/api/v1/incidents/{}/clocks", incident.key());
            clocks.extend(remote.get::<Clocks>(&path, &[])?.clocks);
        }
        clocks
    } else {
        remote.get::<Clocks>("/api/v1/clocks", &[])?.clocks
    };
    if globals.json {
        output::json(&clocks)?;
        return Ok(Code::Ok);
    }
    let served: Vec<render::Served> = serde_json::from_value(serde_json::Value::Array(clocks))
        .context("the server's clocks are not what was expected")?;
    render::served_table(served)?;
    Ok(Code::Ok)
}

/// Appends the entry `command` decides on incident `key`; its text names the clocks the change
/// moves (and the command's reason is in its payload).
pub(crate) fn change_moving_clocks(
    session: &Session,
    key: &str,
    command: Command,
) -> anyhow::Result<Code> {
    let config = config(session)?;
    let id = session.incident_id(key)?;
    let ctx = session.context()?;
    let appended = session.run(session.store.append(id, |incident: &Incident| {
        let mut draft = incident.decide(&ctx, command.clone(), String::new())?;
        draft.text = rampart_clock::moves::sentence(&config, incident, &draft);
        Ok(draft)
    }))?;
    report_entry(&appended.incident, &appended.entry);
    if !appended.entry.text.is_empty() {
        eprintln!("{}", appended.entry.text);
    }
    Ok(Code::Ok)
}

/// Appends the entry ending `clock` on incident `key`, once the clock is known to apply to it.
fn end(
    session: &Session,
    config: &Config,
    key: &str,
    clock: &str,
    mut command: impl FnMut(ClockId) -> Command + Send,
) -> anyhow::Result<Code> {
    let clock = parse_value::<ClockId>(clock)?;
    let id = session.incident_id(key)?;
    let ctx = session.context()?;
    let appended = session.run(session.store.append(id, |incident: &Incident| {
        let known = config.evaluate(incident).map(|e| e.knows(&clock));
        if !matches!(known, Ok(true)) {
            let all = config.evaluate(incident).unwrap_or_default();
            let allowed = all.clocks.iter().map(|c| c.id.to_string());
            let allowed = allowed.chain(all.pending.iter().map(|p| p.id.to_string()));
            return Err(DomainError::Unknown {
                what: "clock of this incident",
                value: clock.to_string(),
                allowed: allowed.collect(),
            });
        }
        incident.decide(&ctx, command(clock.clone()), String::new())
    }))?;
    report_entry(&appended.incident, &appended.entry);
    Ok(Code::Ok)
}
