//! The plan in the browser and the API: the identification checklist confirming an incident
//! activates the team (roles from on-call, tasks, the first page in the outbox with its
//! acknowledgement link), tasks worked from the incident page, the page acknowledged from the
//! e-mail's link after signing in, a dismissal needing its reason, and the plan, team, contacts,
//! training and diff pages with who may read them.

use axum::http::{Method, StatusCode};
use jiff::{SignedDuration, Timestamp};
use rampart_store::UserRole;
use rampart_store::outbox::OutboxFilter;
use sha2::{Digest as _, Sha256};

use crate::pages::{location, post_form, text};
use crate::support::{Auth, PUBLIC_URL, TestApp, both_backends};

/// The default plan with ana on the commander rotation and cy as the IMPOC.
fn staffed_plan() -> String {
    let text = rampart_plan::DEFAULT_PLAN_TOML
        .replacen("members = []", "members = [\"ana\"]", 1)
        .replacen("members = []", "members = [\"cy\"]", 1);
    format!(
        "{text}
[members.ana]
name = \"Ana Example\"
email = \"ana@example.org\"
phone = \"+1 555 0100\"
roles = [\"commander\", \"technical_lead\", \"scribe\"]

[members.cy]
name = \"Cy Example\"
email = \"cy@example.org\"
roles = [\"impoc\", \"legal_privacy\", \"communications_lead\"]
"
    )
}

async fn apply(t: &TestApp, text: &str) {
    let plan = rampart_plan::Plan::from_toml("staffed.toml", text).expect("a valid plan");
    t.app
        .store()
        .apply_plan("admin", Timestamp::now(), "staffed.toml", text, &plan, "")
        .await
        .expect("apply the plan");
}

/// A user with `role`, signed in: their API token, their session cookie (no CSRF header) and
/// the session's CSRF token.
async fn member(t: &TestApp, name: &str, role: UserRole) -> (Auth, Auth, String) {
    let token = t.user(name, role).await;
    let user = t
        .app
        .store()
        .user_by_name(name)
        .await
        .expect("read the user")
        .expect("the user");
    let cookie = format!("cookie-{name}");
    let csrf = format!("csrf-{name}");
    let hash: [u8; 32] = Sha256::digest(cookie.as_bytes()).into();
    let now = Timestamp::now();
    let until = now + SignedDuration::from_hours(1);
    t.app
        .store()
        .create_session(hash, user.id, &csrf, now, until)
        .await
        .expect("a session");
    (token, Auth::Session { cookie, csrf: None }, csrf)
}

both_backends! {
    async fn confirming_on_the_incident_page_activates_the_team_and_the_page_is_acknowledged_from_its_link(t: TestApp) {
        apply(&t, &staffed_plan()).await;
        let (token, rick, csrf) = member(&t, "rick", UserRole::Responder).await;
        let key = t.open(&token, "Console login from an unknown address").await;
        let path = format!("/incidents/{key}");

        let page = text(&t.get(&path, &rick).await);
        assert!(page.contains("name=\"answer.amazon_information\""), "{page}");
        assert!(page.contains("Confirm: a security incident"), "{page}");

        let answers = [
            ("answer.amazon_information", "yes"),
            ("answer.unauthorized_access", "yes"),
            ("answer.service_disruption", "no"),
            ("decision", "confirm"),
        ];
        let refused = post_form(&t, &format!("{path}/identify"), &rick, &answers).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "no CSRF token, nothing written");
        let maybe = post_form(&t, &format!("{path}/identify"), &rick, &[("csrf", &csrf), ("answer.personal_data", "maybe")]).await;
        assert_eq!(maybe.status, StatusCode::BAD_REQUEST, "{}", text(&maybe));
        let mut with_csrf = answers.to_vec();
        with_csrf.push(("csrf", &csrf));
        let answer = post_form(&t, &format!("{path}/identify"), &rick, &with_csrf).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
        assert_eq!(location(&answer), path);

        let record = t.get(&format!("/api/v1/incidents/{key}"), &token).await.json;
        assert_eq!(record["state"], "confirmed", "{record}");
        assert_eq!(record["roles"]["commander"], "ana", "commander from the rotation: {record}");
        let pages = record["response"]["pages"].as_array().unwrap();
        assert_eq!(pages.len(), 1, "{record}");
        let page_id = pages[0]["id"].as_u64().unwrap();

        let tasks = t.get(&format!("/api/v1/incidents/{key}/tasks"), &token).await.json;
        let tasks = tasks["tasks"].as_array().unwrap().clone();
        assert!(!tasks.is_empty());
        let owned = tasks.iter().find(|t| t["owner"] == "ana" && t["spec"]["required"] == true).expect("a required task owned by the commander");
        assert!(owned["due"].is_string() && owned["overdue"] == false, "{owned}");

        // The page e-mail to ana links to the acknowledgement form.
        let link = format!("{PUBLIC_URL}/incidents/{key}/pages/{page_id}/ack");
        let queued = t.app.store().outbox_list(&OutboxFilter::default()).await.unwrap();
        let mail = queued.iter().find(|m| m.recipients.iter().any(|r| r.contains("ana@example.org"))).expect("a page to ana");
        assert!(mail.body.contains(&link), "{}", mail.body);
        // No relay is configured: the incident page shows the page as pending, never as sent.
        let shown = text(&t.get(&path, &rick).await);
        assert!(shown.contains("pending: [Rampart] Page:"), "{shown}");
        assert!(!shown.contains("sent: [Rampart] Page:"), "{shown}");

        // Tasks from the incident page: start one; skipping a required one needs a reason.
        let task = owned["spec"]["id"].as_str().unwrap().to_owned();
        let page = text(&t.get(&path, &rick).await);
        assert!(page.contains(&format!("action=\"/incidents/{key}/tasks/{task}\"")), "{page}");
        let task_path = format!("{path}/tasks/{task}");
        let answer = post_form(&t, &task_path, &rick, &[("csrf", &csrf), ("status", "in_progress")]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
        let answer = post_form(&t, &task_path, &rick, &[("csrf", &csrf), ("status", "skipped")]).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text(&answer));
        let answer = t.json(Method::PATCH, &format!("/api/v1/incidents/{key}/tasks/{task}"), &token, serde_json::json!({"status": "done"})).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);

        // The link, signed out: the sign-in form, returning to the link.
        let ack_path = link.strip_prefix(PUBLIC_URL).unwrap();
        let signed_out = t.get(ack_path, &Auth::None).await;
        assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);
        assert!(text(&signed_out).contains(&format!("name=\"next\" value=\"{ack_path}\"")));
        // Signed in: a form to confirm; nothing written by opening it.
        let form = text(&t.get(ack_path, &rick).await);
        assert!(form.contains(&format!("Acknowledge page {page_id}")), "{form}");
        let answer = post_form(&t, ack_path, &rick, &[("csrf", &csrf)]).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
        let record = t.get(&format!("/api/v1/incidents/{key}"), &token).await.json;
        assert_eq!(record["response"]["pages"][0]["acknowledged"][0], "rick", "{record}");
        let page = text(&t.get(&path, &rick).await);
        assert!(page.contains("acknowledged by rick"), "{page}");
        let again = post_form(&t, ack_path, &rick, &[("csrf", &csrf)]).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "acknowledged once");

        // A viewer sees the checklist and tasks but no forms.
        let (_, vic, _) = member(&t, "vic", UserRole::Viewer).await;
        let page = text(&t.get(&path, &vic).await);
        assert!(page.contains("Tasks") && !page.contains("Confirm: a security incident") && !page.contains("tasks/{task}"));
    }
}

