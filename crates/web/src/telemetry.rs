//! What the service reports about itself: one JSON line per request on stderr, `/metrics` in the
//! Prometheus text format, and `/healthz`.
//!
//! A request line holds the method, the route *template* (`/api/v1/incidents/{key}`, never the
//! path as sent, nor the query string), the status, the duration, the error code and, for a 5xx,
//! its internal cause: no cookies, tokens, passwords, names or addresses.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::access::{Access, Route};
use crate::api::{ReplyBody, ReplySchema, reply};
use crate::app::App;
use crate::error::LoggedError;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    /// Cumulative counts per bucket of [`BUCKETS`].
    buckets: [u64; BUCKETS.len()],
    sum: f64,
}

/// Request counters and latency histograms, by method, route and status.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
    in_flight: AtomicI64,
}

impl Metrics {
    fn record(&self, method: &Method, route: &str, status: StatusCode, seconds: f64) {
        let mut series = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let s = series
            .entry((method.to_string(), route.to_owned(), status.as_u16()))
            .or_default();
        s.count += 1;
        s.sum += seconds;
        for (bucket, bound) in s.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    /// The Prometheus text exposition.
    fn render(&self) -> String {
        let series = self
            .series
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut out = String::new();
        out.push_str("# HELP rampart_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE rampart_http_requests_total counter\n");
        for ((method, route, status), s) in &series {
            let _ = writeln!(
                out,
                "rampart_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP rampart_http_request_duration_seconds Time to answer.\n");
        out.push_str("# TYPE rampart_http_request_duration_seconds histogram\n");
        for ((method, route, status), s) in &series {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "rampart_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "rampart_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "rampart_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "rampart_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out.push_str("# HELP rampart_http_requests_in_flight Requests being answered.\n");
        out.push_str("# TYPE rampart_http_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "rampart_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        out
    }
}

/// Logs and measures every request (the outermost layer).
pub(crate) async fn observe(State(app): State<App>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // Unmatched paths are counted under one label: a scanner must not grow the series.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_owned();
    app.metrics().in_flight.fetch_add(1, Ordering::Relaxed);
    let response = next.run(request).await;
    app.metrics().in_flight.fetch_sub(1, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status();
    app.metrics().record(&method, &route, status, seconds);
    if !app.config().log_requests {
        return response;
    }
    let error = response.extensions().get::<std::sync::Arc<LoggedError>>();
    let line = json!({
        "at": jiff::Timestamp::now().to_string(),
        "method": method.as_str(),
        "route": route,
        "status": status.as_u16(),
        "ms": (seconds * 1000.0 * 1000.0).round() / 1000.0,
        "error": error.map(|e| e.code.as_str()),
        "cause": error.and_then(|e| e.cause.clone()),
    });
    // One write per line: stderr is unbuffered, and formatting into it directly would make a
    // system call per JSON token. A closed stderr must not fail the request.
    let mut text = line.to_string();
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
    response
}

/// 200 when the store answers, 503 otherwise.
async fn healthz(State(app): State<App>) -> Response {
    match app.store().global_head().await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n").into_response(),
    }
}

async fn metrics(State(app): State<App>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics().render(),
    )
        .into_response()
}

/// The service's name and version.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
struct VersionReply {
    name: &'static str,
    version: &'static str,
}

async fn version() -> axum::Json<VersionReply> {
    axum::Json(VersionReply {
        name: "rampart",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// What the operational routes answer.
pub(crate) fn replies() -> Vec<ReplySchema> {
    let text = |path| ReplySchema {
        method: Method::GET,
        path,
        status: StatusCode::OK,
        body: ReplyBody::Raw("text/plain"),
    };
    vec![
        text("/healthz"),
        text("/metrics"),
        reply::<VersionReply>(Method::GET, "/version", StatusCode::OK),
    ]
}

/// The operational routes.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route {
            method: Method::GET,
            path: "/healthz",
            access: Access::Public,
            summary: "Whether the service and its store answer",
            handler: get(healthz),
        },
        Route {
            method: Method::GET,
            path: "/metrics",
            access: Access::Public,
            summary: "Request counts and latencies, Prometheus text format",
            handler: get(metrics),
        },
        Route {
            method: Method::GET,
            path: "/version",
            access: Access::Public,
            summary: "The name and version of the service",
            handler: get(version),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_counts_and_buckets_requests() {
        let m = Metrics::default();
        m.record(&Method::GET, "/healthz", StatusCode::OK, 0.002);
        m.record(&Method::GET, "/healthz", StatusCode::OK, 0.2);
        let text = m.render();
        let labels = "method=\"GET\",route=\"/healthz\",status=\"200\"";
        assert!(
            text.contains(&format!("rampart_http_requests_total{{{labels}}} 2")),
            "{text}"
        );
        assert!(
            text.contains(&format!("_bucket{{{labels},le=\"0.0025\"}} 1")),
            "{text}"
        );
        assert!(
            text.contains(&format!("_bucket{{{labels},le=\"0.25\"}} 2")),
            "{text}"
        );
        assert!(text.contains("rampart_http_requests_in_flight 0"), "{text}");
    }
}
