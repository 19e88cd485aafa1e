//! Property: in random logs of several incidents, any single edit (of any field of any entry),
//! deletion (of an entry or of a whole incident), swap or insertion is detected, and the first bad
//! entry named is the right one.

#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use proptest::prelude::*;
use rampart_core::log::Sealer;
use rampart_core::{
    BreakKind, ChainBreak, ChainHead, Digest, EntryDraft, EntryHasher, IncidentId, LogEntry,
    LogVerifier,
};
use serde_json::json;

/// One generated entry: which incident, its text and a number for its payload.
type Spec = (usize, String, i64);

fn build(incidents: usize, specs: &[Spec]) -> Vec<LogEntry> {
    let ids: Vec<IncidentId> = (0..incidents).map(|_| IncidentId::generate()).collect();
    let mut log: Vec<LogEntry> = Vec::new();
    for (n, (which, text, number)) in specs.iter().enumerate() {
        let id = ids[which % incidents];
        log.push(forge(&log, id, n as i64, text, *number));
    }
    log
}

/// Seals a new, well-formed entry for `id` after everything in `before`.
fn forge(before: &[LogEntry], id: IncidentId, n: i64, text: &str, number: i64) -> LogEntry {
    let head = before
        .iter()
        .rev()
        .find(|e| e.incident == id)
        .map_or(ChainHead::GENESIS, LogEntry::incident_head);
    let global = before
        .last()
        .map_or(ChainHead::GENESIS, LogEntry::global_head);
    let draft = EntryDraft {
        incident: id,
        at: Timestamp::from_microsecond(1_790_000_000_000_000 + n * 1_000_001).unwrap(),
        actor: "alice".into(),
        kind: "incident.note_added".into(),
        payload: json!({"n": number, "nested": {"text": text, "list": [number, -1]}}),
        text: text.to_owned(),
    };
    Sealer::default().seal(draft, head, global).unwrap()
}

/// The first break, checking the end of the log against the head kept before tampering. Every
/// log is verified twice, entry by entry and with each entry's own hashes recomputed apart first
/// (as a store verifying on several threads does), and both must name the same break.
fn first_break(log: &[LogEntry], kept_head: ChainHead) -> Option<ChainBreak> {
    let by_entry = verify(log, kept_head, |verifier, entry| verifier.push(entry));
    let mut hasher = EntryHasher::default();
    let hashed_apart = verify(log, kept_head, |verifier, entry| {
        verifier.push_hashed(hasher.hash(entry.clone()))
    });
    assert_eq!(by_entry, hashed_apart, "both ways of verifying agree");
    by_entry
}

fn verify(
    log: &[LogEntry],
    kept_head: ChainHead,
    mut push: impl FnMut(&mut LogVerifier, &LogEntry) -> Result<(), ChainBreak>,
) -> Option<ChainBreak> {
    let mut verifier = LogVerifier::new();
    for entry in log {
        if let Err(b) = push(&mut verifier, entry) {
            return Some(b);
        }
    }
    verifier.finish_expecting(kept_head).err()
}

fn flip(d: &mut Digest) {
    d.0[7] ^= 0x20;
}

/// Changes field `field` (0–11, in declaration order) of `e`.
fn edit(e: &mut LogEntry, field: u8) {
    match field {
        0 => e.incident = IncidentId::generate(),
        1 => e.seq += 1,
        2 => e.global_seq += 1,
        3 => e.at = Timestamp::from_microsecond(e.at.as_microsecond() + 1).unwrap(),
        4 => e.actor.push('x'),
        5 => e.kind.push('x'),
        6 => e.payload["tampered"] = json!(1),
        7 => e.text.push('.'),
        8 => flip(&mut e.prev_hash),
        9 => flip(&mut e.hash),
        10 => flip(&mut e.global_prev_hash),
        _ => flip(&mut e.global_hash),
    }
}