both_backends! {
    async fn dismissing_needs_a_reason_and_activates_nobody(t: TestApp) {
        apply(&t, &staffed_plan()).await;
        let (token, _, _) = member(&t, "rick", UserRole::Responder).await;
        let key = t.open(&token, "Odd mail").await;
        let path = format!("/api/v1/incidents/{key}/identification");
        let body = serde_json::json!({"answers": {"unauthorized_access": "no"}});
        let bad = t.json(Method::POST, &path, &token, body).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.json);
        let unknown = t.json(Method::POST, &path, &token, serde_json::json!({"answers": {"aliens": true}})).await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.json);
        assert!(unknown.json["message"].as_str().unwrap().contains("aliens"));
        let no_reason = t.json(Method::POST, &path, &token, serde_json::json!({"decision": "dismissed"})).await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_reason.json);
        let dismissed = t.json(Method::POST, &path, &token, serde_json::json!({"answers": {"unauthorized_access": false}, "decision": "dismissed", "reason": "a newsletter"})).await;
        assert_eq!(dismissed.status, StatusCode::OK, "{}", dismissed.json);
        assert_eq!(dismissed.json["state"], "dismissed");
        assert!(dismissed.json["response"]["tasks"].as_array().unwrap().is_empty());
        assert!(t.app.store().outbox_list(&OutboxFilter::default()).await.unwrap().is_empty());

        // Activating by hand (an incident opened at high or critical, before the decision).
        let urgent = t.open(&token, "Ransom note on the file server").await;
        let activated = t.json(Method::POST, &format!("/api/v1/incidents/{urgent}/activation"), &token, serde_json::json!({})).await;
        assert_eq!(activated.status, StatusCode::OK, "{}", activated.json);
        assert_eq!(activated.json["roles"]["commander"], "ana", "{}", activated.json);
        assert_eq!(activated.json["response"]["pages"].as_array().unwrap().len(), 1);
        assert!(!t.app.store().outbox_list(&OutboxFilter::default()).await.unwrap().is_empty());
    }
}

