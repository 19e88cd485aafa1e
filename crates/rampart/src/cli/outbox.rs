//! `rampart outbox …`: the messages waiting to leave or already sent (e-mail, webhooks), their
//! attempts, retrying one that was given up on, and running the dispatcher that delivers them.
//! `rampart notify test` checks the relay or an endpoint with a one-off message.

use std::path::{Path, PathBuf};

use clap::{Args as ClapArgs, Subcommand};
use rampart_notify::{
    Dispatcher, MessageId, MessageRecord, MessageState, NotifyConfig, NotifyError, Outbox,
    OutboxFilter,
};

use super::context::{Globals, Session, bad_input, read_settings, store_error};
use super::exit::{Code, Failure};
use super::output;

/// Arguments of `rampart outbox`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// List messages, newest first.
    List {
        /// Only messages in this state: pending, sending, sent, failed.
        #[arg(long)]
        state: Option<String>,
        /// Only messages of this incident (key or id).
        #[arg(long)]
        incident: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Show one message and its delivery attempts.
    Show {
        /// The message id.
        id: String,
        /// Write the exact bytes sent (the .eml of an e-mail) to this file (must not exist).
        #[arg(long, value_name = "FILE")]
        sent_copy: Option<PathBuf>,
    },
    /// Make a failed message due again, with a fresh allowance of attempts.
    Retry {
        /// The message id.
        id: String,
    },
    /// Deliver due messages until interrupted (or once, with --once).
    Deliver {
        /// One pass over what is due now, then exit.
        #[arg(long)]
        once: bool,
    },
}

/// Runs `rampart outbox`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let session = Session::open(globals)?;
    match args.verb {
        Verb::List {
            state,
            incident,
            limit,
        } => {
            let state = state
                .map(|s| {
                    MessageState::from_name(s.trim()).ok_or_else(|| {
                        bad_input(format!(
                            "--state {s:?} is not one of pending, sending, sent, failed"
                        ))
                    })
                })
                .transpose()?;
            let incident = incident.map(|k| session.incident_id(&k)).transpose()?;
            let filter = OutboxFilter {
                state,
                incident,
                limit: Some(limit),
            };
            let messages = session
                .block_on(Outbox::list(&session.store, &filter))
                .map_err(notify_error)?;
            if globals.json {
                let json: Vec<_> = messages.iter().map(summary).collect();
                output::json(&json)?;
                return Ok(Code::Ok);
            }
            let rows: Vec<Vec<String>> = messages
                .iter()
                .map(|m| {
                    vec![
                        m.id.to_string(),
                        m.state.name().to_owned(),
                        format!("{}/{}", m.attempts, m.max_attempts),
                        m.channel.clone(),
                        m.recipients.join(", "),
                        m.subject.clone(),
                    ]
                })
                .collect();
            output::table(
                &["ID", "STATE", "ATTEMPTS", "CHANNEL", "TO", "SUBJECT"],
                &rows,
            )?;
            Ok(Code::Ok)
        }
        Verb::Show { id, sent_copy } => {
            let id = parse_id(&id)?;
            let (message, attempts) = session
                .block_on(Outbox::show(&session.store, id))
                .map_err(notify_error)?;
            if let Some(path) = sent_copy {
                let bytes = message.rendered.as_deref().ok_or_else(|| {
                    bad_input(format!(
                        "message {id} has not been rendered yet: nothing was sent"
                    ))
                })?;
                write_new(&path, bytes)?;
            }
            if globals.json {
                let mut json = summary(&message);
                json["body"] = message.body.into();
                json["history"] = attempts
                    .iter()
                    .map(|a| {
                        serde_json::json!({
                            "attempt": a.attempt,
                            "started_at": a.started_at.to_string(),
                            "finished_at": a.finished_at.to_string(),
                            "outcome": a.outcome,
                            "detail": a.detail,
                        })
                    })
                    .collect();
                output::json(&json)?;
                return Ok(Code::Ok);
            }
            let mut fields = vec![
                ("id", message.id.to_string()),
                ("state", message.state.name().to_owned()),
                ("channel", message.channel.clone()),
                ("to", message.recipients.join(", ")),
                ("subject", message.subject.clone()),
                ("idempotency key", message.idempotency_key.clone()),
                ("created", message.created_at.to_string()),
                (
                    "attempts",
                    format!("{} of {}", message.attempts, message.max_attempts),
                ),
            ];
            if let Some(incident) = message.incident {
                fields.push(("incident", incident.to_string()));
            }
            match message.state {
                MessageState::Pending => {
                    fields.push(("next attempt", message.next_attempt_at.to_string()))
                }
                MessageState::Sent => {
                    fields.extend(message.sent_at.map(|t| ("sent", t.to_string())))
                }
                MessageState::Sending | MessageState::Failed => {}
            }
            if let Some(error) = &message.last_error {
                fields.push(("last error", error.clone()));
            }
            output::fields(&fields)?;
            let rows: Vec<Vec<String>> = attempts
                .iter()
                .map(|a| {
                    vec![
                        a.attempt.to_string(),
                        a.finished_at.to_string(),
                        a.outcome.clone(),
                        a.detail.clone(),
                    ]
                })
                .collect();
            println!();
            output::table(&["ATTEMPT", "FINISHED", "OUTCOME", "DETAIL"], &rows)?;
            Ok(Code::Ok)
        }
        Verb::Retry { id } => {
            let id = parse_id(&id)?;
            let message = session
                .block_on(Outbox::retry(&session.store, id))
                .map_err(notify_error)?;
            eprintln!(
                "message {id} is pending again; up to {} attempts in all",
                message.max_attempts
            );
            Ok(Code::Ok)
        }
        Verb::Deliver { once } => {
            let config = notify_config(&session)?;
            let dispatcher =
                Dispatcher::new(session.store.clone(), config).map_err(notify_error)?;
            if once {
                let pass = session
                    .block_on(dispatcher.deliver_due())
                    .map_err(notify_error)?;
                eprintln!(
                    "{} sent, {} to retry, {} given up, {} lost to an expired lease",
                    pass.sent, pass.retried, pass.gave_up, pass.lost
                );
                return Ok(Code::Ok);
            }
            eprintln!("delivering due messages until interrupted (Ctrl-C)");
            let interrupted = async {
                // Without a Ctrl-C handler the loop runs until the process is killed.
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            session
                .block_on(dispatcher.run(interrupted))
                .map_err(notify_error)?;
            Ok(Code::Ok)
        }
    }
}

