//! Who is asking: a session cookie (browsers) or a bearer API token (scripts, the remote command
//! line), resolved once per request by [`authenticate`] into a [`Principal`]. [`authorize`] then
//! applies the route's [`Access`](crate::access::Access): 401 without valid credentials, 403 when
//! the role is not allowed, and 403 for a cookie-authenticated state change without the session's
//! CSRF token (header `X-CSRF-Token`, or the `csrf` field of a form) or from another origin.

pub(crate) mod secret;
pub(crate) mod throttle;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use rampart_store::{User, UserRole, Visibility};

use crate::access::Access;
use crate::app::App;
use crate::error::{ApiError, ErrorCode};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "rampart_session";
/// The header carrying the session's CSRF token on state-changing requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the principal proved who they are.
#[derive(Debug, Clone)]
pub(crate) enum Via {
    /// A session cookie; state changes must carry this CSRF token.
    Session {
        token_hash: [u8; 32],
        csrf_token: String,
    },
    /// A bearer API token.
    Token,
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub(crate) struct Principal {
    pub(crate) user: User,
    pub(crate) via: Via,
}

impl Principal {
    /// The incidents this user may see.
    pub(crate) fn visibility(&self) -> Visibility {
        match self.user.role {
            UserRole::Administrator | UserRole::Responder | UserRole::Viewer => Visibility::All,
            UserRole::Reporter => Visibility::OpenedBy(self.user.name.clone()),
            UserRole::ExternalReviewer => Visibility::SharedWith(self.user.id),
        }
    }
}

/// What [`authenticate`] found.
#[derive(Debug, Clone)]
pub(crate) enum Credentials {
    /// None presented.
    Absent,
    /// Presented, but unknown, expired, revoked or of a disabled user.
    Invalid,
    /// Valid.
    Valid(Principal),
}

/// The client's address, when the server was started with connection info.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr(pub(crate) Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

impl FromRequestParts<App> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &App) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Credentials>() {
            Some(Credentials::Valid(p)) => Ok(p.clone()),
            _ => Err(unauthenticated()),
        }
    }
}

fn unauthenticated() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthenticated,
        "sign in, or send an API token as `Authorization: Bearer TOKEN`",
    )
}

/// The value of the cookie `name`, if sent.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn resolve(app: &App, headers: &HeaderMap) -> Result<Credentials, ApiError> {
    if let Some(token) = bearer(headers) {
        let user = app
            .store()
            .api_token_user(secret::token_hash(token))
            .await?;
        return Ok(user.map_or(Credentials::Invalid, |user| {
            Credentials::Valid(Principal {
                user,
                via: Via::Token,
            })
        }));
    }
    if let Some(token) = cookie(headers, SESSION_COOKIE) {
        let token_hash = secret::token_hash(token);
        let session = app.store().session(token_hash, Timestamp::now()).await?;
        return Ok(session.map_or(Credentials::Invalid, |s| {
            Credentials::Valid(Principal {
                user: s.user,
                via: Via::Session {
                    token_hash,
                    csrf_token: s.csrf_token,
                },
            })
        }));
    }
    Ok(Credentials::Absent)
}

/// Resolves the request's credentials (once, for every route) into a [`Credentials`] extension.
pub(crate) async fn authenticate(
    State(app): State<App>,
    mut request: Request,
    next: Next,
) -> Response {
    match resolve(&app, request.headers()).await {
        Ok(credentials) => {
            request.extensions_mut().insert(credentials);
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
}

/// The largest form body read to find its CSRF token.
const FORM_LIMIT: usize = 1024 * 1024;

/// Applies `access` to the request: see the module overview. Pages (outside `/api/`) answer a
/// refusal with a page, or send the browser to sign in.
pub(crate) async fn authorize(
    access: Access,
    public_url: String,
    request: Request,
    next: Next,
) -> Response {
    let page = !request.uri().path().starts_with("/api/");
    // Where sign-in returns to: the page asked for (a link from an e-mail).
    let back = (request.method() == Method::GET).then(|| request.uri().path().to_owned());
    match check(access, &public_url, request).await {
        Ok(request) => next.run(request).await,
        Err(e) if page => crate::ui::refusal_at(e, back),
        Err(e) => e.into_response(),
    }
}

async fn check(access: Access, public_url: &str, request: Request) -> Result<Request, ApiError> {
    if access == Access::Public {
        return Ok(request);
    }
    let principal = match request.extensions().get::<Credentials>() {
        Some(Credentials::Valid(p)) => p.clone(),
        Some(Credentials::Invalid) => {
            return Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "the session expired or the token is not valid (revoked, unknown, or its user \
                 is disabled); sign in again",
            ));
        }
        _ => return Err(unauthenticated()),
    };
    if !access.allows(principal.user.role) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "the {} role may not {}",
                principal.user.role,
                access.description()
            ),
        ));
    }
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let Via::Session { csrf_token, .. } = &principal.via else {
        return Ok(request);
    };
    if safe {
        return Ok(request);
    }
    if let Some(origin) = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        && origin != public_url
    {
        return Err(ApiError::new(
            ErrorCode::CsrfRejected,
            format!("requests from {origin} are refused; this service is {public_url}"),
        ));
    }
    let (sent, request) = sent_csrf(request).await?;
    if sent.is_some_and(|sent| secret::same_secret(&sent, csrf_token)) {
        Ok(request)
    } else {
        Err(ApiError::new(
            ErrorCode::CsrfRejected,
            "a change signed in by cookie must carry the session's CSRF token (the X-CSRF-Token \
             header, or the csrf field of the form)",
        ))
    }
}

/// The CSRF token a request carries: the header, a `csrf` query parameter (multipart forms), or
/// the `csrf` field of a URL-encoded form (whose body is read and put back).
async fn sent_csrf(request: Request) -> Result<(Option<String>, Request), ApiError> {
    if let Some(sent) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return Ok((Some(sent.to_owned()), request));
    }
    let field = |bytes: &[u8]| {
        form_urlencoded::parse(bytes)
            .find(|(name, _)| name == "csrf")
            .map(|(_, value)| value.into_owned())
    };
    if let Some(sent) = request.uri().query().and_then(|q| field(q.as_bytes())) {
        return Ok((Some(sent), request));
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((None, request));
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| crate::api::too_large("form", FORM_LIMIT))?;
    let sent = field(&bytes);
    Ok((
        sent,
        Request::from_parts(parts, axum::body::Body::from(bytes)),
    ))
}

/// The `Set-Cookie` value that stores a session, or (with `None`) removes it.
pub(crate) fn session_cookie(app: &App, token: Option<&str>) -> String {
    let secure = if app.config().secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            app.config().session_ttl.as_secs()
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}
