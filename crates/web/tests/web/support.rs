//! A fresh service per test: the router over a SQLite store in a temporary directory, or over a
//! fresh PostgreSQL database when `RAMPART_TEST_DATABASE_URL` names a server
//! (`RAMPART_REQUIRE_POSTGRES=1` makes a missing server a failure), and helpers to call it.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use jiff::Timestamp;
use rampart_core::incident::TypeCatalog;
use rampart_store::{Store, StoreConfig, UserRole};
use rampart_web::{App, WebConfig};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tempfile::TempDir;
use tower::ServiceExt as _;

/// The address links and origins are checked against.
pub const PUBLIC_URL: &str = "http://rampart.test";

/// A service under test.
pub struct TestApp {
    pub app: App,
    pub router: Router,
    /// The data directory, removed when the test ends.
    _dir: TempDir,
}

/// How a request proves who sends it.
#[derive(Debug, Clone, Default)]
pub enum Auth {
    /// Nothing.
    #[default]
    None,
    /// A bearer API token.
    Token(String),
    /// A session cookie and its CSRF token (sent only when `Some`).
    Session {
        cookie: String,
        csrf: Option<String>,
    },
}

/// An answer: status, headers, and the body as JSON (`Null` when it is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub json: Value,
}

fn config(public_url: &str) -> WebConfig {
    let mut config = WebConfig::new(public_url);
    config.max_json_bytes = 64 * 1024;
    config.max_upload_bytes = 256 * 1024;
    config.log_requests = std::env::var_os("RAMPART_TEST_LOG").is_some();
    config
}

fn build_at(store: Store, dir: TempDir, public_url: &str) -> TestApp {
    let types = TypeCatalog::with_custom::<&str>(&[]).expect("built-in types");
    let app = App::new(store, types, config(public_url));
    let router = rampart_web::router(app.clone());
    TestApp {
        app,
        router,
        _dir: dir,
    }
}

/// A service over a fresh SQLite store.
pub async fn sqlite() -> TestApp {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(&StoreConfig::sqlite(dir.path().join("data")))
        .await
        .expect("open SQLite");
    build_at(store, dir, PUBLIC_URL)
}

/// A service over a fresh PostgreSQL database, or `None` when no server is configured and none
/// is required.
pub async fn postgres() -> Option<TestApp> {
    let url = match std::env::var("RAMPART_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var("RAMPART_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "RAMPART_REQUIRE_POSTGRES=1 but RAMPART_TEST_DATABASE_URL is not set"
            );
            eprintln!("PostgreSQL part skipped: RAMPART_TEST_DATABASE_URL is not set");
            return None;
        }
    };
    let name = format!("rampart_web_{}", uuid::Uuid::now_v7().simple());
    let mut admin = PgConnection::connect(&url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    admin.close().await.expect("close");
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url.as_str(), ""),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority..].find('/') {
        Some(slash) => &base[..authority + slash],
        None => base,
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = StoreConfig::postgres(dir.path().join("data"), format!("{base}/{name}{query}"))
        .expect("PostgreSQL configuration");
    let store = Store::open(&config).await.expect("open PostgreSQL");
    Some(build_at(store, dir, PUBLIC_URL))
}

/// Declares `name::sqlite` and `name::postgres` for each `async fn name(t: TestApp) { … }`.
macro_rules! both_backends {
    ($(
        async fn $name:ident($t:ident: TestApp) $body:block
    )*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($t: $crate::support::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::support::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) = $crate::support::postgres().await {
                    run(t).await;
                }
            }
        }
    )*};
}
pub(crate) use both_backends;

impl TestApp {
    /// The same store served as `public_url` (a real socket's address, which browsers send as
    /// their `Origin`).
    pub fn at(self, public_url: &str) -> TestApp {
        build_at(self.app.store().clone(), self._dir, public_url)
    }

