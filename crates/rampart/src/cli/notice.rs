//! `rampart notice …`: notices from an incident. A notice is drafted from a template (checked:
//! an unknown field is refused with its place) and a recipient list (CSV, every bad line
//! reported, nothing taken from a list with one); its body is versioned; it is approved; Amazon's
//! approval or review, a personal-data override and Amazon's written request are recorded; and
//! `send` checks every gate (`rampart-notice`) under the write lock before it records the sending
//! and queues one e-mail per recipient under the key `notice:INCIDENT:NOTICE:VERSION:N`. Sending
//! again after a crash queues only what is missing; the outbox delivers each message once.

mod contact;
mod library;
mod send;

use std::path::PathBuf;

use clap::{Args as ClapArgs, Subcommand};
use rampart_core::Command;
use rampart_core::incident::{AmazonRequestAttached, NoticeAction, NoticeRevised, NoticeVersion};
use rampart_notice::incident::{DraftInput, drafted};
use rampart_notice::{NoticeError, template};

use super::context::{Globals, Session, bad_input, incident_ref, parse_value};
use super::exit::Code;
use super::incident::change;
use super::output;

/// Arguments of `rampart notice`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Draft a notice from a template and a recipient list.
    Draft(DraftArgs),
    /// Replace the body (template text) with a new version.
    Revise(ReviseArgs),
    /// Approve the current version.
    Approve(VersionArgs),
    /// Record Amazon's approval of the current version.
    AmazonApproved(VersionArgs),
    /// Record Amazon's review of the current version (where the law requires the notice).
    AmazonReviewed(VersionArgs),
    /// Override the personal-data check on the current version, with the reason.
    Override(ReasonArgs),
    /// Send the current version back with the changes wanted.
    RequestChanges(ReasonArgs),
    /// Attach Amazon's written request (an evidence item) to a notice on Amazon's behalf.
    AttachRequest(AttachArgs),
    /// Check every gate, record the sending and queue the messages (again: only what is missing).
    Send(VersionArgs),
    /// List the notices of an incident.
    List(KeyArgs),
    /// Write the printable letters (HTML) of a notice that passed its gates.
    Letter(contact::LetterArgs),
    /// Record a letter mailed, a call made or a visit paid to one recipient.
    Record(contact::RecordArgs),
    /// The team's template library: save a new version, list.
    #[command(subcommand)]
    Template(library::Verb),
}

#[derive(Debug, ClapArgs)]
struct KeyArgs {
    /// The incident key or id.
    key: String,
}

#[derive(Debug, ClapArgs)]
struct DraftArgs {
    /// The incident key or id.
    key: String,
    /// affected_people, regulator, customer or other.
    #[arg(long)]
    audience: String,
    /// The subject line.
    #[arg(long)]
    subject: String,
    /// The template file (minijinja; fields in docs/notices.md).
    #[arg(long, required_unless_present = "library", conflicts_with = "library")]
    template: Option<PathBuf>,
    /// A template of the team's library instead (its latest version).
    #[arg(long, value_name = "NAME")]
    library: Option<String>,
    /// The recipients, CSV with the columns name, channel, email, phone, address.
    #[arg(long)]
    recipients: PathBuf,
    /// The notice is sent on behalf of Amazon (needs Amazon's written request attached).
    #[arg(long)]
    on_behalf_of_amazon: bool,
}

#[derive(Debug, ClapArgs)]
struct ReviseArgs {
    /// The incident key or id.
    key: String,
    /// The notice id.
    notice: u64,
    /// The new template file.
    #[arg(long)]
    template: PathBuf,
}

#[derive(Debug, ClapArgs)]
struct VersionArgs {
    /// The incident key or id.
    key: String,
    /// The notice id.
    notice: u64,
}

#[derive(Debug, ClapArgs)]
struct ReasonArgs {
    /// The incident key or id.
    key: String,
    /// The notice id.
    notice: u64,
    /// Why.
    #[arg(long)]
    reason: String,
}

#[derive(Debug, ClapArgs)]
struct AttachArgs {
    /// The incident key or id.
    key: String,
    /// The notice id.
    notice: u64,
    /// The SHA-256 of the evidence item holding Amazon's written request.
    #[arg(long)]
    evidence: String,
}

