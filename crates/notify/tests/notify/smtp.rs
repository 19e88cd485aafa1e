//! E-mail through a real SMTP server: STARTTLS and TLS on a test CA, the `Message-ID` from the
//! outbox id, the attempt in the incident's log with the hash of the exact bytes sent, a relay
//! that is down (the message stays pending, then arrives), giving up, and retrying by hand.

use std::time::Duration;

use rampart_core::Digest;
use rampart_notify::{Attachment, Dispatcher, Message, MessageState, NotifyConfig, Outbox};

use crate::support::sink::{Security, Sink, header};
use crate::support::{TestStore, config, deliveries, on_both_backends, open_incident};

/// Settings for the sink: its port, its security, trusting its CA; retries after one second.
pub fn smtp_config(sink: &Sink, security: Security) -> NotifyConfig {
    let security = match security {
        Security::Starttls => "starttls",
        Security::Tls => "tls",
    };
    config(
        &format!(
            "lease_seconds = 30\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"{security}\"\n\
             from = \"Rampart <rampart@example.org>\"\nca_file = {:?}\ntimeout_seconds = 10\n\
             [retry]\nfirst_delay_seconds = 1\nmax_delay_seconds = 1\n",
            sink.port, sink.ca_file
        ),
        &[],
    )
}

on_both_backends! {
    async fn an_incident_email_arrives_over_starttls_and_its_attempt_is_logged(t: TestStore) {
        let Some(sink) = Sink::start(Security::Starttls) else { return };
        let incident = open_incident(&t.store, "Unknown SP-API calls").await;
        let message = Message::email(
            ["Incident Commander <ic@example.org>"],
            "Paged: INC-2026-0001",
            "You are paged for INC-2026-0001.\nAcknowledge within 15 minutes.\n",
            "page:smtp:ic",
        )
        .for_incident(incident)
        .attach(Attachment {
            file_name: "timeline.txt".to_owned(),
            media_type: "text/plain".to_owned(),
            content: b"08:15 detected\n".to_vec(),
        });
        let id = Outbox::enqueue(&t.store, message).await.unwrap();
        let dispatcher = Dispatcher::new(t.store.clone(), smtp_config(&sink, Security::Starttls))
            .unwrap();
        let pass = dispatcher.deliver_due().await.unwrap();
        assert_eq!((pass.sent, pass.retried, pass.gave_up, pass.lost), (1, 0, 0, 0));

        let mails = sink.wait_for(1).await;
        assert_eq!(mails.len(), 1);
        let mail = &mails[0];
        assert_eq!(header(mail, "Message-ID").unwrap(), format!("<{id}@example.org>"));
        assert_eq!(header(mail, "Subject").unwrap(), "Paged: INC-2026-0001");
        assert!(header(mail, "To").unwrap().contains("ic@example.org"), "{mail}");
        assert!(mail.contains("Acknowledge within 15 minutes."), "{mail}");
        assert!(mail.contains("timeline.txt"), "{mail}");

        let (record, attempts) = Outbox::show(&t.store, id).await.unwrap();
        assert_eq!(record.state, MessageState::Sent);
        assert!(record.sent_at.is_some());
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].outcome, "sent");
        let rendered = record.rendered.expect("the exact bytes sent are kept");
        let eml = String::from_utf8(rendered.clone()).unwrap();
        assert!(eml.contains(&format!("Message-ID: <{id}@example.org>")), "{eml}");

        let logged = deliveries(&t.store, incident).await;
        assert_eq!(logged.len(), 1);
        let entry = &logged[0];
        assert_eq!(entry.actor, "outbox");
        assert_eq!(entry.payload["outcome"], "sent");
        assert_eq!(entry.payload["attempt"], 1);
        assert_eq!(entry.payload["message"], id.to_string());
        assert_eq!(
            entry.payload["content_sha256"],
            Digest::of(&rendered).to_string(),
            "the log holds the hash of the exact .eml sent"
        );
        assert!(t.store.verify_incident(incident).await.unwrap().is_ok());
    }

    async fn a_relay_that_is_down_leaves_the_message_pending_until_it_is_back(t: TestStore) {
        let Some(mut sink) = Sink::start(Security::Starttls) else { return };
        sink.stop();
        let incident = open_incident(&t.store, "Relay down").await;
        let message = Message::email(["ic@example.org"], "Paged", "Come now.\n", "page:down")
            .for_incident(incident);
        let id = Outbox::enqueue(&t.store, message).await.unwrap();
        let dispatcher = Dispatcher::new(t.store.clone(), smtp_config(&sink, Security::Starttls))
            .unwrap();
        let pass = dispatcher.deliver_due().await.unwrap();
        assert_eq!((pass.sent, pass.retried), (0, 1));
        let (record, _) = Outbox::show(&t.store, id).await.unwrap();
        assert_eq!(record.state, MessageState::Pending, "never shown as sent");
        assert!(record.last_error.is_some());
        assert!(record.next_attempt_at > record.created_at);
        let logged = deliveries(&t.store, incident).await;
        assert_eq!(logged.len(), 1);
        assert_eq!(logged[0].payload["outcome"], "failed");
        assert!(logged[0].payload["next_attempt"].is_string());

        // Not due yet: nothing is attempted.
        assert_eq!(dispatcher.deliver_due().await.unwrap().attempts(), 0);
        let sink = sink.restart();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let pass = dispatcher.deliver_due().await.unwrap();
        assert_eq!(pass.sent, 1);
        let mails = sink.wait_for(1).await;
        assert_eq!(header(&mails[0], "Message-ID").unwrap(), format!("<{id}@example.org>"));
        let outcomes: Vec<_> = deliveries(&t.store, incident)
            .await
            .iter()
            .map(|e| e.payload["outcome"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(outcomes, ["failed", "sent"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implicit_tls_delivers_and_a_given_up_message_can_be_retried() {
    let Some(mut sink) = Sink::start(Security::Tls) else {
        return;
    };
    let t = crate::support::sqlite().await;
    let mut message = Message::email(
        ["ops@example.org"],
        "Drill",
        "Tabletop at 10:00.\n",
        "drill:1",
    );
    message.max_attempts = 2;
    let id = Outbox::enqueue(&t.store, message).await.unwrap();
    let dispatcher = Dispatcher::new(t.store.clone(), smtp_config(&sink, Security::Tls)).unwrap();

    sink.stop();
    assert_eq!(dispatcher.deliver_due().await.unwrap().retried, 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(dispatcher.deliver_due().await.unwrap().gave_up, 1);
    let (record, attempts) = Outbox::show(&t.store, id).await.unwrap();
    assert_eq!(record.state, MessageState::Failed);
    let outcomes: Vec<&str> = attempts.iter().map(|a| a.outcome.as_str()).collect();
    assert_eq!(outcomes, ["failed", "gave_up"]);

    let retried = Outbox::retry(&t.store, id).await.unwrap();
    assert_eq!(retried.state, MessageState::Pending);
    assert_eq!(
        retried.max_attempts,
        2 + rampart_notify::DEFAULT_MAX_ATTEMPTS
    );
    let sink = sink.restart();
    assert_eq!(dispatcher.deliver_due().await.unwrap().sent, 1);
    let mails = sink.wait_for(1).await;
    assert_eq!(
        header(&mails[0], "Message-ID").unwrap(),
        format!("<{id}@example.org>")
    );
    let err = Outbox::retry(&t.store, id).await.unwrap_err();
    assert!(err.to_string().contains("is sent"), "{err}");
}
