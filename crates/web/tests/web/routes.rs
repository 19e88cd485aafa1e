//! Every route × every role: allowed or refused, as this table says. A route the service serves
//! that is missing here (or listed here and not served) fails the test, so no route is added
//! without deciding who may use it.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use rampart_store::UserRole;

use crate::support::{self, Auth};

/// Who may use each route: `*` anyone (not signed in too), `a` administrator, `r` responder,
/// `v` viewer, `p` reporter, `x` external reviewer.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("GET", "/healthz", "*arvpx"),
    ("GET", "/metrics", "*arvpx"),
    ("GET", "/version", "*arvpx"),
    ("GET", "/api/openapi.json", "*arvpx"),
    ("POST", "/api/v1/setup", "*arvpx"),
    ("POST", "/api/v1/session", "*arvpx"),
    ("DELETE", "/api/v1/session", "arvpx"),
    ("DELETE", "/api/v1/sessions", "arvpx"),
    ("GET", "/api/v1/me", "arvpx"),
    ("GET", "/api/v1/tokens", "arvpx"),
    ("POST", "/api/v1/tokens", "arvpx"),
    ("DELETE", "/api/v1/tokens/{id}", "arvpx"),
    ("GET", "/api/v1/users", "a"),
    ("POST", "/api/v1/users", "a"),
    ("PATCH", "/api/v1/users/{id}", "a"),
    ("POST", "/api/v1/users/{id}/password-link", "a"),
    ("GET", "/api/v1/incidents", "arvpx"),
    ("POST", "/api/v1/incidents", "arp"),
    ("GET", "/api/v1/incidents/{key}", "arvpx"),
    ("PATCH", "/api/v1/incidents/{key}", "ar"),
    ("POST", "/api/v1/incidents/{key}/facts", "ar"),
    ("POST", "/api/v1/incidents/{key}/severity", "ar"),
    ("GET", "/api/v1/incidents/{key}/log", "arvpx"),
    ("GET", "/api/v1/incidents/{key}/notices", "arvpx"),
    ("POST", "/api/v1/incidents/{key}/transitions", "ar"),
    ("POST", "/api/v1/incidents/{key}/notes", "ar"),
    ("POST", "/api/v1/incidents/{key}/details", "ar"),
    (
        "POST",
        "/api/v1/incidents/{key}/details/{detail}/removal",
        "ar",
    ),
    ("PUT", "/api/v1/incidents/{key}/roles/{role}", "ar"),
    ("DELETE", "/api/v1/incidents/{key}/roles/{role}", "ar"),
    ("POST", "/api/v1/incidents/{key}/evidence", "ar"),
    ("GET", "/api/v1/incidents/{key}/evidence", "arvpx"),
    ("GET", "/api/v1/incidents/{key}/evidence/{sha256}", "arvpx"),
    (
        "POST",
        "/api/v1/incidents/{key}/evidence/{sha256}/custody",
        "ar",
    ),
    ("GET", "/api/v1/incidents/{key}/verification", "arvpx"),
    ("POST", "/api/v1/incidents/{key}/export", "ar"),
    ("PUT", "/api/v1/incidents/{key}/shares/{user}", "a"),
    ("GET", "/api/v1/verification", "arv"),
    ("GET", "/signin", "*arvpx"),
    ("POST", "/signin", "*arvpx"),
    ("POST", "/signout", "arvpx"),
    ("GET", "/setup", "*arvpx"),
    ("POST", "/setup", "*arvpx"),
    ("GET", "/assets/{name}", "*arvpx"),
    ("GET", "/", "arvpx"),
    ("GET", "/incidents", "arvpx"),
    ("GET", "/incidents/{key}", "arvpx"),
    ("POST", "/incidents/{key}/transition", "ar"),
    ("POST", "/incidents/{key}/note", "ar"),
    ("POST", "/incidents/{key}/detail", "ar"),
    ("POST", "/incidents/{key}/evidence", "ar"),
    ("GET", "/report", "arp"),
    ("POST", "/report", "arp"),
    ("GET", "/users", "a"),
    ("POST", "/users", "a"),
    ("GET", "/api/v1/plan", "arv"),
    ("GET", "/api/v1/plan/log", "arv"),
    ("GET", "/api/v1/plan/diff", "arv"),
    ("GET", "/api/v1/team", "arv"),
    ("GET", "/api/v1/training", "arv"),
    ("POST", "/api/v1/incidents/{key}/identification", "ar"),
    ("POST", "/api/v1/incidents/{key}/activation", "ar"),
    ("GET", "/api/v1/incidents/{key}/tasks", "arvpx"),
    ("PATCH", "/api/v1/incidents/{key}/tasks/{task}", "ar"),
    (
        "POST",
        "/api/v1/incidents/{key}/pages/{page}/acknowledgement",
        "ar",
    ),
    ("GET", "/plan", "arv"),
    ("GET", "/plan/diff", "arv"),
    ("GET", "/team", "arv"),
    ("GET", "/contacts", "arv"),
    ("GET", "/training", "arv"),
    ("POST", "/incidents/{key}/identify", "ar"),
    ("POST", "/incidents/{key}/activate", "ar"),
    ("POST", "/incidents/{key}/tasks/{task}", "ar"),
    ("GET", "/incidents/{key}/pages/{page}/ack", "ar"),
    ("GET", "/api/v1/clocks", "arvpx"),
    ("POST", "/incidents/{key}/notices", "ar"),
    ("POST", "/incidents/{key}/notices/{notice}/revise", "ar"),
    ("POST", "/incidents/{key}/notices/{notice}/decide", "ar"),
    ("POST", "/incidents/{key}/notices/{notice}/send", "ar"),
    ("POST", "/incidents/{key}/holds", "ar"),
    ("POST", "/incidents/{key}/notices/{notice}/share", "ar"),
    ("GET", "/reviews", "x"),
    ("GET", "/templates", "ar"),
    ("POST", "/templates", "ar"),
    ("GET", "/reviews/{key}/{notice}", "x"),
    ("POST", "/reviews/{key}/{notice}", "x"),
    ("POST", "/incidents/{key}/holds/{hold}/lift", "ar"),
    ("GET", "/api/v1/incidents/{key}/clocks", "arvpx"),
    ("POST", "/incidents/{key}/pages/{page}/ack", "ar"),
];