/// Runs `rampart notice`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let session = Session::open(globals)?;
    let record = |key: &str, action| change(&session, key, Command::Notice(action), String::new());
    let version = |kind: &str, key: &str, notice: u64, reason: Option<String>| {
        let incident = session.run(session.store.incident(incident_ref(key)?))?;
        let current = incident
            .notices()
            .iter()
            .find(|n| n.id == notice)
            .map_or(0, |n| n.version());
        let v = NoticeVersion {
            notice,
            version: current,
            reason,
        };
        let action = NoticeAction::version(kind, v).ok_or_else(|| bad_input(kind.to_owned()))?;
        record(key, action)
    };
    match args.verb {
        Verb::Draft(a) => {
            let (body, template_name) = match (&a.template, &a.library) {
                (Some(file), _) => (
                    read(file)?,
                    file.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                ),
                (None, Some(name)) => library::latest(&session, name)?,
                (None, None) => return Err(bad_input("name --template FILE or --library NAME")),
            };
            let list = read(&a.recipients)?;
            let draft = drafted(&DraftInput {
                audience: &a.audience,
                subject: &a.subject,
                template_name: &template_name,
                template: &body,
                recipients_name: &a.recipients.display().to_string(),
                recipients: &list,
                on_behalf_of_amazon: a.on_behalf_of_amazon,
            })
            .map_err(|e| match e {
                NoticeError::Recipients(_) => bad_input(format!("nothing imported:\n{e}")),
                e => bad_input(e.to_string()),
            })?;
            record(&a.key, NoticeAction::Drafted(draft))
        }
        Verb::Revise(a) => {
            let body = read_template(&a.template)?;
            record(
                &a.key,
                NoticeAction::Revised(NoticeRevised {
                    notice: a.notice,
                    body,
                }),
            )
        }
        Verb::Approve(a) => version("notice.approved", &a.key, a.notice, None),
        Verb::AmazonApproved(a) => version("notice.amazon_approved", &a.key, a.notice, None),
        Verb::AmazonReviewed(a) => version("notice.amazon_reviewed", &a.key, a.notice, None),
        Verb::Override(a) => version("notice.pii_overridden", &a.key, a.notice, Some(a.reason)),
        Verb::RequestChanges(a) => {
            version("notice.changes_requested", &a.key, a.notice, Some(a.reason))
        }
        Verb::AttachRequest(a) => record(
            &a.key,
            NoticeAction::AmazonRequest(AmazonRequestAttached {
                notice: a.notice,
                evidence: parse_value(&a.evidence)?,
            }),
        ),
        Verb::Send(a) => send::run(&session, &a.key, a.notice),
        Verb::Letter(a) => contact::letter(&session, a),
        Verb::Record(a) => contact::record(&session, a),
        Verb::Template(v) => library::run(&session, globals, v),
        Verb::List(a) => {
            let incident = session.run(session.store.incident(incident_ref(&a.key)?))?;
            if globals.json {
                output::json(incident.notices())?;
                return Ok(Code::Ok);
            }
            let rows: Vec<Vec<String>> = incident
                .notices()
                .iter()
                .map(|n| {
                    let state = if n.sent() { "sent" } else { "draft" };
                    vec![
                        n.id.to_string(),
                        n.draft.audience.clone(),
                        n.version().to_string(),
                        n.draft.recipients.len().to_string(),
                        state.to_owned(),
                        n.draft.subject.clone(),
                    ]
                })
                .collect();
            output::table(
                &[
                    "ID",
                    "AUDIENCE",
                    "VERSION",
                    "RECIPIENTS",
                    "STATE",
                    "SUBJECT",
                ],
                &rows,
            )?;
            Ok(Code::Ok)
        }
    }
}

fn read(path: &std::path::Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| bad_input(format!("cannot read {}: {e}", path.display())))
}

/// A template file, checked: an unknown field or a syntax error is refused with its place.
fn read_template(path: &std::path::Path) -> anyhow::Result<String> {
    let source = read(path)?;
    template::check(&path.display().to_string(), &source).map_err(|e| bad_input(e.to_string()))?;
    Ok(source)
}
