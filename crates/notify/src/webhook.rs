//! Webhooks: a message rendered once as the JSON its endpoint expects (Rampart's own, Slack's or
//! a Teams Adaptive Card) and POSTed over HTTPS with hyper on rustls (ring, webpki roots plus an
//! optional private CA). Redirects are not followed: a signed payload goes only where configured.
//!
//! Every request carries `Idempotency-Key` and `X-Rampart-Message-Id` (the outbox id, the same on
//! every retry) and, when the endpoint has a key, [`SIGNATURE_HEADER`]:
//! `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (see [`sign`]).

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{CONTENT_TYPE, USER_AGENT};
use hyper::{Request, StatusCode};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rampart_store::outbox::MessageRecord;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::json;
use sha2::Sha256;

use crate::config::{WebhookConfig, WebhookFormat};
use crate::dispatch::{Delivery, chain};
use crate::error::NotifyError;

/// The header carrying the signature of a generic webhook's body.
pub const SIGNATURE_HEADER: &str = "x-rampart-signature";
/// The most of an endpoint's answer kept for the record.
const ANSWER_LIMIT: usize = 4096;

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// The signature header value for `body` sent at `timestamp` (Unix seconds) with key `secret`:
/// `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. A receiver recomputes it
/// over the raw body, compares in constant time, and refuses timestamps far from its clock.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

/// The configured endpoints, each with its HTTPS client.
pub(crate) struct WebhookSender {
    endpoints: HashMap<String, (WebhookConfig, HttpsClient)>,
}

impl WebhookSender {
    /// Clients for every endpoint of `configs`.
    pub(crate) fn new(configs: &[WebhookConfig]) -> Result<WebhookSender, NotifyError> {
        let mut endpoints = HashMap::new();
        for config in configs {
            endpoints.insert(config.name.clone(), (config.clone(), client(config)?));
        }
        Ok(WebhookSender { endpoints })
    }

    /// The request body for `record`, in the shape its endpoint expects.
    pub(crate) fn render(&self, record: &MessageRecord) -> Result<Vec<u8>, String> {
        let (config, _) = self.endpoint(record)?;
        let payload = match config.format {
            WebhookFormat::Generic => json!({
                "id": record.id.to_string(),
                "idempotency_key": record.idempotency_key,
                "incident": record.incident.map(|i| i.to_string()),
                "subject": record.subject,
                "body": record.body,
                "created_at": record.created_at.to_string(),
            }),
            WebhookFormat::Slack => json!({
                "text": format!("*{}*\n{}", slack_escape(&record.subject), slack_escape(&record.body)),
            }),
            WebhookFormat::Teams => json!({
                "type": "message",
                "attachments": [{
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [
                            {"type": "TextBlock", "text": record.subject, "weight": "Bolder",
                             "size": "Medium", "wrap": true},
                            {"type": "TextBlock", "text": record.body, "wrap": true},
                        ],
                    },
                }],
            }),
        };
        serde_json::to_vec(&payload).map_err(|e| format!("cannot encode the payload: {e}"))
    }

    /// POSTs the rendered body to the message's endpoint.
    pub(crate) async fn send(&self, record: &MessageRecord, rendered: &[u8]) -> Delivery {
        let (config, client) = match self.endpoint(record) {
            Ok(found) => found,
            Err(e) => return Delivery::Refused(e),
        };
        let id = record.id.to_string();
        let mut request = Request::post(config.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(USER_AGENT, concat!("rampart/", env!("CARGO_PKG_VERSION")))
            .header("idempotency-key", &id)
            .header("x-rampart-message-id", &id);
        if let Some(secret) = &config.secret {
            let now = jiff::Timestamp::now().as_second();
            request = request.header(
                SIGNATURE_HEADER,
                sign(secret.expose().as_bytes(), now, rendered),
            );
        }
        let request = match request.body(Full::new(Bytes::copy_from_slice(rendered))) {
            Ok(request) => request,
            Err(e) => return Delivery::Refused(format!("cannot build the request: {e}")),
        };
        let endpoint = format!("endpoint {:?}", config.name);
        let response = match tokio::time::timeout(config.timeout, client.request(request)).await {
            Err(_) => {
                return Delivery::Failed(format!(
                    "{endpoint} gave no answer within {}s",
                    config.timeout.as_secs()
                ));
            }
            Ok(Err(e)) => return Delivery::Failed(format!("{endpoint}: {}", chain(&e))),
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        let answer = match Limited::new(response.into_body(), ANSWER_LIMIT)
            .collect()
            .await
        {
            Ok(body) => printable(&body.to_bytes()),
            Err(_) => String::from("(answer unreadable or too long)"),
        };
        let detail = format!("{endpoint} answered HTTP {status} {answer}")
            .trim_end()
            .to_owned();
        if status.is_success() {
            Delivery::Sent(detail)
        } else if status.is_server_error()
            || status == StatusCode::REQUEST_TIMEOUT
            || status == StatusCode::TOO_MANY_REQUESTS
        {
            Delivery::Failed(detail)
        } else {
            Delivery::Refused(detail)
        }
    }

    fn endpoint(&self, record: &MessageRecord) -> Result<&(WebhookConfig, HttpsClient), String> {
        let name = record
            .recipients
            .first()
            .map(String::as_str)
            .unwrap_or_default();
        self.endpoints
            .get(name)
            .ok_or_else(|| format!("no webhook endpoint named {name:?} is configured"))
    }
}

/// An HTTPS client trusting the webpki roots and the endpoint's own CA, on ring.
fn client(config: &WebhookConfig) -> Result<HttpsClient, NotifyError> {
    let place = format!("[[notify.webhooks]] {:?} ca_file", config.name);
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = &config.ca_pem {
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| NotifyError::config(&place, format!("bad PEM: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| NotifyError::config(&place, format!("unusable certificate: {e}")))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| NotifyError::config(&place, format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(TokioExecutor::new()).build(https))
}

/// Slack's three escapes for message text.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An endpoint's answer, shortened and without control characters, for the record.
fn printable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231 test case 2 shape: key "Jefe"; the message here is "<t>.<body>".
        let header = sign(b"Jefe", 1_700_000_000, b"{\"a\":1}");
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"1700000000.{\"a\":1}");
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(header, format!("t=1700000000,v1={expected}"));
        assert_ne!(sign(b"other", 1_700_000_000, b"{\"a\":1}"), header);
    }

    #[test]
    fn rfc_4231_vector_holds_for_the_hmac_used() {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn slack_text_is_escaped() {
        assert_eq!(slack_escape("<a> & b"), "&lt;a&gt; &amp; b");
    }
}
