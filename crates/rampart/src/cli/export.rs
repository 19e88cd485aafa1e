//! `rampart export`: one incident as a self-verifying JSON bundle (its entries with both hash
//! chains, the projection, the evidence manifest, the global anchors), optionally with the
//! evidence files beside it. The export itself is recorded in the log first.

mod pack;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args as ClapArgs;
use rampart_core::{Bundle, Command, Incident, IncidentId};
use rampart_store::Appended;

use hyper::Method;
use rampart_core::Digest;

use super::context::{Globals, Session, bad_input, incident_ref};
use super::exit::{Code, Failure};
use super::remote::{Remote, local_only};
use super::verify::evidence_dir_of;

/// Arguments of `rampart export`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// The incident key or id.
    key: String,
    /// The bundle file to write (must not exist).
    #[arg(long, required_unless_present = "pack", conflicts_with = "pack")]
    out: Option<PathBuf>,
    /// Write a pack for someone who asked for the information (zip: incident JSON with the
    /// chain, Markdown summary, evidence manifest, notices sent); needs --to.
    #[arg(long, value_name = "FILE.zip", requires = "to")]
    pack: Option<PathBuf>,
    /// Who the pack is disclosed to (recorded in the log).
    #[arg(long, value_name = "WHOM")]
    to: Option<String>,
    /// Also copy the evidence files, checked, into OUT.evidence/ (named by SHA-256).
    #[arg(long)]
    include_evidence: bool,
}

/// Writes the bundle.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let out = args.out.as_ref().or(args.pack.as_ref());
    let out = out.ok_or_else(|| bad_input("name --out FILE or --pack FILE.zip"))?;
    if out.exists() {
        return Err(bad_input(format!(
            "{} exists; choose a new file",
            out.display()
        )));
    }
    let remote = Remote::from_globals(globals)?;
    if let (Some(pack), Some(to)) = (&args.pack, args.to.clone()) {
        if remote.is_some() {
            return Err(local_only("export --pack"));
        }
        let session = Session::open(globals)?;
        return pack::run(&session, &args.key, pack, to);
    }
    let out = out.clone();
    let evidence_dir = evidence_dir_of(&out);
    if args.include_evidence && evidence_dir.exists() {
        return Err(bad_input(format!(
            "{} exists; choose a new file",
            evidence_dir.display()
        )));
    }
    if let Some(remote) = remote {
        let incident = format!("/api/v1/incidents/{}", incident_ref(&args.key)?);
        let bundle: Bundle = remote.send(Method::POST, &format!("{incident}/export"), None)?;
        write_new(&out, &serde_json::to_vec_pretty(&bundle)?)?;
        if args.include_evidence {
            std::fs::create_dir(&evidence_dir)
                .with_context(|| format!("cannot create {}", evidence_dir.display()))?;
            for item in &bundle.evidence {
                let sha256 = item.sha256;
                let bytes = remote.download(&format!("{incident}/evidence/{sha256}"))?;
                if Digest::of(&bytes) != sha256 {
                    return Err(Failure::new(
                        Code::VerificationFailed,
                        format!("the server sent evidence {sha256} with another SHA-256"),
                    )
                    .into());
                }
                write_new(&evidence_dir.join(sha256.to_string()), &bytes)?;
            }
        }
        report(
            &bundle,
            &out,
            args.include_evidence.then_some(&evidence_dir),
        );
        return Ok(Code::Ok);
    }
    let session = Session::open(globals)?;
    let id = session.incident_id(&args.key)?;
    let (_, bundle) = record_then_bundle(&session, id, Command::RecordExport)?;
    write_new(&out, &serde_json::to_vec_pretty(&bundle)?)?;
    if args.include_evidence {
        std::fs::create_dir(&evidence_dir)
            .with_context(|| format!("cannot create {}", evidence_dir.display()))?;
        for item in &bundle.evidence {
            let dest = evidence_dir.join(item.sha256.to_string());
            session.run(session.store.copy_evidence(id, item.sha256, &dest))?;
        }
    }
    report(
        &bundle,
        &out,
        args.include_evidence.then_some(&evidence_dir),
    );
    Ok(Code::Ok)
}

/// Appends `command` (the record of an export or a disclosure) to the incident `id`, then bundles
/// its log through that entry: what was appended, and the self-verifying bundle.
fn record_then_bundle(
    session: &Session,
    id: IncidentId,
    command: Command,
) -> anyhow::Result<(Appended, Bundle)> {
    let ctx = session.context()?;
    let recorded = session.run(session.store.append(id, |incident: &Incident| {
        incident.decide(&ctx, command.clone(), String::new())
    }))?;
    let entries = session.run(session.store.log_of(id))?;
    let bundle = Bundle::new(
        entries,
        recorded.entry.global_head(),
        jiff::Timestamp::now(),
    )
    .map_err(|e| {
        Failure::new(
            Code::VerificationFailed,
            format!("the stored log does not replay: {e}"),
        )
    })?;
    Ok((recorded, bundle))
}

/// One line on stderr: how many entries went where, and the evidence files if copied.
fn report(bundle: &Bundle, out: &Path, evidence_dir: Option<&PathBuf>) {
    eprintln!(
        "{}: {} entries exported to {}{}",
        bundle.incident.key(),
        bundle.entries.len(),
        out.display(),
        match evidence_dir {
            Some(dir) => format!(
                " with {} evidence file(s) in {}",
                bundle.evidence.len(),
                dir.display()
            ),
            None => String::new(),
        }
    );
}

/// Writes `bytes` to the new file `path` through a temporary file in the same directory, synced
/// and renamed into place, so a reader never sees half a bundle.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    temp.persist_noclobber(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}
