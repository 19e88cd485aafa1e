//! Read files with the ingest readers on all cores and count events and skipped records,
//! without evaluating any rule: the parse-only baseline of `scripts/bench-detect`.
//!
//! Usage: `cargo run --release -p rampart-detect --example read_all -- PATH...` (files or
//! directories, expanded as `rampart hunt` does).

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

fn main() -> Result<(), rampart_detect::DetectError> {
    let paths: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    let files = rampart_detect::collect_files(&paths)?;
    let (events, skipped, failed) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    files.par_iter().for_each(|path| {
        let result = rampart_ingest::read_file(path, &mut |record| {
            let counter = if record.is_ok() { &events } else { &skipped };
            counter.fetch_add(1, Ordering::Relaxed);
        });
        if result.is_err() {
            failed.fetch_add(1, Ordering::Relaxed);
        }
    });
    println!(
        "{} files ({} not readable as logs), {} events, {} skipped",
        files.len(),
        failed.into_inner(),
        events.into_inner(),
        skipped.into_inner()
    );
    Ok(())
}
