//! The web interface through the router: the setup link, signing in with the form, reporting,
//! working an incident with forms (CSRF-checked), evidence uploads showing their hash, a viewer
//! refused, and the security headers of every page.

use axum::http::{Method, StatusCode, header};

use crate::support::{Answer, Auth, TestApp, both_backends, link_token, session_cookie};

pub(crate) fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    out.finish().into_bytes()
}

pub(crate) async fn post_form(
    t: &TestApp,
    path: &str,
    auth: &Auth,
    pairs: &[(&str, &str)],
) -> Answer {
    t.send(
        Method::POST,
        path,
        auth,
        Some("application/x-www-form-urlencoded"),
        form(pairs),
    )
    .await
}

pub(crate) fn text(answer: &Answer) -> String {
    String::from_utf8_lossy(&answer.bytes).into_owned()
}

pub(crate) fn location(answer: &Answer) -> String {
    answer
        .headers
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Signs in through the form; returns the cookie and the page's CSRF token.
async fn sign_in(t: &TestApp, name: &str, password: &str) -> (Auth, String) {
    let answer = post_form(
        t,
        "/signin",
        &Auth::None,
        &[("name", name), ("password", password)],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
    let cookie = session_cookie(&answer);
    let auth = Auth::Session { cookie, csrf: None };
    let home = t.get("/", &auth).await;
    let page = text(&home);
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF field on the page")
        .to_owned();
    (auth, csrf)
}

both_backends! {
    async fn a_person_sets_up_reports_and_works_an_incident_in_the_browser(t: TestApp) {
        let link = rampart_web::setup_link(&t.app).await.unwrap().unwrap();
        let path = link.strip_prefix(crate::support::PUBLIC_URL).unwrap();
        let setup = t.get(path, &Auth::None).await;
        assert_eq!(setup.status, StatusCode::OK);
        let csp = setup.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(setup.headers.get(header::REFERRER_POLICY).unwrap(), "same-origin");
        let token = link_token(&link);
        let answer = post_form(&t, "/setup", &Auth::None, &[("token", &token), ("name", "ada"), ("password", "correct horse battery")]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
        assert_eq!(location(&answer), "/signin");

        let (ada, csrf) = sign_in(&t, "ada", "correct horse battery").await;
        let home = text(&t.get("/", &ada).await);
        assert!(home.contains("Report a suspected incident"), "{home}");

        // Without the form's CSRF token nothing is reported.
        let refused = post_form(&t, "/report", &ada, &[("title", "x"), ("type", "other")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let answer = post_form(&t, "/report", &ada, &[("csrf", &csrf), ("title", "Phishing mail with invoice"), ("type", "other"), ("personal_data", "true")]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
        let page_path = location(&answer);
        assert!(page_path.starts_with("/incidents/INC-"), "{page_path}");
        let key = page_path.trim_start_matches("/incidents/").to_owned();

        let page = text(&t.get(&page_path, &ada).await);
        assert!(page.contains("Move to triage") && !page.contains("Move to closed"), "only allowed transitions");
        let answer = post_form(&t, &format!("{page_path}/transition"), &ada, &[("csrf", &csrf), ("state", "triage")]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
        let answer = post_form(&t, &format!("{page_path}/transition"), &ada, &[("csrf", &csrf), ("state", "dismissed")]).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "a dismissal needs a reason");
        assert!(text(&answer).contains("reason"), "{}", text(&answer));
        let answer = post_form(&t, &format!("{page_path}/note"), &ada, &[("csrf", &csrf), ("text", "Mail quarantined")]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);

        let boundary = "rampartboundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nthe mail\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../mail.eml\"\r\n\
             Content-Type: message/rfc822\r\n\r\nSubject: invoice\r\n--{boundary}--\r\n"
        );
        let upload = format!("{page_path}/evidence?csrf={csrf}");
        let ct = format!("multipart/form-data; boundary={boundary}");
        let answer = t.send(Method::POST, &upload, &ada, Some(&ct), body.into_bytes()).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
        let page = text(&t.get(&page_path, &ada).await);
        let sha: String = {
            use sha2::Digest as _;
            sha2::Sha256::digest(b"Subject: invoice").iter().map(|b| format!("{b:02x}")).collect()
        };
        assert!(page.contains(&sha), "the page shows the evidence hash");
        assert!(page.contains("mail.eml") && !page.contains("../mail.eml"));
        assert!(page.contains("hash chain intact"), "chain status shown");
        assert!(page.contains("Mail quarantined"), "the note is on the timeline");

        let list = text(&t.get("/incidents?q=phishing", &ada).await);
        assert!(list.contains(&key), "{list}");

        // A viewer reads but is refused an edit.
        let invite = post_form(&t, "/users", &ada, &[("csrf", &csrf), ("name", "vic"), ("role", "viewer")]).await;
        assert_eq!(invite.status, StatusCode::OK);
        let invite_page = text(&invite);
        let vic_link = invite_page.split("<code>").nth(1).and_then(|r| r.split("</code>").next()).unwrap().to_owned();
        let vic_token = link_token(&vic_link.replace("&amp;", "&"));
        let answer = post_form(&t, "/setup", &Auth::None, &[("token", &vic_token), ("password", "vic's long password")]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
        let (vic, vic_csrf) = sign_in(&t, "vic", "vic's long password").await;
        let page = text(&t.get(&page_path, &vic).await);
        assert!(!page.contains("Add note") && !page.contains("Move to"), "no edit forms for a viewer");
        let refused = post_form(&t, &format!("{page_path}/note"), &vic, &[("csrf", &vic_csrf), ("text", "hi")]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(text(&refused).contains("viewer role may not"));
    }
}

#[tokio::test]
async fn pages_without_a_session_show_the_sign_in_form() {
    let t = crate::support::sqlite().await;
    let answer = t.get("/incidents", &Auth::None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let page = text(&answer);
    assert!(page.contains("action=\"/signin\"") && page.contains("<label for=\"password\">"));
    let css = t.get("/assets/rampart.css", &Auth::None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(
        t.get("/assets/../Cargo.toml", &Auth::None).await.status,
        StatusCode::NOT_FOUND
    );
}
