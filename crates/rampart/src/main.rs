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
    /// Serve the web interface and the REST API over HTTP.
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
    /// List and work an incident's playbook tasks.
    Task(cli::task::Args),
    /// List, acknowledge and escalate pages to the team.
    Page(cli::page::Args),
    /// Record and list training completions; list what is overdue.
    Training(cli::training::Args),
    /// List notification clocks by time left; end a clock as met or missed.
    Clocks(cli::clocks::Args),
    /// List, show and retry outgoing messages; deliver what is due.
    Outbox(cli::outbox::Args),
    /// Check the SMTP relay or a webhook endpoint with a test message.
    Notify(cli::notify::Args),
    /// Record legal-process requests, law-enforcement engagement and notification holds.
    Register(cli::register::Args),
    /// Send the report to Amazon security and record it (the .eml as evidence, the clock met).
    Amazon(cli::amazon::Args),
    /// Draft, approve and send notices to affected people, regulators and customers.
    Notice(cli::notice::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let globals = &cli.globals;
    let remote_verb = matches!(
        cli.command,
        Command::Incident(_)
            | Command::Verify(_)
            | Command::Evidence(_)
            | Command::Export(_)
            | Command::Task(_)
            | Command::Page(_)
            | Command::Plan(_)
            | Command::Clocks(_)
            | Command::Training(_)
    );
    if globals.server.is_some() && !remote_verb {
        // The variant's name is the verb's (`Plan(…)` is `rampart plan`).
        let debug = format!("{:?}", cli.command);
        let verb = debug.split('(').next().unwrap_or_default().to_lowercase();
        return cli::exit::report(Err(cli::remote::local_only(&verb)));
    }
    let result = match cli.command {
        Command::Init(args) => cli::init::run(globals, args),
        Command::Serve(args) => cli::serve::run(globals, args),
        Command::Incident(args) => cli::incident::run(globals, args),
        Command::Evidence(args) => cli::evidence::run(globals, args),
        Command::Verify(args) => cli::verify::run(globals, args),
        Command::Export(args) => cli::export::run(globals, args),
        Command::Hunt(args) => cli::hunt::run(args),
        Command::Plan(args) => cli::plan::run(globals, args),
        Command::Task(args) => cli::task::run(globals, args),
        Command::Page(args) => cli::page::run(globals, args),
        Command::Training(args) => cli::training::run(globals, args),
        Command::Clocks(args) => cli::clocks::run(globals, args),
        Command::Outbox(args) => cli::outbox::run(globals, args),
        Command::Notify(args) => cli::notify::run(globals, args),
        Command::Register(args) => cli::register::run(globals, args),
        Command::Amazon(args) => cli::amazon::run(globals, args),
        Command::Notice(args) => cli::notice::run(globals, args),
    };
    cli::exit::report(result)
}
