//! Notices on the incident page, doing what `rampart notice` and `rampart register hold|lift` do:
//! draft from a template and a recipient list, revise the body (a new version), approve, record
//! Amazon's approval or review, override the personal-data check or send back with a reason,
//! send (every gate checked under the write lock, `rampart_respond::notices::send`); the holds
//! are shown here and recorded or lifted with the forms of `holds`. Each form is one appended log
//! entry (sending: the entry and the queued e-mails); each notice shows what still blocks it.

use axum::extract::{Form, Path, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::post;
use rampart_clock::Evaluation;
use rampart_core::incident::{Notice, NoticeAction, NoticeRevised, NoticeVersion};
use rampart_core::{Command, Incident};
use rampart_notice::NoticeSettings;
use rampart_notice::incident::{DraftInput, blocked, drafted};
use rampart_respond::notices::{SendError, send};
use rampart_store::UserRole;
use serde::Deserialize;

use super::UiError;
use super::forms::after_change;
use crate::access::{Access, Route, route};
use crate::api::clocks::company;
use crate::api::{change, context, visible_incident};
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};

/// A notice as the incident page shows it.
pub(crate) struct NoticeView {
    pub(crate) id: u64,
    pub(crate) subject: String,
    pub(crate) audience: String,
    pub(crate) version: u32,
    pub(crate) state: &'static str,
    pub(crate) on_behalf_of_amazon: bool,
    pub(crate) recipients: Vec<String>,
    pub(crate) body: String,
    /// Approvals, sign-offs, overrides, requests for changes and sending, oldest first.
    pub(crate) events: Vec<String>,
    /// What blocks sending the current version (empty once sent).
    pub(crate) blocked: Vec<String>,
    /// Letters mailed, calls made, visits paid.
    pub(crate) contacts: Vec<String>,
    /// The external reviewers it is shared with.
    pub(crate) shared_with: Vec<String>,
    /// A regime in force requires it: Amazon's review stands in for its approval.
    pub(crate) law_requires: bool,
}

/// A notification hold.
pub(crate) struct HoldView {
    pub(crate) id: u64,
    pub(crate) text: String,
    pub(crate) active: bool,
}

/// The notices part of the incident page.
#[derive(Default)]
pub(crate) struct NoticesView {
    pub(crate) notices: Vec<NoticeView>,
    pub(crate) holds: Vec<HoldView>,
    /// The law-enforcement engagements a hold can come through: (id, agency and contact).
    pub(crate) engagements: Vec<(u64, String)>,
    /// The external reviewers a notice can be shared with: (user id, name).
    pub(crate) reviewers: Vec<(String, String)>,
    /// The library's templates a notice can be drafted from: (name, latest version).
    pub(crate) library: Vec<(String, u32)>,
}

fn view(
    incident: &Incident,
    n: &Notice,
    settings: &NoticeSettings,
    evaluation: &Evaluation,
) -> NoticeView {
    let required = evaluation.requires_notice_to(&n.draft.audience);
    let state = if n.sent() {
        "sent"
    } else if n.has("notice.approved") {
        "approved"
    } else {
        "draft"
    };
    NoticeView {
        id: n.id,
        subject: n.draft.subject.clone(),
        audience: n.draft.audience.clone(),
        version: n.version(),
        state,
        on_behalf_of_amazon: n.draft.on_behalf_of_amazon,
        recipients: n
            .draft
            .recipients
            .iter()
            .map(|r| format!("{} ({})", r.name, r.channel))
            .collect(),
        body: n.body().to_owned(),
        events: n
            .events
            .iter()
            .map(|(kind, version, by, reason)| {
                let reason = reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                format!("v{version} {kind} by {by}{reason}")
            })
            .collect(),
        blocked: if n.sent() {
            Vec::new()
        } else {
            blocked(incident, n, settings, required)
                .into_iter()
                .map(|b| format!("{}: {}", b.gate, b.reason))
                .collect()
        },
        contacts: n
            .contacts
            .iter()
            .map(|c| {
                let name = n
                    .draft
                    .recipients
                    .get(c.recipient)
                    .map_or("?", |r| r.name.as_str());
                format!("{name}: {} by {} at {}", c.outcome, c.by, c.at)
            })
            .collect(),
        shared_with: Vec::new(),
        law_requires: required,
    }
}

