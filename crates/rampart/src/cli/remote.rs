//! Remote mode: with `--server URL` (or `RAMPART_SERVER`) and `--token TOKEN` (or, better,
//! `RAMPART_TOKEN`, which the process list does not show) a verb works on a Rampart server over its
//! REST API `/api/v1` instead of on the local store, with the same output and exit codes.
//!
//! The client is hyper on rustls with ring and the webpki roots (the stack the webhooks of
//! `rampart-notify` use). The token is sent as `Authorization: Bearer` and never printed; the
//! server's error body (`{code, message, details}`) becomes the exit code of the same failure in
//! local mode.

use std::sync::Arc;

use anyhow::Context as _;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, Uri, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::context::{Globals, bad_input};
use super::exit::{Code, Failure};

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// An API token, shown as `[redacted]` when debug-printed.
#[derive(Clone)]
pub(crate) struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::str::FromStr for Token {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim().is_empty() {
            return Err("the API token is empty".to_owned());
        }
        Ok(Token(text.trim().to_owned()))
    }
}

/// A Rampart server and the token to act on it with.
pub(crate) struct Remote {
    runtime: tokio::runtime::Runtime,
    client: HttpsClient,
    base: String,
    token: Token,
}

impl Remote {
    /// The server the options name, or `None` for local mode.
    pub(crate) fn from_globals(globals: &Globals) -> anyhow::Result<Option<Remote>> {
        let Some(server) = &globals.server else {
            return Ok(None);
        };
        let base = server.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(bad_input(format!(
                "--server {server:?} is not an http:// or https:// address"
            )));
        }
        let token = globals.token.clone().ok_or_else(|| {
            bad_input("--server needs an API token: set RAMPART_TOKEN (or pass --token)")
        })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        Ok(Some(Remote {
            runtime,
            client: client()?,
            base,
            token,
        }))
    }

    /// `GET path?query` as a `T`.
    pub(crate) fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> anyhow::Result<T> {
        self.call(Method::GET, path, query, None)
    }

    /// `method path` with the JSON `body` (if any), the answer as a `T`.
    pub(crate) fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<T> {
        self.call(method, path, &[], body)
    }

    /// `POST path?query` with `bytes` of `media_type` as the body, the answer as a `T`.
    pub(crate) fn upload<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        media_type: &str,
        bytes: Vec<u8>,
    ) -> anyhow::Result<T> {
        let body = Some((media_type, Bytes::from(bytes)));
        let answer = self.exchange(Method::POST, path, query, body)?;
        decode(&Method::POST, path, &answer)
    }

    /// `GET path`: the body as it came.
    pub(crate) fn download(&self, path: &str) -> anyhow::Result<Bytes> {
        self.exchange(Method::GET, path, &[], None)
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> anyhow::Result<T> {
        let body = match body {
            Some(body) => Some((
                "application/json",
                Bytes::from(serde_json::to_vec(body).context("encoding the request")?),
            )),
            None => None,
        };
        let answer = self.exchange(method.clone(), path, query, body)?;
        decode(&method, path, &answer)
    }

    /// Sends `method path?query` with `body` (media type and bytes), returns the body of a success.
    fn exchange(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<(&str, Bytes)>,
    ) -> anyhow::Result<Bytes> {
        let mut url = format!("{}{path}", self.base);
        if !query.is_empty() {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.extend_pairs(query);
            url.push('?');
            url.push_str(&q.finish());
        }
        let uri: Uri = url
            .parse()
            .map_err(|e| bad_input(format!("{url}: not a usable address: {e}")))?;
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token.0))
            .header(header::ACCEPT, "application/json");
        let bytes = match body {
            Some((media_type, bytes)) => {
                request = request.header(header::CONTENT_TYPE, media_type);
                bytes
            }
            None => Bytes::new(),
        };
        let request = request
            .body(Full::new(bytes))
            .context("building the request")?;
        let (status, body) = self.runtime.block_on(async {
            let response = self.client.request(request).await.map_err(|e| {
                Failure::new(
                    Code::StoreUnavailable,
                    format!("cannot reach the server at {}: {e}", self.base),
                )
            })?;
            let status = response.status();
            let body = response.into_body().collect().await.map_err(|e| {
                Failure::new(
                    Code::StoreUnavailable,
                    format!("the server at {} broke off its answer: {e}", self.base),
                )
            })?;
            Ok::<_, Failure>((status, body.to_bytes()))
        })?;
        if !status.is_success() {
            return Err(refusal(status.as_u16(), &body).into());
        }
        Ok(body)
    }
}

/// The JSON answer to `method path` as a `T`.
fn decode<T: DeserializeOwned>(method: &Method, path: &str, body: &[u8]) -> anyhow::Result<T> {
    serde_json::from_slice(body)
        .with_context(|| format!("the server's answer to {method} {path} is not what was expected"))
}

/// The failure a server's error answer stands for, with the exit code local mode gives it.
fn refusal(status: u16, body: &[u8]) -> Failure {
    let error: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let code_name = error["code"].as_str().unwrap_or("");
    let message = error["message"]
        .as_str()
        .map_or_else(|| format!("the server answered {status}"), str::to_owned);
    let code = match (status, code_name) {
        (_, "integrity_failure") => Code::VerificationFailed,
        (404, _) => Code::NotFound,
        (503, _) => Code::StoreUnavailable,
        (400..=499, _) => Code::BadInput,
        _ => Code::Internal,
    };
    Failure::new(
        code,
        format!("the server refused ({status} {code_name}): {message}"),
    )
}

/// An HTTP(S) client on rustls with ring, trusting the webpki roots.
fn client() -> anyhow::Result<HttpsClient> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS setup")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(TokioExecutor::new()).build(https))
}

/// A verb that has no remote form (the API has no route for it): refused before anything is sent.
pub(crate) fn local_only(verb: &str) -> anyhow::Error {
    bad_input(format!(
        "`rampart {verb}` has no remote form: the server's API has no route for it; run it on \
         the server's host against its data directory, without --server (and RAMPART_SERVER)"
    ))
}
