//! Evidence: stored by content, recorded in the log, read back checked, never half-written.

use std::path::Path;

use rampart_core::incident::{Command, EvidenceMeta, FileName, MediaType};
use rampart_core::{Digest, Incident};
use rampart_store::{Appended, ErrorClass, Store, StoreError, StoredFile};

use crate::support::{self, TestStore, conformance, no_temp_files, open};

/// Adds the file at `source` to the incident as evidence.
async fn add(store: &Store, incident: &Incident, source: &Path) -> Result<Appended, StoreError> {
    let types = support::types();
    let ctx = support::context(&types);
    store
        .put_evidence(incident.id(), source, |current, stored: StoredFile| {
            let meta = EvidenceMeta {
                sha256: stored.sha256,
                size: stored.size,
                media_type: MediaType::octet_stream(),
                file_name: FileName::sanitize(&source.display().to_string()),
                description: "collected by the test".to_owned(),
            };
            current.decide(
                &ctx,
                Command::AddEvidence {
                    meta,
                    custodian: None,
                },
                String::new(),
            )
        })
        .await
}

conformance! {
    async fn evidence_is_stored_by_content_and_recorded_in_the_log(t: TestStore) {
        let incident = open(&t.store, "Malware on a laptop").await.incident;
        let source = t.dir.path().join("memory.dmp");
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&source, &content).unwrap();

        let added = add(&t.store, &incident, &source).await.unwrap();
        let sha256 = Digest::of(&content);
        assert_eq!(added.entry.kind, "evidence.added");
        let stored_at = t.store.evidence_path(&sha256);
        let hex = sha256.to_string();
        assert!(stored_at.ends_with(format!("evidence/sha256/{}/{}", &hex[..2], &hex[2..])));
        assert_eq!(std::fs::read(&stored_at).unwrap(), content);

        let listed = t.store.evidence_of(incident.id()).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].meta.sha256, sha256);
        assert_eq!(listed[0].meta.size, content.len() as u64);
        assert_eq!(listed[0].meta.file_name.as_str(), "memory.dmp");
        assert_eq!(listed[0].custodian, support::ACTOR);
        assert_eq!(listed[0].added_at, added.entry.at);

        let copy = t.dir.path().join("copy.dmp");
        assert_eq!(t.store.copy_evidence(incident.id(), sha256, &copy).await.unwrap(), 200_000);
        assert_eq!(std::fs::read(&copy).unwrap(), content);
        assert_eq!(t.store.check_evidence(sha256).await.unwrap(), 200_000);
        assert!(no_temp_files(t.config.data_dir()));
    }

    async fn a_custody_handover_updates_the_evidence_list(t: TestStore) {
        let incident = open(&t.store, "Seized phone").await.incident;
        let source = t.dir.path().join("phone.img");
        std::fs::write(&source, b"phone image").unwrap();
        add(&t.store, &incident, &source).await.unwrap();
        let sha256 = Digest::of(b"phone image");
        let current = t.store.incident(incident.id()).await.unwrap();
        support::change(
            &t.store,
            &current,
            Command::TransferCustody {
                sha256,
                to: "forensics@example.org".to_owned(),
                at: None,
                reason: "imaging".to_owned(),
            },
            "",
        )
        .await;
        let listed = t.store.evidence_of(incident.id()).await.unwrap();
        assert_eq!(listed[0].custodian, "forensics@example.org");
        let current = t.store.incident(incident.id()).await.unwrap();
        assert_eq!(current.evidence()[0].custody.len(), 1);
    }

    async fn the_same_content_is_stored_once_and_never_overwritten(t: TestStore) {
        let a = open(&t.store, "A").await.incident;
        let b = open(&t.store, "B").await.incident;
        let source = t.dir.path().join("auth.log");
        std::fs::write(&source, b"Failed password for root").unwrap();
        add(&t.store, &a, &source).await.unwrap();
        let sha256 = Digest::of(b"Failed password for root");
        let stored_at = t.store.evidence_path(&sha256);
        let before = std::fs::metadata(&stored_at).unwrap();
        add(&t.store, &b, &source).await.unwrap();
        let after = std::fs::metadata(&stored_at).unwrap();
        assert_eq!(before.modified().unwrap(), after.modified().unwrap());
        assert_eq!(
            std::os::unix::fs::MetadataExt::ino(&before),
            std::os::unix::fs::MetadataExt::ino(&after)
        );
        assert_eq!(t.store.evidence_of(b.id()).await.unwrap()[0].meta.sha256, sha256);
        // The same file twice on one incident is refused by the domain, and nothing is written.
        let head = t.store.global_head().await.unwrap();
        let err = add(&t.store, &a, &source).await.unwrap_err();
        assert_eq!(err.class(), ErrorClass::BadInput, "{err}");
        assert_eq!(t.store.global_head().await.unwrap(), head);
    }

    async fn a_missing_evidence_file_leaves_the_store_unchanged(t: TestStore) {
        let incident = open(&t.store, "Nothing to add").await.incident;
        let head = t.store.global_head().await.unwrap();
        let missing = t.dir.path().join("no-such-file.pcap");
        let err = add(&t.store, &incident, &missing).await.unwrap_err();
        assert_eq!(err.class(), ErrorClass::NotFound);
        assert!(err.to_string().contains("no-such-file.pcap"), "{err}");

        let unreadable = t.dir.path().join("a-directory");
        std::fs::create_dir(&unreadable).unwrap();
        let err = add(&t.store, &incident, &unreadable).await.unwrap_err();
        assert_eq!(err.class(), ErrorClass::BadInput, "{err}");

        assert_eq!(t.store.global_head().await.unwrap(), head);
        assert!(t.store.evidence_of(incident.id()).await.unwrap().is_empty());
        assert!(no_temp_files(t.config.data_dir()));
    }

    async fn a_damaged_evidence_file_is_caught_on_reading(t: TestStore) {
        let incident = open(&t.store, "Tampered capture").await.incident;
        let source = t.dir.path().join("capture.pcap");
        std::fs::write(&source, b"original packets").unwrap();
        add(&t.store, &incident, &source).await.unwrap();
        let sha256 = Digest::of(b"original packets");
        std::fs::write(t.store.evidence_path(&sha256), b"doctored packets").unwrap();

        let copy = t.dir.path().join("copy.pcap");
        let err = t.store.copy_evidence(incident.id(), sha256, &copy).await.unwrap_err();
        assert_eq!(err.class(), ErrorClass::Integrity);
        assert!(!copy.exists());
        assert!(matches!(t.store.check_evidence(sha256).await, Err(StoreError::EvidenceDamaged { .. })));
        let err = t.store.copy_evidence(incident.id(), Digest::of(b"other"), &copy).await.unwrap_err();
        assert_eq!(err.class(), ErrorClass::NotFound);
    }
}
