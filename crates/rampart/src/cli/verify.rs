//! `rampart verify`: re-hash the stored log (all of it, or one incident's chain) or an exported
//! bundle with no database, and name the first bad entry. Exit 3 when anything does not verify.

use std::path::{Path, PathBuf};

use clap::Args as ClapArgs;
use rampart_core::{Bundle, ChainBreak, VerifySummary, verify_bundle};

use super::context::{Globals, Session, incident_ref};
use super::exit::{Code, Failure};
use super::output;
use super::remote::Remote;

/// Arguments of `rampart verify`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// Verify only this incident's chain (default: the whole log, both chains).
    #[arg(conflicts_with = "bundle")]
    key: Option<String>,
    /// Verify an exported bundle file instead of the store; needs no database. Evidence files
    /// exported beside it (in FILE.evidence/) are checked too.
    #[arg(long, value_name = "FILE")]
    bundle: Option<PathBuf>,
}

/// Runs the verification.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    if let Some(path) = &args.bundle {
        return verify_bundle_file(globals, path);
    }
    if let Some(remote) = Remote::from_globals(globals)? {
        return verify_remote(&remote, globals, args.key.as_deref());
    }
    let session = Session::open(globals)?;
    let outcome = match &args.key {
        Some(key) => {
            let id = session
                .run(session.store.incident(incident_ref(key)?))?
                .id();
            session.run(session.store.verify_incident(id))?
        }
        None => session.run(session.store.verify_log())?,
    };
    match outcome {
        Ok(summary) => {
            report_ok(globals, &summary, "log")?;
            Ok(Code::Ok)
        }
        Err(bad) => {
            Err(Failure::new(Code::VerificationFailed, describe_break(&session, &bad)).into())
        }
    }
}

/// The server's verification: `/api/v1/verification`, or one incident's chain.
fn verify_remote(remote: &Remote, globals: &Globals, key: Option<&str>) -> anyhow::Result<Code> {
    #[derive(serde::Deserialize)]
    struct Answer {
        summary: Option<VerifySummary>,
        problem: Option<String>,
        first_bad_entry: Option<String>,
    }
    let path = match key {
        Some(key) => {
            let key = incident_ref(key)?.to_string();
            format!("/api/v1/incidents/{key}/verification")
        }
        None => "/api/v1/verification".to_owned(),
    };
    let answer: Answer = remote.get(&path, &[])?;
    if let Some(summary) = answer.summary {
        report_ok(globals, &summary, "log")?;
        return Ok(Code::Ok);
    }
    let problem = answer
        .problem
        .unwrap_or_else(|| "no reason given".to_owned());
    let message = match answer.first_bad_entry {
        Some(entry) => format!("verification failed at {entry}: {problem}"),
        None => format!("verification failed: {problem}"),
    };
    Err(Failure::new(Code::VerificationFailed, message).into())
}

fn report_ok(globals: &Globals, summary: &VerifySummary, what: &str) -> anyhow::Result<()> {
    if globals.json {
        output::json(&serde_json::json!({
            "verified": true,
            "entries": summary.entries,
            "incidents": summary.incidents,
            "global_head": { "seq": summary.global_head.seq, "hash": summary.global_head.hash.to_string() },
        }))?;
    } else {
        println!(
            "{what} verified: {} entries across {} incident(s); global head #{} {}",
            summary.entries, summary.incidents, summary.global_head.seq, summary.global_head.hash
        );
    }
    Ok(())
}

/// The first bad entry, named by incident key where the incident still exists.
fn describe_break(session: &Session, bad: &ChainBreak) -> String {
    let Some(position) = &bad.entry else {
        return format!("verification failed: {}", bad.kind);
    };
    let incident = session
        .run(session.store.incident(position.incident))
        .map(|i| i.key().to_string())
        .unwrap_or_else(|_| format!("incident {}", position.incident));
    format!(
        "verification failed at {incident} log entry #{} (global #{}): {}",
        position.seq, position.global_seq, bad.kind
    )
}

fn verify_bundle_file(globals: &Globals, path: &Path) -> anyhow::Result<Code> {
    let failed = |why: String| -> anyhow::Error {
        Failure::new(
            Code::VerificationFailed,
            format!("bundle {}: {why}", path.display()),
        )
        .into()
    };
    let bytes = std::fs::read(path).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            Code::NotFound
        } else {
            Code::BadInput
        };
        anyhow::Error::from(Failure::new(
            code,
            format!("cannot read {}: {e}", path.display()),
        ))
    })?;
    let bundle: Bundle = serde_json::from_slice(&bytes)
        .map_err(|e| failed(format!("not a readable bundle: {e}")))?;
    let summary = verify_bundle(&bundle).map_err(|e| failed(e.to_string()))?;
    let evidence_dir = evidence_dir_of(path);
    let mut checked = 0;
    if evidence_dir.is_dir() {
        for item in &bundle.evidence {
            let file = evidence_dir.join(item.sha256.to_string());
            let content = std::fs::read(&file)
                .map_err(|e| failed(format!("evidence {}: {e}", file.display())))?;
            item.check_content(&content)
                .map_err(|e| failed(format!("evidence {}: {e}", file.display())))?;
            checked += 1;
        }
    }
    report_ok(globals, &summary, &format!("bundle {}", path.display()))?;
    if checked > 0 && !globals.json {
        println!(
            "{checked} evidence file(s) in {} match the manifest",
            evidence_dir.display()
        );
    }
    Ok(Code::Ok)
}

/// Where `rampart export --include-evidence` puts the files of a bundle.
pub(crate) fn evidence_dir_of(bundle: &Path) -> PathBuf {
    let mut name = bundle.as_os_str().to_owned();
    name.push(".evidence");
    PathBuf::from(name)
}
