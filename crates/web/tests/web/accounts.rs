//! Accounts through the router: the setup link, sign-in and its throttle, CSRF, sessions ending
//! one at a time or everywhere, tokens, invitations.

use axum::http::{Method, StatusCode, header};
use serde_json::json;

use crate::support::{Auth, TestApp, both_backends, link_token, session_cookie};

/// Takes the setup link as `ada` with a good password and signs her in.
async fn first_administrator(t: &TestApp) -> Auth {
    let link = rampart_web::setup_link(&t.app)
        .await
        .unwrap()
        .expect("a setup link");
    assert!(
        link.starts_with("http://rampart.test/setup?token="),
        "{link}"
    );
    let setup =
        json!({ "token": link_token(&link), "name": "ada", "password": "correct horse battery" });
    let answer = t
        .json(Method::POST, "/api/v1/setup", &Auth::None, setup.clone())
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    assert_eq!(answer.json["user"]["role"], "administrator");
    let again = t
        .json(Method::POST, "/api/v1/setup", &Auth::None, setup)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "the link works once");
    assert!(
        rampart_web::setup_link(&t.app).await.unwrap().is_none(),
        "no more setup links"
    );
    sign_in(t, "ada", "correct horse battery").await
}

async fn sign_in(t: &TestApp, name: &str, password: &str) -> Auth {
    let answer = t
        .json(
            Method::POST,
            "/api/v1/session",
            &Auth::None,
            json!({ "name": name, "password": password }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    let set = answer
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    assert!(
        !set.contains("Secure"),
        "plain http: no Secure flag ({set})"
    );
    Auth::Session {
        cookie: session_cookie(&answer),
        csrf: Some(answer.json["csrf_token"].as_str().unwrap().to_owned()),
    }
}

both_backends! {
    async fn setup_sign_in_and_csrf(t: TestApp) {
        let short = json!({ "token": "x", "name": "ada", "password": "short" });
        let answer = t.json(Method::POST, "/api/v1/setup", &Auth::None, short).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(answer.json["details"]["path"], "password");

        let ada = first_administrator(&t).await;
        let me = t.get("/api/v1/me", &ada).await;
        assert_eq!(me.json["user"]["name"], "ada");

        // A change by cookie without the CSRF token is refused and writes nothing.
        let Auth::Session { cookie, .. } = &ada else { unreachable!() };
        let no_csrf = Auth::Session { cookie: cookie.clone(), csrf: None };
        let body = json!({ "title": "Lost laptop", "type": "lost_or_stolen_device" });
        let answer = t.json(Method::POST, "/api/v1/incidents", &no_csrf, body.clone()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(answer.json["code"], "csrf_rejected");
        let list = t.get("/api/v1/incidents", &ada).await;
        assert_eq!(list.json["incidents"].as_array().unwrap().len(), 0);
        let answer = t.json(Method::POST, "/api/v1/incidents", &ada, body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
        assert_eq!(answer.json["opened_by"], "ada");
    }

    async fn sessions_rotate_and_end_everywhere(t: TestApp) {
        let first = first_administrator(&t).await;
        let second = sign_in(&t, "ada", "correct horse battery").await;
        assert_eq!(t.get("/api/v1/me", &first).await.status, StatusCode::OK);
        let answer = t.send(Method::DELETE, "/api/v1/session", &first, None, Vec::new()).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT);
        let gone = t.get("/api/v1/me", &first).await;
        assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
        assert_eq!(gone.json["code"], "unauthenticated");
        assert_eq!(t.get("/api/v1/me", &second).await.status, StatusCode::OK);

        let third = sign_in(&t, "ada", "correct horse battery").await;
        let answer = t.send(Method::DELETE, "/api/v1/sessions", &third, None, Vec::new()).await;
        assert_eq!(answer.json["sessions_ended"], 2);
        assert_eq!(t.get("/api/v1/me", &second).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(t.get("/api/v1/me", &third).await.status, StatusCode::UNAUTHORIZED);

        let forged = Auth::Session { cookie: "forged".into(), csrf: Some("x".into()) };
        assert_eq!(t.get("/api/v1/me", &forged).await.status, StatusCode::UNAUTHORIZED);
        let forged = Auth::Token("forged".into());
        assert_eq!(t.get("/api/v1/me", &forged).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn sign_in_is_throttled_per_account(t: TestApp) {
        first_administrator(&t).await;
        let wrong = json!({ "name": "ada", "password": "wrong password!" });
        for _ in 0..5 {
            let answer = t.json(Method::POST, "/api/v1/session", &Auth::None, wrong.clone()).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        }
        let right = json!({ "name": "ada", "password": "correct horse battery" });
        let answer = t.json(Method::POST, "/api/v1/session", &Auth::None, right).await;
        assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(answer.json["code"], "too_many_requests");
        assert!(answer.headers.get(header::RETRY_AFTER).is_some());
        // Unknown names answer like wrong passwords.
        let unknown = json!({ "name": "nobody", "password": "whatever whatever" });
        let answer = t.json(Method::POST, "/api/v1/session", &Auth::None, unknown).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }

    async fn invitations_tokens_and_disabling(t: TestApp) {
        let ada = first_administrator(&t).await;
        let answer = t
            .json(Method::POST, "/api/v1/users", &ada, json!({ "name": "bob", "role": "responder" }))
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
        let bob_id = answer.json["user"]["id"].as_str().unwrap().to_owned();
        let invite = answer.json["invitation_url"].as_str().unwrap().to_owned();
        let taken = t
            .json(Method::POST, "/api/v1/users", &ada, json!({ "name": "bob", "role": "viewer" }))
            .await;
        assert_eq!(taken.status, StatusCode::CONFLICT);
        let bad_role = t
            .json(Method::POST, "/api/v1/users", &ada, json!({ "name": "eve", "role": "root" }))
            .await;
        assert_eq!(bad_role.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad_role.json["details"]["path"], "role");

        let set = json!({ "token": link_token(&invite), "password": "bob's long password" });
        let answer = t.json(Method::POST, "/api/v1/setup", &Auth::None, set).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
        let bob = sign_in(&t, "bob", "bob's long password").await;

        let answer = t.json(Method::POST, "/api/v1/tokens", &bob, json!({ "name": "laptop" })).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
        let token = Auth::Token(answer.json["token"].as_str().unwrap().to_owned());
        let token_id = answer.json["id"].as_str().unwrap().to_owned();
        assert_eq!(t.get("/api/v1/me", &token).await.json["user"]["name"], "bob");
        let listed = t.get("/api/v1/tokens", &bob).await;
        assert_eq!(listed.json["tokens"][0]["name"], "laptop");
        assert!(listed.json["tokens"][0].get("token").is_none(), "a token's value is shown once");

        let path = format!("/api/v1/tokens/{token_id}");
        let answer = t.send(Method::DELETE, &path, &bob, None, Vec::new()).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT);
        assert_eq!(t.get("/api/v1/me", &token).await.status, StatusCode::UNAUTHORIZED);

        let path = format!("/api/v1/users/{bob_id}");
        let answer = t.json(Method::PATCH, &path, &ada, json!({ "disabled": true })).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        assert_eq!(t.get("/api/v1/me", &bob).await.status, StatusCode::UNAUTHORIZED);
        let answer = t
            .json(Method::POST, "/api/v1/session", &Auth::None, json!({ "name": "bob", "password": "bob's long password" }))
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
}
