//! A notice shared with external reviewers: the share is logged; each reviewer sees only the
//! notices shared with them and nothing else of the incident; requesting changes needs a comment;
//! a stale version is refused; the approval of a reviewer for Amazon is Amazon's recorded
//! approval, another reviewer's approval is logged as theirs.

use axum::http::StatusCode;
use rampart_store::UserRole;

use crate::notices::{draft, referred_incident};
use crate::pages::{post_form, text};
use crate::support::both_backends;

both_backends! {
    async fn an_external_reviewer_sees_only_the_shared_notice_and_decides_on_it(t: TestApp) {
        let rita = t.session_user("rita", UserRole::Responder).await;
        let amy = t.session_user("amy", UserRole::ExternalReviewer).await;
        let bob = t.session_user("bob", UserRole::ExternalReviewer).await;
        let (key, _) = referred_incident(&t, &rita).await;
        let notice = draft(&t, &rita, &key).await;
        let users = t.app.store().users().await.unwrap();
        let id_of = |name: &str| users.iter().find(|u| u.name == name).unwrap().id.to_string();
        let share = format!("/incidents/{key}/notices/{notice}/share");
        let shared = post_form(&t, &share, &rita, &[("reviewer", &id_of("amy")), ("for_amazon", "yes")]).await;
        assert_eq!(shared.status, StatusCode::SEE_OTHER, "{}", text(&shared));
        let page = text(&t.get(&format!("/incidents/{key}"), &rita).await);
        assert!(page.contains("Shared for review with amy (for Amazon)"), "{page}");

        let list = text(&t.get("/reviews", &amy).await);
        let review = format!("/reviews/{key}/{notice}");
        assert!(list.contains(&format!("href=\"{review}\"")) && list.contains("About your account"), "{list}");
        let shown = text(&t.get(&review, &amy).await);
        assert!(shown.contains("Dear {{ recipient.name }}") && !shown.contains("Customer records copied"), "{shown}");
        assert_eq!(t.get(&format!("/incidents/{key}"), &amy).await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.get(&format!("/api/v1/incidents/{key}/notices"), &amy).await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.get(&review, &bob).await.status, StatusCode::NOT_FOUND, "not shared with bob");
        assert!(text(&t.get("/reviews", &bob).await).contains("No notice is shared with you."));
        assert_eq!(t.get("/reviews", &rita).await.status, StatusCode::FORBIDDEN);

        let bare = post_form(&t, &review, &amy, &[("decision", "changes"), ("version", "1"), ("comment", "")]).await;
        assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY, "changes need a comment");
        let changes = post_form(&t, &review, &amy, &[("decision", "changes"), ("version", "1"), ("comment", "Drop the reference number")]).await;
        assert_eq!(changes.status, StatusCode::SEE_OTHER, "{}", text(&changes));
        let revised = post_form(&t, &format!("/incidents/{key}/notices/{notice}/revise"), &rita, &[("body", "Dear {{ recipient.name }}, call us.")]).await;
        assert_eq!(revised.status, StatusCode::SEE_OTHER);
        let stale = post_form(&t, &review, &amy, &[("decision", "approve"), ("version", "1")]).await;
        assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY, "version 1 is no longer current");
        let approved = post_form(&t, &review, &amy, &[("decision", "approve"), ("version", "2"), ("comment", "Fine now")]).await;
        assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", text(&approved));

        let shared = post_form(&t, &share, &rita, &[("reviewer", &id_of("bob"))]).await;
        assert_eq!(shared.status, StatusCode::SEE_OTHER);
        let by_bob = post_form(&t, &review, &bob, &[("decision", "approve"), ("version", "2")]).await;
        assert_eq!(by_bob.status, StatusCode::SEE_OTHER, "{}", text(&by_bob));

        let notices = t.get(&format!("/api/v1/incidents/{key}/notices"), &rita).await;
        let events = &notices.json["notices"][0]["events"];
        assert_eq!(events[0], serde_json::json!(["notice.changes_requested", 1, "amy", "Drop the reference number"]));
        assert_eq!(events[1], serde_json::json!(["notice.amazon_approved", 2, "amy", "Fine now"]));
        assert_eq!(events.as_array().unwrap().len(), 2, "bob's approval is not Amazon's: {events}");
        let log = t.get(&format!("/api/v1/incidents/{key}/log"), &rita).await;
        let texts: Vec<&str> = log.json["entries"].as_array().unwrap().iter().filter_map(|e| e["text"].as_str()).collect();
        assert!(texts.iter().any(|t| t.contains("shared with external reviewer amy, who reviews for Amazon")), "{texts:?}");
        assert!(texts.iter().any(|t| t.starts_with("external reviewer bob approved version 2 of notice")), "{texts:?}");
    }
}
