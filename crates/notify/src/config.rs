//! Delivery configuration: the `[notify]` table of `rampart.toml` ([`Settings`]) with secrets from
//! the environment, checked into a [`NotifyConfig`]. Secrets are held in [`Secret`], whose `Debug`
//! prints `***`; webhook URLs (which often carry a token) print as scheme and host only.
//!
//! ```toml
//! [notify]
//! actor = "outbox"                      # who delivery entries in the incident log are by
//! lease_seconds = 300                   # how long a dispatcher holds a message it sends
//!
//! [notify.smtp]
//! host = "smtp.example.org"
//! port = 587                            # default: 587 starttls, 465 tls, 25 none
//! security = "starttls"                 # starttls | tls | none (none: loopback hosts only)
//! username = "rampart@example.org"      # password: RAMPART_SMTP_PASSWORD (environment only)
//! from = "Rampart <rampart@example.org>"
//! ca_file = "/etc/rampart/relay-ca.pem" # an extra trusted root, PEM (optional)
//! timeout_seconds = 60
//!
//! [[notify.webhooks]]
//! name = "ir-chat"
//! url = "https://hooks.slack.com/services/…"
//! format = "slack"                      # generic | slack | teams
//! secret_env = "RAMPART_WEBHOOK_IR_CHAT_SECRET"   # HMAC key; required for generic
//!
//! [notify.retry]
//! first_delay_seconds = 30              # doubles after each failure
//! max_delay_seconds = 3600
//! ```

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::error::NotifyError;
use crate::retry::RetryPolicy;

/// The environment variable holding the SMTP password.
pub const SMTP_PASSWORD_ENV: &str = "RAMPART_SMTP_PASSWORD";

/// The `[notify]` table of `rampart.toml`, as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Who delivery entries in the incident log are recorded by (default `outbox`).
    pub actor: Option<String>,
    /// How long a dispatcher holds a message while sending it (default 300 seconds).
    pub lease_seconds: Option<u64>,
    /// The SMTP relay; without it e-mail waits in the outbox.
    pub smtp: Option<SmtpSettings>,
    /// Webhook endpoints.
    #[serde(default)]
    pub webhooks: Vec<WebhookSettings>,
    /// Retry timing.
    #[serde(default)]
    pub retry: RetrySettings,
}

/// `[notify.smtp]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// The relay's host name or address.
    pub host: String,
    /// Its port (default from `security`).
    pub port: Option<u16>,
    /// `starttls` (default), `tls` or `none`.
    #[serde(default)]
    pub security: SmtpSecurity,
    /// The login, if the relay wants one (the password comes from `RAMPART_SMTP_PASSWORD`).
    pub username: Option<String>,
    /// The sender, `Name <address>` or `address`.
    pub from: String,
    /// An extra trusted root certificate (PEM), for a relay with a private CA.
    pub ca_file: Option<PathBuf>,
    /// How long one delivery may take (default 60 seconds).
    pub timeout_seconds: Option<u64>,
}

/// `[[notify.webhooks]]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// The name messages address it by.
    pub name: String,
    /// The URL (`https://`, or `http://` to a loopback host).
    pub url: String,
    /// The payload shape (default `generic`).
    #[serde(default)]
    pub format: WebhookFormat,
    /// The environment variable holding the HMAC key (required for `generic`).
    pub secret_env: Option<String>,
    /// An extra trusted root certificate (PEM).
    pub ca_file: Option<PathBuf>,
    /// How long one delivery may take (default 30 seconds).
    pub timeout_seconds: Option<u64>,
}

impl fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("name", &self.name)
            .field("url", &redact_url(&self.url))
            .field("format", &self.format)
            .field("secret_env", &self.secret_env)
            .finish_non_exhaustive()
    }
}

/// `[notify.retry]`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrySettings {
    /// The wait after the first failure (default 30 seconds); it doubles after each failure.
    pub first_delay_seconds: Option<u64>,
    /// The longest wait (default 3600 seconds).
    pub max_delay_seconds: Option<u64>,
}

/// How the SMTP connection is protected.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: allowed only to a relay on a loopback address.
    None,
}

