//! An acknowledged append survives `kill -9`: a child process appends and acknowledges each
//! commit on stdout, the test kills it mid-stream, reopens the store and finds every acknowledged
//! entry, with both chains intact.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rampart_core::{Digest, LogEntry};
use rampart_store::{Store, StoreConfig};

use crate::support::{self, open};

/// Set in the child process to the data directory; the database URL follows in
/// [`CHILD_DATABASE_URL_ENV`] when the store is on PostgreSQL.
const CHILD_DATA_DIR_ENV: &str = "RAMPART_TEST_DURABILITY_DATA_DIR";
const CHILD_DATABASE_URL_ENV: &str = "RAMPART_TEST_DURABILITY_DATABASE_URL";
/// Acknowledgements to wait for before the kill.
const ACKS_BEFORE_KILL: usize = 300;
/// Bounds on the child, should the parent never kill it.
const CHILD_MAX_APPENDS: u32 = 100_000;
const CHILD_MAX_TIME: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_appends_survive_kill_9_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let config = StoreConfig::sqlite(dir.path().join("data"));
    kill_a_writer_and_check(&config).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_appends_survive_kill_9_on_postgres() {
    if let Some((_dir, config)) = support::postgres_config().await {
        kill_a_writer_and_check(&config).await;
    }
}

async fn kill_a_writer_and_check(config: &StoreConfig) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "durability::child_writer",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DATA_DIR_ENV, config.data_dir())
        .env_remove(CHILD_DATABASE_URL_ENV)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let rampart_store::Database::Postgres { url } = config.database() {
        command.env(CHILD_DATABASE_URL_ENV, url);
    }
    let mut child = command.spawn().expect("start the writer");
    let stdout = child.stdout.take().unwrap();
    let acks = tokio::task::spawn_blocking(move || {
        let mut acks = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("read the writer's output");
            if let Some(ack) = line.strip_prefix("ack ") {
                acks.push(parse_ack(ack));
                if acks.len() == ACKS_BEFORE_KILL {
                    // SIGKILL, while the writer is in the middle of its next appends.
                    child.kill().expect("kill -9 the writer");
                    break;
                }
            }
        }
        let status = child.wait().expect("reap the writer");
        (acks, status)
    })
    .await
    .unwrap();
    let (acks, status) = acks;
    assert_eq!(
        acks.len(),
        ACKS_BEFORE_KILL,
        "the writer stopped early ({status})"
    );
    assert!(!status.success(), "the writer was not killed ({status})");

    let store = Store::open(config).await.expect("reopen after kill -9");
    let summary = store
        .verify_log()
        .await
        .unwrap()
        .expect("both chains verify after kill -9");
    assert!(summary.entries >= ACKS_BEFORE_KILL as u64);
    let mut stored: Vec<LogEntry> = Vec::new();
    let mut entries = store.entries_in_global_order(1000);
    while let Some(batch) = entries.next_batch().await.unwrap() {
        stored.extend(batch);
    }
    for (global_seq, global_hash) in &acks {
        let entry = usize::try_from(*global_seq - 1)
            .ok()
            .and_then(|i| stored.get(i));
        let entry = entry.unwrap_or_else(|| panic!("acknowledged entry {global_seq} is missing"));
        assert_eq!(
            entry.global_hash, *global_hash,
            "acknowledged entry {global_seq} differs"
        );
    }
    store.close().await;
}

fn parse_ack(ack: &str) -> (u64, Digest) {
    let (seq, hash) = ack.split_once(' ').expect("ack <global_seq> <global_hash>");
    (seq.parse().unwrap(), hash.parse().unwrap())
}

/// The writer: appends notes until killed, printing `ack <global_seq> <global_hash>` after each
/// commit. Does nothing unless started by the test above.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_writer() {
    let Some(data_dir) = std::env::var_os(CHILD_DATA_DIR_ENV) else {
        return;
    };
    let config = match std::env::var(CHILD_DATABASE_URL_ENV) {
        Ok(url) => StoreConfig::postgres(data_dir, url).unwrap(),
        Err(_) => StoreConfig::sqlite(data_dir),
    };
    let store = Store::open(&config).await.unwrap();
    let incidents = [
        open(&store, "Written until killed").await.incident,
        open(&store, "Written beside it").await.incident,
    ];
    let started = Instant::now();
    for n in 0..CHILD_MAX_APPENDS {
        let incident = &incidents[n as usize % incidents.len()];
        let appended = support::note(&store, incident, &format!("note {n}")).await;
        // println! locks and flushes stdout at each newline: the line leaves the process only
        // after the commit has returned.
        println!(
            "ack {} {}",
            appended.entry.global_seq, appended.entry.global_hash
        );
        if started.elapsed() > CHILD_MAX_TIME {
            break;
        }
    }
}