/// The notices and holds of `incident`, under the company's notice settings and regimes.
pub(crate) async fn notices_view(
    app: &App,
    incident: &Incident,
    settings: &NoticeSettings,
    config: &rampart_clock::Config,
) -> Result<NoticesView, UiError> {
    let evaluation = config
        .evaluate(incident)
        .map_err(|e| ApiError::internal(format!("{}: {e}", incident.key())))?;
    let registers = incident.registers();
    // The accounts name who a notice is shared with, and whom it can be: none without notices.
    let users = if incident.notices().is_empty() {
        Vec::new()
    } else {
        app.store().users().await?
    };
    let mut notices = Vec::new();
    for n in incident.notices() {
        let mut v = view(incident, n, settings, &evaluation);
        for share in app.store().notice_shares(incident.id(), n.id).await? {
            let name = users.iter().find(|u| u.id == share.user);
            let name = name.map_or_else(|| share.user.to_string(), |u| u.name.clone());
            let amazon = if share.for_amazon {
                " (for Amazon)"
            } else {
                ""
            };
            v.shared_with.push(format!("{name}{amazon}"));
        }
        notices.push(v);
    }
    Ok(NoticesView {
        notices,
        library: super::templates::library(app)
            .await?
            .into_iter()
            .map(|e| (e.name, e.latest.version))
            .collect(),
        reviewers: users
            .iter()
            .filter(|u| u.role == UserRole::ExternalReviewer && !u.disabled)
            .map(|u| (u.id.to_string(), u.name.clone()))
            .collect(),
        holds: registers
            .holds
            .iter()
            .map(|h| {
                let r = &h.request.record;
                let until = r.until.map(|u| format!(", until {u}")).unwrap_or_default();
                let text = match &h.lifted {
                    None => format!("{} asked on {}{until}: in force", r.officer, r.requested_on),
                    Some((by, at, why)) => format!(
                        "{} asked on {}{until}: lifted by {by} at {at}: {why}",
                        r.officer, r.requested_on
                    ),
                };
                HoldView {
                    id: h.request.id,
                    text,
                    active: h.lifted.is_none(),
                }
            })
            .collect(),
        engagements: registers
            .law_enforcement
            .iter()
            .map(|e| (e.id, format!("{} ({})", e.record.agency, e.record.contact)))
            .collect(),
    })
}

#[derive(Debug, Deserialize)]
struct DraftForm {
    audience: String,
    subject: String,
    /// A template of the library (its latest version), or empty to use `template`.
    #[serde(default)]
    library: String,
    #[serde(default)]
    template: String,
    recipients: String,
    #[serde(default)]
    on_behalf_of_amazon: Option<String>,
}

async fn draft(
    State(app): State<App>,
    principal: Principal,
    Path(key): Path<String>,
    Form(form): Form<DraftForm>,
) -> Result<Response, UiError> {
    let (template, template_name) = if form.library.is_empty() {
        (form.template, "template".to_owned())
    } else {
        match super::templates::latest(&app, &form.library).await {
            Ok(found) => found,
            Err(e) => return after_change::<()>(&app, &principal, &key, Err(e)).await,
        }
    };
    let draft = drafted(&DraftInput {
        audience: &form.audience,
        subject: form.subject.trim(),
        template_name: &template_name,
        template: &template,
        recipients_name: "recipients",
        recipients: &form.recipients,
        on_behalf_of_amazon: form.on_behalf_of_amazon.is_some(),
    })
    .map_err(|e| ApiError::new(ErrorCode::Refused, format!("nothing drafted: {e}")));
    let result = match draft {
        Ok(d) => {
            let cmd = Command::Notice(NoticeAction::Drafted(d));
            change(&app, &principal, &key, cmd, String::new()).await
        }
        Err(e) => Err(e),
    };
    after_change(&app, &principal, &key, result).await
}

