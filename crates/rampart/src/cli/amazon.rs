//! `rampart amazon report KEY`: the report to Amazon security, drafted from the incident record
//! (what happened and when, affected systems, accounts and data, actions taken, the contact
//! point), sent over SMTP through the outbox to the configured addresses (`[amazon] security`,
//! default 3p-security@amazon.com and security@amazon.com).
//!
//! The command is safe to run again until it has finished: the message is queued once (outbox key
//! `amazon-report:INCIDENT`), delivered, then the exact `.eml` sent is stored as evidence (its
//! SHA-256 in the log) and the `amazon_incident.notice` clock is met by it, linked to the delivery
//! entry and the evidence. When the relay is down the message waits in the outbox; running the
//! command again (or `rampart outbox deliver`, then this) completes the record.

use std::fmt::Write as _;

use clap::{Args as ClapArgs, Subcommand};
use rampart_core::incident::{
    Action, ClockId, DeliveryOutcome, EvidenceMeta, FileName, MediaType, Proof, Role, TaskStatus,
};
use rampart_core::{Command, Digest, Incident, IncidentId, ZonedTime};
use rampart_notify::{Dispatcher, Message, MessageRecord, MessageState, Outbox, OutboxFilter};
use serde::Deserialize;

use super::context::{Globals, Session, bad_input, incident_ref, read_settings};
use super::exit::Code;
use super::incident::{describe, report_entry};
use super::outbox::{notify_config, notify_error};

/// The clock the report meets.
const AMAZON_CLOCK: &str = "amazon_incident.notice";

/// `[amazon]` in `rampart.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AmazonSettings {
    /// Amazon's security addresses the report goes to.
    #[serde(default = "default_security")]
    security: Vec<String>,
    /// The contact point named in the report (default: the incident commander, else the actor).
    contact: Option<String>,
}

impl Default for AmazonSettings {
    fn default() -> Self {
        AmazonSettings {
            security: default_security(),
            contact: None,
        }
    }
}

fn default_security() -> Vec<String> {
    vec![
        "3p-security@amazon.com".to_owned(),
        "security@amazon.com".to_owned(),
    ]
}

/// Arguments of `rampart amazon`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Draft, send and record the report to Amazon security; it meets the Amazon clock.
    Report(ReportArgs),
}

#[derive(Debug, ClapArgs)]
struct ReportArgs {
    /// The incident key or id.
    key: String,
    /// Print the draft and send nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Runs `rampart amazon`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let Verb::Report(args) = args.verb;
    let session = Session::open(globals)?;
    let settings = read_settings(session.store.config().data_dir())?.amazon;
    let incident = session.run(session.store.incident(incident_ref(&args.key)?))?;
    if !incident.amazon_information() {
        return Err(bad_input(format!(
            "{}: no Amazon Information is recorded on this incident, so no Amazon report is owed \
             (rampart incident update {} --amazon-data true, if it is involved)",
            incident.key(),
            incident.key()
        )));
    }
    let contact = settings
        .contact
        .clone()
        .or_else(|| incident.roles().get(&Role::Commander).cloned())
        .or_else(|| session.context().ok().map(|c| c.actor.to_owned()))
        .unwrap_or_default();
    let body = draft(&incident, &contact);
    if args.dry_run {
        print!("{body}");
        return Ok(Code::Ok);
    }
    let message = match report_message(&session, incident.id())? {
        Some(m) => m,
        None => {
            let subject = format!(
                "Security incident involving Amazon Information: {} {}",
                incident.key(),
                one_line(incident.title())
            );
            let key = format!("amazon-report:{}", incident.id());
            let message =
                Message::email(settings.security, subject, body, key).for_incident(incident.id());
            let id = session
                .block_on(Outbox::enqueue(&session.store, message))
                .map_err(notify_error)?;
            eprintln!("{}: Amazon report queued as message {id}", incident.key());
            report_message(&session, incident.id())?
                .ok_or_else(|| bad_input("the queued report is not in the outbox"))?
        }
    };
    let message = match message.state {
        MessageState::Sent => message,
        _ => {
            let dispatcher = Dispatcher::new(session.store.clone(), notify_config(&session)?)
                .map_err(notify_error)?;
            session
                .block_on(dispatcher.deliver_due())
                .map_err(notify_error)?;
            let again = report_message(&session, incident.id())?
                .ok_or_else(|| bad_input("the queued report is not in the outbox"))?;
            if again.state != MessageState::Sent {
                eprintln!(
                    "{}: the Amazon report (message {}) is not delivered yet ({}); run this \
                     command again to finish",
                    incident.key(),
                    again.id,
                    again.last_error.as_deref().unwrap_or("waiting for a retry")
                );
                return Ok(Code::StoreUnavailable);
            }
            again
        }
    };
    record_sent(&session, incident.id(), &message)
}

/// The report message of `incident` already in the outbox, if any.
fn report_message(
    session: &Session,
    incident: IncidentId,
) -> anyhow::Result<Option<MessageRecord>> {
    let filter = OutboxFilter {
        incident: Some(incident),
        ..OutboxFilter::default()
    };
    let all = session
        .block_on(Outbox::list(&session.store, &filter))
        .map_err(notify_error)?;
    let key = format!("amazon-report:{incident}");
    Ok(all.into_iter().find(|m| m.idempotency_key == key))
}

