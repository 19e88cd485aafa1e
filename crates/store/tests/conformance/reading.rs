//! Reading: lists with filters, and the whole log in batches.

use rampart_core::incident::{Command, IncidentType, Severity, SeverityOverride, State};
use rampart_store::IncidentFilter;

use crate::support::{self, TestStore, conformance, open, open_with};

conformance! {
    async fn lists_filter_by_state_severity_and_type(t: TestStore) {
        let breach = open_with(&t.store, 2026, "Customer table exposed", |cmd| {
            cmd.incident_type = IncidentType::DataBreach;
            cmd.severity_override = Some(SeverityOverride {
                severity: Severity::High,
                reason: "customer records".to_owned(),
            });
        })
        .await
        .incident;
        let access = open(&t.store, "VPN login from abroad").await.incident;
        support::change(
            &t.store,
            &access,
            Command::Transition { to: State::Triage, at: None, reason: None },
            "",
        )
        .await;
        let keys = |found: Vec<rampart_core::Incident>| -> Vec<String> {
            found.iter().map(|i| i.key().to_string()).collect()
        };

        let all = t.store.incidents(&IncidentFilter::default()).await.unwrap();
        assert_eq!(keys(all), ["INC-2026-0001", "INC-2026-0002"]);
        let filter = IncidentFilter { state: Some(State::Triage), ..Default::default() };
        assert_eq!(keys(t.store.incidents(&filter).await.unwrap()), ["INC-2026-0002"]);
        let filter = IncidentFilter { severity: Some(Severity::High), ..Default::default() };
        let high = t.store.incidents(&filter).await.unwrap();
        assert_eq!(high, vec![breach.clone()]);
        let filter = IncidentFilter {
            incident_type: Some(IncidentType::DataBreach),
            state: Some(State::Reported),
            ..Default::default()
        };
        assert_eq!(keys(t.store.incidents(&filter).await.unwrap()), ["INC-2026-0001"]);
        let filter = IncidentFilter { severity: Some(Severity::Low), ..Default::default() };
        assert!(t.store.incidents(&filter).await.unwrap().is_empty());
    }

    async fn the_whole_log_streams_in_batches_in_global_order(t: TestStore) {
        let a = open(&t.store, "A").await.incident;
        let b = open(&t.store, "B").await.incident;
        for n in 0..23 {
            let incident = if n % 3 == 0 { &a } else { &b };
            support::note(&t.store, incident, &format!("note {n}")).await;
        }
        let mut entries = t.store.entries_in_global_order(7);
        let mut sizes = Vec::new();
        let mut seqs = Vec::new();
        while let Some(batch) = entries.next_batch().await.unwrap() {
            sizes.push(batch.len());
            seqs.extend(batch.iter().map(|e| e.global_seq));
        }
        assert_eq!(sizes, [7, 7, 7, 4]);
        assert_eq!(seqs, (1..=25).collect::<Vec<u64>>());
        assert!(entries.next_batch().await.unwrap().is_none());
    }
}
