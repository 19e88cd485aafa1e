//! Accounts: taking a setup or invitation link, signing in and out (one session or all of them),
//! API tokens, and user administration.
//!
//! Signing in is throttled per account name and per client address before any password is
//! checked, takes as long for an unknown name as for a wrong password, and always creates a new
//! session (the one the browser held, if any, ends).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use jiff::{SignedDuration, Timestamp};
use rampart_store::{LinkOutcome, User, UserRole};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{ApiJson, ApiPath, BodySchema, ReplySchema, body, no_content, reply};
use crate::access::{Access, Route, route};
use crate::app::App;
use crate::auth::secret::{self, MAX_PASSWORD, MIN_PASSWORD};
use crate::auth::{ClientAddr, Principal, SESSION_COOKIE, Via, cookie, session_cookie};
use crate::error::{ApiError, ErrorCode};

/// A user as the API shows it: never the password hash.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct UserView {
    id: Uuid,
    name: String,
    role: &'static str,
    disabled: bool,
    password_set: bool,
    created_at: String,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            id: user.id,
            name: user.name.clone(),
            role: user.role.name(),
            disabled: user.disabled,
            password_set: user.password_hash.is_some(),
            created_at: user.created_at.to_string(),
        }
    }
}

/// One user.
#[derive(Debug, Serialize, JsonSchema)]
struct UserReply {
    user: UserView,
}

/// A new session: who, its CSRF token for unsafe requests, and when it ends.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct SessionReply {
    user: UserView,
    csrf_token: String,
    expires_at: String,
}

/// How many sessions were ended.
#[derive(Debug, Serialize, JsonSchema)]
struct EndedReply {
    sessions_ended: u64,
}

/// Who is signed in, and the session's CSRF token (none with an API token).
#[derive(Debug, Serialize, JsonSchema)]
struct MeReply {
    user: UserView,
    csrf_token: Option<String>,
}

/// An API token as listed: never its value.
#[derive(Debug, Serialize, JsonSchema)]
struct TokenView {
    id: Uuid,
    name: String,
    created_at: String,
    revoked_at: Option<String>,
}

/// The caller's API tokens.
#[derive(Debug, Serialize, JsonSchema)]
struct TokenList {
    tokens: Vec<TokenView>,
}

/// A new API token, its value shown this once.
#[derive(Debug, Serialize, JsonSchema)]
struct NewToken {
    id: Uuid,
    name: String,
    token: String,
}

/// Every user.
#[derive(Debug, Serialize, JsonSchema)]
struct UserList {
    users: Vec<UserView>,
}

/// A new user and the link that lets them set their password.
#[derive(Debug, Serialize, JsonSchema)]
struct Invited {
    user: UserView,
    invitation_url: String,
}

/// A user and a new link to set their password.
#[derive(Debug, Serialize, JsonSchema)]
struct PasswordLink {
    user: UserView,
    password_url: String,
}

fn later(ttl: Duration) -> Result<Timestamp, ApiError> {
    let ttl = SignedDuration::try_from(ttl).map_err(ApiError::internal)?;
    Timestamp::now()
        .checked_add(ttl)
        .map_err(ApiError::internal)
}

/// A new one-time link for `user` (`None`: the first administrator); returns its URL.
pub(crate) async fn new_link(app: &App, user: Option<Uuid>) -> Result<String, ApiError> {
    let token = secret::new_token().map_err(ApiError::internal)?;
    let expires = later(app.config().link_ttl)?;
    app.store()
        .create_account_link(secret::token_hash(&token), user, Timestamp::now(), expires)
        .await?;
    Ok(format!("{}/setup?token={token}", app.config().public_url))
}

/// A sign-in name: 1 to 64 of letters, digits and `.` `_` `-` `@`.
pub(crate) fn check_name(name: &str) -> Result<(), ApiError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "name {name:?} must be 1 to 64 letters, digits, '.', '_', '-' or '@'"
        ))
        .with_details(json!({ "path": "name" })))
    }
}

fn check_password(password: &str) -> Result<(), ApiError> {
    let n = password.chars().count();
    if (MIN_PASSWORD..=MAX_PASSWORD).contains(&n) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "the password has {n} characters; it must have {MIN_PASSWORD} to {MAX_PASSWORD}"
        ))
        .with_details(json!({ "path": "password" })))
    }
}

