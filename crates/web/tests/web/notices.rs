//! Notices on the incident page: a notice to affected people drafted with a form, revised to a
//! new version, blocked by a law-enforcement hold, Amazon's missing approval and the
//! personal-data check, each resolved with a form, then sent (its e-mail queued once); every step
//! an entry in the log, stale approvals refused, viewers refused, forms CSRF-checked.

use axum::http::StatusCode;
use rampart_core::Command;
use rampart_core::incident::{LawEnforcementEngaged, RegisterAction};
use rampart_store::UserRole;
use serde_json::json;

use crate::pages::{post_form, text};
use crate::support::{Auth, TestApp, both_backends};

const TEMPLATE: &str =
    "Dear {{ recipient.name }}, about {{ incident.key }}: call us. Ref 123-45-6789.";

/// An incident with Amazon Information, referred to law enforcement; its key and the
/// engagement's id.
pub(crate) async fn referred_incident(t: &TestApp, auth: &Auth) -> (String, u64) {
    let answer = t
        .json(
            axum::http::Method::POST,
            "/api/v1/incidents",
            auth,
            json!({ "title": "Customer records copied", "type": "unauthorized_access",
                    "amazon_information": true }),
        )
        .await;
    let key = answer.json["key"].as_str().unwrap().to_owned();
    let engaged = RegisterAction::LawEnforcement(LawEnforcementEngaged {
        agency: "FBI".into(),
        contact: "Agent Smith".into(),
        case_number: None,
        referred: rampart_core::ZonedTime::utc(jiff::Timestamp::now()),
        shared: "the log".into(),
        requests: vec!["a notification hold".into()],
    });
    let engagement = t.append(&key, "rita", Command::Register(engaged)).await;
    (key, engagement)
}

