//! Notices that do not travel by e-mail: `rampart notice letter` writes the printable letter (HTML
//! with the address block, one page per recipient) for a notice that passed its gates, and
//! `rampart notice record` records a letter mailed, a call made or a visit paid: who, when, the
//! outcome.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args as ClapArgs;
use rampart_core::Command;
use rampart_core::incident::{ContactRecorded, NoticeAction};

use crate::cli::context::{Session, bad_input, incident_ref, parse_time, read_settings};
use crate::cli::exit::Code;
use crate::cli::incident::change;
use rampart_notice::incident::render;

/// Arguments of `rampart notice record`.
#[derive(Debug, ClapArgs)]
pub(crate) struct RecordArgs {
    /// The incident key or id.
    key: String,
    /// The notice id.
    notice: u64,
    /// The recipient's position in the list, from 0.
    #[arg(long)]
    recipient: usize,
    /// mailed, reached, voicemail, no_answer, …
    #[arg(long)]
    outcome: String,
    /// When, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Who mailed, called or visited (default: the actor).
    #[arg(long)]
    by: Option<String>,
}

/// Arguments of `rampart notice letter`.
#[derive(Debug, ClapArgs)]
pub(crate) struct LetterArgs {
    /// The incident key or id.
    key: String,
    /// The notice id.
    notice: u64,
    /// The HTML file to write (must not exist).
    #[arg(long)]
    out: PathBuf,
}

/// Records a letter, call or visit.
pub(crate) fn record(session: &Session, a: RecordArgs) -> anyhow::Result<Code> {
    let ctx = session.context()?;
    let at = match a.at.as_deref() {
        Some(t) => parse_time("--at", t)?,
        None => ctx.now,
    };
    let action = NoticeAction::Contact(ContactRecorded {
        notice: a.notice,
        recipient: a.recipient,
        by: a.by.unwrap_or_else(|| ctx.actor.to_owned()),
        at,
        outcome: a.outcome,
    });
    change(session, &a.key, Command::Notice(action), String::new())
}

/// Writes the letters of a notice that passed its gates.
pub(crate) fn letter(session: &Session, a: LetterArgs) -> anyhow::Result<Code> {
    let settings = read_settings(session.store.config().data_dir())?.notices;
    let incident = session.run(session.store.incident(incident_ref(&a.key)?))?;
    let n = incident.notices().iter().find(|n| n.id == a.notice);
    let n = n.ok_or_else(|| bad_input(format!("{}: no notice {}", a.key, a.notice)))?;
    if !n.sent() {
        return Err(bad_input(format!(
            "notice {} has not passed its gates yet: run rampart notice send first",
            n.id
        )));
    }
    let mut html = String::from(
        "<!doctype html>\n<meta charset=\"utf-8\">\n<style>body{font:12pt serif;margin:2cm}\
         .letter{page-break-after:always}.address{white-space:pre-line;margin-bottom:2em}\
         .body{white-space:pre-wrap}</style>\n",
    );
    let mut letters = 0;
    for r in n.draft.recipients.iter().filter(|r| r.channel == "letter") {
        let body = render(&incident, n, r, &settings).map_err(|e| bad_input(e.to_string()))?;
        let address = format!("{}\n{}", r.name, r.address.as_deref().unwrap_or_default());
        let _ = writeln!(
            html,
            "<section class=\"letter\"><div class=\"address\">{}</div><h1>{}</h1><div class=\"body\">{}</div></section>",
            escape(&address),
            escape(&n.draft.subject),
            escape(&body)
        );
        letters += 1;
    }
    if letters == 0 {
        return Err(bad_input(format!(
            "notice {} has no recipient by letter",
            n.id
        )));
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&a.out)
        .and_then(|mut f| std::io::Write::write_all(&mut f, html.as_bytes()))
        .map_err(|e| bad_input(format!("cannot write {}: {e}", a.out.display())))?;
    eprintln!(
        "{letters} letter(s) written to {}; record each as mailed with rampart notice record",
        a.out.display()
    );
    Ok(Code::Ok)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