async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || secret::hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SetupBody {
    token: String,
    /// The first administrator's sign-in name (empty for a password link).
    #[serde(default)]
    #[schemars(length(max = 64), regex(pattern = r"^[A-Za-z0-9._@-]*$"))]
    name: String,
    #[schemars(length(min = MIN_PASSWORD, max = MAX_PASSWORD))]
    password: String,
}

/// Takes a one-time link (see [`rampart_store::Store::take_account_link`]) after checking the
/// password (and the name, when one is given).
pub(crate) async fn take_link(
    app: &App,
    token: &str,
    name: &str,
    password: String,
    now: Timestamp,
) -> Result<LinkOutcome, ApiError> {
    check_password(&password)?;
    if !name.is_empty() {
        check_name(name)?;
    }
    let hashed = hash(password).await?;
    Ok(app
        .store()
        .take_account_link(secret::token_hash(token), name, &hashed, now)
        .await?)
}

async fn setup(
    State(app): State<App>,
    ApiJson(body): ApiJson<SetupBody>,
) -> Result<Response, ApiError> {
    let name = body.name.trim().to_owned();
    match take_link(&app, &body.token, &name, body.password, Timestamp::now()).await? {
        LinkOutcome::AdministratorCreated(user) | LinkOutcome::PasswordSet(user) => Ok((
            StatusCode::CREATED,
            Json(UserReply {
                user: (&user).into(),
            }),
        )
            .into_response()),
        LinkOutcome::NameRequired => Err(ApiError::bad_request(
            "this setup link creates the first administrator: give their sign-in name",
        )
        .with_details(json!({ "path": "name" }))),
        LinkOutcome::Invalid => Err(ApiError::new(
            ErrorCode::NotFound,
            "this link is unknown, used or expired (a setup link also ends once an administrator \
             exists); ask an administrator for a new one",
        )),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SignInBody {
    name: String,
    password: String,
}

/// Checks a name and password (throttled) and opens a new session, ending the one `headers`
/// carry; returns the session token and the body that describes the session.
pub(crate) async fn sign_in_with(
    app: &App,
    ClientAddr(address): ClientAddr,
    headers: &HeaderMap,
    name: String,
    password: String,
) -> Result<(String, SessionReply), ApiError> {
    if let Some(wait) = app.throttle().wait(&name, address) {
        return Err(ApiError {
            retry_after: Some(wait.as_secs().max(1)),
            ..ApiError::new(
                ErrorCode::TooManyRequests,
                "too many failed sign-ins for this account or from this address; wait and retry",
            )
        });
    }
    let user = app.store().user_by_name(&name).await?;
    let phc = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| secret::DECOY_HASH.to_owned());
    let matches = tokio::task::spawn_blocking(move || secret::verify_password(&password, &phc))
        .await
        .map_err(ApiError::internal)?;
    let user = match user {
        Some(user) if matches && !user.disabled => user,
        _ => {
            app.throttle().failed(&name, address);
            return Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "the name or password is wrong, or the account is disabled",
            ));
        }
    };
    app.throttle().succeeded(&name);
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        app.store().delete_session(secret::token_hash(old)).await?;
    }
    let token = secret::new_token().map_err(ApiError::internal)?;
    let csrf = secret::new_token().map_err(ApiError::internal)?;
    let expires = later(app.config().session_ttl)?;
    app.store()
        .create_session(
            secret::token_hash(&token),
            user.id,
            &csrf,
            Timestamp::now(),
            expires,
        )
        .await?;
    let body = SessionReply {
        user: (&user).into(),
        csrf_token: csrf,
        expires_at: expires.to_string(),
    };
    Ok((token, body))
}

async fn sign_in(
    State(app): State<App>,
    address: ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignInBody>,
) -> Result<Response, ApiError> {
    let (token, body) = sign_in_with(&app, address, &headers, body.name, body.password).await?;
    Ok((
        [(header::SET_COOKIE, session_cookie(&app, Some(&token)))],
        Json(body),
    )
        .into_response())
}