fn log_strategy() -> impl Strategy<Value = (usize, Vec<Spec>)> {
    (1usize..5).prop_flat_map(|incidents| {
        let spec = (0..incidents, "\\PC{0,12}", any::<i64>());
        (Just(incidents), prop::collection::vec(spec, 2..40))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn intact_log_verifies((incidents, specs) in log_strategy()) {
        let log = build(incidents, &specs);
        let head = log.last().unwrap().global_head();
        prop_assert!(first_break(&log, head).is_none());
    }

    #[test]
    fn any_edit_is_named_at_the_edited_entry(
        (incidents, specs) in log_strategy(), at in any::<prop::sample::Index>(), field in 0u8..12,
    ) {
        let mut log = build(incidents, &specs);
        let head = log.last().unwrap().global_head();
        let i = at.index(log.len());
        edit(&mut log[i], field);
        let b = first_break(&log, head).unwrap();
        prop_assert_eq!(b.index, i as u64, "field {}: {}", field, b);
    }

    #[test]
    fn a_deleted_entry_is_named_at_the_entry_after_it(
        (incidents, specs) in log_strategy(), at in any::<prop::sample::Index>(),
    ) {
        let mut log = build(incidents, &specs);
        let head = log.last().unwrap().global_head();
        let i = at.index(log.len());
        log.remove(i);
        let b = first_break(&log, head).unwrap();
        prop_assert_eq!(b.index, i as u64);
        if i == log.len() {
            prop_assert!(matches!(*b.kind, BreakKind::Truncated { .. }), "{}", b);
        } else {
            prop_assert!(matches!(*b.kind, BreakKind::GlobalSeq { .. }), "{}", b);
        }
    }

    #[test]
    fn a_deleted_incident_is_named_where_its_first_entry_was(
        (incidents, specs) in log_strategy(), which in any::<prop::sample::Index>(),
    ) {
        let mut log = build(incidents, &specs);
        let head = log.last().unwrap().global_head();
        let victim = log[which.index(log.len())].incident;
        let first = log.iter().position(|e| e.incident == victim).unwrap();
        log.retain(|e| e.incident != victim);
        let b = first_break(&log, head).unwrap();
        prop_assert_eq!(b.index, first as u64);
        prop_assert_eq!(b.entry.is_none(), first == log.len());
    }

    #[test]
    fn a_swap_is_named_at_the_first_entry_out_of_place(
        (incidents, specs) in log_strategy(),
        a in any::<prop::sample::Index>(),
        b in any::<prop::sample::Index>(),
    ) {
        let mut log = build(incidents, &specs);
        let head = log.last().unwrap().global_head();
        let (i, j) = (a.index(log.len()), b.index(log.len()));
        prop_assume!(i != j);
        log.swap(i, j);
        let found = first_break(&log, head).unwrap();
        prop_assert_eq!(found.index, i.min(j) as u64);
    }

    #[test]
    fn an_inserted_copy_is_named_where_it_breaks_the_order(
        (incidents, specs) in log_strategy(),
        from in any::<prop::sample::Index>(),
        to in any::<prop::sample::Index>(),
    ) {
        let mut log = build(incidents, &specs);
        let head = log.last().unwrap().global_head();
        let (k, p) = (from.index(log.len()), to.index(log.len() + 1));
        log.insert(p, log[k].clone());
        // A copy placed just before its original reads as the original; the original then breaks.
        let expected = if k == p { p + 1 } else { p };
        prop_assert_eq!(first_break(&log, head).unwrap().index, expected as u64);
    }

    #[test]
    fn an_inserted_forgery_is_named_at_the_entry_it_displaces(
        (incidents, specs) in log_strategy(),
        to in any::<prop::sample::Index>(),
        text in "\\PC{0,12}",
    ) {
        let mut log = build(incidents, &specs);
        let head = log.last().unwrap().global_head();
        let p = to.index(log.len() + 1);
        let id = log[p.saturating_sub(1)].incident;
        let forged = forge(&log[..p], id, 999, &text, 7);
        log.insert(p, forged);
        // Correctly sealed where it stands, it breaks the sequence of the entry after it — or,
        // appended at the end, only the comparison with the head kept elsewhere.
        let b = first_break(&log, head).unwrap();
        prop_assert_eq!(b.index, (p + 1) as u64);
        prop_assert_eq!(b.entry.is_none(), p + 1 == log.len());
    }
}
