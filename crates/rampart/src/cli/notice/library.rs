//! `rampart notice template save|list`: the team's notice template library, shared with the web
//! interface (`/templates`). Each save is a new version, checked first (an unknown field is
//! refused with its place); `rampart notice draft --library NAME` drafts from the latest version.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Subcommand};
use rampart_notice::template;
use serde::Serialize;

use super::read;
use crate::cli::context::{Globals, Session, bad_input};
use crate::cli::exit::Code;
use crate::cli::output;

/// `rampart notice template …`.
#[derive(Debug, Subcommand)]
pub(crate) enum Verb {
    /// Save a template file as the next version of NAME.
    Save(SaveArgs),
    /// List the templates with their latest version.
    List,
}

#[derive(Debug, ClapArgs)]
pub(crate) struct SaveArgs {
    /// The template's name in the library.
    name: String,
    /// The template file (minijinja; fields in docs/notices.md).
    #[arg(long)]
    file: PathBuf,
}

#[derive(Serialize)]
struct Listed {
    name: String,
    version: u32,
    saved_by: String,
    saved_at: String,
}

/// Runs `rampart notice template`.
pub(crate) fn run(session: &Session, globals: &Globals, verb: Verb) -> anyhow::Result<Code> {
    match verb {
        Verb::Save(a) => {
            let body = read(&a.file)?;
            template::check(&a.file.display().to_string(), &body)
                .map_err(|e| bad_input(e.to_string()))?;
            let ctx = session.context()?;
            let at = ctx.now.instant();
            let version = session.run(
                session
                    .store
                    .save_notice_template(&a.name, &body, ctx.actor, at),
            )?;
            eprintln!("template {} saved as version {version}", a.name);
            Ok(Code::Ok)
        }
        Verb::List => {
            let all = session.run(session.store.notice_templates())?;
            let mut latest: Vec<Listed> = Vec::new();
            for t in all {
                if latest.last().is_none_or(|l| l.name != t.name) {
                    latest.push(Listed {
                        name: t.name,
                        version: t.version,
                        saved_by: t.saved_by,
                        saved_at: t.saved_at.to_string(),
                    });
                }
            }
            if globals.json {
                output::json(&latest)?;
            } else {
                let rows: Vec<Vec<String>> = latest
                    .into_iter()
                    .map(|l| vec![l.name, l.version.to_string(), l.saved_by, l.saved_at])
                    .collect();
                output::table(&["NAME", "VERSION", "SAVED BY", "SAVED AT"], &rows)?;
            }
            Ok(Code::Ok)
        }
    }
}

/// The latest version of template `name`: its text and the name the draft records.
pub(crate) fn latest(session: &Session, name: &str) -> anyhow::Result<(String, String)> {
    let found = session.run(session.store.latest_notice_template(name))?;
    let t = found.ok_or_else(|| {
        bad_input(format!(
            "--library {name:?}: no such template (rampart notice template list)"
        ))
    })?;
    Ok((t.body, format!("{} v{}", t.name, t.version)))
}
