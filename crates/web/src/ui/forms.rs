//! The forms that change things: lifecycle transitions, notes, the record of details, evidence
//! uploads, reporting a suspected incident, and adding users. Each change is one appended log
//! entry as the signed-in user; a refused change shows the incident page again with the reason.
//! After a change the browser is sent back to the page (post, redirect, get).

use std::io::Write as _;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use rampart_core::incident::{
    AffectedNetwork, AffectedSystem, CompromisedAccount, Detail, DisruptedService, FileName,
    MediaType, State as LifecycleState,
};
use rampart_core::{Command, Incident, IncidentId, OpenIncident};
use rampart_store::UserRole;
use serde::Deserialize;

use super::pages::incident_page;
use super::{Layout, UiError, render};
use crate::access::{Access, Route, route};
use crate::api::{add_evidence, change, now, too_large, visible_incident};
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};

/// Sends the browser to the incident page, or shows it again with the refusal.
pub(crate) async fn after_change<T>(
    app: &App,
    principal: &Principal,
    key: &str,
    result: Result<T, ApiError>,
) -> Result<Response, UiError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/incidents/{key}")).into_response()),
        Err(e) if e.code == ErrorCode::Refused => {
            let incident = visible_incident(app, principal, key).await?;
            let page = incident_page(app, principal, &incident, Some((e.message, true))).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(UiError(e)),
    }
}

#[derive(Debug, Deserialize)]
struct TransitionForm {
    state: String,
    #[serde(default)]
    reason: String,
}

async fn transition(
    State(app): State<App>,
    principal: Principal,
    Path(key): Path<String>,
    Form(form): Form<TransitionForm>,
) -> Result<Response, UiError> {
    let to: LifecycleState = form.state.parse()?;
    let reason = Some(form.reason.trim().to_owned()).filter(|r| !r.is_empty());
    let cmd = Command::Transition {
        to,
        at: None,
        reason,
    };
    let result = change(&app, &principal, &key, cmd, String::new()).await;
    after_change(&app, &principal, &key, result).await
}

#[derive(Debug, Deserialize)]
struct NoteForm {
    text: String,
}

async fn note(
    State(app): State<App>,
    principal: Principal,
    Path(key): Path<String>,
    Form(form): Form<NoteForm>,
) -> Result<Response, UiError> {
    let result = change(&app, &principal, &key, Command::Note, form.text).await;
    after_change(&app, &principal, &key, result).await
}

#[derive(Debug, Deserialize)]
struct DetailForm {
    category: String,
    name: String,
    #[serde(default)]
    description: String,
}

async fn detail(
    State(app): State<App>,
    principal: Principal,
    Path(key): Path<String>,
    Form(form): Form<DetailForm>,
) -> Result<Response, UiError> {
    let DetailForm {
        category,
        name,
        description,
    } = form;
    let detail = match category.as_str() {
        "system" => Detail::System(AffectedSystem { name, description }),
        "account" => Detail::Account(CompromisedAccount {
            account: name,
            system: None,
            description,
        }),
        "service" => Detail::Service(DisruptedService {
            service: name,
            description,
        }),
        "network" => Detail::Network(AffectedNetwork {
            network: name,
            description,
        }),
        other => {
            return Err(UiError(ApiError::bad_request(format!(
                "category {other:?} is not one of system, account, service, network"
            ))));
        }
    };
    let result = change(
        &app,
        &principal,
        &key,
        Command::AddDetail(detail),
        String::new(),
    )
    .await;
    after_change(&app, &principal, &key, result).await
}

async fn evidence(
    State(app): State<App>,
    principal: Principal,
    Path(key): Path<String>,
    mut form: Multipart,
) -> Result<Response, UiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let limit = app.config().max_upload_bytes;
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad_request(format!("the upload form cannot be read: {e}"))
    };
    let mut description = String::new();
    let mut file: Option<(String, MediaType, tempfile::NamedTempFile)> = None;
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        let field_name = field.name().map(str::to_owned);
        match field_name.as_deref() {
            Some("description") => description = field.text().await.map_err(bad)?,
            Some("file") => {
                let name = field.file_name().unwrap_or("unnamed").to_owned();
                let media = field
                    .content_type()
                    .and_then(|c| c.parse::<MediaType>().ok())
                    .unwrap_or_else(MediaType::octet_stream);
                let mut temp = tempfile::NamedTempFile::new().map_err(ApiError::internal)?;
                let mut size = 0usize;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    size += chunk.len();
                    if size > limit {
                        return Err(UiError(too_large("upload", limit)));
                    }
                    temp.write_all(&chunk).map_err(ApiError::internal)?;
                }
                temp.flush().map_err(ApiError::internal)?;
                file = Some((name, media, temp));
            }
            _ => {}
        }
    }
    let Some((name, media_type, temp)) = file else {
        return Err(UiError(ApiError::bad_request("choose a file to upload")));
    };
    let result = add_evidence(
        &app,
        &principal,
        &incident,
        temp.path(),
        (media_type, FileName::sanitize(&name)),
        description,
    )
    .await
    .map(|_| StatusCode::CREATED.into_response());
    after_change(&app, &principal, &key, result).await
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    error: Option<String>,
    types: Vec<String>,
}

