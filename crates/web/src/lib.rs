//! Rampart's HTTP service: the REST API under `/api/v1` with its OpenAPI document, accounts with
//! roles, sessions and API tokens, and the operational endpoints (`/healthz`, `/metrics`).
//!
//! - [`App`]: the shared state (the [`Store`](rampart_store::Store), the [`WebConfig`]); built
//!   into a router by [`router`] and served by [`serve`], which finishes requests in flight on
//!   shutdown. [`setup_link`] prints the first administrator's one-time link on an empty store.
//! - Every route is declared once in a table with its [`Access`] ([`route_table`]); the router is
//!   built from it and each route is guarded server-side: who is asking (session cookie or bearer
//!   token), whether their role may, and a CSRF token on cookie-authenticated changes.
//! - The web interface (`ui`): server-rendered pages and plain forms, htmx vendored in the
//!   binary, a CSP without `unsafe-inline`, `frame-ancestors 'none'`.
//! - Every failure answers one body, `{code, message, details}` ([`ApiError`], [`ErrorCode`]);
//!   every request is logged once as a JSON line without secrets or personal data.
//!
//! `docs/web.md` describes the routes, roles, error codes and configuration.

#![forbid(unsafe_code)]

mod access;
mod api;
mod app;
mod auth;
mod company;
mod error;
mod server;
mod telemetry;
mod ui;

pub use access::{Access, RouteInfo, route_table};
pub use api::EvidenceItem;
pub use app::{App, WebConfig};
pub use auth::throttle::ThrottleLimits;
pub use auth::{CSRF_HEADER, SESSION_COOKIE};
pub use error::{ApiError, ErrorCode};
pub use server::{router, serve, setup_link};
