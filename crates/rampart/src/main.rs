//! The `rampart` binary: the command-line verbs over the Rampart crates.
//!
//! Each verb lives in its own file under `cli/`, exposing an `Args` struct (clap) and a `run`
//! function returning the process exit code. Errors are `anyhow` here and typed in the libraries;
//! [`cli::exit`] maps them to the documented exit codes.

#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Fast allocator: the detection hot path allocates small strings and vectors.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rampart: run an incident response plan end to end.
#[derive(Debug, Parser)]
#[command(name = "rampart", version, about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    globals: cli::context::Globals,
    #[command(subcommand)]
    command: Command,
}

/// The verbs.
#[derive(Debug, Subcommand)]
enum Command {
    /// Create the data directory, the database and rampart.toml.
    Init(cli::init::Args),
    /// Serve the HTTP endpoints (health and version in this release).
    Serve(cli::serve::Args),
    /// Open, read and change incidents.
    Incident(cli::incident::Args),
    /// Add, list, copy out and hand over evidence files.
    Evidence(cli::evidence::Args),
    /// Verify the hash-chained log, one incident's chain, or an exported bundle.
    Verify(cli::verify::Args),
    /// Export an incident as a self-verifying JSON bundle.
    Export(cli::export::Args),
    /// Run Sigma rules over log files (EVTX, JSON lines, CloudTrail, syslog) for an investigation.
    Hunt(cli::hunt::Args),
    /// Show, validate and describe the incident response plan.
    Plan(cli::plan::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let globals = &cli.globals;
    let result = match cli.command {
        Command::Init(args) => cli::init::run(globals, args),
        Command::Serve(args) => cli::serve::run(globals, args),
        Command::Incident(args) => cli::incident::run(globals, args),
        Command::Evidence(args) => cli::evidence::run(globals, args),
        Command::Verify(args) => cli::verify::run(globals, args),
        Command::Export(args) => cli::export::run(globals, args),
        Command::Hunt(args) => cli::hunt::run(args),
        Command::Plan(args) => cli::plan::run(globals, args),
    };
    cli::exit::report(result)
}
