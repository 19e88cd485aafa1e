//! `rampart evidence …`: add files to an incident (content-addressed, SHA-256), list them, copy
//! them out (checked against their hash), and hand them from one custodian to another.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Subcommand};
use rampart_core::incident::{EvidenceMeta, FileName, MediaType};
use rampart_core::{Command, Digest, Incident};
use rampart_store::StoredFile;

use super::context::{Globals, Session, bad_input, parse_time, parse_value};
use super::exit::Code;
use super::incident::{change, report_entry};
use super::output;
use super::remote::Remote;

mod remote;

use rampart_web::EvidenceItem as Item;

/// Prints the items: a table, or JSON with `--json`.
fn print_items(globals: &Globals, items: &[Item]) -> anyhow::Result<Code> {
    if globals.json {
        output::json(&items)?;
        return Ok(Code::Ok);
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|r| {
            vec![
                r.sha256.clone(),
                r.size.to_string(),
                r.file_name.clone(),
                r.custodian.clone(),
                r.added_at.clone(),
            ]
        })
        .collect();
    output::table(&["SHA256", "BYTES", "NAME", "CUSTODIAN", "ADDED"], &rows)?;
    Ok(Code::Ok)
}

/// Says where a copied evidence file went.
fn written(size: u64, out: &std::path::Path, sha256: Digest) -> Code {
    eprintln!(
        "{size} bytes written to {}; sha256 {sha256} checked",
        out.display()
    );
    Code::Ok
}

/// The base name of `file`, as the evidence item is named.
fn base_name(file: &std::path::Path) -> anyhow::Result<String> {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| bad_input(format!("{} does not name a file", file.display())))
}

/// The media type given, or `application/octet-stream`.
fn media_type_of(given: Option<String>) -> anyhow::Result<MediaType> {
    Ok(match given {
        Some(m) => parse_value::<MediaType>(&m)?,
        None => MediaType::octet_stream(),
    })
}

/// Arguments of `rampart evidence`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Store a file as evidence of an incident; prints its SHA-256.
    Add {
        /// The incident key or id.
        key: String,
        /// The file.
        file: PathBuf,
        /// What the file is and where it came from.
        #[arg(long, default_value = "")]
        description: String,
        /// Its media type (default: application/octet-stream).
        #[arg(long)]
        media_type: Option<String>,
    },
    /// List an incident's evidence.
    List {
        /// The incident key or id.
        key: String,
    },
    /// Copy an evidence file out, checking it against its SHA-256.
    Get {
        /// The incident key or id.
        key: String,
        /// The evidence's SHA-256.
        sha256: String,
        /// Where to write it (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Record that an evidence item changed hands.
    Custody {
        /// The incident key or id.
        key: String,
        /// The evidence's SHA-256.
        sha256: String,
        /// The new custodian.
        #[arg(long)]
        to: String,
        /// Why it changes hands.
        #[arg(long)]
        reason: String,
        /// When, RFC 3339 (default: now).
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
    },
}

/// Runs `rampart evidence`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    if let Some(remote) = Remote::from_globals(globals)? {
        return remote::run(&remote, globals, args.verb);
    }
    let session = Session::open(globals)?;
    match args.verb {
        Verb::Add {
            key,
            file,
            description,
            media_type,
        } => {
            let media_type = media_type_of(media_type)?;
            let name = base_name(&file)?;
            let id = session.incident_id(&key)?;
            let ctx = session.context()?;
            let appended = session.run(session.store.put_evidence(
                id,
                &file,
                |incident: &Incident, stored: StoredFile| {
                    let meta = EvidenceMeta {
                        sha256: stored.sha256,
                        size: stored.size,
                        media_type: media_type.clone(),
                        file_name: FileName::sanitize(&name),
                        description: description.clone(),
                    };
                    incident.decide(
                        &ctx,
                        Command::AddEvidence {
                            meta,
                            custodian: None,
                        },
                        String::new(),
                    )
                },
            ))?;
            report_entry(&appended.incident, &appended.entry);
            let added = appended.incident.evidence().last().map(|e| e.meta.sha256);
            if let Some(sha256) = added {
                println!("{sha256}");
            }
            Ok(Code::Ok)
        }
        Verb::List { key } => {
            let id = session.incident_id(&key)?;
            let items: Vec<Item> = session
                .run(session.store.evidence_of(id))?
                .into_iter()
                .map(Item::from)
                .collect();
            print_items(globals, &items)
        }
        Verb::Get { key, sha256, out } => {
            let sha256 = parse_value::<Digest>(&sha256)?;
            let id = session.incident_id(&key)?;
            let size = session.run(session.store.copy_evidence(id, sha256, &out))?;
            Ok(written(size, &out, sha256))
        }
        Verb::Custody {
            key,
            sha256,
            to,
            reason,
            at,
        } => {
            let cmd = Command::TransferCustody {
                sha256: parse_value::<Digest>(&sha256)?,
                to,
                at: at.as_deref().map(|t| parse_time("--at", t)).transpose()?,
                reason,
            };
            change(&session, &key, cmd, String::new())
        }
    }
}
