//! The team's notice template library: a template refused with its place when it names an unknown
//! field, each save a new version with the older ones kept, a notice drafted from the latest
//! version (its name and version recorded), and the library closed to viewers.

use axum::http::StatusCode;
use rampart_store::UserRole;

use crate::notices::referred_incident;
use crate::pages::{post_form, text};
use crate::support::both_backends;

both_backends! {
    async fn notices_are_drafted_from_the_versioned_library(t: TestApp) {
        let rita = t.session_user("rita", UserRole::Responder).await;
        let vic = t.session_user("vic", UserRole::Viewer).await;
        let bad = post_form(&t, "/templates", &rita, &[("name", "letter"), ("body", "Hi {{ recipient.ssn }}")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(&bad).contains("not saved: letter:1:"), "{}", text(&bad));
        for body in ["Dear {{ recipient.name }},", "Dear {{ recipient.name }}, about {{ incident.key }}."] {
            let saved = post_form(&t, "/templates", &rita, &[("name", "letter"), ("body", body)]).await;
            assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", text(&saved));
        }
        let page = text(&t.get("/templates", &rita).await);
        assert!(page.contains("v2 by rita") && page.contains("Before: v1 by rita"), "{page}");
        assert_eq!(t.get("/templates", &vic).await.status, StatusCode::FORBIDDEN);

        let (key, _) = referred_incident(&t, &rita).await;
        let drafted = post_form(&t, &format!("/incidents/{key}/notices"), &rita, &[
            ("audience", "affected_people"), ("subject", "About your account"), ("library", "letter"),
            ("template", ""), ("recipients", "name,channel,email\nAda,email,ada@example.org\n"),
        ]).await;
        assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", text(&drafted));
        let notices = t.get(&format!("/api/v1/incidents/{key}/notices"), &rita).await;
        let notice = &notices.json["notices"][0];
        assert_eq!(notice["template"], "letter v2");
        assert_eq!(notice["versions"][0], "Dear {{ recipient.name }}, about {{ incident.key }}.");
        let missing = post_form(&t, &format!("/incidents/{key}/notices"), &rita, &[
            ("audience", "affected_people"), ("subject", "x"), ("library", "nothing"),
            ("recipients", "name,channel,email\nAda,email,ada@example.org\n"),
        ]).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = text(&missing);
        assert!(page.contains("no template") && page.contains("in the library"), "{page}");
    }
}