/// Drafts the test notice on `key` as `auth`; returns its id.
pub(crate) async fn draft(t: &TestApp, auth: &Auth, key: &str) -> u64 {
    let answer = post_form(
        t,
        &format!("/incidents/{key}/notices"),
        auth,
        &[
            ("audience", "affected_people"),
            ("subject", "About your account"),
            ("template", TEMPLATE),
            (
                "recipients",
                "name,channel,email,phone,address\nAda Lovelace,email,ada@example.org,,\n",
            ),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
    let log = t.get(&format!("/api/v1/incidents/{key}/log"), auth).await;
    let entries = log.json["entries"].as_array().unwrap();
    let drafted = entries
        .iter()
        .rev()
        .find(|e| e["kind"] == "notice.drafted")
        .expect("drafted");
    drafted["seq"].as_u64().unwrap()
}

both_backends! {
    async fn a_notice_is_drafted_blocked_resolved_and_sent_from_the_incident_page(t: TestApp) {
        let rita = t.session_user("rita", UserRole::Responder).await;
        let (key, engagement) = referred_incident(&t, &rita).await;
        let notice = draft(&t, &rita, &key).await;
        let path = |what: &str| format!("/incidents/{key}/notices/{notice}/{what}");

        let bad = post_form(&t, &format!("/incidents/{key}/notices"), &rita, &[
            ("audience", "affected_people"), ("subject", "x"),
            ("template", "Hello {{ recipient.ssn }}"), ("recipients", "name,channel,email\nA,email,a@example.org\n"),
        ]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(&bad).contains("unknown field"), "{}", text(&bad));

        let revised = post_form(&t, &path("revise"), &rita, &[("body", &format!("{TEMPLATE}\nRegards"))]).await;
        assert_eq!(revised.status, StatusCode::SEE_OTHER, "{}", text(&revised));
        let hold = post_form(&t, &format!("/incidents/{key}/holds"), &rita, &[
            ("engagement", &engagement.to_string()), ("officer", "Agent Smith"),
            ("requested_on", "2026-01-05T09:00:00Z"), ("until", ""),
        ]).await;
        assert_eq!(hold.status, StatusCode::SEE_OTHER, "{}", text(&hold));

        let page = text(&t.get(&format!("/incidents/{key}"), &rita).await);
        assert!(page.contains("version 2"), "{page}");
        for gate in ["law_enforcement_hold", "approval", "amazon_approval", "personal_data"] {
            assert!(page.contains(&format!("Blocked by {gate}:")), "{gate}: {page}");
        }
        let refused = post_form(&t, &path("send"), &rita, &[]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(&refused).contains("law_enforcement_hold"), "{}", text(&refused));

        let stale = post_form(&t, &path("decide"), &rita, &[("decision", "approved"), ("version", "1")]).await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY, "approving a version no longer current");
        let hold_id = t.get(&format!("/api/v1/incidents/{key}/notices"), &rita).await
            .json["registers"]["holds"][0]["id"].as_u64().unwrap();
        let lifted = post_form(&t, &format!("/incidents/{key}/holds/{hold_id}/lift"), &rita, &[("reason", "the FBI agreed")]).await;
        assert_eq!(lifted.status, StatusCode::SEE_OTHER, "{}", text(&lifted));
        for (decision, reason) in [("approved", ""), ("amazon_approved", ""), ("pii_overridden", "the reference is the case number")] {
            let answer = post_form(&t, &path("decide"), &rita, &[("decision", decision), ("version", "2"), ("reason", reason)]).await;
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{decision}: {}", text(&answer));
        }
        let sent = post_form(&t, &path("send"), &rita, &[]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", text(&sent));
        let again = post_form(&t, &path("send"), &rita, &[]).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "sending again queues what is missing");

        let page = text(&t.get(&format!("/incidents/{key}"), &rita).await);
        assert!(page.contains("<strong class=\"state-sent\">sent</strong>"), "{page}");
        assert!(page.contains("v2 notice.pii_overridden by rita: the reference is the case number"), "{page}");
        let id = t.app.store().incident(rampart_store::IncidentRef::Key(key.parse().unwrap())).await.unwrap().id();
        let filter = rampart_store::outbox::OutboxFilter { incident: Some(id), ..Default::default() };
        let queued = t.app.store().outbox_list(&filter).await.unwrap();
        assert_eq!(queued.len(), 1, "one e-mail, queued once");
        let log = t.get(&format!("/api/v1/incidents/{key}/log"), &rita).await;
        let kinds: Vec<&str> = log.json["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        for kind in ["notice.drafted", "notice.revised", "notification_hold.requested", "notification_hold.lifted",
                     "notice.approved", "notice.amazon_approved", "notice.pii_overridden", "notice.sending"] {
            assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
        }
    }

    async fn notice_forms_are_for_responders_and_need_the_form_token(t: TestApp) {
        let rita = t.session_user("rita", UserRole::Responder).await;
        let vic = t.session_user("vic", UserRole::Viewer).await;
        let (key, _) = referred_incident(&t, &rita).await;
        let notice = draft(&t, &rita, &key).await;
        let approve = format!("/incidents/{key}/notices/{notice}/decide");
        let fields = [("decision", "approved"), ("version", "1")];
        assert_eq!(post_form(&t, &approve, &vic, &fields).await.status, StatusCode::FORBIDDEN);
        let Auth::Session { cookie, .. } = &rita else { unreachable!() };
        let forged = Auth::Session { cookie: cookie.clone(), csrf: None };
        assert_eq!(post_form(&t, &approve, &forged, &fields).await.status, StatusCode::FORBIDDEN);
        let page = text(&t.get(&format!("/incidents/{key}"), &vic).await);
        assert!(page.contains("About your account") && !page.contains("/decide\""), "viewers read, without forms: {page}");
    }
}

both_backends! {
    async fn amazons_review_counts_only_where_a_regime_requires_the_notice(t: TestApp) {
        let rita = t.user("rita", UserRole::Responder).await;
        let answer = t.json(axum::http::Method::POST, "/api/v1/incidents", &rita,
            json!({ "title": "Customer records copied", "type": "unauthorized_access",
                    "amazon_information": true, "personal_data": true })).await;
        let key = answer.json["key"].as_str().unwrap().to_owned();
        let notice = draft(&t, &rita, &key).await;
        let decide = format!("/incidents/{key}/notices/{notice}/decide");
        for (decision, reason) in [("approved", ""), ("amazon_reviewed", ""), ("pii_overridden", "the reference is the case number")] {
            let answer = post_form(&t, &decide, &rita, &[("decision", decision), ("version", "1"), ("reason", reason)]).await;
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{decision}: {}", text(&answer));
        }
        let page = text(&t.get(&format!("/incidents/{key}"), &rita).await);
        assert!(page.contains("Blocked by amazon_approval: Amazon reviewed this notice, but no regime in force requires it"), "{page}");
        assert!(!page.contains("value=\"amazon_reviewed\""), "no review button where the law does not require the notice");
        let send = format!("/incidents/{key}/notices/{notice}/send");
        assert_eq!(post_form(&t, &send, &rita, &[]).await.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The company is under the GDPR: once confirmed, art. 34 requires telling the data subjects.
        let data_dir = t.app.store().config().data_dir().to_owned();
        std::fs::write(data_dir.join("rampart.toml"), "[clocks]\nregimes = [\"amazon_incident\", \"gdpr\"]\n").unwrap();
        for state in ["triage", "confirmed"] {
            let moved = t.json(axum::http::Method::POST, &format!("/api/v1/incidents/{key}/transitions"), &rita, json!({ "state": state })).await;
            assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
        }
        let page = text(&t.get(&format!("/incidents/{key}"), &rita).await);
        assert!(!page.contains("Blocked by amazon_approval"), "{page}");
        assert_eq!(post_form(&t, &send, &rita, &[]).await.status, StatusCode::SEE_OTHER);
    }
}
