//! Seeds a store for the latency benchmark of `rampart serve` (`scripts/bench-web`): incidents of
//! every built-in type and severity, half of them in triage, and notes until the log holds the
//! wanted number of entries, all through the store's real append path (sealed, hash-chained,
//! projected) in transactions of 10,000 entries.
//!
//! The store is the one `rampart serve` opens: `RAMPART_DATA_DIR`, and PostgreSQL when
//! `RAMPART_DATABASE_URL` is set. `RAMPART_BENCH_INCIDENTS` (default 100,000) and
//! `RAMPART_BENCH_ENTRIES` (default 1,000,000) set the sizes. Prints what it wrote and how long it
//! took; the store must be empty.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use jiff::Timestamp;
use rampart_core::incident::{
    Command, IncidentType, Severity, SeverityOverride, State, TypeCatalog,
};
use rampart_core::{Context, Incident, IncidentId, OpenIncident, ZonedTime};
use rampart_store::{Store, StoreConfig};

/// Entries per transaction.
const BATCH: usize = 10_000;
const ACTOR: &str = "bench@example.org";
const SEVERITIES: [Severity; 4] = [
    Severity::Low,
    Severity::Medium,
    Severity::High,
    Severity::Critical,
];

fn main() {
    let incidents = env_number("RAMPART_BENCH_INCIDENTS", 100_000);
    let entries = env_number("RAMPART_BENCH_ENTRIES", 1_000_000).max(incidents);
    let config = StoreConfig::from_env(None).expect("RAMPART_DATA_DIR / RAMPART_DATABASE_URL");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let store = Store::open(&config).await.expect("open the store");
        assert_eq!(
            store.global_head().await.expect("head").seq,
            0,
            "the store must be empty"
        );
        let started = Instant::now();
        let ids = open_all(&store, incidents).await;
        let opened = started.elapsed();
        let written = fill(&store, &ids, entries - incidents).await + incidents;
        store.close().await;
        println!(
            "seeded {} ({}): {incidents} incidents in {:.1} s, {written} entries in {:.1} s",
            config.place(),
            config.data_dir().display(),
            opened.as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
    });
}

/// Opens `count` incidents, in transactions of [`BATCH`]; returns their ids.
async fn open_all(store: &Store, count: usize) -> Vec<IncidentId> {
    let types = TypeCatalog::with_custom::<&str>(&[]).expect("built-in types");
    let ctx = context(&types);
    let mut ids = Vec::with_capacity(count);
    while ids.len() < count {
        let ctx = &ctx;
        let decisions: Vec<_> = (ids.len()..count.min(ids.len() + BATCH))
            .map(|n| {
                move |key| {
                    let cmd = OpenIncident {
                        id: IncidentId::generate(),
                        key,
                        title: format!("Seeded incident {n}: suspicious sign-ins"),
                        summary: "Seeded for the latency benchmark.".to_owned(),
                        incident_type: IncidentType::BUILT_IN[n % IncidentType::BUILT_IN.len()]
                            .clone(),
                        impact: None,
                        severity_override: Some(SeverityOverride {
                            severity: SEVERITIES[n % SEVERITIES.len()],
                            reason: "seeded".to_owned(),
                        }),
                        amazon_information: n.is_multiple_of(10),
                        personal_data: n.is_multiple_of(3),
                        drill: false,
                        occurred: None,
                        detected: None,
                        reported: None,
                    };
                    Incident::open(ctx, cmd, String::new())
                }
            })
            .collect();
        let opened = store.open_incidents(2026, decisions).await.expect("open");
        ids.extend(opened.iter().map(|a| a.incident.id()));
    }
    ids
}

/// Appends `count` entries over `ids`, round robin: first a move to triage for every other
/// incident, then notes. Returns the entries written.
async fn fill(store: &Store, ids: &[IncidentId], count: usize) -> usize {
    let types = TypeCatalog::with_custom::<&str>(&[]).expect("built-in types");
    let ctx = context(&types);
    let mut written = 0;
    while written < count {
        let ctx = &ctx;
        let batch: Vec<_> = (written..count.min(written + BATCH))
            .map(|n| {
                let round = n / ids.len();
                let target = n % ids.len();
                let decide = move |current: &Incident| {
                    if round == 0 && target.is_multiple_of(2) {
                        let to = Command::Transition {
                            to: State::Triage,
                            at: None,
                            reason: None,
                        };
                        current.decide(ctx, to, String::new())
                    } else {
                        current.decide(ctx, Command::Note, format!("observation {n}"))
                    }
                };
                (ids[target], decide)
            })
            .collect();
        written += store.append_batch(batch).await.expect("fill").len();
    }
    written
}

fn context(types: &TypeCatalog) -> Context<'_> {
    Context {
        actor: ACTOR,
        now: ZonedTime::utc(Timestamp::now()),
        types,
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
        })
        .unwrap_or(default)
}
