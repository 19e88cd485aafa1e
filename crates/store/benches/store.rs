//! Store benchmarks, printed as a Markdown table:
//!
//! - durable appends per second (each one a committed transaction, synced to disk) with 1 writer
//!   and with 8 concurrent writers, on SQLite and, when `RAMPART_BENCH_DATABASE_URL` names an empty
//!   database, on PostgreSQL;
//! - the time to verify a log of `RAMPART_BENCH_VERIFY_ENTRIES` entries (default 1,000,000) read
//!   back from the store in batches (`RAMPART_BENCH_PG_VERIFY_ENTRIES` for PostgreSQL alone).
//!
//! `RAMPART_BENCH_APPENDS` sets the appends per measurement (default 4,000), `RAMPART_BENCH_DIR`
//! the directory for the SQLite files (default: the system's temporary directory). A durable
//! append waits for the disk to sync, so the table starts with the disk's own sync latency in that
//! directory, which bounds what one writer can do. `scripts/bench-store` starts a throwaway
//! PostgreSQL server and runs this with `cargo bench`.
//!
//! The last column repeats, for comparison, the figures measured before an append became two round
//! trips to SQLite's driver and concurrent appends shared their commit ([`BASELINE`]).

#![allow(clippy::unwrap_used, clippy::expect_used)]

/// The allocator of the `rampart` binary, so that the figures are those of `rampart verify` and
/// `rampart serve`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rampart_core::incident::{Command, IncidentType, TypeCatalog};
use rampart_core::{Context, Incident, IncidentId, OpenIncident, ZonedTime};
use rampart_store::{Store, StoreConfig};

const ACTOR: &str = "bench@example.org";
/// Entries per transaction when filling the log for verification.
const FILL_BATCH: usize = 10_000;
/// Incidents the filled log is spread over.
const FILL_INCIDENTS: usize = 100;
/// Earlier figures of the same measurements on the same machine (2026-11-23, idle, disk sync
/// about 0.2 ms; `docs/benchmarks-store.md`; the WAL figure from before a note stopped rewriting
/// the incident's other index entries), with the targets: backend, the start of the measurement's
/// name, figure.
const BASELINE: &[(&str, &str, &str)] = &[
    (
        "SQLite",
        "durable appends/s, 1 writer",
        "1,099 (target ≥ 2,000)",
    ),
    ("SQLite", "durable appends/s, 8 writers", "763"),
    (
        "SQLite",
        "WAL written per append",
        "37,492 bytes (9.1 page frames)",
    ),
    ("PostgreSQL", "durable appends/s, 1 writer", "863"),
    ("PostgreSQL", "durable appends/s, 8 writers", "749"),
    ("SQLite", "verify ", "9.35 s for 1,000,000 (target ≤ 5 s)"),
    ("PostgreSQL", "verify ", "0.46 s for 200,000"),
];

fn main() {
    let appends = env_number("RAMPART_BENCH_APPENDS", 4_000);
    let verify_entries = env_number("RAMPART_BENCH_VERIFY_ENTRIES", 1_000_000);
    // Filling PostgreSQL through the append path costs round trips per entry: allow a smaller log.
    let pg_verify_entries = env_number("RAMPART_BENCH_PG_VERIFY_ENTRIES", verify_entries);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut rows = Vec::new();
    runtime.block_on(async {
        let dir = match std::env::var_os("RAMPART_BENCH_DIR") {
            Some(parent) => tempfile::tempdir_in(parent),
            None => tempfile::tempdir(),
        }
        .expect("temporary directory");
        rows.push(sync_latency(dir.path()));
        rows.push(wal_per_append(&dir.path().join("wal")).await);
        let sqlite = StoreConfig::sqlite(dir.path().join("appends"));
        rows.extend(append_rates("SQLite", &sqlite, appends).await);
        match std::env::var("RAMPART_BENCH_DATABASE_URL") {
            Ok(url) if !url.is_empty() => {
                let postgres = StoreConfig::postgres(dir.path().join("pg"), url).expect("URL");
                rows.extend(append_rates("PostgreSQL", &postgres, appends).await);
                rows.extend(verification("PostgreSQL", &postgres, pg_verify_entries).await);
            }
            _ => eprintln!("PostgreSQL skipped: RAMPART_BENCH_DATABASE_URL is not set"),
        }
        let sqlite = StoreConfig::sqlite(dir.path().join("verify"));
        rows.extend(verification("SQLite", &sqlite, verify_entries).await);
    });
    println!("| backend | measurement | result | baseline |");
    println!("|---|---|---|---|");
    for (backend, measurement, result) in rows {
        let baseline = BASELINE
            .iter()
            .find(|(b, m, _)| *b == backend && measurement.starts_with(m))
            .map_or("", |(_, _, figure)| figure);
        println!("| {backend} | {measurement} | {result} | {baseline} |");
    }
}

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a whole number")),
        Err(_) => default,
    }
}

