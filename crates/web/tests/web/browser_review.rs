//! An external reviewer's approval in a real headless Chromium (SQLite only, to keep the run
//! short): a responder drafts a notice on the incident page and shares it with a reviewer for
//! Amazon; the reviewer signs in, finds it under "Notices to review", sees the body and nothing of
//! the incident, and approves it; the page then shows Amazon's approval by the reviewer.

use crate::browser::chrome::Browser;
use crate::browser::{invite, serve, sign_in, sign_out, take_link};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_for_amazon_approves_a_shared_notice_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (base, t, _stop) = serve(crate::support::sqlite().await).await;
    let setup = rampart_web::setup_link(&t.app)
        .await
        .unwrap()
        .expect("a setup link");
    take_link(&b, &setup, Some("ada")).await;
    sign_in(&b, &base, "ada").await;
    let rob = invite(&b, &base, "rob", "responder").await;
    let amy = invite(&b, &base, "amy", "external_reviewer").await;
    sign_out(&b).await;

    take_link(&b, &rob, None).await;
    sign_in(&b, &base, "rob").await;
    b.click("header a.report").await;
    b.heading("Report a suspected incident").await;
    b.fill("#title", "Order reports downloaded by an unknown app")
        .await;
    b.click("main form button[type=submit]").await;
    let heading = b.heading("INC-").await;
    let key = heading.split(':').next().unwrap().to_owned();
    b.fill("#draft-subject", "About your orders").await;
    b.fill(
        "#draft-template",
        "Dear {{ recipient.name }}, we are writing about {{ incident.key }}.",
    )
    .await;
    b.fill(
        "#draft-recipients",
        "name,channel,email\nAda Lovelace,email,ada@example.org\n",
    )
    .await;
    b.click("form[action$='/notices'] button[type=submit]")
        .await;
    b.wait_text(".notice-card h3", |h| h.ends_with("About your orders"))
        .await;
    b.click("form[action$='/share'] input[name=for_amazon]")
        .await;
    b.click("form[action$='/share'] button[type=submit]").await;
    b.wait_text(".notice-card p.shared", |p| p.contains("amy (for Amazon)"))
        .await;
    sign_out(&b).await;

    take_link(&b, &amy, None).await;
    sign_in(&b, &base, "amy").await;
    b.click("header nav a[href='/reviews']").await;
    b.heading("Notices to review").await;
    b.click("#reviews a").await;
    b.heading("Review: About your orders").await;
    let body = b.text("pre.body").await;
    assert!(body.contains("we are writing about"), "{body}");
    let page = b.text("main").await;
    assert!(
        !page.contains("Order reports downloaded"),
        "nothing of the incident: {page}"
    );
    b.fill("#comment", "Approved for Amazon").await;
    b.click("button[name=decision][value=approve]").await;
    b.wait_text("#review-state", |s| s.contains("amazon_approved by amy"))
        .await;
    let incident = t
        .app
        .store()
        .incident(rampart_store::IncidentRef::Key(key.parse().unwrap()))
        .await
        .unwrap();
    let n = &incident.notices()[0];
    assert!(n.has("notice.amazon_approved"), "{:?}", n.events);
    b.client
        .clone()
        .close()
        .await
        .expect("end the browser session");
}
