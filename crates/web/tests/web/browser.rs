//! The whole flow in a real headless Chromium against the service on a loopback socket: the first
//! administrator through the one-time setup link, users invited from the Users page, a reporter
//! reporting, a responder triaging, confirming and uploading evidence (its SHA-256 shown), and a
//! viewer refused a change. The incident page is saved as a screenshot at desktop and phone
//! width (under the target directory; the paths are printed), and must not scroll sideways at
//! 360 px.

pub(crate) mod chrome;

use std::path::PathBuf;

use sha2::{Digest as _, Sha256};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use self::chrome::Browser;
use crate::support::{TestApp, both_backends};

const PASSWORD: &str = "correct horse battery staple";

/// Serves `t` on a random loopback port; returns its base URL and the switch that stops it.
pub(crate) async fn serve(t: TestApp) -> (String, TestApp, oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let t = t.at(&base);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(rampart_web::serve(listener, t.app.clone(), async {
        let _ = stopped.await;
    }));
    (base, t, stop)
}

pub(crate) async fn sign_in(b: &Browser, base: &str, name: &str) {
    b.open(&format!("{base}/signin"), "Sign in").await;
    b.fill("#name", name).await;
    b.fill("#password", PASSWORD).await;
    b.click("main form button[type=submit]").await;
    b.heading("Dashboard").await;
}

pub(crate) async fn sign_out(b: &Browser) {
    b.click("header form button").await;
    b.heading("Sign in").await;
}

/// Takes a setup or invitation link: sets the password (and the name, for the first
/// administrator).
pub(crate) async fn take_link(b: &Browser, link: &str, name: Option<&str>) {
    b.open(link, "Set your password").await;
    if let Some(name) = name {
        b.fill("#name", name).await;
    }
    b.fill("#password", PASSWORD).await;
    b.click("main form button[type=submit]").await;
    b.heading("Sign in").await;
}

/// Adds a user on the Users page; returns their invitation link.
pub(crate) async fn invite(b: &Browser, base: &str, name: &str, role: &str) -> String {
    b.open(&format!("{base}/users"), "Users").await;
    b.fill("#name", name).await;
    b.find("#role")
        .await
        .select_by_value(role)
        .await
        .expect("choose a role");
    b.click("main form button[type=submit]").await;
    b.wait_text(".notice code", |l| l.contains("token=")).await
}

/// The incident's state as its page shows it.
async fn wait_state(b: &Browser, state: &str) {
    b.wait_text("main table tbody tr td", |s| s == state).await;
}

fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).expect("the screenshot directory");
    dir
}

both_backends! {
    async fn a_team_reports_and_works_an_incident_in_chromium(t: TestApp) {
        let Some(b) = Browser::start().await else { return };
        let (base, t, _stop) = serve(t).await;
        let backend = if t.app.store().config().sqlite_path().is_some() { "sqlite" } else { "postgres" };

        // First start: the one-time link creates the administrator, who invites the others.
        let setup = rampart_web::setup_link(&t.app).await.unwrap().expect("a setup link");
        take_link(&b, &setup, Some("ada")).await;
        sign_in(&b, &base, "ada").await;
        let rita = invite(&b, &base, "rita", "reporter").await;
        let rob = invite(&b, &base, "rob", "responder").await;
        let vic = invite(&b, &base, "vic", "viewer").await;
        sign_out(&b).await;

        // Any employee reports in one form, one click from every page.
        take_link(&b, &rita, None).await;
        sign_in(&b, &base, "rita").await;
        b.click("header a.report").await;
        b.heading("Report a suspected incident").await;
        b.fill("#title", "Unknown SP-API calls from 203.0.113.7").await;
        b.fill("#summary", "Seen in the seller central audit log at 08:15.").await;
        b.click("main form button[type=submit]").await;
        let heading = b.heading("INC-").await;
        let key = heading.split(':').next().unwrap().to_owned();
        wait_state(&b, "reported").await;
        assert!(b.client.find_all(fantoccini::Locator::Css("button[name=state]")).await.unwrap().is_empty(),
            "a reporter is offered no lifecycle buttons");
        sign_out(&b).await;

        // A responder triages, confirms and adds evidence; the page shows its SHA-256.
        take_link(&b, &rob, None).await;
        sign_in(&b, &base, "rob").await;
        let page = format!("{base}/incidents/{key}");
        b.open(&page, &key).await;
        b.click("button[name=state][value=triage]").await;
        wait_state(&b, "triage").await;
        b.click("button[name=state][value=confirmed]").await;
        wait_state(&b, "confirmed").await;
        let evidence = tempfile::tempdir().unwrap();
        let file = evidence.path().join("auth.log");
        let content = b"Nov 23 08:15:02 orders-db-1 sshd[811]: Accepted publickey for svc-spapi\n";
        std::fs::write(&file, content).unwrap();
        let sha256 = hex::encode(Sha256::digest(content));
        b.find("#file").await.send_keys(file.to_str().unwrap()).await.expect("choose a file");
        b.fill("#evidence-description", "auth log of orders-db-1").await;
        b.click("form[enctype='multipart/form-data'] button[type=submit]").await;
        b.wait_text("td.hash", |h| h == sha256).await;
        let chain = b.text("#chain-status").await;
        assert!(chain.contains("hash chain intact"), "the chain is shown verified: {chain}");

        let dir = artifacts();
        b.screenshot(1280, 1400, &dir.join(format!("incident-{backend}-1280.png"))).await;
        b.screenshot(360, 2400, &dir.join(format!("incident-{backend}-360.png"))).await;
        let fits = b.run_async(
            "arguments[0](document.documentElement.scrollWidth <= window.innerWidth)",
        ).await;
        assert_eq!(fits, serde_json::Value::Bool(true), "the incident page scrolls sideways at 360 px");
        sign_out(&b).await;

        // A viewer reads the incident but is offered no change, and a change sent anyway is refused.
        take_link(&b, &vic, None).await;
        sign_in(&b, &base, "vic").await;
        b.open(&page, &key).await;
        wait_state(&b, "confirmed").await;
        assert!(b.client.find_all(fantoccini::Locator::Css("main form")).await.unwrap().is_empty(),
            "a viewer is offered no forms");
        let incident = t.app.store().incident(rampart_store::IncidentRef::Key(key.parse().unwrap())).await.unwrap();
        let entries = t.app.store().log_of(incident.id()).await.unwrap().len();
        let status = b.run_async(
            "const done = arguments[arguments.length - 1];
             const csrf = document.querySelector('header input[name=csrf]').value;
             fetch(location.pathname + '/note', { method: 'POST', body: new URLSearchParams({ csrf, text: 'edited by a viewer' }) })
               .then(r => done(r.status), e => done(String(e)));",
        ).await;
        assert_eq!(status, serde_json::json!(403), "a viewer's note is refused");
        let after = t.app.store().log_of(incident.id()).await.unwrap().len();
        assert_eq!(after, entries, "nothing was written");
        b.client.clone().close().await.expect("end the browser session");
    }
}
