//! `rampart evidence …` on a server over `/api/v1`: the upload is the file's bytes, the download is
//! checked against its SHA-256 before the new file appears, and each prints what local mode prints.

use anyhow::Context as _;
use hyper::Method;
use rampart_core::incident::EvidenceMeta;
use rampart_core::{Digest, Incident, LogEntry};

use super::{Item, Verb, base_name, media_type_of, print_items, written};
use crate::cli::context::{Globals, incident_ref, parse_time, parse_value};
use crate::cli::exit::{Code, Failure};
use crate::cli::export::write_new;
use crate::cli::incident::remote::change;
use crate::cli::incident::report_entry;
use crate::cli::remote::Remote;

/// Runs `rampart evidence VERB` on the server.
pub(super) fn run(remote: &Remote, globals: &Globals, verb: Verb) -> anyhow::Result<Code> {
    match verb {
        Verb::Add {
            key,
            file,
            description,
            media_type,
        } => {
            #[derive(serde::Deserialize)]
            struct Uploaded {
                evidence: Option<EvidenceMeta>,
                incident: Incident,
                entry: LogEntry,
            }
            let media_type = media_type_of(media_type)?;
            let name = base_name(&file)?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let path = format!("/api/v1/incidents/{}/evidence", incident_ref(&key)?);
            let query = [
                ("file_name", name.as_str()),
                ("description", description.as_str()),
            ];
            let uploaded: Uploaded = remote.upload(&path, &query, media_type.as_str(), bytes)?;
            report_entry(&uploaded.incident, &uploaded.entry);
            if let Some(meta) = uploaded.evidence {
                println!("{}", meta.sha256);
            }
            Ok(Code::Ok)
        }
        Verb::List { key } => {
            #[derive(serde::Deserialize)]
            struct Listed {
                evidence: Vec<Item>,
            }
            let path = format!("/api/v1/incidents/{}/evidence", incident_ref(&key)?);
            let listed: Listed = remote.get(&path, &[])?;
            print_items(globals, &listed.evidence)
        }
        Verb::Get { key, sha256, out } => {
            let sha256 = parse_value::<Digest>(&sha256)?;
            let path = format!(
                "/api/v1/incidents/{}/evidence/{sha256}",
                incident_ref(&key)?
            );
            let bytes = remote.download(&path)?;
            let actual = Digest::of(&bytes);
            if actual != sha256 {
                return Err(Failure::new(
                    Code::VerificationFailed,
                    format!("the server sent a file whose SHA-256 is {actual}, not {sha256}"),
                )
                .into());
            }
            // A file that cannot be written exits as in local mode, where the store writes it.
            write_new(&out, &bytes)
                .map_err(|e| Failure::new(Code::StoreUnavailable, format!("{e:#}")))?;
            Ok(written(bytes.len() as u64, &out, sha256))
        }
        Verb::Custody {
            key,
            sha256,
            to,
            reason,
            at,
        } => {
            let sha256 = parse_value::<Digest>(&sha256)?;
            let at = at.as_deref().map(|t| parse_time("--at", t)).transpose()?;
            let body = serde_json::json!({ "to": to, "reason": reason, "at": at });
            let tail = format!("/evidence/{sha256}/custody");
            change(remote, Method::POST, &key, &tail, Some(body))
        }
    }
}
