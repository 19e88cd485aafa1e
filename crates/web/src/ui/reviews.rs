//! Notices reviewed from outside the team. A responder shares one notice with an external
//! reviewer's account (a log entry names the notice, the reviewer and whether they review for
//! Amazon; then the share is stored). Signed in, the reviewer sees the notices shared with them
//! (`/reviews`) — subject, audience, version and body, nothing else of the incident — and approves
//! or requests changes with a comment. Requesting changes is `notice.changes_requested`; an
//! approval by a reviewer for Amazon is Amazon's recorded approval (`notice.amazon_approved`),
//! any other reviewer's approval is a log entry saying so. Each decision names the version seen
//! and is refused once that version is no longer current.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use rampart_core::incident::Notice;
use rampart_core::{Command, DomainError, Incident};
use rampart_store::{IncidentRef, NoticeShare, UserRole};
use serde::Deserialize;
use uuid::Uuid;

use super::forms::after_change;
use super::notices::decision;
use super::{Layout, UiError, render};
use crate::access::{Access, Route, route};
use crate::api::{context, visible_incident};
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};

/// A notice as a reviewer sees it.
pub(crate) struct ReviewView {
    key: String,
    notice: u64,
    subject: String,
    audience: String,
    version: u32,
    body: String,
    for_amazon: bool,
    /// `sent`, or what was decided on the current version so far.
    state: String,
}