/// The payload a webhook endpoint expects.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// Rampart's JSON, signed with HMAC-SHA256.
    #[default]
    Generic,
    /// A Slack incoming webhook (`{"text": …}`).
    Slack,
    /// A Microsoft Teams workflow webhook (an Adaptive Card).
    Teams,
}

/// A secret value: its `Debug` prints `***`, and it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The SMTP relay, checked.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Protection.
    pub security: SmtpSecurity,
    /// Login and password, if any.
    pub credentials: Option<(String, Secret)>,
    /// The sender.
    pub from: lettre::message::Mailbox,
    /// Extra trusted roots (PEM text).
    pub ca_pem: Option<Vec<u8>>,
    /// How long one delivery may take.
    pub timeout: Duration,
}

/// A webhook endpoint, checked.
#[derive(Clone)]
pub struct WebhookConfig {
    /// The name messages address it by.
    pub name: String,
    /// The URL.
    pub url: hyper::Uri,
    /// The payload shape.
    pub format: WebhookFormat,
    /// The HMAC key.
    pub secret: Option<Secret>,
    /// Extra trusted roots (PEM text).
    pub ca_pem: Option<Vec<u8>>,
    /// How long one delivery may take.
    pub timeout: Duration,
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("name", &self.name)
            .field("url", &redact_url(&self.url.to_string()))
            .field("format", &self.format)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

/// Everything a [`Dispatcher`](crate::Dispatcher) needs to know.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// Who delivery entries are recorded by.
    pub actor: String,
    /// How long a dispatcher holds a message while sending it.
    pub lease: Duration,
    /// The SMTP relay, if configured.
    pub smtp: Option<SmtpConfig>,
    /// Webhook endpoints.
    pub webhooks: Vec<WebhookConfig>,
    /// Retry timing.
    pub retry: RetryPolicy,
}

