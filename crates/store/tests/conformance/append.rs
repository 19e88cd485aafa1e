//! The append: opening, changing, refusing, and concurrent writers.

use rampart_core::incident::{Command, State};
use rampart_core::{ChainHead, DomainError, Incident, IncidentId, IncidentKey, LogVerifier};
use rampart_store::{ErrorClass, StoreError};

use crate::support::{self, TestStore, conformance, open, open_with};

conformance! {
    async fn opening_an_incident_is_its_first_entry(t: TestStore) {
        let opened = open(&t.store, "Phishing at reception").await;
        assert_eq!(opened.entry.seq, 1);
        assert_eq!(opened.entry.global_seq, 1);
        assert_eq!(opened.entry.kind, "incident.opened");
        assert_eq!(opened.incident.key().to_string(), "INC-2026-0001");
        let key: IncidentKey = "INC-2026-0001".parse().unwrap();
        assert_eq!(t.store.incident(key).await.unwrap(), opened.incident);
        assert_eq!(t.store.incident(opened.incident.id()).await.unwrap(), opened.incident);
        assert_eq!(t.store.log_of(opened.incident.id()).await.unwrap(), vec![opened.entry.clone()]);
        assert_eq!(t.store.global_head().await.unwrap(), opened.entry.global_head());
    }

    async fn keys_are_numbered_per_year(t: TestStore) {
        let mut keys = Vec::new();
        for year in [2026, 2026, 2027, 2026] {
            keys.push(open_with(&t.store, year, "x", |_| {}).await.incident.key().to_string());
        }
        assert_eq!(keys, ["INC-2026-0001", "INC-2026-0002", "INC-2027-0001", "INC-2026-0003"]);
    }

    async fn incidents_opened_in_one_transaction_take_consecutive_keys(t: TestStore) {
        open(&t.store, "Before").await;
        let types = support::types();
        let ctx = support::context(&types);
        let ctx = &ctx;
        let decisions: Vec<_> = ["A", "B", "C"]
            .into_iter()
            .map(|title| move |key| Incident::open(ctx, support::opening(key, title), String::new()))
            .collect();
        let opened = t.store.open_incidents(2026, decisions).await.unwrap();
        let keys: Vec<String> = opened.iter().map(|a| a.incident.key().to_string()).collect();
        assert_eq!(keys, ["INC-2026-0002", "INC-2026-0003", "INC-2026-0004"]);
        assert_eq!(opened[2].entry.global_seq, 4);
        let after = open(&t.store, "After").await;
        assert_eq!(after.incident.key().to_string(), "INC-2026-0005");
        assert_eq!(t.store.verify_log().await.unwrap().unwrap().entries, 5);
    }

    async fn an_append_sees_what_another_process_appended(t: TestStore) {
        // A second store on the same database stands for another process (the CLI beside a
        // server): each append must decide against the incident as stored, not as this process
        // last wrote it.
        let other = rampart_store::Store::open(&t.config).await.unwrap();
        let a = open(&t.store, "Laptop stolen").await.incident;
        support::note(&t.store, &a, "first, here").await;
        let theirs = support::note(&other, &a, "second, there").await;
        assert_eq!(theirs.entry.seq, 3);
        let ours = support::note(&t.store, &a, "third, here").await;
        assert_eq!((ours.entry.seq, ours.entry.global_seq), (4, 4));
        assert_eq!(ours.entry.prev_hash, theirs.entry.hash);
        assert_eq!(t.store.incident(a.id()).await.unwrap(), ours.incident);
        let theirs_again = support::note(&other, &a, "fourth, there").await;
        assert_eq!(theirs_again.entry.prev_hash, ours.entry.hash);
        other.close().await;
        assert_eq!(t.store.verify_log().await.unwrap().unwrap().entries, 5);
        assert_eq!(t.store.verify_incident(a.id()).await.unwrap().unwrap().entries, 5);
    }

    async fn a_decision_refused_against_a_stale_incident_is_made_again(t: TestStore) {
        // This process last saw the incident at entry 2; another process has since added entry 3.
        // A decision that refuses what it sees at entry 2 must see entry 3 before its refusal
        // counts.
        let other = rampart_store::Store::open(&t.config).await.unwrap();
        let a = open(&t.store, "Laptop stolen").await.incident;
        support::note(&t.store, &a, "first, here").await;
        support::note(&other, &a, "second, there").await;
        other.close().await;
        let types = support::types();
        let ctx = support::context(&types);
        let mut seen = Vec::new();
        let appended = t
            .store
            .append(a.id(), |current| {
                seen.push(current.head().seq);
                if current.head().seq < 3 {
                    return Err(DomainError::NothingToChange);
                }
                current.decide(&ctx, Command::Note, "third, here".to_owned())
            })
            .await
            .unwrap();
        assert_eq!(seen.last(), Some(&3), "decided against the stored incident: {seen:?}");
        assert_eq!(appended.entry.seq, 4);
        assert!(t.store.verify_log().await.unwrap().is_ok());
    }

    async fn every_change_is_an_entry_on_both_chains(t: TestStore) {
        let a = open(&t.store, "Laptop stolen").await.incident;
        let b = open(&t.store, "Ransomware on file server").await.incident;
        support::note(&t.store, &a, "Owner called the helpdesk").await;
        let triaged = support::change(
            &t.store,
            &b,
            Command::Transition { to: State::Triage, at: None, reason: None },
            "",
        )
        .await;
        let last = support::note(&t.store, &a, "Device wiped remotely").await;

        assert_eq!(triaged.incident.state(), State::Triage);
        assert_eq!(t.store.incident(b.id()).await.unwrap().state(), State::Triage);
        assert_eq!(last.entry.seq, 3);
        assert_eq!(last.entry.global_seq, 5);
        let summary = t.store.verify_log().await.unwrap().unwrap();
        assert_eq!((summary.entries, summary.incidents), (5, 2));
        assert_eq!(summary.global_head, last.entry.global_head());
        assert_eq!(t.store.verify_incident(a.id()).await.unwrap().unwrap().entries, 3);
        assert_eq!(t.store.verify_incident(b.id()).await.unwrap().unwrap().entries, 2);
    }

    async fn a_refused_change_leaves_the_store_unchanged(t: TestStore) {
        let opened = open(&t.store, "Suspicious login").await;
        let head = t.store.global_head().await.unwrap();
        let types = support::types();
        let ctx = support::context(&types);
        let err = t
            .store
            .append(opened.incident.id(), |current| {
                current.decide(
                    &ctx,
                    Command::Transition { to: State::Closed, at: None, reason: None },
                    String::new(),
                )
            })
            .await
            .unwrap_err();
        assert_eq!(err.class(), ErrorClass::BadInput);
        assert!(err.to_string().contains("allowed from reported: triage"), "{err}");
        assert_eq!(t.store.global_head().await.unwrap(), head);
        assert_eq!(t.store.incident(opened.incident.id()).await.unwrap(), opened.incident);
        assert_eq!(t.store.log_of(opened.incident.id()).await.unwrap().len(), 1);
    }

    async fn a_draft_for_another_incident_is_refused(t: TestStore) {
        let a = open(&t.store, "A").await.incident;
        let b = open(&t.store, "B").await.incident;
        let types = support::types();
        let ctx = support::context(&types);
        let err = t
            .store
            .append(a.id(), |_| b.decide(&ctx, Command::Note, "misfiled".to_owned()))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotApplicable(_)), "{err:?}");
        assert_eq!(t.store.global_head().await.unwrap().seq, 2);
        assert_eq!(t.store.log_of(b.id()).await.unwrap().len(), 1);
    }

    async fn an_unknown_incident_is_not_found(t: TestStore) {
        open(&t.store, "Only one").await;
        let err = t.store.incident("INC-2026-0002".parse::<IncidentKey>().unwrap()).await.unwrap_err();
        assert_eq!(err.class(), ErrorClass::NotFound);
        assert!(err.to_string().contains("INC-2026-0002"), "{err}");
        let types = support::types();
        let ctx = support::context(&types);
        let stranger = IncidentId::generate();
        let err = t
            .store
            .append(stranger, |current| current.decide(&ctx, Command::Note, "hello".to_owned()))
            .await
            .unwrap_err();
        assert_eq!(err.class(), ErrorClass::NotFound);
        assert_eq!(t.store.global_head().await.unwrap().seq, 1);
    }

    async fn an_incident_id_used_twice_is_a_conflict(t: TestStore) {
        let first = open(&t.store, "First").await.incident;
        let types = support::types();
        let ctx = support::context(&types);
        let err = t
            .store
            .open_incident(2026, |key| {
                let mut cmd = support::opening(key, "Second");
                cmd.id = first.id();
                rampart_core::Incident::open(&ctx, cmd, String::new())
            })
            .await
            .unwrap_err();
        assert_eq!(err.class(), ErrorClass::Conflict, "{err}");
        // The key number is not used up by the refused opening.
        assert_eq!(open(&t.store, "Third").await.incident.key().to_string(), "INC-2026-0002");
    }

    async fn concurrent_appends_keep_both_chains_intact(t: TestStore) {
        let mut incidents = Vec::new();
        for i in 0..4 {
            incidents.push(open(&t.store, &format!("Incident {i}")).await.incident);
        }
        let mut writers = Vec::new();
        for w in 0..8 {
            let store = t.store.clone();
            let incident = incidents[w % incidents.len()].clone();
            writers.push(tokio::spawn(async move {
                for n in 0..15 {
                    support::note(&store, &incident, &format!("writer {w} note {n}")).await;
                }
            }));
        }
        for writer in writers {
            writer.await.unwrap();
        }
        let summary = t.store.verify_log().await.unwrap().unwrap();
        assert_eq!(summary.entries, 4 + 8 * 15);
        for incident in &incidents {
            let log = t.store.log_of(incident.id()).await.unwrap();
            assert_eq!(log.len(), 1 + 2 * 15);
            let mut verifier = LogVerifier::for_incident(incident.id());
            log.iter().for_each(|e| verifier.push(e).unwrap());
            assert_eq!(t.store.incident(incident.id()).await.unwrap().head(), log.last().unwrap().incident_head());
        }
    }

    async fn appends_made_together_are_stored_as_acknowledged_and_a_refusal_stays_alone(t: TestStore) {
        let incident = open(&t.store, "Shared").await.incident;
        // Started together, these queue for one transaction; the odd ones are refused.
        let attempts: Vec<_> = (0..8)
            .map(|n| {
                let store = t.store.clone();
                let id = incident.id();
                tokio::spawn(async move {
                    let types = support::types();
                    let ctx = support::context(&types);
                    store
                        .append(id, |current| {
                            let cmd = if n % 2 == 0 {
                                Command::Note
                            } else {
                                Command::Transition { to: State::Closed, at: None, reason: None }
                            };
                            current.decide(&ctx, cmd, format!("attempt {n}"))
                        })
                        .await
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for attempt in attempts {
            outcomes.push(attempt.await.unwrap());
        }
        let mut stored = Vec::new();
        for (n, outcome) in outcomes.into_iter().enumerate() {
            match outcome {
                Ok(appended) => {
                    assert_eq!(n % 2, 0, "attempt {n} should have been refused");
                    assert_eq!(appended.entry.text, format!("attempt {n}"));
                    stored.push(appended.entry);
                }
                Err(err) => {
                    assert_eq!(n % 2, 1, "attempt {n}: {err}");
                    assert_eq!(err.class(), ErrorClass::BadInput);
                }
            }
        }
        // Each acknowledged entry is stored exactly as acknowledged.
        stored.sort_by_key(|entry| entry.seq);
        let log = t.store.log_of(incident.id()).await.unwrap();
        assert_eq!(log[1..], stored[..]);
        assert_eq!(t.store.verify_log().await.unwrap().unwrap().entries, 5);
        assert_eq!(t.store.incident(incident.id()).await.unwrap().head(), log[4].incident_head());
    }

    async fn the_record_survives_a_restart(t: TestStore) {
        let opened = open(&t.store, "Before restart").await;
        let t = t.reopen().await;
        assert_eq!(t.store.incident(opened.incident.id()).await.unwrap(), opened.incident);
        let next = support::note(&t.store, &opened.incident, "after restart").await;
        assert_eq!(next.entry.prev_hash, opened.entry.hash);
        assert_eq!(next.entry.global_prev_hash, opened.entry.global_hash);
        assert_ne!(t.store.global_head().await.unwrap(), ChainHead::GENESIS);
        assert!(t.store.verify_log().await.unwrap().is_ok());
    }
}
