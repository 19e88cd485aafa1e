//! Accounts: the setup link, invitations, sessions, API tokens, shares and the reader's view of
//! the incident list.

use jiff::{SignedDuration, Timestamp};
use rampart_store::{
    IncidentFilter, IncidentQuery, IncidentRow, IncidentSort, LinkOutcome, StateCount, StoreError,
    UserRole, Visibility,
};

use rampart_core::incident::{Command, State};

use crate::support::{self, TestStore, conformance, open};

fn hash(n: u8) -> [u8; 32] {
    [n; 32]
}

fn later(hours: i64) -> Timestamp {
    Timestamp::now() + SignedDuration::from_hours(hours)
}

fn query(visibility: Visibility) -> IncidentQuery {
    IncidentQuery {
        filter: IncidentFilter::default(),
        search: None,
        visibility,
        sort: IncidentSort::Key,
        descending: false,
        after: None,
        limit: 50,
    }
}

conformance! {
    async fn the_setup_link_creates_one_administrator_once(t: TestStore) {
        let now = Timestamp::now();
        assert_eq!(t.store.user_count().await.unwrap(), 0);
        t.store.create_account_link(hash(1), None, now, later(24)).await.unwrap();
        // A second setup link withdraws the first.
        t.store.create_account_link(hash(2), None, now, later(24)).await.unwrap();
        let stale = t.store.take_account_link(hash(1), "ada", "$argon2id$x", now).await.unwrap();
        assert_eq!(stale, LinkOutcome::Invalid);

        let LinkOutcome::AdministratorCreated(ada) =
            t.store.take_account_link(hash(2), "ada", "$argon2id$x", now).await.unwrap()
        else {
            panic!("the setup link did not create the administrator");
        };
        assert_eq!(ada.role, UserRole::Administrator);
        assert_eq!(ada.password_hash.as_deref(), Some("$argon2id$x"));
        let again = t.store.take_account_link(hash(2), "eve", "$argon2id$y", now).await.unwrap();
        assert_eq!(again, LinkOutcome::Invalid);

        // Once an administrator exists, a new setup link creates nobody.
        t.store.create_account_link(hash(3), None, now, later(24)).await.unwrap();
        let late = t.store.take_account_link(hash(3), "eve", "$argon2id$y", now).await.unwrap();
        assert_eq!(late, LinkOutcome::Invalid);
        assert_eq!(t.store.user_count().await.unwrap(), 1);
    }

    async fn invitations_set_a_password_until_they_expire(t: TestStore) {
        let now = Timestamp::now();
        let bob = t.store.create_user("bob", UserRole::Responder, now).await.unwrap();
        assert!(bob.password_hash.is_none());
        let taken = t.store.create_user("bob", UserRole::Viewer, now).await.unwrap_err();
        assert!(matches!(taken, StoreError::Conflict { .. }), "{taken}");

        t.store.create_account_link(hash(4), Some(bob.id), now, later(-1)).await.unwrap();
        let expired = t.store.take_account_link(hash(4), "", "$argon2id$b", now).await.unwrap();
        assert_eq!(expired, LinkOutcome::Invalid);
        t.store.create_account_link(hash(5), Some(bob.id), now, later(1)).await.unwrap();
        let LinkOutcome::PasswordSet(bob) =
            t.store.take_account_link(hash(5), "", "$argon2id$b", now).await.unwrap()
        else {
            panic!("the invitation did not set the password");
        };
        assert_eq!(bob.password_hash.as_deref(), Some("$argon2id$b"));
        assert_eq!(t.store.user_by_name("bob").await.unwrap(), Some(bob));
    }

    async fn sessions_expire_and_end_everywhere(t: TestStore) {
        let now = Timestamp::now();
        let carol = t.store.create_user("carol", UserRole::Viewer, now).await.unwrap();
        t.store.create_session(hash(6), carol.id, "csrf-a", now, later(8)).await.unwrap();
        t.store.create_session(hash(7), carol.id, "csrf-b", now, later(8)).await.unwrap();
        t.store.create_session(hash(8), carol.id, "csrf-c", now, later(-1)).await.unwrap();

        let live = t.store.session(hash(6), now).await.unwrap().expect("live session");
        assert_eq!(live.user.name, "carol");
        assert_eq!(live.csrf_token, "csrf-a");
        assert!(t.store.session(hash(8), now).await.unwrap().is_none(), "expired");
        assert!(t.store.session(hash(9), now).await.unwrap().is_none(), "unknown");

        t.store.delete_session(hash(6)).await.unwrap();
        assert!(t.store.session(hash(6), now).await.unwrap().is_none());
        assert!(t.store.session(hash(7), now).await.unwrap().is_some());
        let ended = t.store.delete_sessions_of(carol.id, now).await.unwrap();
        assert_eq!(ended, 2);
        assert!(t.store.session(hash(7), now).await.unwrap().is_none());

        // Disabling a user ends their sessions and refuses new ones.
        t.store.create_session(hash(10), carol.id, "csrf-d", now, later(8)).await.unwrap();
        let carol = t.store.update_user(carol.id, UserRole::Viewer, true).await.unwrap().unwrap();
        assert!(carol.disabled);
        assert!(t.store.session(hash(10), now).await.unwrap().is_none());
    }

    async fn api_tokens_work_until_revoked(t: TestStore) {
        let now = Timestamp::now();
        let dave = t.store.create_user("dave", UserRole::Responder, now).await.unwrap();
        let erin = t.store.create_user("erin", UserRole::Responder, now).await.unwrap();
        let id = t.store.create_api_token(hash(11), dave.id, "ci", now).await.unwrap();
        assert_eq!(t.store.api_token_user(hash(11)).await.unwrap().map(|u| u.name), Some("dave".into()));
        assert!(t.store.api_token_user(hash(12)).await.unwrap().is_none());

        assert!(!t.store.revoke_api_token(erin.id, id, now).await.unwrap(), "not erin's token");
        assert!(t.store.revoke_api_token(dave.id, id, now).await.unwrap());
        assert!(!t.store.revoke_api_token(dave.id, id, now).await.unwrap(), "already revoked");
        assert!(t.store.api_token_user(hash(11)).await.unwrap().is_none());
        let listed = t.store.api_tokens_of(dave.id).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "ci");
        assert!(listed[0].revoked_at.is_some());
    }

    async fn readers_see_what_their_role_allows(t: TestStore) {
        let now = Timestamp::now();
        // The support helpers open incidents as analyst@example.org.
        let a = open(&t.store, "Phishing mail").await.incident;
        let b = open(&t.store, "VPN login from abroad").await.incident;
        let reviewer = t.store.create_user("counsel", UserRole::ExternalReviewer, now).await.unwrap();
        t.store.share_incident(b.id(), reviewer.id, "ada", now).await.unwrap();
        t.store.share_incident(b.id(), reviewer.id, "ada", now).await.unwrap();
        assert!(t.store.is_shared(b.id(), reviewer.id).await.unwrap());
        assert!(!t.store.is_shared(a.id(), reviewer.id).await.unwrap());

        let keys = |page: rampart_store::IncidentPage| -> Vec<String> {
            page.incidents.iter().map(|i| i.key().to_string()).collect()
        };
        let all = t.store.incident_page(&query(Visibility::All)).await.unwrap();
        assert_eq!(keys(all), ["INC-2026-0001", "INC-2026-0002"]);
        let own = query(Visibility::OpenedBy("analyst@example.org".into()));
        assert_eq!(t.store.incident_page(&own).await.unwrap().incidents.len(), 2);
        let other = query(Visibility::OpenedBy("someone else".into()));
        assert!(t.store.incident_page(&other).await.unwrap().incidents.is_empty());
        let shared = query(Visibility::SharedWith(reviewer.id));
        assert_eq!(keys(t.store.incident_page(&shared).await.unwrap()), ["INC-2026-0002"]);

        let mut search = query(Visibility::All);
        search.search = Some("vpn".into());
        assert_eq!(keys(t.store.incident_page(&search).await.unwrap()), ["INC-2026-0002"]);
        search.search = Some("100%".into());
        assert!(t.store.incident_page(&search).await.unwrap().incidents.is_empty());

        let counts = t.store.incident_counts(&Visibility::All).await.unwrap();
        let expected = StateCount { state: "reported".into(), severity: None, count: 2 };
        assert_eq!(counts, [expected]);
        let shared = t.store.incident_counts(&Visibility::SharedWith(reviewer.id)).await.unwrap();
        assert_eq!(shared.iter().map(|c| c.count).sum::<u64>(), 1);
        let recent = t.store.recent_entries(1).await.unwrap();
        assert_eq!(recent.len(), 1);
        assert_eq!(recent[0].key, "INC-2026-0002");
        assert_eq!(recent[0].entry.incident, b.id());
    }

    async fn the_list_follows_every_entry(t: TestStore) {
        // A note changes only the record and the time of the last change; a transition changes an
        // indexed column too. Both show in the list's filters, counts and sort.
        let a = open(&t.store, "Phishing mail").await.incident;
        let b = open(&t.store, "VPN login from abroad").await.incident;
        support::note(&t.store, &a, "Mail headers saved").await;
        let mut q = query(Visibility::All);
        q.sort = IncidentSort::Updated;
        q.descending = true;
        let first = |page: rampart_store::IncidentPage| page.incidents[0].key().to_string();
        assert_eq!(first(t.store.incident_page(&q).await.unwrap()), "INC-2026-0001");
        let to = State::Triage;
        support::change(&t.store, &b, Command::Transition { to, at: None, reason: None }, "").await;
        assert_eq!(first(t.store.incident_page(&q).await.unwrap()), "INC-2026-0002");
        let mut triage = query(Visibility::All);
        triage.filter.state = Some(to);
        let page = t.store.incident_page(&triage).await.unwrap();
        assert_eq!(page.incidents.len(), 1);
        assert_eq!(page.incidents[0].id(), b.id());
        let counts = t.store.incident_counts(&Visibility::All).await.unwrap();
        let count = |state: &str| counts.iter().find(|c| c.state == state).map(|c| c.count);
        assert_eq!((count("reported"), count("triage")), (Some(1), Some(1)));
        let noted = t.store.incident(a.id()).await.unwrap();
        assert_eq!(noted.head().seq, 2);
        assert!(noted.updated_at() > a.updated_at());
    }

    async fn pages_follow_the_cursor_in_either_direction(t: TestStore) {
        // The first was detected an hour before, two hours east of UTC: the list shows it so.
        let east = jiff::tz::Offset::from_hours(2).unwrap();
        let earlier = Timestamp::now() - SignedDuration::from_hours(1);
        let detected = rampart_core::ZonedTime::new(earlier, east).unwrap();
        support::open_with(&t.store, 2026, "incident 0", |cmd| cmd.detected = Some(detected)).await;
        for n in 1..7 {
            open(&t.store, &format!("incident {n}")).await;
        }
        for sort in [IncidentSort::Key, IncidentSort::Detected, IncidentSort::Updated] {
            for descending in [false, true] {
                let mut q = query(Visibility::All);
                q.sort = sort;
                q.descending = descending;
                q.limit = 3;
                let mut seen = Vec::new();
                let mut sizes = Vec::new();
                loop {
                    let page = t.store.incident_page(&q).await.unwrap();
                    // The list's rows are the same incidents, read from their columns.
                    let rows = t.store.incident_rows(&q).await.unwrap();
                    let shown: Vec<IncidentRow> = page.incidents.iter().map(|i| IncidentRow {
                        key: i.key().to_string(),
                        title: i.title().to_owned(),
                        state: i.state().name().to_owned(),
                        severity: i.severity().map(|s| s.name().to_owned()),
                        detected: i.times().detected,
                    }).collect();
                    assert_eq!((rows.rows, rows.next), (shown, page.next));
                    if let Some(first) = page.incidents.iter().find(|i| i.key().number() == 1) {
                        assert_eq!(first.times().detected, detected);
                    }
                    sizes.push(page.incidents.len());
                    seen.extend(page.incidents.iter().map(|i| i.key().number()));
                    match page.next {
                        Some(next) => q.after = Some(next),
                        None => break,
                    }
                }
                let mut expected: Vec<u32> = (1..=7).collect();
                if descending {
                    expected.reverse();
                }
                assert_eq!(sizes, [3, 3, 1], "{sort:?} descending={descending}");
                assert_eq!(seen, expected, "{sort:?} descending={descending}");
            }
        }
    }
}
