//! The web interface: server-rendered pages (askama templates in `templates/`), plain HTML forms
//! that work without JavaScript, and htmx (vendored, `assets/`) to make navigation and forms
//! smoother where scripts run. Pages and forms sit in the same route table as the API, under the
//! same access rules; every form carries the session's CSRF token.
//!
//! - this module: the page frame ([`Layout`]), rendering, error pages, sign-in, the setup link,
//!   sign-out and the static assets;
//! - `pages`: the dashboard, the incident list and the incident page;
//! - `notices`: the notices on the incident page (draft, versions, approvals, Amazon's sign-off,
//!   personal-data override, sending) and the law-enforcement holds;
//! - `holds`: recording and lifting law-enforcement notification holds;
//! - `reviews`: a notice shared with an external reviewer, who approves it or requests changes;
//! - `templates`: the team's notice template library, versioned;
//! - `clocks`: the notification clocks on the dashboard and the incident page;
//! - `forms`: the forms that change things (each one appended log entry), reporting, users.
//! - `plan`, `team`: the plan (review status, history, diff), the team and on-call, contacts,
//!   training;
//! - `respond`: the plan on the incident page (identification, tasks, pages) and the page
//!   acknowledgement form the page e-mail links to.

mod clocks;
mod deliveries;
mod forms;
mod holds;
mod notices;
mod pages;
mod plan;
mod respond;
mod reviews;
mod team;
mod templates;

use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use rampart_store::{LinkOutcome, UserRole};
use serde::Deserialize;

use crate::access::{Access, Route, route};
use crate::app::App;
use crate::auth::{ClientAddr, Principal, Via, session_cookie};
use crate::error::{ApiError, ErrorCode, LoggedError};

/// What every page shows around its content: who is signed in and the form token.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    pub(crate) user: Option<String>,
    pub(crate) csrf: String,
    pub(crate) admin: bool,
    pub(crate) can_report: bool,
    pub(crate) can_read_plan: bool,
    pub(crate) can_review: bool,
    pub(crate) can_respond: bool,
}

impl Layout {
    pub(crate) fn of(principal: &Principal) -> Self {
        let csrf = match &principal.via {
            Via::Session { csrf_token, .. } => csrf_token.clone(),
            Via::Token => String::new(),
        };
        Self {
            user: Some(principal.user.name.clone()),
            csrf,
            admin: principal.user.role == UserRole::Administrator,
            can_report: Access::Report.allows(principal.user.role),
            can_read_plan: Access::ReadPlan.allows(principal.user.role),
            can_review: Access::Review.allows(principal.user.role),
            can_respond: Access::Respond.allows(principal.user.role),
        }
    }
}

/// A page, or the error page if the template fails.
pub(crate) fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    layout: Layout,
    heading: &'a str,
    message: &'a str,
    is_error: bool,
    link: Option<&'a str>,
    link_text: &'a str,
}

/// A failure as a page: the sign-in form (401) without a valid session, a message for the rest
/// (logged like an API error).
pub(crate) fn refusal(e: ApiError) -> Response {
    refusal_at(e, None)
}

/// [`refusal`], with the sign-in form returning to `back` (a local path) once signed in.
pub(crate) fn refusal_at(e: ApiError, back: Option<String>) -> Response {
    let logged = Arc::new(LoggedError {
        code: e.code,
        cause: e.cause.clone(),
    });
    let mut response = if e.code == ErrorCode::Unauthenticated {
        let page = SignInPage {
            layout: Layout::default(),
            error: Some("Sign in to continue.".to_owned()),
            name: String::new(),
            next: back.unwrap_or_default(),
        };
        render(StatusCode::UNAUTHORIZED, &page)
    } else {
        let heading = match e.code.status() {
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::NOT_FOUND => "Not found",
            s if s.is_server_error() => "Something went wrong",
            _ => "That did not work",
        };
        let page = MessagePage {
            layout: Layout::default(),
            heading,
            message: &e.message,
            is_error: true,
            link: Some("/"),
            link_text: "Back to the dashboard",
        };
        render(e.code.status(), &page)
    };
    response.extensions_mut().insert(logged);
    response
}

/// An error of a page handler, shown as a page.
#[derive(Debug)]
pub(crate) struct UiError(pub(crate) ApiError);

impl From<ApiError> for UiError {
    fn from(e: ApiError) -> Self {
        UiError(e)
    }
}

impl From<rampart_store::StoreError> for UiError {
    fn from(e: rampart_store::StoreError) -> Self {
        UiError(e.into())
    }
}

