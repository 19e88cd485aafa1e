//! The state every handler shares: the store, the configuration, the sign-in throttle and the
//! metrics.

use std::sync::Arc;
use std::time::Duration;

use rampart_core::incident::TypeCatalog;
use rampart_store::Store;

use crate::auth::throttle::{Throttle, ThrottleLimits};
use crate::company::CompanyCache;
use crate::telemetry::Metrics;

/// How the service is reached and what it accepts.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address people use, e.g. `http://127.0.0.1:8080` or `https://ir.example.com`: setup and
    /// invitation links start with it, and cookies are `Secure` when it is `https`.
    pub public_url: String,
    /// The largest JSON body, in bytes.
    pub max_json_bytes: usize,
    /// The largest evidence upload, in bytes.
    pub max_upload_bytes: usize,
    /// How long a session lasts after signing in.
    pub session_ttl: Duration,
    /// How long a setup or invitation link stays valid.
    pub link_ttl: Duration,
    /// Sign-in throttling.
    pub throttle: ThrottleLimits,
    /// Write the request log (one JSON line per request) on stderr.
    pub log_requests: bool,
}

impl WebConfig {
    /// Defaults for a service reached at `public_url`.
    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            public_url: public_url.into().trim_end_matches('/').to_owned(),
            max_json_bytes: 1024 * 1024,
            max_upload_bytes: 100 * 1024 * 1024,
            session_ttl: Duration::from_secs(12 * 60 * 60),
            link_ttl: Duration::from_secs(24 * 60 * 60),
            throttle: ThrottleLimits::default(),
            log_requests: true,
        }
    }

    /// Whether cookies must be `Secure` (the public address is `https`).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The shared state of the service; cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    types: TypeCatalog,
    config: WebConfig,
    throttle: Throttle,
    metrics: Metrics,
    company: CompanyCache,
}

impl App {
    /// The service over `store`, accepting the incident types of `types`.
    pub fn new(store: Store, types: TypeCatalog, config: WebConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                throttle: Throttle::new(config.throttle),
                metrics: Metrics::default(),
                company: CompanyCache::default(),
                store,
                types,
                config,
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The incident types accepted.
    pub fn types(&self) -> &TypeCatalog {
        &self.inner.types
    }

    /// The configuration.
    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    pub(crate) fn company(&self) -> &CompanyCache {
        &self.inner.company
    }

    pub(crate) fn throttle(&self) -> &Throttle {
        &self.inner.throttle
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }
}
