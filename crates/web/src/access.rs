//! Every route, with who may use it. The router is built from this one table ([`routes`]), so a
//! route cannot exist without an [`Access`]; the route × role test compares the table with its own
//! list of expectations, so a new route also needs an entry there.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::routing::MethodRouter;
use rampart_store::UserRole;

use crate::app::App;
use crate::auth;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Access {
    /// Anyone, signed in or not (health, metrics, sign-in, the setup link, the API description).
    Public,
    /// Any signed-in user (their own session and tokens).
    SignedIn,
    /// Read incidents: every role, each seeing only what it may (reporters their own reports,
    /// external reviewers what is shared with them).
    Read,
    /// Report a suspected incident: administrators, responders, reporters.
    Report,
    /// Change incidents, add evidence, export: administrators and responders.
    Respond,
    /// Verify the whole log: administrators, responders, viewers.
    Audit,
    /// Manage users and shares: administrators.
    Administer,
    /// Read the plan, the team, on-call, contacts and training: administrators, responders,
    /// viewers.
    ReadPlan,
    /// Review the notices shared with them: external reviewers.
    Review,
}

impl Access {
    /// Whether `role` may use a route with this access.
    pub fn allows(self, role: UserRole) -> bool {
        use UserRole::{Administrator, Reporter, Responder, Viewer};
        match self {
            Access::Public | Access::SignedIn | Access::Read => true,
            Access::Report => matches!(role, Administrator | Responder | Reporter),
            Access::Respond => matches!(role, Administrator | Responder),
            Access::Audit | Access::ReadPlan => {
                matches!(role, Administrator | Responder | Viewer)
            }
            Access::Administer => role == Administrator,
            Access::Review => role == UserRole::ExternalReviewer,
        }
    }

    /// What this access guards, for refusals ("the viewer role may not change incidents").
    pub fn description(self) -> &'static str {
        match self {
            Access::Public => "use this",
            Access::SignedIn => "use this without signing in",
            Access::Read => "read incidents",
            Access::Report => "report incidents",
            Access::Respond => "change incidents",
            Access::Audit => "verify the whole log",
            Access::Administer => "administer users",
            Access::ReadPlan => "read the response plan and the team",
            Access::Review => "review notices shared with them",
        }
    }
}

/// One route: method, path (axum syntax), access, what it does, and its handler.
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    pub(crate) access: Access,
    pub(crate) summary: &'static str,
    pub(crate) handler: MethodRouter<App>,
}

/// A route of the table: `method path`, who may use it, what it does, and its handler.
pub(crate) fn route(
    method: Method,
    path: &'static str,
    access: Access,
    summary: &'static str,
    handler: MethodRouter<App>,
) -> Route {
    Route {
        method,
        path,
        access,
        summary,
        handler,
    }
}

/// A route as listed: everything but the handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// The method.
    pub method: Method,
    /// The path, with `{parameters}`.
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
    /// What it does.
    pub summary: &'static str,
}

/// Every route of the service.
pub(crate) fn routes() -> Vec<Route> {
    let mut all = crate::telemetry::routes();
    all.extend(crate::api::routes());
    all.extend(crate::ui::routes());
    all
}

/// Every route of the service, without handlers.
pub fn route_table() -> Vec<RouteInfo> {
    routes()
        .into_iter()
        .map(|r| RouteInfo {
            method: r.method,
            path: r.path,
            access: r.access,
            summary: r.summary,
        })
        .collect()
}

/// The router of every route, each behind [`auth::authorize`] with its access.
pub(crate) fn router(app: &App) -> Router<App> {
    let mut by_path: BTreeMap<&'static str, MethodRouter<App>> = BTreeMap::new();
    for route in routes() {
        let access = route.access;
        let public_url = app.config().public_url.clone();
        let guarded =
            route
                .handler
                .layer(middleware::from_fn(move |request: Request, next: Next| {
                    auth::authorize(access, public_url.clone(), request, next)
                }));
        let merged = match by_path.remove(route.path) {
            Some(existing) => existing.merge(guarded),
            None => guarded,
        };
        by_path.insert(route.path, merged);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
}
