//! Incidents through the router: the whole flow the command line has, what each role sees, and
//! bad input refused with the error body and nothing written.

use axum::http::{Method, StatusCode};
use rampart_store::UserRole;
use serde_json::json;
use sha2::{Digest as _, Sha256};

use crate::support::{Auth, both_backends};

both_backends! {
    async fn a_responder_works_an_incident_end_to_end(t: TestApp) {
        let bob = t.user("bob", UserRole::Responder).await;
        let key = t.open(&bob, "Unknown SP-API calls").await;
        assert_eq!(key, format!("INC-{}-0001", jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::UTC).year()));
        let base = format!("/api/v1/incidents/{key}");

        for state in ["triage", "confirmed"] {
            let answer = t
                .json(Method::POST, &format!("{base}/transitions"), &bob, json!({ "state": state }))
                .await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
            assert_eq!(answer.json["incident"]["state"], state);
            assert_eq!(answer.json["entry"]["actor"], "bob");
        }
        let illegal = t
            .json(Method::POST, &format!("{base}/transitions"), &bob, json!({ "state": "closed" }))
            .await;
        assert_eq!(illegal.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(illegal.json["code"], "refused");
        assert!(illegal.json["message"].as_str().unwrap().contains("containment"), "{}", illegal.json);

        let note = t
            .json(Method::POST, &format!("{base}/notes"), &bob, json!({ "text": "Rotated the LWA secret" }))
            .await;
        assert_eq!(note.status, StatusCode::OK);
        let detail = json!({ "category": "system", "name": "orders-db-1", "description": "replica read" });
        let answer = t.json(Method::POST, &format!("{base}/details"), &bob, detail).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        let answer = t
            .json(Method::PUT, &format!("{base}/roles/commander"), &bob, json!({ "person": "bob" }))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);

        // Evidence: the hash of what was sent, downloaded back byte for byte.
        let content = b"Nov 23 08:15:01 orders-db-1 sshd[811]: Accepted publickey".to_vec();
        let sha = hex_sha256(&content);
        let path = format!("{base}/evidence?file_name=..%2F..%2Fetc%2Fauth.log&description=auth%20log");
        let answer = t.send(Method::POST, &path, &bob, Some("text/plain"), content.clone()).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
        assert_eq!(answer.json["evidence"]["sha256"], sha);
        assert_eq!(answer.json["evidence"]["file_name"], "auth.log", "path parts dropped");
        let download = t.get(&format!("{base}/evidence/{sha}"), &bob).await;
        assert_eq!(download.status, StatusCode::OK);
        assert_eq!(download.bytes, content);
        let custody = json!({ "to": "outside counsel", "reason": "legal hold" });
        let answer = t.json(Method::POST, &format!("{base}/evidence/{sha}/custody"), &bob, custody).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);

        let log = t.get(&format!("{base}/log"), &bob).await;
        let kinds: Vec<&str> = log.json["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds.len(), 8, "{kinds:?}");
        let verified = t.get(&format!("{base}/verification"), &bob).await;
        assert_eq!(verified.json["verified"], true, "{}", verified.json);
        let export = t.send(Method::POST, &format!("{base}/export"), &bob, None, Vec::new()).await;
        assert_eq!(export.status, StatusCode::OK, "{}", export.json);
        assert_eq!(export.json["entries"].as_array().unwrap().len(), 9, "the export is logged");
        let all = t.get("/api/v1/verification", &bob).await;
        assert_eq!(all.json["verified"], true);
        assert_eq!(all.json["summary"]["entries"], 9);
    }

    async fn lists_page_filter_search_and_sort(t: TestApp) {
        let bob = t.user("bob", UserRole::Responder).await;
        for n in 1..=5 {
            t.open(&bob, &format!("Phishing wave {n}")).await;
        }
        t.open(&bob, "Lost laptop").await;
        let first = t.get("/api/v1/incidents?limit=4&sort=key", &bob).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.json);
        let titles = |a: &crate::support::Answer| -> Vec<String> {
            a.json["incidents"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(titles(&first).len(), 4);
        let cursor = first.json["next_cursor"].as_str().unwrap();
        let rest = t.get(&format!("/api/v1/incidents?limit=4&sort=key&cursor={cursor}"), &bob).await;
        assert_eq!(titles(&rest), ["Phishing wave 5", "Lost laptop"]);
        assert!(rest.json["next_cursor"].is_null());

        let newest = t.get("/api/v1/incidents?limit=1", &bob).await;
        assert_eq!(titles(&newest), ["Lost laptop"], "newest first by default");
        let found = t.get("/api/v1/incidents?q=LAPTOP", &bob).await;
        assert_eq!(titles(&found), ["Lost laptop"]);
        let none = t.get("/api/v1/incidents?state=closed", &bob).await;
        assert!(titles(&none).is_empty());

        for bad in ["state=open", "sort=title", "limit=0", "limit=501", "cursor=zzz", "colour=red", "type=UFO"] {
            let answer = t.get(&format!("/api/v1/incidents?{bad}"), &bob).await;
            assert!(answer.status.is_client_error(), "{bad}: {}", answer.status);
            assert!(answer.json["code"].is_string() && answer.json["details"].is_object(), "{bad}: {}", answer.json);
        }
    }

    async fn reporters_see_their_own_and_reviewers_what_is_shared(t: TestApp) {
        let admin = t.user("ada", UserRole::Administrator).await;
        let pat = t.user("pat", UserRole::Reporter).await;
        let viewer = t.user("val", UserRole::Viewer).await;
        let reviewer = t.user("counsel", UserRole::ExternalReviewer).await;
        let own = t.open(&pat, "Strange pop-up on my laptop").await;
        let other = t.open(&admin, "Firewall alert").await;

        let listed = t.get("/api/v1/incidents", &pat).await;
        let keys: Vec<&str> = listed.json["incidents"].as_array().unwrap().iter().map(|i| i["key"].as_str().unwrap()).collect();
        assert_eq!(keys, [own.as_str()]);
        assert_eq!(t.get(&format!("/api/v1/incidents/{other}"), &pat).await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.get(&format!("/api/v1/incidents/{own}"), &pat).await.status, StatusCode::OK);

        assert_eq!(t.get("/api/v1/incidents", &viewer).await.json["incidents"].as_array().unwrap().len(), 2);
        let refused = t.json(Method::POST, &format!("/api/v1/incidents/{own}/notes"), &viewer, json!({ "text": "x" })).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(refused.json["code"], "forbidden");

        assert!(t.get("/api/v1/incidents", &reviewer).await.json["incidents"].as_array().unwrap().is_empty());
        let me = t.get("/api/v1/me", &reviewer).await;
        let reviewer_id = me.json["user"]["id"].as_str().unwrap();
        let share = format!("/api/v1/incidents/{other}/shares/{reviewer_id}");
        let answer = t.send(Method::PUT, &share, &admin, None, Vec::new()).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.json);
        let listed = t.get("/api/v1/incidents", &reviewer).await;
        assert_eq!(listed.json["incidents"][0]["key"], other.as_str());
        assert_eq!(t.get(&format!("/api/v1/incidents/{own}"), &reviewer).await.status, StatusCode::NOT_FOUND);
    }

    async fn bad_input_is_refused_and_nothing_is_written(t: TestApp) {
        let bob = t.user("bob", UserRole::Responder).await;
        let key = t.open(&bob, "Target").await;
        let notes = format!("/api/v1/incidents/{key}/notes");
        let cases: Vec<(Option<&str>, Vec<u8>, StatusCode, &str)> = vec![
            (Some("application/json"), b"{\"text\": ".to_vec(), StatusCode::BAD_REQUEST, "invalid_json"),
            (Some("application/json"), b"{\"text\": 5}".to_vec(), StatusCode::BAD_REQUEST, "invalid_json"),
            (Some("application/json"), b"{\"text\": \"x\", \"extra\": 1}".to_vec(), StatusCode::BAD_REQUEST, "invalid_json"),
            (Some("text/plain"), b"{\"text\": \"x\"}".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            (None, b"{\"text\": \"x\"}".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            (Some("application/json"), vec![b' '; 70 * 1024], StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ];
        for (content_type, body, status, code) in cases {
            let answer = t.send(Method::POST, &notes, &bob, content_type, body).await;
            assert_eq!(answer.status, status, "{content_type:?}: {}", answer.json);
            assert_eq!(answer.json["code"], code);
            assert!(answer.json["message"].is_string() && answer.json["details"].is_object());
        }
        let typed = t.send(Method::POST, &notes, &bob, Some("application/json"), b"{\"text\": 5}".to_vec()).await;
        assert_eq!(typed.json["details"]["path"], "text");

        let upload = format!("/api/v1/incidents/{key}/evidence?file_name=big.bin");
        let answer = t.send(Method::POST, &upload, &bob, None, vec![0u8; 300 * 1024]).await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", answer.json);
        let answer = t.send(Method::POST, &format!("/api/v1/incidents/{key}/evidence"), &bob, None, b"x".to_vec()).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "file_name is required");
        assert_eq!(t.get("/api/v1/incidents/INC-2026-9999", &bob).await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.get("/api/v1/incidents/not-a-key", &bob).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(t.get("/api/v1/nothing-here", &bob).await.json["code"], "not_found");

        let log = t.get(&format!("/api/v1/incidents/{key}/log"), &bob).await;
        assert_eq!(log.json["entries"].as_array().unwrap().len(), 1, "only the opening entry");
        assert!(t.get(&format!("/api/v1/incidents/{key}/evidence"), &bob).await.json["evidence"].as_array().unwrap().is_empty());
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn the_error_body_of_an_anonymous_call_names_how_to_sign_in() {
    let t = crate::support::sqlite().await;
    let answer = t.get("/api/v1/incidents", &Auth::None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json["code"], "unauthenticated");
    assert!(answer.json["message"].as_str().unwrap().contains("Bearer"));
}
