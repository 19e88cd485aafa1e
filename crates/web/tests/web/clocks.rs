//! Notification clocks on the API, the dashboard and the incident page: computed from the
//! incident's facts as `rampart clocks` computes them, sorted by time left, urgency as a CSS
//! class and in words, ended clocks with their reason, and only for incidents the caller may see.

use axum::http::{Method, StatusCode};
use jiff::{SignedDuration, Timestamp};
use rampart_core::incident::{ClockId, TypeCatalog};
use rampart_core::{Command, Context, ZonedTime};
use rampart_store::{IncidentRef, UserRole};
use serde_json::json;

use crate::pages::text;
use crate::support::{Auth, TestApp, both_backends};

/// Opens an incident with Amazon Information detected `hours` ago; returns its key.
async fn amazon_incident(t: &TestApp, auth: &Auth, title: &str, hours: i64) -> String {
    let detected = (Timestamp::now() - SignedDuration::from_hours(hours))
        .round(jiff::Unit::Second)
        .unwrap();
    let answer = t
        .json(
            Method::POST,
            "/api/v1/incidents",
            auth,
            json!({ "title": title, "type": "unauthorized_access", "amazon_information": true,
                    "detected": detected.to_string() }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    answer.json["key"].as_str().unwrap().to_owned()
}

both_backends! {
    async fn clocks_are_listed_by_time_left_with_their_urgency(t: TestApp) {
        let responder = t.user("rita", UserRole::Responder).await;
        let reporter = t.user("paul", UserRole::Reporter).await;
        let late = amazon_incident(&t, &responder, "Keys leaked", 30).await;
        let soon = amazon_incident(&t, &responder, "Bucket exposed", 20).await;
        let _quiet = t.open(&responder, "Nothing for Amazon").await;

        let all = t.get("/api/v1/clocks", &responder).await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.json);
        let clocks = all.json["clocks"].as_array().unwrap();
        assert_eq!(clocks.len(), 2, "{}", all.json);
        assert_eq!(clocks[0]["incident"], late.as_str());
        assert_eq!(clocks[0]["clock"], "amazon_incident.notice");
        assert_eq!(clocks[0]["status"], "overdue");
        assert!(clocks[0]["text"].as_str().unwrap().starts_with("overdue by 5h 59m")
            || clocks[0]["text"].as_str().unwrap().starts_with("overdue by 6h 0m"), "{}", clocks[0]);
        assert_eq!(clocks[1]["incident"], soon.as_str());
        assert_eq!(clocks[1]["threshold"], "75%");
        let started: Timestamp = clocks[1]["started"].as_str().unwrap().parse::<ZonedTime>().unwrap().instant();
        let due: Timestamp = clocks[1]["due"].as_str().unwrap().parse::<ZonedTime>().unwrap().instant();
        assert_eq!(due.duration_since(started), SignedDuration::from_hours(24), "Amazon: 24 h from detection");

        let page = t.get("/", &responder).await;
        let html = text(&page);
        let overdue = html.find("class=\"clock-overdue\"").expect("the overdue clock, coloured");
        let warned = html.find("class=\"clock-75\"").expect("the clock past 75 %, coloured");
        assert!(overdue < warned, "sorted by time left: {html}");
        assert!(html.contains("overdue by ") && html.contains("m left"), "{html}");

        // The reporter opened neither incident: no clocks of them.
        assert_eq!(t.get("/api/v1/clocks", &reporter).await.json["clocks"], json!([]));
        let theirs = t.get("/", &reporter).await;
        assert!(text(&theirs).contains("No notification clock is running."), "{}", text(&theirs));
        let refused = t.get(&format!("/api/v1/incidents/{late}/clocks"), &reporter).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
    }

    async fn the_incident_page_shows_how_each_clock_ended(t: TestApp) {
        let responder = t.user("rita", UserRole::Responder).await;
        let key = amazon_incident(&t, &responder, "Keys leaked", 30).await;
        let incident = t.app.store().incident(IncidentRef::Key(key.parse().unwrap())).await.unwrap();
        let types = TypeCatalog::with_custom::<&str>(&[]).unwrap();
        let ctx = Context { actor: "rita", now: ZonedTime::utc(Timestamp::now()), types: &types };
        let clock: ClockId = "amazon_incident.notice".parse().unwrap();
        t.app.store().append(incident.id(), |i| {
            i.decide(&ctx, Command::MissClock { clock: clock.clone(), reason: "the contact was unreachable".into() }, String::new())
        }).await.unwrap();

        let page = text(&t.get(&format!("/incidents/{key}"), &responder).await);
        assert!(page.contains("class=\"clock-missed\""), "{page}");
        assert!(page.contains("missed: the contact was unreachable"), "{page}");
        let api = t.get(&format!("/api/v1/incidents/{key}/clocks"), &responder).await;
        let ended = &api.json["clocks"][0];
        assert_eq!(ended["outcome"]["kind"], "missed");
        assert_eq!(ended["outcome"]["reason"], "the contact was unreachable");
        assert_eq!(t.get("/api/v1/clocks", &responder).await.json["clocks"], json!([]), "ended: off the dashboard");
    }

    async fn facts_updates_and_the_severity_name_the_clocks_they_move(t: TestApp) {
        let responder = t.user("rita", UserRole::Responder).await;
        let viewer = t.user("vera", UserRole::Viewer).await;
        let key = t.open(&responder, "Keys in a public repository").await;
        let path = format!("/api/v1/incidents/{key}");

        let moved = t
            .json(Method::PATCH, &path, &responder,
                  json!({ "amazon_information": true, "detected": "2026-03-05T09:00:00Z",
                          "reason": "found in the API logs" }))
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
        assert_eq!(moved.json["entry"]["kind"], "incident.updated");
        assert_eq!(moved.json["entry"]["text"],
                   "clocks recomputed: amazon_incident.notice started, due 2026-03-06T09:00:00Z");

        let facts = t
            .json(Method::POST, &format!("{path}/facts"), &responder,
                  json!({ "legal_process_received": "2026-03-10T12:00:00Z",
                          "residents": { "US-CA": 600 } }))
            .await;
        assert_eq!(facts.status, StatusCode::OK, "{}", facts.json);
        assert_eq!(facts.json["entry"]["kind"], "incident.facts_recorded");
        assert_eq!(facts.json["entry"]["text"],
                   "clocks recomputed: amazon_legal_process.notice started, due 2026-03-11T12:00:00Z");
        assert_eq!(facts.json["incident"]["facts"]["residents"]["US-CA"], 600);

        let high = t
            .json(Method::POST, &format!("{path}/severity"), &responder,
                  json!({ "severity": "high", "reason": "customer data" }))
            .await;
        assert_eq!(high.status, StatusCode::OK, "{}", high.json);
        assert_eq!(high.json["incident"]["severity_override"]["severity"], "high");
        let matrix = t
            .json(Method::POST, &format!("{path}/severity"), &responder,
                  json!({ "severity": null, "reason": "back to the matrix" }))
            .await;
        assert_eq!(matrix.status, StatusCode::OK, "{}", matrix.json);
        assert_eq!(matrix.json["entry"]["kind"], "incident.severity_overridden");

        // Refused, and nothing written: an unknown severity, a moved time without a reason,
        // an unknown field, a viewer.
        for (route, body, status) in [
            ("/severity", json!({ "severity": "huge", "reason": "r" }), StatusCode::BAD_REQUEST),
            ("/facts", json!({ "legal_process_received": "2026-03-11T12:00:00Z" }),
             StatusCode::UNPROCESSABLE_ENTITY),
            ("/facts", json!({ "residents": { "US-CA": 1 }, "sideways": true }),
             StatusCode::BAD_REQUEST),
        ] {
            let refused = t.json(Method::POST, &format!("{path}{route}"), &responder, body).await;
            assert_eq!(refused.status, status, "{route}: {}", refused.json);
        }
        let viewed = t
            .json(Method::POST, &format!("{path}/facts"), &viewer,
                  json!({ "residents": { "DE": 3 } }))
            .await;
        assert_eq!(viewed.status, StatusCode::FORBIDDEN, "{}", viewed.json);
        let log = t.get(&format!("{path}/log"), &responder).await;
        assert_eq!(log.json["entries"].as_array().unwrap().len(), 5);

        // The incident's clocks: the table's columns, and nothing waiting.
        let clocks = t.get(&format!("{path}/clocks"), &viewer).await;
        assert_eq!(clocks.status, StatusCode::OK, "{}", clocks.json);
        let first = &clocks.json["clocks"][0];
        assert_eq!(first["status_text"], "OVERDUE");
        assert!(first["left"].as_str().unwrap().starts_with('-'), "{first}");
        assert_eq!(clocks.json["pending"], json!([]));
    }
}
