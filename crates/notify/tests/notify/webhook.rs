//! Webhooks to a real HTTP receiver: the generic payload signed with HMAC-SHA256 (checked here
//! with an HMAC of the test's own), a server error retried with the same idempotency key, a
//! refusal given up on, Slack and Teams payloads, and configurations that are refused.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use rampart_notify::{Dispatcher, Message, MessageState, NotifyConfig, Outbox, Settings};
use serde_json::Value;
use sha2::Sha256;

use crate::support::receiver::{Received, Receiver};
use crate::support::{TestStore, config, deliveries, on_both_backends, open_incident};

const SECRET: &str = "hook-secret-3f9a";

fn hook_config(url: &str, format: &str) -> NotifyConfig {
    config(
        &format!(
            "[[webhooks]]\nname = \"ir-chat\"\nurl = \"{url}\"\nformat = \"{format}\"\n\
             secret_env = \"HOOK_SECRET\"\ntimeout_seconds = 5\n\
             [retry]\nfirst_delay_seconds = 1\nmax_delay_seconds = 1\n"
        ),
        &[("HOOK_SECRET", SECRET)],
    )
}

/// Checks the signature header of `request` independently of the library.
fn signature_holds(request: &Received) -> bool {
    let header = request.headers["x-rampart-signature"].to_str().unwrap();
    let (t, v1) = header.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&request.body);
    mac.verify_slice(&hex::decode(v1).unwrap()).is_ok()
}

