//! An open-loop load generator for `rampart serve` (`scripts/bench-web`): requests go out at a
//! constant rate on a fixed schedule, whatever the answers do, and each latency is measured from
//! the time the request was *scheduled*, not from when it could be sent. A closed-loop tool such
//! as wrk waits for an answer before a connection sends again, so a slow answer delays (and hides)
//! the requests that should have gone out meanwhile ("coordinated omission"); here they are late
//! and counted late.
//!
//! ```text
//! load URL [--rate N] [--duration SECONDS] [--connections N] [--timeout SECONDS]
//! ```
//!
//! `RAMPART_TOKEN`, when set, is sent as `Authorization: Bearer` (never printed). At most
//! `--connections` requests are in flight; a request that waits for one is late by that wait.
//! Prints the achieved rate, p50/p90/p99/p99.9/max, errors (no answer in time, connection
//! failures) and non-2xx answers, then one line `RESULT rate p50 p90 p99 p999 max errors non2xx
//! total` (milliseconds) for scripts. Exits 1 when any request failed or was refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt as _, Empty};
use hyper::body::Bytes;
use hyper::{Request, Uri, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// What to load, how fast and for how long.
struct Plan {
    url: Uri,
    rate: f64,
    duration: Duration,
    connections: usize,
    timeout: Duration,
    token: Option<String>,
}

/// How one request ended.
enum Outcome {
    /// A 2xx answer, read whole; microseconds from the scheduled time.
    Ok(u64),
    /// Another status.
    Refused,
    /// No answer (connection failure, broken body, timeout).
    Failed,
}

fn main() -> ExitCode {
    let plan = match plan(std::env::args().skip(1).filter(|a| a != "--bench")) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("load: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let outcomes = runtime.block_on(run(&plan));
    report(&plan, &outcomes)
}

fn plan(mut args: impl Iterator<Item = String>) -> Result<Plan, String> {
    let mut url = None;
    let (mut rate, mut seconds, mut connections, mut timeout) = (1000.0, 20.0, 256, 5.0);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> Result<f64, String> {
            let text = args.next().ok_or(format!("{name} needs a value"))?;
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or(format!("{name} {text:?} is not a positive number"))
        };
        match arg.as_str() {
            "--rate" => rate = value("--rate")?,
            "--duration" => seconds = value("--duration")?,
            "--connections" => connections = value("--connections")? as usize,
            "--timeout" => timeout = value("--timeout")?,
            _ if url.is_none() && !arg.starts_with("--") => {
                url = Some(
                    arg.parse::<Uri>()
                        .map_err(|e| format!("{arg:?} is not a URL: {e}"))?,
                );
            }
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    Ok(Plan {
        url: url.ok_or("usage: load URL [--rate N] [--duration S] [--connections N]")?,
        rate,
        duration: Duration::from_secs_f64(seconds),
        connections: connections.max(1),
        timeout: Duration::from_secs_f64(timeout),
        token: std::env::var("RAMPART_TOKEN")
            .ok()
            .filter(|t| !t.is_empty()),
    })
}

/// Sends every scheduled request and waits for all of them.
async fn run(plan: &Plan) -> Vec<Outcome> {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(plan.connections)
        .build(connector);
    let slots = Arc::new(Semaphore::new(plan.connections));
    let total = (plan.rate * plan.duration.as_secs_f64()).round() as u64;
    let interval = Duration::from_secs_f64(1.0 / plan.rate);
    let start = Instant::now() + Duration::from_millis(50);
    let mut sent = Vec::with_capacity(total as usize);
    for i in 0..total {
        let scheduled = start + interval.mul_f64(i as f64);
        tokio::time::sleep_until(scheduled).await;
        let (client, slots) = (client.clone(), slots.clone());
        let request = request(plan);
        let timeout = plan.timeout;
        sent.push(tokio::spawn(async move {
            let Ok(_slot) = slots.acquire_owned().await else {
                return Outcome::Failed;
            };
            let answer = tokio::time::timeout(timeout, async {
                let response = client.request(request).await.ok()?;
                let status = response.status();
                response.into_body().collect().await.ok()?;
                Some(status)
            })
            .await;
            match answer {
                Ok(Some(status)) if status.is_success() => {
                    Outcome::Ok(scheduled.elapsed().as_micros() as u64)
                }
                Ok(Some(_)) => Outcome::Refused,
                _ => Outcome::Failed,
            }
        }));
    }
    let mut outcomes = Vec::with_capacity(sent.len());
    for task in sent {
        outcomes.push(task.await.unwrap_or(Outcome::Failed));
    }
    outcomes
}

fn request(plan: &Plan) -> Request<Empty<Bytes>> {
    let mut request = Request::get(plan.url.clone());
    if let Some(token) = &plan.token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Empty::new()).expect("a GET request")
}

fn report(plan: &Plan, outcomes: &[Outcome]) -> ExitCode {
    let mut latencies: Vec<u64> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Ok(us) => Some(*us),
            _ => None,
        })
        .collect();
    latencies.sort_unstable();
    let refused = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Refused))
        .count();
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed))
        .count();
    let ms = |q: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let at = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len());
        latencies[at - 1] as f64 / 1000.0
    };
    let achieved = latencies.len() as f64 / plan.duration.as_secs_f64();
    println!(
        "{} at {} req/s for {:?}: {} answered 2xx ({achieved:.0}/s), {refused} non-2xx, \
         {failed} failed; latency from the scheduled send: p50 {:.2} ms, p90 {:.2} ms, \
         p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
        plan.url,
        plan.rate,
        plan.duration,
        latencies.len(),
        ms(0.5),
        ms(0.9),
        ms(0.99),
        ms(0.999),
        ms(1.0),
    );
    println!(
        "RESULT {achieved:.0} {:.2} {:.2} {:.2} {:.2} {:.2} {failed} {refused} {}",
        ms(0.5),
        ms(0.9),
        ms(0.99),
        ms(0.999),
        ms(1.0),
        outcomes.len()
    );
    if failed + refused > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