/// Stores the `.eml` sent as evidence and meets the Amazon clock with it (each once).
fn record_sent(session: &Session, id: IncidentId, message: &MessageRecord) -> anyhow::Result<Code> {
    let eml = message
        .rendered
        .clone()
        .ok_or_else(|| bad_input("the sent report has no stored message"))?;
    let sha256 = Digest::of(&eml);
    let incident = session.run(session.store.incident(id))?;
    let ctx = session.context()?;
    if !incident.evidence().iter().any(|e| e.meta.sha256 == sha256) {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("amazon-report.eml");
        std::fs::write(&path, &eml)?;
        let media_type: MediaType = "message/rfc822"
            .parse()
            .map_err(|e| bad_input(format!("{e}")))?;
        let text = format!(
            "Amazon report as sent to {} (message {}), SHA-256 {sha256}",
            message.recipients.join(", "),
            message.id
        );
        let appended = session.run(session.store.put_evidence(
            id,
            &path,
            |incident: &Incident, stored| {
                let meta = EvidenceMeta {
                    sha256: stored.sha256,
                    size: stored.size,
                    media_type: media_type.clone(),
                    file_name: FileName::sanitize(&format!("amazon-report-{}.eml", incident.key())),
                    description: "The report to Amazon security, exactly as sent".to_owned(),
                };
                incident.decide(
                    &ctx,
                    Command::AddEvidence {
                        meta,
                        custodian: None,
                    },
                    text.clone(),
                )
            },
        ))?;
        report_entry(&appended.incident, &appended.entry);
    }
    let clock: ClockId = AMAZON_CLOCK
        .parse()
        .map_err(|e| bad_input(format!("{e}")))?;
    if incident.clock_outcomes().contains_key(&clock) {
        eprintln!("{}: {clock} has already ended", incident.key());
        return Ok(Code::Ok);
    }
    let log = session.run(session.store.log_of(id))?;
    let delivered = log
        .iter()
        .rev()
        .find_map(|entry| match Action::from_entry(entry) {
            Ok(Action::DeliveryAttempted(d))
                if d.message == message.id.to_string() && d.outcome == DeliveryOutcome::Sent =>
            {
                Some(entry.seq)
            }
            _ => None,
        });
    let at = message.sent_at.map(ZonedTime::utc);
    let proof = Proof {
        entry: delivered,
        evidence: Some(sha256),
    };
    let appended = session.run(session.store.append(id, |incident: &Incident| {
        let (clock, proof) = (clock.clone(), proof.clone());
        incident.decide(&ctx, Command::MeetClock { clock, at, proof }, String::new())
    }))?;
    report_entry(&appended.incident, &appended.entry);
    println!("{sha256}");
    Ok(Code::Ok)
}

/// A title on one header line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The report's text, from the incident record.
fn draft(incident: &Incident, contact: &str) -> String {
    let times = incident.times();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Security incident report to Amazon: {} {}\n",
        incident.key(),
        one_line(incident.title())
    );
    let _ = writeln!(out, "WHAT HAPPENED\n{}\n", incident.summary());
    let _ = writeln!(
        out,
        "Type: {}. Severity: {}. State: {}.",
        incident.incident_type(),
        incident.severity().map_or("not assessed", |s| s.name()),
        incident.state()
    );
    let _ = writeln!(out, "\nWHEN");
    let milestones = [
        ("Occurred", times.occurred),
        ("Detected", Some(times.detected)),
        ("Reported", Some(times.reported)),
        ("Confirmed", times.confirmed),
        ("Contained", times.contained),
        ("Eradicated", times.eradicated),
        ("Recovered", times.recovered),
    ];
    for (name, at) in milestones {
        if let Some(at) = at {
            let _ = writeln!(out, "- {name}: {at}");
        }
    }
    for (heading, categories) in [
        (
            "AFFECTED SYSTEMS AND SERVICES",
            &["system", "service", "network"][..],
        ),
        ("ACCOUNTS", &["account"][..]),
        ("DATA", &["data"][..]),
    ] {
        let _ = writeln!(out, "\n{heading}");
        let items: Vec<String> = incident
            .details()
            .iter()
            .filter(|d| categories.contains(&d.detail.category()))
            .map(|d| format!("- {}", describe(&d.detail)))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            if items.is_empty() {
                "- none recorded yet".to_owned()
            } else {
                items.join("\n")
            }
        );
    }
    let _ = writeln!(out, "\nACTIONS TAKEN");
    let done: Vec<String> = incident
        .response()
        .tasks
        .iter()
        .filter(|t| t.status == TaskStatus::Done)
        .map(|t| format!("- {}", t.spec.title))
        .collect();
    let _ = writeln!(
        out,
        "{}",
        if done.is_empty() {
            "- see the timeline above".to_owned()
        } else {
            done.join("\n")
        }
    );
    let _ = writeln!(out, "\nCONTACT POINT\n{contact}");
    out
}