/// The delivery configuration: `[notify]` of `rampart.toml` with secrets from the environment.
pub(crate) fn notify_config(session: &Session) -> anyhow::Result<NotifyConfig> {
    notify_config_in(session.store.config().data_dir())
}

/// The delivery configuration of the data directory `data_dir`.
pub(crate) fn notify_config_in(data_dir: &Path) -> anyhow::Result<NotifyConfig> {
    let settings = read_settings(data_dir)?;
    NotifyConfig::from_settings(&settings.notify, |name| std::env::var(name).ok())
        .map_err(|e| bad_input(format!("{}: {e}", data_dir.join("rampart.toml").display())))
}

/// A notify error, with its exit code.
pub(crate) fn notify_error(error: NotifyError) -> anyhow::Error {
    match error {
        NotifyError::Store(e) => store_error(e),
        NotifyError::MessageNotFound(_) => Failure::new(Code::NotFound, error.to_string()).into(),
        other => bad_input(other.to_string()),
    }
}

fn parse_id(text: &str) -> anyhow::Result<MessageId> {
    text.parse::<MessageId>().map_err(notify_error)
}

fn summary(m: &MessageRecord) -> serde_json::Value {
    serde_json::json!({
        "id": m.id.to_string(),
        "state": m.state,
        "channel": m.channel,
        "to": m.recipients,
        "subject": m.subject,
        "idempotency_key": m.idempotency_key,
        "incident": m.incident.map(|i| i.to_string()),
        "created_at": m.created_at.to_string(),
        "attempts": m.attempts,
        "max_attempts": m.max_attempts,
        "next_attempt_at": (m.state == MessageState::Pending).then(|| m.next_attempt_at.to_string()),
        "sent_at": m.sent_at.map(|t| t.to_string()),
        "last_error": m.last_error,
    })
}

fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| bad_input(format!("cannot create {}: {e}", path.display())))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| bad_input(format!("cannot write {}: {e}", path.display())))?;
    eprintln!("{} bytes written to {}", bytes.len(), path.display());
    Ok(())
}
