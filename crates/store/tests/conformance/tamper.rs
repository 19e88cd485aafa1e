//! Verification through the store finds rows changed, deleted or inserted behind its back and
//! names the first bad entry.

use rampart_core::{BreakKind, Command, Incident};
use rampart_store::DEFAULT_BATCH;

use crate::support::{self, TestStore, conformance, context, open, types};

/// Three incidents with two notes each: global entries 1–9.
async fn history(t: &TestStore) {
    for title in ["A", "B", "C"] {
        let incident = open(&t.store, title).await.incident;
        support::note(&t.store, &incident, "first note").await;
        support::note(&t.store, &incident, "second note").await;
    }
    assert!(t.store.verify_log().await.unwrap().is_ok());
}

/// One incident whose log spans three reading batches: global entries 1 to `2 × batch + 500`.
async fn long_history(t: &TestStore) -> u64 {
    let types = types();
    let ctx = context(&types);
    let incident = open(&t.store, "long").await.incident.id();
    let notes = 2 * DEFAULT_BATCH + 499;
    for chunk in 0..notes.div_ceil(5_000) {
        let count = (notes - chunk * 5_000).min(5_000);
        let changes = (0..count)
            .map(|_| {
                let ctx = &ctx;
                (incident, move |i: &Incident| {
                    i.decide(ctx, Command::Note, "checked".to_owned())
                })
            })
            .collect();
        t.store.append_batch(changes).await.expect("append notes");
    }
    u64::from(notes) + 1
}

conformance! {
    async fn an_edit_in_a_later_batch_is_named(t: TestStore) {
        let entries = long_history(&t).await;
        let summary = t.store.verify_log().await.unwrap().unwrap();
        assert_eq!(summary.entries, entries);
        support::tamper(&t, "UPDATE log_entries SET text = 'nothing' WHERE global_seq = 20123").await;
        let bad = t.store.verify_log().await.unwrap().unwrap_err();
        assert_eq!(bad.entry.map(|e| e.global_seq), Some(20_123));
    }

    async fn the_database_refuses_to_rewrite_history(t: TestStore) {
        history(&t).await;
        for sql in [
            "UPDATE log_entries SET text = 'nothing happened' WHERE global_seq = 5",
            "DELETE FROM log_entries WHERE global_seq = 9",
        ] {
            let refused = support::try_raw(&t, sql).await.unwrap_err();
            assert!(refused.to_string().contains("append-only"), "{sql}: {refused}");
        }
        assert!(t.store.verify_log().await.unwrap().is_ok());
    }

    async fn the_database_refuses_an_entry_that_does_not_extend_the_global_chain(t: TestStore) {
        history(&t).await;
        // A copy of entry 3 moved to the end: it neither follows the head's number nor its hash.
        let refused = support::try_raw(
            &t,
            "INSERT INTO log_entries SELECT (SELECT MAX(global_seq) + 1 FROM log_entries), \
             incident_id, seq + 1000, at, actor, kind, payload, text, prev_hash, hash, \
             global_prev_hash, global_hash FROM log_entries WHERE global_seq = 3",
        )
        .await
        .unwrap_err();
        assert!(
            refused.to_string().contains("does not extend the global chain head"),
            "{refused}"
        );
        assert!(t.store.verify_log().await.unwrap().is_ok());
    }

    async fn an_edited_entry_is_named(t: TestStore) {
        history(&t).await;
        support::tamper(&t, "UPDATE log_entries SET text = 'nothing happened' WHERE global_seq = 5").await;
        let bad = t.store.verify_log().await.unwrap().unwrap_err();
        assert_eq!(bad.entry.map(|e| e.global_seq), Some(5));
        assert!(matches!(*bad.kind, BreakKind::ContentHash { .. }), "{bad}");
    }

    async fn a_deleted_entry_is_named_by_the_next_one(t: TestStore) {
        history(&t).await;
        support::tamper(&t, "DELETE FROM log_entries WHERE global_seq = 4").await;
        let bad = t.store.verify_log().await.unwrap().unwrap_err();
        assert_eq!(bad.entry.map(|e| e.global_seq), Some(5));
    }

    async fn deleting_the_newest_entry_is_detected(t: TestStore) {
        history(&t).await;
        support::tamper(&t, "DELETE FROM log_entries WHERE global_seq = 9").await;
        let bad = t.store.verify_log().await.unwrap().unwrap_err();
        assert!(matches!(*bad.kind, BreakKind::Truncated { .. }), "{bad}");
        let incident = t.store.incidents(&Default::default()).await.unwrap().pop().unwrap();
        let bad = t.store.verify_incident(incident.id()).await.unwrap().unwrap_err();
        assert!(matches!(*bad.kind, BreakKind::Truncated { .. }), "{bad}");
    }

    async fn a_reordered_entry_is_named(t: TestStore) {
        history(&t).await;
        support::tamper(&t, "UPDATE log_entries SET global_seq = 100 WHERE global_seq = 2").await;
        support::tamper(&t, "UPDATE log_entries SET global_seq = 2 WHERE global_seq = 3").await;
        support::tamper(&t, "UPDATE log_entries SET global_seq = 3 WHERE global_seq = 100").await;
        let bad = t.store.verify_log().await.unwrap().unwrap_err();
        assert_eq!(bad.entry.map(|e| e.global_seq), Some(2));
    }

    async fn an_undecodable_row_is_an_integrity_failure(t: TestStore) {
        history(&t).await;
        support::tamper(&t, "UPDATE log_entries SET payload = '{not json' WHERE global_seq = 6").await;
        let err = t.store.verify_log().await.unwrap_err();
        assert_eq!(err.class(), rampart_store::ErrorClass::Integrity);
        assert!(err.to_string().contains("log entry 6"), "{err}");
    }
}
