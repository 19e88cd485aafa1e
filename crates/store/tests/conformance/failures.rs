//! A store that cannot be used is refused with a precise error and left as it was: a database
//! from a newer version, a damaged database file, an unreachable server, a full disk.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use rampart_core::incident::{Command as Change, EvidenceMeta, FileName, MediaType};
use rampart_store::{Database, ErrorClass, Store, StoreConfig, StoreError};

use crate::support::{self, TestStore, conformance, no_temp_files, open};

/// Set in the child process of [`a_full_disk_leaves_the_store_unchanged`] to the data directory
/// on the small file system.
const DISK_FULL_CHILD_ENV: &str = "RAMPART_TEST_DISK_FULL_DIR";

conformance! {
    async fn a_database_from_a_newer_version_is_refused(t: TestStore) {
        open(&t.store, "Written before the upgrade").await;
        let future = match t.config.database() {
            Database::Sqlite => {
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES (20991231000000, 'from the future', TRUE, X'00', 0)"
            }
            Database::Postgres { .. } => {
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES (20991231000000, 'from the future', TRUE, '\\x00'::bytea, 0)"
            }
        };
        support::tamper(&t, future).await;
        t.store.clone().close().await;
        let err = Store::open(&t.config).await.unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { version: 20991231000000, .. }), "{err:?}");
        assert_eq!(err.class(), ErrorClass::Unavailable);
        let message = err.to_string();
        assert!(message.contains("newer version of Rampart"), "{message}");
        assert!(message.contains(&t.config.place()), "{message}");
    }
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused_as_corrupted() {
    let dir = tempfile::tempdir().unwrap();
    let config = StoreConfig::sqlite(dir.path());
    std::fs::write(
        config.sqlite_path().unwrap(),
        "incident notes, not a database\n".repeat(200),
    )
    .unwrap();
    let err = Store::open(&config).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Unavailable);
    assert!(err.to_string().contains("rampart.db"), "{err}");
}

#[tokio::test]
async fn damaged_pages_are_reported_as_corruption() {
    let t = support::sqlite().await;
    for n in 0..40 {
        open(&t.store, &format!("Incident {n} {}", "x".repeat(500))).await;
    }
    t.store.clone().close().await;
    let path = t.config.sqlite_path().unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 3 * 4096, "database of {} bytes", bytes.len());
    bytes[2 * 4096..].iter_mut().for_each(|b| *b = 0xA5);
    std::fs::write(&path, bytes).unwrap();
    let err = match Store::open(&t.config).await {
        Err(err) => err,
        Ok(store) => store.verify_log().await.unwrap_err(),
    };
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        StoreConfig::postgres(dir.path(), "postgres://ir:s3cret@127.0.0.1:1/rampart").unwrap();
    let err = Store::open(&config).await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::Unavailable, "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("postgres://ir:***@127.0.0.1:1/rampart"),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
}

/// Runs [`disk_full_child`] on a 2 MiB file system of its own (a tmpfs mounted in a private mount
/// namespace, which needs no privileges beyond user namespaces) and checks it passed.
#[test]
fn a_full_disk_leaves_the_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    std::fs::create_dir(&small).unwrap();
    let output = Command::new("unshare")
        .args(["--mount", "--map-root-user", "sh", "-c"])
        .arg(r#"mount -t tmpfs -o size=2m tmpfs "$1" && shift && exec "$@""#)
        .arg("sh")
        .arg(&small)
        .arg(std::env::current_exe().unwrap())
        .args([
            "failures::disk_full_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(DISK_FULL_CHILD_ENV, &small)
        .env("RAMPART_TEST_SOURCE_DIR", dir.path())
        .output()
        .expect("run unshare (util-linux) to get a small file system");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("disk-full scenario passed"),
        "child failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}

/// The child half of [`a_full_disk_leaves_the_store_unchanged`]; does nothing unless started by it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disk_full_child() {
    let Some(small) = std::env::var_os(DISK_FULL_CHILD_ENV) else {
        return;
    };
    let small = Path::new(&small);
    let sources = std::path::PathBuf::from(std::env::var_os("RAMPART_TEST_SOURCE_DIR").unwrap());
    let config = StoreConfig::sqlite(small.join("data"));
    let store = Store::open(&config).await.unwrap();
    let incident = open(&store, "Disk about to fill").await.incident;
    support::note(&store, &incident, "still room").await;
    let head = store.global_head().await.unwrap();

    // Evidence larger than the whole file system.
    let big = sources.join("disk.img");
    std::fs::write(&big, vec![7u8; 4 * 1024 * 1024]).unwrap();
    let types = support::types();
    let ctx = support::context(&types);
    let err = store
        .put_evidence(incident.id(), &big, |current, stored| {
            let meta = EvidenceMeta {
                sha256: stored.sha256,
                size: stored.size,
                media_type: MediaType::octet_stream(),
                file_name: FileName::sanitize("disk.img"),
                description: String::new(),
            };
            current.decide(
                &ctx,
                Change::AddEvidence {
                    meta,
                    custodian: None,
                },
                String::new(),
            )
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Unavailable);
    assert!(
        no_temp_files(config.data_dir()),
        "a temporary evidence file was left behind"
    );
    assert!(store.evidence_of(incident.id()).await.unwrap().is_empty());
    assert_eq!(store.global_head().await.unwrap(), head);

    // Fill what is left, then try to append.
    let filler = small.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 64 * 1024];
    while file.write_all(&block).is_ok() {}
    let _ = file.write_all(&block[..512]);
    drop(file);
    let types = support::types();
    let ctx = support::context(&types);
    let mut refused = 0;
    for n in 0..50 {
        match store
            .append(incident.id(), |current| {
                current.decide(&ctx, Change::Note, format!("note {n}"))
            })
            .await
        {
            Ok(_) => {}
            Err(err) => {
                assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
                refused += 1;
                break;
            }
        }
    }
    assert_eq!(refused, 1, "the full disk never refused an append");
    let head = store.global_head().await.unwrap();

    // With room again, the log is whole and appends go on.
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(store.verify_log().await.unwrap().unwrap().global_head, head);
    support::note(&store, &incident, "room again").await;
    store.close().await;
    let store = Store::open(&config).await.unwrap();
    assert_eq!(
        store.verify_log().await.unwrap().unwrap().global_head.seq,
        head.seq + 1
    );
    println!("disk-full scenario passed");
}