const ROLES: [(char, UserRole); 5] = [
    ('a', UserRole::Administrator),
    ('r', UserRole::Responder),
    ('v', UserRole::Viewer),
    ('p', UserRole::Reporter),
    ('x', UserRole::ExternalReviewer),
];

/// `path` with its parameters filled in with well-formed values.
fn concrete(path: &str, key: &str) -> String {
    path.replace("{key}", key)
        .replace("{id}", "0190a0b0-0000-7000-8000-000000000001")
        .replace("{user}", "0190a0b0-0000-7000-8000-000000000002")
        .replace("{role}", "commander")
        .replace("{sha256}", &"ab".repeat(32))
        .replace("{name}", "rampart.css")
        .replace("{task}", "contain")
        .replace("{page}", "1")
        .replace("{notice}", "1")
        .replace("{hold}", "1")
}

#[test]
fn every_served_route_has_an_entry_and_every_entry_is_served() {
    let served: BTreeSet<(String, String)> = rampart_web::route_table()
        .into_iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let listed: BTreeSet<(String, String)> = EXPECTED
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let unlisted: Vec<_> = served.difference(&listed).collect();
    let unserved: Vec<_> = listed.difference(&served).collect();
    assert!(
        unlisted.is_empty(),
        "routes without an entry in EXPECTED: {unlisted:?}"
    );
    assert!(
        unserved.is_empty(),
        "entries for routes not served: {unserved:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_is_allowed_or_refused_on_every_route() {
    let t = support::sqlite().await;
    let mut callers = vec![('*', Auth::None)];
    for (letter, role) in ROLES {
        callers.push((letter, t.user(&format!("user-{letter}"), role).await));
    }
    let responder = callers[2].1.clone();
    let key = t.open(&responder, "Route test incident").await;
    for (method, path, allowed) in EXPECTED {
        let method: Method = method.parse().unwrap();
        for (letter, auth) in &callers {
            // No body: allowed calls fail later (415, 400, 404) or succeed without changing
            // anything that matters here; refusals come first.
            let answer = t
                .send(
                    method.clone(),
                    &concrete(path, &key),
                    auth,
                    None,
                    Vec::new(),
                )
                .await;
            let refused = matches!(
                answer.status,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            );
            let should = allowed.contains(*letter);
            assert_eq!(
                !refused, should,
                "{method} {path} as {letter}: {} {}",
                answer.status, answer.json
            );
            if refused && path.starts_with("/api/") {
                let code = answer.json["code"].as_str().unwrap_or_default();
                let expected = if *letter == '*' {
                    "unauthenticated"
                } else {
                    "forbidden"
                };
                assert_eq!(code, expected, "{method} {path} as {letter}");
            }
        }
    }
}
