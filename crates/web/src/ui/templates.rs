//! The team's notice template library (`/templates`): every template with its versions, a form
//! saving a new version of one (checked first: an unknown field is refused with its place), and
//! the choice of a template when a notice is drafted on the incident page.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use rampart_store::NoticeTemplate;
use serde::Deserialize;

use super::{Layout, UiError, render};
use crate::access::{Access, Route, route};
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};

/// A template of the library: its latest version and the ones before.
pub(crate) struct LibraryEntry {
    pub(crate) name: String,
    pub(crate) latest: NoticeTemplate,
    pub(crate) older: Vec<String>,
}

/// The library, by name.
pub(crate) async fn library(app: &App) -> Result<Vec<LibraryEntry>, UiError> {
    let mut out: Vec<LibraryEntry> = Vec::new();
    for t in app.store().notice_templates().await? {
        match out.last_mut() {
            Some(entry) if entry.name == t.name => entry.older.push(format!(
                "v{} by {} at {}",
                t.version, t.saved_by, t.saved_at
            )),
            _ => out.push(LibraryEntry {
                name: t.name.clone(),
                latest: t,
                older: Vec::new(),
            }),
        }
    }
    Ok(out)
}

/// The latest version of template `name`, as a draft takes it: its text and the name recorded.
pub(crate) async fn latest(app: &App, name: &str) -> Result<(String, String), ApiError> {
    let found = app.store().latest_notice_template(name).await?;
    let t = found.ok_or_else(|| {
        ApiError::new(
            ErrorCode::Refused,
            format!("no template {name:?} in the library"),
        )
    })?;
    Ok((t.body, format!("{} v{}", t.name, t.version)))
}

#[derive(Template)]
#[template(path = "templates.html")]
struct LibraryPage {
    layout: Layout,
    error: Option<String>,
    entries: Vec<LibraryEntry>,
}

async fn page(
    app: &App,
    principal: &Principal,
    error: Option<ApiError>,
) -> Result<Response, UiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.code.status());
    let view = LibraryPage {
        layout: Layout::of(principal),
        error: error.map(|e| e.message),
        entries: library(app).await?,
    };
    Ok(render(status, &view))
}

async fn show(State(app): State<App>, principal: Principal) -> Result<Response, UiError> {
    page(&app, &principal, None).await
}

#[derive(Debug, Deserialize)]
struct SaveForm {
    name: String,
    body: String,
}

async fn save(
    State(app): State<App>,
    principal: Principal,
    Form(form): Form<SaveForm>,
) -> Result<Response, UiError> {
    let name = form.name.trim();
    let checked = if name.is_empty() {
        Err("a template needs a name".to_owned())
    } else {
        rampart_notice::template::check(name, &form.body).map_err(|e| e.to_string())
    };
    if let Err(reason) = checked {
        let refused = ApiError::new(ErrorCode::Refused, format!("not saved: {reason}"));
        return page(&app, &principal, Some(refused)).await;
    }
    let by = &principal.user.name;
    app.store()
        .save_notice_template(name, &form.body, by, Timestamp::now())
        .await?;
    Ok(Redirect::to("/templates").into_response())
}

/// The library's page and form.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/templates",
            Access::Respond,
            "The team's notice templates, with their versions",
            get(show),
        ),
        route(
            Method::POST,
            "/templates",
            Access::Respond,
            "Save a new version of a notice template (form)",
            post(save),
        ),
    ]
}