fn review_view(incident: &Incident, n: &Notice, share: &NoticeShare) -> ReviewView {
    let decided: Vec<String> = n
        .events
        .iter()
        .filter(|(_, v, _, _)| *v == n.version())
        .map(|(kind, _, by, _)| format!("{} by {by}", kind.trim_start_matches("notice.")))
        .collect();
    ReviewView {
        key: incident.key().to_string(),
        notice: n.id,
        subject: n.draft.subject.clone(),
        audience: n.draft.audience.replace('_', " "),
        version: n.version(),
        body: n.body().to_owned(),
        for_amazon: share.for_amazon,
        state: if n.sent() {
            "sent".to_owned()
        } else if decided.is_empty() {
            "awaiting review".to_owned()
        } else {
            decided.join(", ")
        },
    }
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ReviewsPage {
    layout: Layout,
    reviews: Vec<ReviewView>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    review: ReviewView,
}

/// The notice `notice` of incident `key` and its share, if it is shared with `principal`.
async fn shared(
    app: &App,
    principal: &Principal,
    key: &str,
    notice: u64,
) -> Result<(Incident, NoticeShare), UiError> {
    let missing = || ApiError::not_found(format!("notice {notice} of {key} shared with you"));
    let which = crate::api::incident_ref(key)?;
    let shares = app.store().notices_shared_with(principal.user.id).await?;
    let incident = app.store().incident(which).await.map_err(|_| missing())?;
    let share = shares
        .into_iter()
        .find(|s| s.incident == incident.id() && s.notice == notice)
        .ok_or_else(missing)?;
    Ok((incident, share))
}

fn find(incident: &Incident, notice: u64) -> Result<&Notice, ApiError> {
    incident
        .notices()
        .iter()
        .find(|n| n.id == notice)
        .ok_or_else(|| ApiError::not_found(format!("notice {notice} of {}", incident.key())))
}

async fn reviews(State(app): State<App>, principal: Principal) -> Result<Response, UiError> {
    let mut list = Vec::new();
    for share in app.store().notices_shared_with(principal.user.id).await? {
        let incident = app
            .store()
            .incident(IncidentRef::Id(share.incident))
            .await?;
        list.push(review_view(
            &incident,
            find(&incident, share.notice)?,
            &share,
        ));
    }
    let page = ReviewsPage {
        layout: Layout::of(&principal),
        reviews: list,
    };
    Ok(render(StatusCode::OK, &page))
}

async fn review(
    State(app): State<App>,
    principal: Principal,
    Path((key, notice)): Path<(String, u64)>,
) -> Result<Response, UiError> {
    let (incident, share) = shared(&app, &principal, &key, notice).await?;
    let page = ReviewPage {
        layout: Layout::of(&principal),
        review: review_view(&incident, find(&incident, notice)?, &share),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
struct ReviewForm {
    /// `approve` or `changes`.
    decision: String,
    version: u32,
    #[serde(default)]
    comment: String,
}

async fn decide(
    State(app): State<App>,
    principal: Principal,
    Path((key, notice)): Path<(String, u64)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, UiError> {
    let (incident, share) = shared(&app, &principal, &key, notice).await?;
    let comment = form.comment.trim().to_owned();
    let version = form.version;
    let (command, text) = match (form.decision.as_str(), share.for_amazon) {
        ("changes", _) => (
            decision(notice, version, "changes_requested", &comment)?,
            String::new(),
        ),
        ("approve", true) => (
            decision(notice, version, "amazon_approved", &comment)?,
            format!(
                "approved for Amazon by external reviewer {}",
                principal.user.name
            ),
        ),
        ("approve", false) => {
            let said = if comment.is_empty() {
                String::new()
            } else {
                format!(": {comment}")
            };
            let text = format!(
                "external reviewer {} approved version {version} of notice #{notice}{said}",
                principal.user.name
            );
            (Command::Note, text)
        }
        (other, _) => {
            let message = format!("decision {other:?}: use approve or changes");
            return Err(ApiError::bad_request(message).into());
        }
    };
    let ctx = context(&app, &principal);
    let appended = app
        .store()
        .append(incident.id(), |current: &Incident| {
            let n = current.notices().iter().find(|n| n.id == notice);
            if n.is_none_or(|n| n.version() != version || n.sent()) {
                return Err(DomainError::Invalid {
                    field: "version",
                    value: version.to_string(),
                    reason: "this version is no longer the one to review: reload the notice",
                });
            }
            current.decide(&ctx, command.clone(), text.clone())
        })
        .await;
    match appended {
        Ok(_) => Ok(Redirect::to(&format!("/reviews/{key}/{notice}")).into_response()),
        Err(e) => Err(UiError(e.into())),
    }
}

#[derive(Debug, Deserialize)]
struct ShareForm {
    reviewer: Uuid,
    #[serde(default)]
    for_amazon: Option<String>,
}

async fn share(
    State(app): State<App>,
    principal: Principal,
    Path((key, notice)): Path<(String, u64)>,
    Form(form): Form<ShareForm>,
) -> Result<Response, UiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    find(&incident, notice)?;
    let reviewer = app.store().user(form.reviewer).await?;
    let reviewer = match reviewer {
        Some(r) if r.role == UserRole::ExternalReviewer && !r.disabled => r,
        _ => {
            let message = "share a notice with an enabled external reviewer's account";
            return after_change::<()>(
                &app,
                &principal,
                &key,
                Err(ApiError::new(ErrorCode::Refused, message)),
            )
            .await;
        }
    };
    let for_amazon = form.for_amazon.is_some();
    let text = format!(
        "notice #{notice} shared with external reviewer {}{}",
        reviewer.name,
        if for_amazon {
            ", who reviews for Amazon"
        } else {
            ""
        }
    );
    let ctx = context(&app, &principal);
    app.store()
        .append(incident.id(), |current: &Incident| {
            current.decide(&ctx, Command::Note, text.clone())
        })
        .await?;
    let share = NoticeShare {
        incident: incident.id(),
        notice,
        user: reviewer.id,
        for_amazon,
        shared_by: principal.user.name.clone(),
        shared_at: Timestamp::now(),
    };
    app.store().share_notice(&share).await?;
    Ok(Redirect::to(&format!("/incidents/{key}#notice-{notice}")).into_response())
}

/// The review pages and the share form.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::POST,
            "/incidents/{key}/notices/{notice}/share",
            Access::Respond,
            "Share one notice with an external reviewer (form)",
            post(share),
        ),
        route(
            Method::GET,
            "/reviews",
            Access::Review,
            "The notices shared with the signed-in reviewer",
            get(reviews),
        ),
        route(
            Method::GET,
            "/reviews/{key}/{notice}",
            Access::Review,
            "A notice shared with the signed-in reviewer",
            get(review),
        ),
        route(
            Method::POST,
            "/reviews/{key}/{notice}",
            Access::Review,
            "Approve a shared notice or request changes, with a comment (form)",
            post(decide),
        ),
    ]
}
