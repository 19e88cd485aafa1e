//! Serving: the router with its layers, the listener with graceful shutdown, and the one-time setup
//! link of an empty store.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tokio::net::TcpListener;

use crate::access;
use crate::api::new_link;
use crate::app::App;
use crate::auth;
use crate::error::{ApiError, ErrorCode};
use crate::telemetry;

/// The whole service: every route guarded by its access, unknown paths answered with the error
/// body, each request authenticated, then logged and measured.
pub fn router(app: App) -> Router {
    access::router(&app)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            telemetry::observe,
        ))
        .with_state(app)
}

/// The policy of every response: scripts and styles from this origin only (no inline code), no
/// framing, no referrer to other sites (links carry one-time tokens; within this origin a browser
/// needs it to send a real `Origin` on plain form posts, which the CSRF check compares), and
/// nothing cached unless a handler says.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

async fn not_found() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "no such route; /api/openapi.json lists them",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this path does not take this method; /api/openapi.json lists the methods",
    )
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting connections and
/// finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// When the store has no user yet, a new one-time link (valid for the configured time, replacing
/// earlier ones) that lets whoever holds it create the first administrator; `None` otherwise.
pub async fn setup_link(app: &App) -> Result<Option<String>, ApiError> {
    if app.store().user_count().await? > 0 {
        return Ok(None);
    }
    new_link(app, None).await.map(Some)
}