on_both_backends! {
    async fn a_signed_webhook_is_retried_after_a_server_error_with_the_same_key(t: TestStore) {
        let receiver = Receiver::start(&[503]).await;
        let incident = open_incident(&t.store, "Webhook").await;
        let message = Message::webhook("ir-chat", "Paged: INC-2026-0001", "Come now.", "hook:1")
            .for_incident(incident);
        let id = Outbox::enqueue(&t.store, message).await.unwrap();
        let dispatcher =
            Dispatcher::new(t.store.clone(), hook_config(&receiver.url, "generic")).unwrap();
        assert_eq!(dispatcher.deliver_due().await.unwrap().retried, 1);
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(dispatcher.deliver_due().await.unwrap().sent, 1);

        let got = receiver.received();
        assert_eq!(got.len(), 2);
        for request in &got {
            assert!(signature_holds(request), "signature of {request:?}");
            assert_eq!(request.headers["idempotency-key"], id.to_string().as_str());
            assert_eq!(request.headers["content-type"], "application/json");
        }
        assert_eq!(got[0].body, got[1].body, "a retry sends the same bytes");
        let payload: Value = serde_json::from_slice(&got[0].body).unwrap();
        assert_eq!(payload["id"], id.to_string());
        assert_eq!(payload["subject"], "Paged: INC-2026-0001");
        assert_eq!(payload["body"], "Come now.");
        assert_eq!(payload["incident"], incident.to_string());
        assert_eq!(payload["idempotency_key"], "hook:1");

        let outcomes: Vec<_> = deliveries(&t.store, incident)
            .await
            .iter()
            .map(|e| e.payload["outcome"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(outcomes, ["failed", "sent"]);
        let (record, _) = Outbox::show(&t.store, id).await.unwrap();
        assert_eq!(record.state, MessageState::Sent);
    }

    async fn a_refusal_is_given_up_at_once_and_an_unknown_endpoint_too(t: TestStore) {
        let receiver = Receiver::start(&[400]).await;
        let refused = Outbox::enqueue(&t.store, Message::webhook("ir-chat", "s", "b", "hook:2"))
            .await
            .unwrap();
        let unknown = Outbox::enqueue(&t.store, Message::webhook("nowhere", "s", "b", "hook:3"))
            .await
            .unwrap();
        let dispatcher =
            Dispatcher::new(t.store.clone(), hook_config(&receiver.url, "generic")).unwrap();
        let pass = dispatcher.deliver_due().await.unwrap();
        assert_eq!((pass.sent, pass.gave_up), (0, 2));
        let (record, attempts) = Outbox::show(&t.store, refused).await.unwrap();
        assert_eq!(record.state, MessageState::Failed);
        assert!(attempts[0].detail.contains("HTTP 400"), "{attempts:?}");
        let (record, _) = Outbox::show(&t.store, unknown).await.unwrap();
        assert_eq!(record.state, MessageState::Failed);
        assert!(
            record.last_error.unwrap().contains("no webhook endpoint named \"nowhere\""),
        );
        assert_eq!(receiver.received().len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_and_teams_get_their_own_payloads() {
    for (format, check) in [
        ("slack", check_slack as fn(&Value)),
        ("teams", check_teams as fn(&Value)),
    ] {
        let t = crate::support::sqlite().await;
        let receiver = Receiver::start(&[]).await;
        let message = Message::webhook("ir-chat", "Paged <now>", "Line one\nLine two", "k");
        Outbox::enqueue(&t.store, message).await.unwrap();
        let dispatcher =
            Dispatcher::new(t.store.clone(), hook_config(&receiver.url, format)).unwrap();
        assert_eq!(dispatcher.deliver_due().await.unwrap().sent, 1);
        let got = receiver.received();
        check(&serde_json::from_slice(&got[0].body).unwrap());
    }
}

fn check_slack(payload: &Value) {
    assert_eq!(payload["text"], "*Paged &lt;now&gt;*\nLine one\nLine two");
}

fn check_teams(payload: &Value) {
    let card = &payload["attachments"][0];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(card["content"]["type"], "AdaptiveCard");
    assert_eq!(card["content"]["body"][0]["text"], "Paged <now>");
    assert_eq!(card["content"]["body"][1]["text"], "Line one\nLine two");
}

#[test]
fn unsafe_or_incomplete_configurations_are_refused_and_secrets_never_shown() {
    let refused = |toml_text: &str, env: &[(&str, &str)], expected: &str| {
        let settings: Settings = toml::from_str(toml_text).unwrap();
        let err = NotifyConfig::from_settings(&settings, |name| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains(expected), "{err} lacks {expected:?}");
        for (_, secret) in env {
            assert!(!err.contains(secret), "{err} shows a secret");
        }
    };
    refused(
        "[[webhooks]]\nname = \"a\"\nurl = \"https://example.org/h/T0K3N\"\n",
        &[],
        "a generic webhook is signed",
    );
    refused(
        "[[webhooks]]\nname = \"a\"\nurl = \"http://example.org/h/T0K3N\"\nformat = \"slack\"\n",
        &[],
        "must be https://",
    );
    refused(
        "[smtp]\nhost = \"mail.example.org\"\nsecurity = \"none\"\nfrom = \"r@example.org\"\n",
        &[],
        "allowed only to a loopback relay",
    );
    refused(
        "[smtp]\nhost = \"mail.example.org\"\nusername = \"r\"\nfrom = \"r@example.org\"\n",
        &[],
        "RAMPART_SMTP_PASSWORD",
    );
    refused(
        "lease_seconds = 10\n[smtp]\nhost = \"m.example.org\"\nfrom = \"r@example.org\"\n",
        &[],
        "must exceed the longest delivery timeout",
    );

    let shown = format!(
        "{:?}",
        config(
            "[smtp]\nhost = \"mail.example.org\"\nusername = \"r\"\nfrom = \"r@example.org\"\n\
             [[webhooks]]\nname = \"a\"\nurl = \"https://hooks.example.org/h/T0K3N\"\n\
             secret_env = \"S\"\n",
            &[("RAMPART_SMTP_PASSWORD", "pa55-word"), ("S", "hm4c-key")],
        )
    );
    for secret in ["pa55-word", "hm4c-key", "T0K3N"] {
        assert!(!shown.contains(secret), "{shown} shows {secret}");
    }
}
