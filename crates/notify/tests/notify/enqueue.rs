//! Enqueueing: idempotency keys, refusals with the field at fault, attachments kept in order.

use rampart_notify::{Attachment, Message, MessageState, NotifyError, Outbox, OutboxFilter};
use rampart_store::StoreError;

use crate::support::{TestStore, on_both_backends, open_incident};

fn page(key: &str) -> Message {
    Message::email(
        ["Incident Commander <ic@example.org>"],
        "Paged: INC-2026-0001",
        "You are paged for INC-2026-0001.\n",
        key,
    )
}

on_both_backends! {
    async fn the_same_idempotency_key_enqueued_twice_is_one_message(t: TestStore) {
        let incident = open_incident(&t.store, "Paged twice").await;
        let message = page("page:1:ic").for_incident(incident);
        let (first, added) = Outbox::enqueue_checked(&t.store, message.clone()).await.unwrap();
        let (second, added_again) = Outbox::enqueue_checked(&t.store, message).await.unwrap();
        assert!(added);
        assert!(!added_again);
        assert_eq!(first, second);
        let all = Outbox::list(&t.store, &OutboxFilter::default()).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].id, first.0);
        assert_eq!(all[0].state, MessageState::Pending);
        assert_eq!(all[0].incident, Some(incident));
        assert_eq!(all[0].attempts, 0);
        assert_eq!(all[0].recipients, ["Incident Commander <ic@example.org>"]);
    }

    async fn a_different_message_under_a_used_key_is_refused(t: TestStore) {
        Outbox::enqueue(&t.store, page("page:2:ic")).await.unwrap();
        let mut other = page("page:2:ic");
        other.body = "Something else entirely.\n".to_owned();
        let err = Outbox::enqueue(&t.store, other).await.unwrap_err();
        assert!(
            matches!(&err, NotifyError::Store(StoreError::Conflict { .. })),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains("page:2:ic") && text.contains("other content"), "{text}");
        let all = Outbox::list(&t.store, &OutboxFilter::default()).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].body, "You are paged for INC-2026-0001.\n");
    }

    async fn malformed_messages_are_refused_with_the_field_at_fault(t: TestStore) {
        let cases: Vec<(Message, &str)> = vec![
            (Message::email(["not an address"], "s", "b", "k1"), "message to: recipient 1"),
            (Message::email(Vec::<String>::new(), "s", "b", "k2"), "message to:"),
            (Message::email(["a@example.org"], "two\nlines", "b", "k3"), "message subject"),
            (Message::email(["a@example.org"], "s", "  ", "k4"), "message body"),
            (Message::email(["a@example.org"], "s", "b", ""), "message idempotency key"),
            (Message::webhook("a b", "s", "b", "k5"), "message to:"),
            (
                Message::webhook("ir-chat", "s", "b", "k6").attach(Attachment {
                    file_name: "x.txt".to_owned(),
                    media_type: "text/plain".to_owned(),
                    content: b"x".to_vec(),
                }),
                "message attachments",
            ),
            (
                Message::email(["a@example.org"], "s", "b", "k7").attach(Attachment {
                    file_name: "../etc/passwd".to_owned(),
                    media_type: "text/plain".to_owned(),
                    content: b"x".to_vec(),
                }),
                "without a path",
            ),
        ];
        for (message, expected) in cases {
            let err = Outbox::enqueue(&t.store, message).await.unwrap_err();
            assert!(matches!(err, NotifyError::Invalid { .. }), "{err:?}");
            assert!(err.to_string().contains(expected), "{err} lacks {expected:?}");
        }
        let unknown = rampart_core::IncidentId::generate();
        let err = Outbox::enqueue(&t.store, page("k8").for_incident(unknown))
            .await
            .unwrap_err();
        assert!(
            matches!(err, NotifyError::Store(StoreError::IncidentNotFound(_))),
            "{err:?}"
        );
        let all = Outbox::list(&t.store, &OutboxFilter::default()).await.unwrap();
        assert!(all.is_empty(), "nothing was written: {all:?}");
    }

    async fn attachments_are_kept_in_order_and_listing_filters(t: TestStore) {
        let incident = open_incident(&t.store, "With evidence").await;
        let with_files = page("report:1")
            .for_incident(incident)
            .attach(Attachment {
                file_name: "timeline.txt".to_owned(),
                media_type: "text/plain".to_owned(),
                content: b"08:15 detected\n".to_vec(),
            })
            .attach(Attachment {
                file_name: "report.eml".to_owned(),
                media_type: "message/rfc822".to_owned(),
                content: b"Subject: x\r\n\r\nbody\r\n".to_vec(),
            });
        let id = Outbox::enqueue(&t.store, with_files).await.unwrap();
        Outbox::enqueue(&t.store, page("other:1")).await.unwrap();
        let files = t.store.outbox_attachments(id.0).await.unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(names, ["timeline.txt", "report.eml"]);
        assert_eq!(files[1].content, b"Subject: x\r\n\r\nbody\r\n");
        let of_incident = OutboxFilter {
            incident: Some(incident),
            ..OutboxFilter::default()
        };
        let listed = Outbox::list(&t.store, &of_incident).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, id.0);
        let sent = OutboxFilter {
            state: Some(MessageState::Sent),
            ..OutboxFilter::default()
        };
        assert!(Outbox::list(&t.store, &sent).await.unwrap().is_empty());
        let (shown, attempts) = Outbox::show(&t.store, id).await.unwrap();
        assert_eq!(shown.idempotency_key, "report:1");
        assert!(attempts.is_empty());
    }
}