impl NotifyConfig {
    /// Checks `settings`, reading secrets through `env` (normally `std::env::var`).
    pub fn from_settings(
        settings: &Settings,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<NotifyConfig, NotifyError> {
        let smtp = settings
            .smtp
            .as_ref()
            .map(|s| smtp_config(s, &env))
            .transpose()?;
        let mut webhooks: Vec<WebhookConfig> = Vec::new();
        for w in &settings.webhooks {
            let checked = webhook_config(w, &env)?;
            if webhooks.iter().any(|x| x.name == checked.name) {
                return Err(NotifyError::config(
                    "[[notify.webhooks]] name",
                    format!("{:?} is used by two endpoints", checked.name),
                ));
            }
            webhooks.push(checked);
        }
        let retry = RetryPolicy::new(
            Duration::from_secs(settings.retry.first_delay_seconds.unwrap_or(30)),
            Duration::from_secs(settings.retry.max_delay_seconds.unwrap_or(3600)),
        )?;
        let lease = Duration::from_secs(settings.lease_seconds.unwrap_or(300));
        let longest = smtp
            .iter()
            .map(|s| s.timeout)
            .chain(webhooks.iter().map(|w| w.timeout))
            .max()
            .unwrap_or_default();
        if lease <= longest {
            return Err(NotifyError::config(
                "[notify] lease_seconds",
                format!(
                    "{}s must exceed the longest delivery timeout ({}s), or a slow delivery could \
                     be sent twice",
                    lease.as_secs(),
                    longest.as_secs()
                ),
            ));
        }
        let actor = settings
            .actor
            .clone()
            .unwrap_or_else(|| "outbox".to_owned());
        if actor.trim().is_empty() {
            return Err(NotifyError::config("[notify] actor", "is empty"));
        }
        Ok(NotifyConfig {
            actor,
            lease,
            smtp,
            webhooks,
            retry,
        })
    }

    /// The endpoint named `name`.
    pub fn webhook(&self, name: &str) -> Option<&WebhookConfig> {
        self.webhooks.iter().find(|w| w.name == name)
    }
}

fn smtp_config(
    s: &SmtpSettings,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<SmtpConfig, NotifyError> {
    if s.host.trim().is_empty() {
        return Err(NotifyError::config("[notify.smtp] host", "is empty"));
    }
    if s.security == SmtpSecurity::None && !is_loopback(&s.host) {
        return Err(NotifyError::config(
            "[notify.smtp] security",
            format!(
                "\"none\" sends mail unencrypted and is allowed only to a loopback relay, not {:?}; \
                 use \"starttls\" or \"tls\"",
                s.host
            ),
        ));
    }
    let from = s.from.parse().map_err(|e| {
        NotifyError::config(
            "[notify.smtp] from",
            format!("{:?} is not an address: {e}", s.from),
        )
    })?;
    let password = env(SMTP_PASSWORD_ENV).filter(|p| !p.is_empty());
    let credentials = match (&s.username, password) {
        (Some(user), Some(password)) => Some((user.clone(), Secret(password))),
        (None, None) => None,
        (Some(_), None) => {
            return Err(NotifyError::config(
                SMTP_PASSWORD_ENV,
                "[notify.smtp] username is set but the password variable is not",
            ));
        }
        (None, Some(_)) => {
            return Err(NotifyError::config(
                "[notify.smtp] username",
                format!("{SMTP_PASSWORD_ENV} is set but no username is configured"),
            ));
        }
    };
    let port = s.port.unwrap_or(match s.security {
        SmtpSecurity::Starttls => 587,
        SmtpSecurity::Tls => 465,
        SmtpSecurity::None => 25,
    });
    Ok(SmtpConfig {
        host: s.host.trim().to_owned(),
        port,
        security: s.security,
        credentials,
        from,
        ca_pem: s
            .ca_file
            .as_ref()
            .map(|p| read_ca("[notify.smtp] ca_file", p))
            .transpose()?,
        timeout: Duration::from_secs(s.timeout_seconds.unwrap_or(60).max(1)),
    })
}

fn webhook_config(
    w: &WebhookSettings,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<WebhookConfig, NotifyError> {
    let place = |field: &str| format!("[[notify.webhooks]] {:?} {field}", w.name);
    if !valid_name(&w.name) {
        return Err(NotifyError::config(
            "[[notify.webhooks]] name",
            format!("{:?} must be letters, digits, '-' and '_'", w.name),
        ));
    }
    let url: hyper::Uri = w.url.parse().map_err(|e| {
        NotifyError::config(
            place("url"),
            format!("{} is not a URL: {e}", redact_url(&w.url)),
        )
    })?;
    let host = url.host().unwrap_or_default();
    match url.scheme_str() {
        Some("https") => {}
        Some("http") if is_loopback(host) => {}
        _ => {
            return Err(NotifyError::config(
                place("url"),
                format!(
                    "{} must be https:// (http:// only to a loopback host)",
                    redact_url(&w.url)
                ),
            ));
        }
    }
    let secret = match &w.secret_env {
        Some(var) => Some(Secret(env(var).filter(|v| !v.is_empty()).ok_or_else(
            || {
                NotifyError::config(
                    place("secret_env"),
                    format!("environment variable {var} is not set"),
                )
            },
        )?)),
        None => None,
    };
    if w.format == WebhookFormat::Generic && secret.is_none() {
        return Err(NotifyError::config(
            place("secret_env"),
            "a generic webhook is signed: name the environment variable holding its HMAC key",
        ));
    }
    Ok(WebhookConfig {
        name: w.name.clone(),
        url,
        format: w.format,
        secret,
        ca_pem: w
            .ca_file
            .as_ref()
            .map(|p| read_ca(&place("ca_file"), p))
            .transpose()?,
        timeout: Duration::from_secs(w.timeout_seconds.unwrap_or(30).max(1)),
    })
}

fn read_ca(place: &str, path: &PathBuf) -> Result<Vec<u8>, NotifyError> {
    std::fs::read(path)
        .map_err(|e| NotifyError::config(place, format!("cannot read {}: {e}", path.display())))
}

/// Whether `name` can name a webhook endpoint.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Whether `host` is a loopback name or address.
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `url` as scheme and host only: webhook URLs often carry their token in the path.
pub(crate) fn redact_url(url: &str) -> String {
    match url.parse::<hyper::Uri>() {
        Ok(uri) => format!(
            "{}://{}/…",
            uri.scheme_str().unwrap_or("?"),
            uri.authority().map(|a| a.host()).unwrap_or("?")
        ),
        Err(_) => "(unparseable URL)".to_owned(),
    }
}
