//! `rampart serve`: the web service (REST API, accounts, health and metrics) over the opened store.
//! On a store without users it prints a one-time link that creates the first administrator.

use std::net::SocketAddr;

use anyhow::Context as _;
use clap::Args as ClapArgs;
use rampart_store::{Store, StoreConfig};
use rampart_web::{App, WebConfig};

use super::context::{Globals, bad_input, incident_types, store_error};
use super::exit::Code;

/// Arguments of `rampart serve`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "RAMPART_LISTEN")]
    listen: SocketAddr,
    /// The address people reach the service at (links start with it; cookies are Secure when it
    /// is https). Default: http:// and the listening address.
    #[arg(long, env = "RAMPART_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// The largest evidence upload, in MiB.
    #[arg(
        long,
        default_value_t = 100,
        env = "RAMPART_MAX_UPLOAD_MB",
        value_name = "MIB"
    )]
    max_upload_mb: usize,
}

/// Serves until interrupted (Ctrl-C or SIGTERM), finishing requests in flight.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(globals, args))
}

async fn serve(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    let config = StoreConfig::from_env(globals.data_dir.clone()).map_err(store_error)?;
    let types = incident_types(config.data_dir())?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let bound = listener.local_addr()?;
    let public_url = args.public_url.unwrap_or_else(|| format!("http://{bound}"));
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        return Err(bad_input(format!(
            "--public-url {public_url:?} must start with http:// or https://"
        )));
    }
    let mut web = WebConfig::new(public_url);
    web.max_upload_bytes = args.max_upload_mb.saturating_mul(1024 * 1024);
    let store = Store::open(&config).await.map_err(store_error)?;
    let app = App::new(store.clone(), types, web);
    eprintln!(
        "rampart {} serving on http://{bound} (store: {}); API description at /api/openapi.json",
        env!("CARGO_PKG_VERSION"),
        config.place()
    );
    let link = rampart_web::setup_link(&app)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create the setup link: {}", e.message))?;
    if let Some(link) = link {
        eprintln!(
            "no administrator yet: open this one-time link to create the first one (valid 24 h):\n  {link}"
        );
    }
    rampart_web::serve(listener, app, shutdown_signal())
        .await
        .context("server failed")?;
    store.close().await;
    Ok(Code::Ok)
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
