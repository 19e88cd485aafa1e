//! `rampart export KEY --pack FILE.zip --to WHOM`: information on request. The disclosure is
//! recorded in the log first (to whom, when, what), then the pack is written: `incident.json` (the
//! self-verifying bundle with both hash chains, through the disclosure entry), `summary.md`,
//! `evidence-manifest.json` (every item with its SHA-256) and `notices.json` (the notices sent,
//! with every body version).

use std::fmt::Write as _;
use std::io::Write as _;

use rampart_core::{Command, Incident};
use zip::write::SimpleFileOptions;

use super::{record_then_bundle, write_new};
use crate::cli::context::{Session, bad_input};
use crate::cli::exit::Code;

/// The parts of a pack, as the log names them.
const PARTS: [&str; 4] = [
    "incident.json",
    "summary.md",
    "evidence-manifest.json",
    "notices.json",
];

/// Records the disclosure and writes the pack.
pub(super) fn run(
    session: &Session,
    key: &str,
    pack: &std::path::Path,
    to: String,
) -> anyhow::Result<Code> {
    let id = session.incident_id(key)?;
    let what = PARTS.map(str::to_owned).to_vec();
    let (recorded, bundle) =
        record_then_bundle(session, id, Command::RecordDisclosure { to, what })?;
    let incident = &recorded.incident;
    let sent: Vec<_> = incident.notices().iter().filter(|n| n.sent()).collect();
    let contents = [
        serde_json::to_vec_pretty(&bundle)?,
        summary(incident).into_bytes(),
        serde_json::to_vec_pretty(&bundle.evidence)?,
        serde_json::to_vec_pretty(&sent)?,
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in PARTS.iter().zip(&contents) {
        zip.start_file(*name, SimpleFileOptions::default())
            .map_err(|e| bad_input(format!("cannot add {name} to the pack: {e}")))?;
        zip.write_all(bytes)?;
    }
    let bytes = zip
        .finish()
        .map_err(|e| bad_input(format!("cannot finish the pack: {e}")))?
        .into_inner();
    write_new(pack, &bytes)?;
    eprintln!(
        "{}: pack of {} entries, {} evidence item(s) and {} notice(s) written to {}; disclosure \
         recorded as entry #{}",
        incident.key(),
        bundle.entries.len(),
        bundle.evidence.len(),
        sent.len(),
        pack.display(),
        recorded.entry.seq
    );
    Ok(Code::Ok)
}

/// The incident in Markdown, for a reader without Rampart.
fn summary(incident: &Incident) -> String {
    let times = incident.times();
    let mut md = String::new();
    let _ = writeln!(md, "# {} {}\n", incident.key(), incident.title());
    let _ = writeln!(md, "{}\n", incident.summary());
    let _ = writeln!(md, "- Type: {}", incident.incident_type());
    let severity = incident.severity().map_or("not assessed", |s| s.name());
    let _ = writeln!(md, "- Severity: {severity}");
    let _ = writeln!(md, "- State: {}", incident.state());
    let _ = writeln!(md, "- Detected: {}", times.detected);
    for (name, at) in [
        ("Occurred", times.occurred),
        ("Confirmed", times.confirmed),
        ("Contained", times.contained),
        ("Recovered", times.recovered),
        ("Closed", times.closed),
    ] {
        if let Some(at) = at {
            let _ = writeln!(md, "- {name}: {at}");
        }
    }
    let _ = writeln!(md, "\n## Record of details\n");
    for d in incident.details() {
        let line = crate::cli::incident::describe(&d.detail);
        let _ = writeln!(md, "- {}: {line}", d.detail.category());
    }
    let _ = writeln!(md, "\n## Evidence\n");
    for e in incident.evidence() {
        let _ = writeln!(
            md,
            "- {} `{}` ({} bytes), held by {}",
            e.meta.file_name, e.meta.sha256, e.meta.size, e.custodian
        );
    }
    let _ = writeln!(md, "\n## Notices sent\n");
    for n in incident.notices().iter().filter(|n| n.sent()) {
        let _ = writeln!(
            md,
            "- {} to {} recipient(s) ({}), version {}",
            n.draft.subject,
            n.draft.recipients.len(),
            n.draft.audience,
            n.version()
        );
    }
    md
}
