//! The one error body every failure answers with, `{code, message, details}`, and the stable codes.
//!
//! A handler returns an [`ApiError`]; turning it into a response has no side effect. The error
//! rides on the response as an extension and the request log (`telemetry`) writes it once, with
//! the internal cause of a 5xx that the client never sees.

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rampart_store::{ErrorClass, StoreError};
use serde_json::{Value, json};

/// The stable error codes of the API (`docs/web.md` lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The request is malformed: a bad parameter, path or value.
    BadRequest,
    /// The JSON body does not parse or does not fit; `details.path` names the field.
    InvalidJson,
    /// The body's content type is not the one the route takes.
    UnsupportedMediaType,
    /// The body or upload is larger than the configured limit.
    PayloadTooLarge,
    /// No valid session or token: sign in, or the session expired or the token was revoked.
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    Forbidden,
    /// A state-changing request signed in by cookie without the session's CSRF token.
    CsrfRejected,
    /// Nothing here, or nothing this user may see.
    NotFound,
    /// The method is not served on this path.
    MethodNotAllowed,
    /// The change collides with what exists (a user name taken).
    Conflict,
    /// The incident's rules refuse the change (an illegal transition, a missing reason).
    Refused,
    /// Too many failed sign-ins; `Retry-After` says when to try again.
    TooManyRequests,
    /// Stored records fail a check (a damaged evidence file, an undecodable row).
    IntegrityFailure,
    /// The store cannot be reached or written.
    StoreUnavailable,
    /// Anything else; the log has the cause.
    Internal,
}

impl ErrorCode {
    /// The code as it appears in the body.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CsrfRejected => "csrf_rejected",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Refused => "refused",
            ErrorCode::TooManyRequests => "too_many_requests",
            ErrorCode::IntegrityFailure => "integrity_failure",
            ErrorCode::StoreUnavailable => "store_unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::BadRequest | ErrorCode::InvalidJson => StatusCode::BAD_REQUEST,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden | ErrorCode::CsrfRejected => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::Refused => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::IntegrityFailure | ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::StoreUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// A failed request: what the client is told, and (for 5xx) the cause only the log sees.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The stable code.
    pub code: ErrorCode,
    /// A sentence for people: what, where, why.
    pub message: String,
    /// Structured detail (the field path of a JSON error, the allowed values); boxed to keep
    /// results small.
    pub details: Box<Value>,
    /// The internal cause, logged and never sent.
    pub cause: Option<String>,
    /// Seconds before retrying (429).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with this code and message and no details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: Box::new(json!({})),
            cause: None,
            retry_after: None,
        }
    }

    /// Adds structured details.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Box::new(details);
        self
    }

    /// 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// 404 for `what`.
    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// 500 whose cause is logged and hidden from the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            cause: Some(cause.to_string()),
            ..Self::new(
                ErrorCode::Internal,
                "internal error; the server log has the cause",
            )
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match e.class() {
            ErrorClass::BadInput => ErrorCode::Refused,
            ErrorClass::NotFound => ErrorCode::NotFound,
            ErrorClass::Conflict => ErrorCode::Conflict,
            ErrorClass::Integrity => ErrorCode::IntegrityFailure,
            ErrorClass::Unavailable => ErrorCode::StoreUnavailable,
        };
        if code.status().is_server_error() {
            // Store messages name files and database places: for the log, not the client.
            return Self {
                cause: Some(e.to_string()),
                ..Self::new(code, server_message(code))
            };
        }
        Self::new(code, e.to_string())
    }
}

impl From<rampart_core::DomainError> for ApiError {
    fn from(e: rampart_core::DomainError) -> Self {
        Self::new(ErrorCode::Refused, e.to_string())
    }
}

fn server_message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::StoreUnavailable => "the store is unavailable; the server log has the cause",
        ErrorCode::IntegrityFailure => {
            "stored records fail an integrity check; the server log names them"
        }
        _ => "internal error; the server log has the cause",
    }
}

/// What the request log records about a failed request.
#[derive(Debug, Clone)]
pub(crate) struct LoggedError {
    pub(crate) code: ErrorCode,
    pub(crate) cause: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "code": self.code.as_str(),
            "message": self.message,
            "details": self.details,
        });
        let mut response = (self.code.status(), axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(Arc::new(LoggedError {
            code: self.code,
            cause: self.cause,
        }));
        response
    }
}
