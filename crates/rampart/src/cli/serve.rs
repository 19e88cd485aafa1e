//! `rampart serve`: the web service (REST API, accounts, health and metrics) over the opened store.
//! On a store without users it prints a one-time link that creates the first administrator; on a
//! fresh data directory it first writes what `rampart init` writes (settings, the default plan).
//!
//! Beside the requests, the service does the plan's timed work on its own: the outbox dispatcher
//! delivers queued messages (pages, notices) as they fall due, and every `--escalate-every`
//! seconds pages left unacknowledged past their window escalate along the chain (as
//! `rampart page escalate` does; the log names the actor `rampart`).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args as ClapArgs;
use rampart_notify::Dispatcher;
use rampart_store::{Store, StoreConfig};
use rampart_web::{App, WebConfig};
use tokio::sync::watch;

use super::context::{Globals, Session, bad_input, incident_types, store_error};
use super::exit::Code;
use super::outbox::{notify_config_in, notify_error};
use super::page::escalate_due;

/// The actor the service's own timed work is logged under.
const SERVICE_ACTOR: &str = "rampart";

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
    /// How often to escalate pages left unacknowledged past their window, in seconds.
    #[arg(
        long,
        default_value_t = 30,
        env = "RAMPART_ESCALATE_EVERY",
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    escalate_every: u64,
}

/// Serves until interrupted (Ctrl-C or SIGTERM), finishing requests in flight.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    // A fresh data directory gets what `rampart init` writes: settings and the default plan.
    super::init::initialise(&Session::open(globals)?)?;
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
    let dispatcher = Dispatcher::new(store.clone(), notify_config_in(config.data_dir())?)
        .map_err(notify_error)?;
    let (stop, stopped) = watch::channel(false);
    let delivering = tokio::spawn(deliver(dispatcher, stopped.clone()));
    let mut timed = globals.clone();
    timed.actor = Some(SERVICE_ACTOR.to_owned());
    let escalating = std::thread::spawn({
        let every = Duration::from_secs(args.escalate_every);
        move || escalate(&timed, every, stopped)
    });
    let served = rampart_web::serve(listener, app, shutdown_signal()).await;
    // Both loops end at their next wait; a send error means both have ended already.
    let _ = stop.send(true);
    if delivering.await.is_err() {
        eprintln!("error: the outbox dispatcher stopped abnormally");
    }
    if escalating.join().is_err() {
        eprintln!("error: the escalation loop stopped abnormally");
    }
    served.context("server failed")?;
    store.close().await;
    Ok(Code::Ok)
}

/// Delivers the outbox until stopped; a store failure is reported and retried after a pause,
/// since the messages stay queued and nothing is lost by waiting.
async fn deliver(dispatcher: Dispatcher, mut stopped: watch::Receiver<bool>) {
    loop {
        let mut until = stopped.clone();
        let ran = dispatcher.run(async move {
            let _ = until.wait_for(|stop| *stop).await;
        });
        match ran.await {
            Ok(()) => return,
            Err(e) => eprintln!("error: delivering the outbox: {e}; retrying in 10 s"),
        }
        let pause = tokio::time::sleep(Duration::from_secs(10));
        tokio::select! {
            _ = stopped.wait_for(|stop| *stop) => return,
            () = pause => {}
        }
    }
}

/// Escalates due pages every `every` until stopped, on a session of its own.
fn escalate(globals: &Globals, every: Duration, mut stopped: watch::Receiver<bool>) {
    let session = match Session::open(globals) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("error: pages will not escalate: cannot open the store: {e:#}");
            return;
        }
    };
    loop {
        match escalate_due(&session) {
            Ok(0) => {}
            Ok(n) => eprintln!("{n} page(s) escalated"),
            Err(e) => eprintln!("error: escalating pages: {e:#}"),
        }
        // The timer is made inside the session's runtime, which drives it.
        let stop = session
            .block_on(async { tokio::time::timeout(every, stopped.wait_for(|stop| *stop)).await });
        if stop.is_ok() {
            return;
        }
    }
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