async fn sign_out(State(app): State<App>, principal: Principal) -> Result<Response, ApiError> {
    let Via::Session { token_hash, .. } = principal.via else {
        return Err(ApiError::bad_request(
            "signed in with an API token: there is no session to end; revoke the token instead",
        ));
    };
    app.store().delete_session(token_hash).await?;
    Ok((
        [(header::SET_COOKIE, session_cookie(&app, None))],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

async fn sign_out_everywhere(
    State(app): State<App>,
    principal: Principal,
) -> Result<Response, ApiError> {
    let ended = app
        .store()
        .delete_sessions_of(principal.user.id, Timestamp::now())
        .await?;
    Ok((
        [(header::SET_COOKIE, session_cookie(&app, None))],
        Json(EndedReply {
            sessions_ended: ended,
        }),
    )
        .into_response())
}

async fn me(principal: Principal) -> Json<MeReply> {
    let csrf = match &principal.via {
        Via::Session { csrf_token, .. } => Some(csrf_token.clone()),
        Via::Token => None,
    };
    Json(MeReply {
        user: (&principal.user).into(),
        csrf_token: csrf,
    })
}

async fn tokens(State(app): State<App>, principal: Principal) -> Result<Response, ApiError> {
    let tokens: Vec<TokenView> = app
        .store()
        .api_tokens_of(principal.user.id)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            created_at: t.created_at.to_string(),
            revoked_at: t.revoked_at.map(|r| r.to_string()),
        })
        .collect();
    Ok(Json(TokenList { tokens }).into_response())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    name: String,
}

async fn create_token(
    State(app): State<App>,
    principal: Principal,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<Response, ApiError> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(
            ApiError::bad_request("a token's name must have 1 to 100 characters")
                .with_details(json!({ "path": "name" })),
        );
    }
    let token = secret::new_token().map_err(ApiError::internal)?;
    let id = app
        .store()
        .create_api_token(
            secret::token_hash(&token),
            principal.user.id,
            name,
            Timestamp::now(),
        )
        .await?;
    let body = NewToken {
        id,
        name: name.to_owned(),
        token,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

async fn revoke_token(
    State(app): State<App>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    if app
        .store()
        .revoke_api_token(principal.user.id, id, Timestamp::now())
        .await?
    {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::not_found(format!(
            "unrevoked API token {id} of yours"
        )))
    }
}

async fn users(State(app): State<App>) -> Result<Response, ApiError> {
    let users = app
        .store()
        .users()
        .await?
        .iter()
        .map(UserView::from)
        .collect();
    Ok(Json(UserList { users }).into_response())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewUserBody {
    #[schemars(length(min = 1, max = 64), regex(pattern = r"^[A-Za-z0-9._@-]+$"))]
    name: String,
    #[schemars(schema_with = "user_role")]
    role: String,
}

/// A user role's name, as [`role`] reads it.
fn user_role(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    super::one_of(UserRole::ALL.iter().map(|role| role.name()))
}

fn role(text: &str) -> Result<UserRole, ApiError> {
    text.parse::<UserRole>()
        .map_err(|e| ApiError::bad_request(e.to_string()).with_details(json!({ "path": "role" })))
}

async fn create_user(
    State(app): State<App>,
    ApiJson(body): ApiJson<NewUserBody>,
) -> Result<Response, ApiError> {
    check_name(&body.name)?;
    let role = role(&body.role)?;
    let user = app
        .store()
        .create_user(&body.name, role, Timestamp::now())
        .await?;
    let link = new_link(&app, Some(user.id)).await?;
    let body = Invited {
        user: (&user).into(),
        invitation_url: link,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UserChangeBody {
    role: Option<String>,
    disabled: Option<bool>,
}

async fn change_user(
    State(app): State<App>,
    principal: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UserChangeBody>,
) -> Result<Response, ApiError> {
    if id == principal.user.id {
        return Err(ApiError::new(
            ErrorCode::Refused,
            "administrators cannot change their own role or disable themselves; ask another",
        ));
    }
    let current = app
        .store()
        .user(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {id}")))?;
    let role = body
        .role
        .as_deref()
        .map(role)
        .transpose()?
        .unwrap_or(current.role);
    let disabled = body.disabled.unwrap_or(current.disabled);
    let user = app
        .store()
        .update_user(id, role, disabled)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {id}")))?;
    Ok(Json(UserReply {
        user: (&user).into(),
    })
    .into_response())
}

async fn password_link(
    State(app): State<App>,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    let user = app
        .store()
        .user(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {id}")))?;
    let link = new_link(&app, Some(user.id)).await?;
    Ok((
        StatusCode::CREATED,
        Json(PasswordLink {
            user: (&user).into(),
            password_url: link,
        }),
    )
        .into_response())
}

/// The JSON bodies of the account routes.
pub(super) fn bodies() -> Vec<BodySchema> {
    vec![
        body::<SetupBody>(Method::POST, "/api/v1/setup"),
        body::<SignInBody>(Method::POST, "/api/v1/session"),
        body::<TokenBody>(Method::POST, "/api/v1/tokens"),
        body::<NewUserBody>(Method::POST, "/api/v1/users"),
        body::<UserChangeBody>(Method::PATCH, "/api/v1/users/{id}"),
    ]
}

/// What the account routes answer.
pub(super) fn replies() -> Vec<ReplySchema> {
    vec![
        reply::<UserReply>(Method::POST, "/api/v1/setup", StatusCode::CREATED),
        reply::<SessionReply>(Method::POST, "/api/v1/session", StatusCode::OK),
        no_content(Method::DELETE, "/api/v1/session"),
        reply::<EndedReply>(Method::DELETE, "/api/v1/sessions", StatusCode::OK),
        reply::<MeReply>(Method::GET, "/api/v1/me", StatusCode::OK),
        reply::<TokenList>(Method::GET, "/api/v1/tokens", StatusCode::OK),
        reply::<NewToken>(Method::POST, "/api/v1/tokens", StatusCode::CREATED),
        no_content(Method::DELETE, "/api/v1/tokens/{id}"),
        reply::<UserList>(Method::GET, "/api/v1/users", StatusCode::OK),
        reply::<Invited>(Method::POST, "/api/v1/users", StatusCode::CREATED),
        reply::<UserReply>(Method::PATCH, "/api/v1/users/{id}", StatusCode::OK),
        reply::<PasswordLink>(
            Method::POST,
            "/api/v1/users/{id}/password-link",
            StatusCode::CREATED,
        ),
    ]
}

/// The account routes.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::POST,
            "/api/v1/setup",
            Access::Public,
            "Take a setup or invitation link: set a password (and name the first administrator)",
            post(setup),
        ),
        route(
            Method::POST,
            "/api/v1/session",
            Access::Public,
            "Sign in: sets the session cookie, returns the CSRF token",
            post(sign_in),
        ),
        route(
            Method::DELETE,
            "/api/v1/session",
            Access::SignedIn,
            "Sign out of this session",
            delete(sign_out),
        ),
        route(
            Method::DELETE,
            "/api/v1/sessions",
            Access::SignedIn,
            "Sign out everywhere: end every session of the user",
            delete(sign_out_everywhere),
        ),
        route(
            Method::GET,
            "/api/v1/me",
            Access::SignedIn,
            "Who is signed in",
            get(me),
        ),
        route(
            Method::GET,
            "/api/v1/tokens",
            Access::SignedIn,
            "Your API tokens",
            get(tokens),
        ),
        route(
            Method::POST,
            "/api/v1/tokens",
            Access::SignedIn,
            "Create an API token (its value is shown once)",
            post(create_token),
        ),
        route(
            Method::DELETE,
            "/api/v1/tokens/{id}",
            Access::SignedIn,
            "Revoke one of your API tokens",
            delete(revoke_token),
        ),
        route(
            Method::GET,
            "/api/v1/users",
            Access::Administer,
            "Every user",
            get(users),
        ),
        route(
            Method::POST,
            "/api/v1/users",
            Access::Administer,
            "Create a user; returns their invitation link",
            post(create_user),
        ),
        route(
            Method::PATCH,
            "/api/v1/users/{id}",
            Access::Administer,
            "Change a user's role or disable them",
            patch(change_user),
        ),
        route(
            Method::POST,
            "/api/v1/users/{id}/password-link",
            Access::Administer,
            "A new one-time link to set a user's password",
            post(password_link),
        ),
    ]
}