#[derive(Debug, Deserialize)]
struct ReviseForm {
    body: String,
}

async fn revise(
    State(app): State<App>,
    principal: Principal,
    Path((key, notice)): Path<(String, u64)>,
    Form(form): Form<ReviseForm>,
) -> Result<Response, UiError> {
    let checked = rampart_notice::template::check(&format!("notice {notice}"), &form.body)
        .map_err(|e| ApiError::new(ErrorCode::Refused, e.to_string()));
    let result = match checked {
        Ok(()) => {
            let action = NoticeAction::Revised(NoticeRevised {
                notice,
                body: form.body,
            });
            change(
                &app,
                &principal,
                &key,
                Command::Notice(action),
                String::new(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    after_change(&app, &principal, &key, result).await
}

#[derive(Debug, Deserialize)]
struct DecisionForm {
    /// `approved`, `amazon_approved`, `amazon_reviewed`, `pii_overridden`, `changes_requested`.
    decision: String,
    /// The version shown when the decision was taken.
    version: u32,
    #[serde(default)]
    reason: String,
}

/// The entry recording `decision` on version `version` of notice `notice`.
pub(crate) fn decision(
    notice: u64,
    version: u32,
    decision: &str,
    reason: &str,
) -> Result<Command, ApiError> {
    let kind = format!("notice.{decision}");
    let reason = Some(reason.trim().to_owned()).filter(|r| !r.is_empty());
    let v = NoticeVersion {
        notice,
        version,
        reason,
    };
    match NoticeAction::version(&kind, v) {
        Some(action) if kind != "notice.sending" => Ok(Command::Notice(action)),
        _ => Err(ApiError::bad_request(format!(
            "decision {decision:?}: use approved, amazon_approved, amazon_reviewed, \
             pii_overridden or changes_requested"
        ))),
    }
}

async fn decide(
    State(app): State<App>,
    principal: Principal,
    Path((key, notice)): Path<(String, u64)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, UiError> {
    let cmd = decision(notice, form.version, &form.decision, &form.reason)?;
    let result = change(&app, &principal, &key, cmd, String::new()).await;
    after_change(&app, &principal, &key, result).await
}

async fn send_notice(
    State(app): State<App>,
    principal: Principal,
    Path((key, notice)): Path<(String, u64)>,
) -> Result<Response, UiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let company = company(&app)?;
    let ctx = context(&app, &principal);
    let sent = send(
        app.store(),
        &ctx,
        incident.id(),
        notice,
        &company.settings.notices,
        &company.clocks,
    )
    .await;
    let result = sent.map_err(|e| match e {
        SendError::Store(e) => ApiError::from(e),
        SendError::Queue(e) => ApiError::internal(e),
        e => ApiError::new(ErrorCode::Refused, e.to_string()),
    });
    after_change(&app, &principal, &key, result).await
}

/// The notice forms.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::POST,
            "/incidents/{key}/notices",
            Access::Respond,
            "Draft a notice from a template and a recipient list (form)",
            post(draft),
        ),
        route(
            Method::POST,
            "/incidents/{key}/notices/{notice}/revise",
            Access::Respond,
            "Replace a notice's body with a new version (form)",
            post(revise),
        ),
        route(
            Method::POST,
            "/incidents/{key}/notices/{notice}/decide",
            Access::Respond,
            "Approve, record Amazon's approval or review, override the personal-data check or \
             request changes (form)",
            post(decide),
        ),
        route(
            Method::POST,
            "/incidents/{key}/notices/{notice}/send",
            Access::Respond,
            "Send a notice once every gate passes (form)",
            post(send_notice),
        ),
    ]
}