fn report_page(app: &App, principal: &Principal, error: Option<ApiError>) -> Response {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.code.status());
    let page = ReportPage {
        layout: Layout::of(principal),
        error: error.map(|e| e.message),
        types: app.types().types().map(|t| t.name().to_owned()).collect(),
    };
    render(status, &page)
}

async fn report_form(State(app): State<App>, principal: Principal) -> Response {
    report_page(&app, &principal, None)
}

#[derive(Debug, Deserialize)]
struct ReportForm {
    title: String,
    #[serde(rename = "type")]
    incident_type: String,
    #[serde(default)]
    summary: String,
    amazon_information: Option<String>,
    personal_data: Option<String>,
}

async fn report(
    State(app): State<App>,
    principal: Principal,
    Form(form): Form<ReportForm>,
) -> Response {
    let opened = async {
        let incident_type = app.types().parse(&form.incident_type)?;
        let ctx = rampart_core::Context {
            actor: &principal.user.name,
            now: now(),
            types: app.types(),
        };
        let year = u16::try_from(ctx.now.instant().to_zoned(jiff::tz::TimeZone::UTC).year())
            .map_err(ApiError::internal)?;
        let appended = app
            .store()
            .open_incident(year, |key| {
                let cmd = OpenIncident {
                    id: IncidentId::generate(),
                    key,
                    title: form.title,
                    summary: form.summary,
                    incident_type,
                    impact: None,
                    severity_override: None,
                    amazon_information: form.amazon_information.is_some(),
                    personal_data: form.personal_data.is_some(),
                    drill: false,
                    occurred: None,
                    detected: None,
                    reported: None,
                };
                Incident::open(&ctx, cmd, String::new())
            })
            .await?;
        Ok::<_, ApiError>(appended.incident.key().to_string())
    }
    .await;
    match opened {
        Ok(key) => Redirect::to(&format!("/incidents/{key}")).into_response(),
        Err(e) => report_page(&app, &principal, Some(e)),
    }
}

struct UserView {
    name: String,
    role: &'static str,
    password_set: &'static str,
    disabled: &'static str,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserView>,
    roles: Vec<&'static str>,
    invitation: Option<String>,
    error: Option<String>,
}

async fn users_page(
    app: &App,
    principal: &Principal,
    invitation: Option<String>,
    error: Option<ApiError>,
) -> Result<Response, UiError> {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let users = app
        .store()
        .users()
        .await?
        .into_iter()
        .map(|u| UserView {
            password_set: yes_no(u.password_hash.is_some()),
            disabled: yes_no(u.disabled),
            role: u.role.name(),
            name: u.name,
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.code.status());
    let page = UsersPage {
        layout: Layout::of(principal),
        users,
        roles: UserRole::ALL.iter().map(|r| r.name()).collect(),
        invitation,
        error: error.map(|e| e.message),
    };
    Ok(render(status, &page))
}

async fn users(State(app): State<App>, principal: Principal) -> Result<Response, UiError> {
    users_page(&app, &principal, None, None).await
}

#[derive(Debug, Deserialize)]
struct NewUserForm {
    name: String,
    role: String,
}

async fn add_user(
    State(app): State<App>,
    principal: Principal,
    Form(form): Form<NewUserForm>,
) -> Result<Response, UiError> {
    let added = async {
        let role = form
            .role
            .parse::<UserRole>()
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        crate::api::check_name(&form.name)?;
        let user = app
            .store()
            .create_user(&form.name, role, Timestamp::now())
            .await?;
        crate::api::new_link(&app, Some(user.id)).await
    }
    .await;
    match added {
        Ok(link) => users_page(&app, &principal, Some(link), None).await,
        Err(e) => users_page(&app, &principal, None, Some(e)).await,
    }
}

/// The forms.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::POST,
            "/incidents/{key}/transition",
            Access::Respond,
            "Move an incident (form)",
            post(transition),
        ),
        route(
            Method::POST,
            "/incidents/{key}/note",
            Access::Respond,
            "Add a note (form)",
            post(note),
        ),
        route(
            Method::POST,
            "/incidents/{key}/detail",
            Access::Respond,
            "Record what was affected (form)",
            post(detail),
        ),
        route(
            Method::POST,
            "/incidents/{key}/evidence",
            Access::Respond,
            "Upload evidence (multipart form)",
            post(evidence).layer(DefaultBodyLimit::disable()),
        ),
        route(
            Method::GET,
            "/report",
            Access::Report,
            "Report a suspected incident (page)",
            get(report_form),
        ),
        route(
            Method::POST,
            "/report",
            Access::Report,
            "Report a suspected incident (form)",
            post(report),
        ),
        route(
            Method::GET,
            "/users",
            Access::Administer,
            "User administration page",
            get(users),
        ),
        route(
            Method::POST,
            "/users",
            Access::Administer,
            "Add a user (form)",
            post(add_user),
        ),
    ]
}