impl From<rampart_core::DomainError> for UiError {
    fn from(e: rampart_core::DomainError) -> Self {
        UiError(e.into())
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        refusal(self.0)
    }
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    layout: Layout,
    error: Option<String>,
    name: String,
    next: String,
}

async fn sign_in_page() -> Response {
    let page = SignInPage {
        layout: Layout::default(),
        error: None,
        name: String::new(),
        next: String::new(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
struct SignInForm {
    name: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// `next` when it is a path on this service, else the dashboard.
fn local_path(next: &str) -> &str {
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if local { next } else { "/" }
}

async fn sign_in(
    State(app): State<App>,
    address: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let name = form.name.clone();
    let next = form.next.clone();
    match crate::api::sign_in_with(&app, address, &headers, form.name, form.password).await {
        Ok((token, _)) => (
            [(header::SET_COOKIE, session_cookie(&app, Some(&token)))],
            Redirect::to(local_path(&next)),
        )
            .into_response(),
        Err(e) => {
            let page = SignInPage {
                layout: Layout::default(),
                error: Some(e.message.clone()),
                name,
                next,
            };
            let mut response = render(e.code.status(), &page);
            response.extensions_mut().insert(Arc::new(LoggedError {
                code: e.code,
                cause: e.cause,
            }));
            response
        }
    }
}

async fn sign_out(State(app): State<App>, principal: Principal) -> Result<Response, UiError> {
    if let Via::Session { token_hash, .. } = principal.via {
        app.store().delete_session(token_hash).await?;
    }
    Ok((
        [(header::SET_COOKIE, session_cookie(&app, None))],
        Redirect::to("/signin"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    layout: Layout,
    error: Option<String>,
    token: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct SetupQuery {
    #[serde(default)]
    token: String,
}

async fn setup_page(Query(query): Query<SetupQuery>) -> Response {
    let page = SetupPage {
        layout: Layout::default(),
        error: None,
        token: query.token,
        name: String::new(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
struct SetupForm {
    token: String,
    #[serde(default)]
    name: String,
    password: String,
}

async fn setup(State(app): State<App>, Form(form): Form<SetupForm>) -> Response {
    let name = form.name.trim().to_owned();
    let outcome =
        crate::api::take_link(&app, &form.token, &name, form.password, Timestamp::now()).await;
    let error = match outcome {
        Ok(LinkOutcome::AdministratorCreated(_) | LinkOutcome::PasswordSet(_)) => {
            return Redirect::to("/signin").into_response();
        }
        Ok(LinkOutcome::NameRequired) => {
            ApiError::bad_request("this link creates the first administrator: choose a name")
        }
        Ok(LinkOutcome::Invalid) => ApiError::new(
            ErrorCode::NotFound,
            "this link is unknown, used or expired; ask an administrator for a new one",
        ),
        Err(e) => e,
    };
    let page = SetupPage {
        layout: Layout::default(),
        error: Some(error.message.clone()),
        token: form.token,
        name,
    };
    render(error.code.status(), &page)
}

const HTMX: &[u8] = include_bytes!("../assets/htmx-2.0.11.min.js");
const CSS: &[u8] = include_bytes!("../assets/rampart.css");

async fn asset(Path(name): Path<String>) -> Response {
    let (body, content_type) = match name.as_str() {
        "htmx-2.0.11.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "rampart.css" => (CSS, "text/css; charset=utf-8"),
        _ => return ApiError::not_found(format!("asset {name:?}")).into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The pages and forms.
pub(crate) fn routes() -> Vec<Route> {
    let mut all = vec![
        route(
            Method::GET,
            "/signin",
            Access::Public,
            "Sign-in page",
            get(sign_in_page),
        ),
        route(
            Method::POST,
            "/signin",
            Access::Public,
            "Sign in (form)",
            post(sign_in),
        ),
        route(
            Method::POST,
            "/signout",
            Access::SignedIn,
            "Sign out (form)",
            post(sign_out),
        ),
        route(
            Method::GET,
            "/setup",
            Access::Public,
            "Set a password from a one-time link",
            get(setup_page),
        ),
        route(
            Method::POST,
            "/setup",
            Access::Public,
            "Set a password (form)",
            post(setup),
        ),
        route(
            Method::GET,
            "/assets/{name}",
            Access::Public,
            "Stylesheet and htmx",
            get(asset),
        ),
    ];
    all.extend(pages::routes());
    all.extend(forms::routes());
    all.extend(plan::routes());
    all.extend(respond::routes());
    all.extend(notices::routes());
    all.extend(holds::routes());
    all.extend(reviews::routes());
    all.extend(templates::routes());
    all.extend(team::routes());
    all
}