    /// Sends a request through the router (no socket).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        auth: &Auth,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        match auth {
            Auth::None => {}
            Auth::Token(token) => {
                request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
            }
            Auth::Session { cookie, csrf } => {
                request = request.header(header::COOKIE, format!("rampart_session={cookie}"));
                if let Some(csrf) = csrf {
                    request = request.header("x-csrf-token", csrf);
                }
            }
        }
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::from(body)).expect("request"))
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            bytes,
            json,
        }
    }

    /// A GET.
    pub async fn get(&self, path: &str, auth: &Auth) -> Answer {
        self.send(Method::GET, path, auth, None, Vec::new()).await
    }

    /// A request with a JSON body.
    pub async fn json(&self, method: Method, path: &str, auth: &Auth, body: Value) -> Answer {
        let bytes = serde_json::to_vec(&body).expect("JSON");
        self.send(method, path, auth, Some("application/json"), bytes)
            .await
    }

    /// A user with this role and an API token (`token-<name>`) to act as them.
    pub async fn user(&self, name: &str, role: UserRole) -> Auth {
        let user = self.created(name, role).await;
        let token = format!("token-{name}");
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.app
            .store()
            .create_api_token(hash, user.id, "test", Timestamp::now())
            .await
            .expect("create a token");
        Auth::Token(token)
    }

    /// Opens an incident as `auth`; returns its key.
    pub async fn open(&self, auth: &Auth, title: &str) -> String {
        let answer = self
            .json(
                Method::POST,
                "/api/v1/incidents",
                auth,
                serde_json::json!({ "title": title, "type": "unauthorized_access" }),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
        answer.json["key"].as_str().expect("key").to_owned()
    }
}

/// The token in a setup or invitation link.
pub fn link_token(link: &str) -> String {
    link.split_once("token=")
        .expect("token in link")
        .1
        .to_owned()
}

/// The session cookie a sign-in set.
pub fn session_cookie(answer: &Answer) -> String {
    let set = answer
        .headers
        .get(header::SET_COOKIE)
        .expect("Set-Cookie")
        .to_str()
        .expect("text");
    let (pair, _) = set.split_once(';').expect("attributes");
    pair.strip_prefix("rampart_session=")
        .expect("session cookie")
        .to_owned()
}

impl TestApp {
    /// A new user with this role.
    async fn created(&self, name: &str, role: UserRole) -> rampart_store::User {
        self.app
            .store()
            .create_user(name, role, Timestamp::now())
            .await
            .expect("create a user")
    }

    /// A user with this role signed in: a session cookie and its CSRF token (sent with each
    /// request) as a browser would hold them.
    pub async fn session_user(&self, name: &str, role: UserRole) -> Auth {
        let user = self.created(name, role).await;
        let cookie = format!("session-{name}");
        let hash: [u8; 32] = Sha256::digest(cookie.as_bytes()).into();
        let csrf = format!("csrf-{name}");
        let now = Timestamp::now();
        self.app
            .store()
            .create_session(
                hash,
                user.id,
                &csrf,
                now,
                now + jiff::SignedDuration::from_hours(1),
            )
            .await
            .expect("create a session");
        Auth::Session {
            cookie,
            csrf: Some(csrf),
        }
    }

    /// Appends `command` to incident `key` as `actor`, as the command line would.
    pub async fn append(&self, key: &str, actor: &str, command: rampart_core::Command) -> u64 {
        let types = TypeCatalog::with_custom::<&str>(&[]).expect("built-in types");
        let ctx = rampart_core::Context {
            actor,
            now: rampart_core::ZonedTime::utc(Timestamp::now()),
            types: &types,
        };
        let key = rampart_store::IncidentRef::Key(key.parse().expect("a key"));
        let incident = self.app.store().incident(key).await.expect("the incident");
        let appended = self
            .app
            .store()
            .append(incident.id(), |i| {
                i.decide(&ctx, command.clone(), String::new())
            })
            .await
            .expect("appended");
        appended.entry.seq
    }
}