both_backends! {
    async fn the_plan_team_contacts_and_training_pages_are_read_by_those_who_read_every_incident(t: TestApp) {
        apply(&t, rampart_plan::DEFAULT_PLAN_TOML).await;
        apply(&t, &staffed_plan()).await;
        let (token, vic, _) = member(&t, "vic", UserRole::Viewer).await;

        let plan = text(&t.get("/plan", &vic).await);
        for part in ["Roles and responsibilities", "Severity matrix", "Identification checklist", "Playbook", "version 2 applied"] {
            assert!(plan.contains(part), "{part} on the plan page");
        }
        let diff = text(&t.get("/plan/diff?from=1&to=2", &vic).await);
        assert!(diff.contains("members.ana"), "{diff}");
        let defaults = text(&t.get("/plan/diff?from=&to=2", &vic).await);
        assert!(defaults.contains("from version 1 to 2"), "the form left empty: {defaults}");
        assert_eq!(t.get("/plan/diff?from=x", &vic).await.status, StatusCode::BAD_REQUEST);
        let team = text(&t.get("/team", &vic).await);
        assert!(team.contains("On call now") && team.contains("Ana Example") && team.contains("+1 555 0100"), "{team}");
        let api = t.get("/api/v1/team", &token).await.json;
        assert!(api["on_call"].as_array().unwrap().iter().any(|o| o["member"] == "ana"), "{api}");
        let contacts = text(&t.get("/contacts", &vic).await);
        assert!(contacts.contains("law enforcement"), "{contacts}");
        let training = text(&t.get("/training", &vic).await);
        assert!(training.contains("id=\"overdue\"") && training.contains("ana"), "nobody trained yet: {training}");

        let review = t.get("/api/v1/plan", &token).await.json;
        let attention = review["review"]["state"] != "current";
        let home = text(&t.get("/", &vic).await);
        assert_eq!(home.contains("id=\"plan-review\""), attention, "{review}");

        let (_, pat, _) = member(&t, "pat", UserRole::Reporter).await;
        assert_eq!(t.get("/plan", &pat).await.status, StatusCode::FORBIDDEN);
        assert!(!text(&t.get("/", &pat).await).contains("href=\"/plan\""));
    }
}