type Row = (&'static str, String, String);

/// The disk's latency for a 4 KiB write followed by `fdatasync`, as SQLite's commit does.
fn sync_latency(dir: &Path) -> Row {
    const ROUNDS: u32 = 200;
    let mut file = std::fs::File::create(dir.join("sync-probe")).expect("probe file");
    let block = [0u8; 4096];
    let started = Instant::now();
    for _ in 0..ROUNDS {
        file.rewind().expect("rewind");
        file.write_all(&block).expect("write");
        file.sync_data().expect("fdatasync");
    }
    let each = started.elapsed() / ROUNDS;
    (
        "disk",
        format!("4 KiB write + fdatasync in {}", dir.display()),
        format!(
            "{:.0} µs (at most {:.0} syncs/s)",
            each.as_secs_f64() * 1e6,
            1.0 / each.as_secs_f64()
        ),
    )
}

/// What one append writes to SQLite's WAL (and the commit syncs): the file's growth over notes
/// spread across a few incidents, in bytes and in 4 KiB page frames. Deterministic, so it shows a
/// change to the write path on a busy machine too.
async fn wal_per_append(dir: &Path) -> Row {
    const NOTES: usize = 60;
    const FRAME: u64 = 4096 + 24;
    let store = Store::open(&StoreConfig::sqlite(dir))
        .await
        .expect("open the store");
    let mut incidents = Vec::new();
    for n in 0..10 {
        incidents.push(open(&store, n).await.id());
    }
    let wal = dir.join("rampart.db-wal");
    let size = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    let before = size();
    for n in 0..NOTES {
        note(&store, incidents[n % incidents.len()], n).await;
    }
    let each = (size() - before) / NOTES as u64;
    store.close().await;
    (
        "SQLite",
        "WAL written per append (a note)".to_owned(),
        format!(
            "{each} bytes ({:.1} page frames)",
            each as f64 / FRAME as f64
        ),
    )
}

/// Durable appends per second with 1 and with 8 writers, each writer on its own incident.
async fn append_rates(backend: &'static str, config: &StoreConfig, appends: usize) -> Vec<Row> {
    let store = Store::open(config).await.expect("open the store");
    let mut incidents = Vec::new();
    for n in 0..8 {
        incidents.push(open(&store, n).await.id());
    }
    let mut rows = Vec::new();
    for writers in [1, 8] {
        let per_writer = appends / writers;
        let started = Instant::now();
        let tasks: Vec<_> = incidents[..writers]
            .iter()
            .map(|&incident| {
                let store = store.clone();
                tokio::spawn(async move {
                    for n in 0..per_writer {
                        note(&store, incident, n).await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("writer");
        }
        let elapsed = started.elapsed();
        let rate = (per_writer * writers) as f64 / elapsed.as_secs_f64();
        rows.push((
            backend,
            format!(
                "durable appends/s, {writers} writer{}",
                if writers == 1 { "" } else { "s" }
            ),
            format!(
                "{rate:.0} ({} appends in {})",
                per_writer * writers,
                seconds(elapsed)
            ),
        ));
    }
    store.close().await;
    rows
}

/// Fills a log to `entries` entries (in batched transactions) and times its full verification.
async fn verification(backend: &'static str, config: &StoreConfig, entries: usize) -> Vec<Row> {
    let store = Store::open(config).await.expect("open the store");
    let started = Instant::now();
    let mut incidents = Vec::new();
    for n in 0..FILL_INCIDENTS {
        incidents.push(open(&store, n).await.id());
    }
    let mut written = store.global_head().await.expect("head").seq as usize;
    let types = catalog();
    let ctx = context(&types);
    while written < entries {
        let batch: Vec<_> = (written..entries.min(written + FILL_BATCH))
            .map(|n| {
                let ctx = &ctx;
                let decide = move |current: &Incident| {
                    current.decide(ctx, Command::Note, format!("observation {n}"))
                };
                (incidents[n % incidents.len()], decide)
            })
            .collect();
        written += store.append_batch(batch).await.expect("fill").len();
    }
    let fill = started.elapsed();
    store.close().await;

    // A fresh process would start with cold caches of its own; reopen to time reading from the store.
    let store = Store::open(config).await.expect("reopen the store");
    let started = Instant::now();
    let cpu_before = process_cpu_time();
    let summary = store
        .verify_log()
        .await
        .expect("read")
        .expect("the log verifies");
    let elapsed = started.elapsed();
    let cpu = process_cpu_time().saturating_sub(cpu_before);
    store.close().await;
    vec![
        (
            backend,
            format!("fill {written} entries ({FILL_BATCH} per transaction)"),
            seconds(fill),
        ),
        (
            backend,
            format!("verify {} entries (both chains, streamed)", summary.entries),
            format!(
                "{} ({:.0} entries/s; process CPU time {})",
                seconds(elapsed),
                summary.entries as f64 / elapsed.as_secs_f64(),
                seconds(cpu)
            ),
        ),
    ]
}

/// CPU time used so far by this process, all threads (user + system), from `/proc/self/stat`:
/// shows the work done apart from time spent waiting for the CPU on a busy machine.
fn process_cpu_time() -> Duration {
    // Fields 14 and 15 (utime, stime) count clock ticks of USER_HZ, which Linux fixes at 100/s.
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND)
}

fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn catalog() -> TypeCatalog {
    TypeCatalog::with_custom::<&str>(&[]).expect("built-in types")
}

fn context(types: &TypeCatalog) -> Context<'_> {
    Context {
        actor: ACTOR,
        now: ZonedTime::utc(Timestamp::now()),
        types,
    }
}

async fn open(store: &Store, n: usize) -> Incident {
    let types = catalog();
    let ctx = context(&types);
    let opened = store
        .open_incident(2026, |key| {
            let cmd = OpenIncident {
                id: IncidentId::generate(),
                key,
                title: format!("Benchmark incident {n}"),
                summary: String::new(),
                incident_type: IncidentType::UnauthorizedAccess,
                impact: None,
                severity_override: None,
                amazon_information: false,
                personal_data: false,
                drill: false,
                occurred: None,
                detected: None,
                reported: None,
            };
            Incident::open(&ctx, cmd, String::new())
        })
        .await
        .expect("open an incident");
    opened.incident
}

async fn note(store: &Store, incident: IncidentId, n: usize) {
    let types = catalog();
    let ctx = context(&types);
    store
        .append(incident, |current| {
            current.decide(&ctx, Command::Note, format!("observation {n}"))
        })
        .await
        .expect("append");
}
