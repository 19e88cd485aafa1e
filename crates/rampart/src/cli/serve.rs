//! `rampart serve`: the HTTP service. This release serves the health and version endpoints over
//! the opened store; the web interface and REST API come with the server release.

use std::net::SocketAddr;

use anyhow::Context as _;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use clap::Args as ClapArgs;
use rampart_store::{Store, StoreConfig};

use super::context::{Globals, store_error};
use super::exit::Code;

/// Arguments of `rampart serve`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "RAMPART_LISTEN")]
    listen: SocketAddr,
}

/// Serves until interrupted (Ctrl-C or SIGTERM), finishing requests in flight.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(globals, args))
}

async fn serve(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let config = StoreConfig::from_env(globals.data_dir.clone()).map_err(store_error)?;
    let store = Store::open(&config).await.map_err(store_error)?;
    let app = router(store);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    eprintln!(
        "rampart {} serving on http://{} (store: {}); health at /healthz",
        env!("CARGO_PKG_VERSION"),
        listener.local_addr()?,
        config.place()
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed")?;
    Ok(Code::Ok)
}

fn router(store: Store) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/version", get(version))
        .with_state(store)
}

/// 200 when the store answers, 503 otherwise.
async fn healthz(State(store): State<Store>) -> (StatusCode, &'static str) {
    match store.global_head().await {
        Ok(_) => (StatusCode::OK, "ok\n"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n"),
    }
}

async fn version() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "name": "rampart", "version": env!("CARGO_PKG_VERSION") }))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, only SIGTERM stops the server.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
