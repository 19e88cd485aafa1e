//! `rampart hunt`: run Sigma rules over collected log files.
//!
//! Rules load first (an unreadable rule path is an error, exit 1 or 2); the hunt then reads every
//! file on all cores and always exits 0 once it ran, whatever it found or had to skip: what was
//! skipped and why is in the summary on stderr, detections on stdout.

mod render;
mod summary;

use std::io::IsTerminal;
use std::mem::ManuallyDrop;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args as ClapArgs, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rampart_detect::{DetectError, Hunt, HuntOptions, Level, collect_files, load_rules};

use super::exit::{Code, Failure};

/// Arguments of `rampart hunt`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// Sigma rule file or directory (searched recursively); repeat for several.
    #[arg(long = "rules", value_name = "PATH", required = true)]
    rules: Vec<PathBuf>,
    /// Report only detections of rules at this level or above.
    #[arg(long, value_name = "LEVEL", value_enum, default_value_t = MinLevel::Informational)]
    min_level: MinLevel,
    /// One JSON object per detection on stdout (the default when stdout is not a terminal).
    #[arg(long, conflicts_with = "csv")]
    jsonl: bool,
    /// CSV with a header row on stdout.
    #[arg(long)]
    csv: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Log files or directories (searched recursively): EVTX, JSON lines, CloudTrail
    /// (`.json`, `.json.gz`), syslog.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
}

/// `--min-level` values, in Sigma's spelling.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum MinLevel {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl From<MinLevel> for Level {
    fn from(level: MinLevel) -> Self {
        match level {
            MinLevel::Informational => Level::Informational,
            MinLevel::Low => Level::Low,
            MinLevel::Medium => Level::Medium,
            MinLevel::High => Level::High,
            MinLevel::Critical => Level::Critical,
        }
    }
}

/// Run the hunt.
pub(crate) fn run(args: Args) -> anyhow::Result<Code> {
    let (rules, load) = load_rules(&args.rules).map_err(input_failure)?;
    // The rule set and the detections live until the process exits: freeing their many small
    // allocations one by one would only delay the exit.
    let rules = ManuallyDrop::new(rules);
    summary::print_load(&load);
    if load.detection_rules + load.correlation_rules == 0 {
        return Err(Failure::new(Code::BadInput, "no rule loaded from the --rules paths").into());
    }
    let files = collect_files(&args.paths).map_err(input_failure)?;

    let progress = progress_bar(&files);
    let hunt = Hunt::new(
        &rules,
        &load,
        HuntOptions {
            min_level: args.min_level.into(),
        },
    );
    let on_file = |_: &std::path::Path, bytes: u64| progress.inc(bytes);
    let report = ManuallyDrop::new(match args.threads {
        None => hunt.run(&files, &on_file),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .context("cannot start the worker threads")?
            .install(|| hunt.run(&files, &on_file)),
    });
    progress.finish_and_clear();

    let format = if args.jsonl {
        render::Format::JsonLines
    } else if args.csv {
        render::Format::Csv
    } else if std::io::stdout().is_terminal() {
        render::Format::Table
    } else {
        render::Format::JsonLines
    };
    render::write(format, &report.detections)?;
    summary::print_hunt(&report.summary);
    Ok(Code::Ok)
}

/// A bar over the bytes to read, drawn only when stderr is a terminal.
fn progress_bar(files: &[PathBuf]) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let total = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let bar = ProgressBar::new(total);
    let style =
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {bytes}/{total_bytes} ({eta})")
            .map(|style| style.progress_chars("=> "));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}

/// Rule or input paths that cannot be read: not found (2) or bad input (1).
fn input_failure(err: DetectError) -> anyhow::Error {
    let missing = std::error::Error::source(&err)
        .and_then(|source| source.downcast_ref::<std::io::Error>())
        .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
        || matches!(&err, DetectError::Input { source, .. } if source.kind() == std::io::ErrorKind::NotFound);
    let code = if missing {
        Code::NotFound
    } else {
        Code::BadInput
    };
    Failure::new(code, err.to_string()).into()
}
