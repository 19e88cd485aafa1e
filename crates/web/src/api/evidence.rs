//! Evidence (upload, list, download checked against its SHA-256, custody), verification of one
//! incident's chain or the whole log, the export bundle, and sharing with external reviewers.
//!
//! An upload is the raw request body (`Content-Type` is recorded as the media type), at most the
//! configured size; the file name is a query parameter, reduced to a safe base name, so a path in
//! it never reaches the file system.

use std::io::Write as _;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use jiff::Timestamp;
use rampart_core::incident::{EvidenceMeta, FileName, MediaType};
use rampart_core::{Bundle, Command, Digest, Incident, LogEntry, VerifySummary, verify_bundle};
use rampart_store::{Appended, EvidenceRecord, StoredFile, UserRole};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::incidents::{Changed, change, context, now};
use super::{
    ApiJson, ApiPath, ApiQuery, BodySchema, ReplyBody, ReplySchema, body, no_content, reply,
    too_large, visible_incident,
};
use crate::access::{Access, Route, route};
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorCode};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadParams {
    file_name: String,
    #[serde(default)]
    description: String,
}

/// An upload: what was recorded of the file, the incident after it and the log entry that records
/// it.
#[derive(Debug, Serialize, JsonSchema)]
struct Uploaded {
    evidence: Option<EvidenceMeta>,
    incident: Incident,
    entry: LogEntry,
}

async fn upload(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
    ApiQuery(params): ApiQuery<UploadParams>,
    request: Request,
) -> Result<Response, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let media_type = match request.headers().get(header::CONTENT_TYPE) {
        None => MediaType::octet_stream(),
        Some(v) => v
            .to_str()
            .map_err(|_| ApiError::bad_request("Content-Type is not text"))?
            .parse::<MediaType>()?,
    };
    let limit = app.config().max_upload_bytes;
    let body = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| too_large("upload", limit))?;
    let temp = tokio::task::spawn_blocking(move || -> std::io::Result<tempfile::NamedTempFile> {
        let mut temp = tempfile::NamedTempFile::new()?;
        temp.write_all(&body)?;
        temp.flush()?;
        Ok(temp)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let name = FileName::sanitize(&params.file_name);
    let appended = add_evidence(
        &app,
        &principal,
        &incident,
        temp.path(),
        (media_type, name),
        params.description,
    )
    .await?;
    let added = appended.incident.evidence().last().map(|e| e.meta.clone());
    Ok((
        StatusCode::CREATED,
        Json(Uploaded {
            evidence: added,
            incident: appended.incident,
            entry: appended.entry,
        }),
    )
        .into_response())
}

/// Stores the uploaded file at `path` as evidence of `incident` (content-addressed, never
/// overwritten) and appends its entry as `principal`: the one way both the API and the upload
/// form add evidence.
pub(crate) async fn add_evidence(
    app: &App,
    principal: &Principal,
    incident: &Incident,
    path: &std::path::Path,
    (media_type, file_name): (MediaType, FileName),
    description: String,
) -> Result<Appended, ApiError> {
    let ctx = context(app, principal);
    let appended = app
        .store()
        .put_evidence(
            incident.id(),
            path,
            |current: &Incident, stored: StoredFile| {
                let meta = EvidenceMeta {
                    sha256: stored.sha256,
                    size: stored.size,
                    media_type: media_type.clone(),
                    file_name: file_name.clone(),
                    description: description.clone(),
                };
                current.decide(
                    &ctx,
                    Command::AddEvidence {
                        meta,
                        custodian: None,
                    },
                    String::new(),
                )
            },
        )
        .await?;
    Ok(appended)
}

/// An evidence item as the API and `rampart evidence list` show it: the file, who added it and
/// when, who holds it now.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceItem {
    /// The file's SHA-256, hexadecimal.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its media type.
    pub media_type: String,
    /// Its file name.
    pub file_name: String,
    /// What it is.
    pub description: String,
    /// Who added it.
    pub added_by: String,
    /// When, RFC 3339.
    pub added_at: String,
    /// Who holds it now.
    pub custodian: String,
}

impl From<EvidenceRecord> for EvidenceItem {
    fn from(r: EvidenceRecord) -> Self {
        Self {
            sha256: r.meta.sha256.to_string(),
            size: r.meta.size,
            media_type: r.meta.media_type.as_str().to_owned(),
            file_name: r.meta.file_name.as_str().to_owned(),
            description: r.meta.description,
            added_by: r.added_by,
            added_at: r.added_at.to_string(),
            custodian: r.custodian,
        }
    }
}

/// An incident's evidence items.
#[derive(Debug, Serialize, JsonSchema)]
struct EvidenceList {
    evidence: Vec<EvidenceItem>,
}

async fn list(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let evidence = app
        .store()
        .evidence_of(incident.id())
        .await?
        .into_iter()
        .map(EvidenceItem::from)
        .collect();
    Ok(Json(EvidenceList { evidence }).into_response())
}

fn digest(text: &str) -> Result<Digest, ApiError> {
    text.parse::<Digest>().map_err(|e| {
        ApiError::bad_request(format!(
            "{text:?} is not a SHA-256 (64 hexadecimal digits): {e}"
        ))
    })
}

async fn download(
    State(app): State<App>,
    principal: Principal,
    ApiPath((key, sha256)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let sha256 = digest(&sha256)?;
    let incident = visible_incident(&app, &principal, &key).await?;
    let item = incident
        .evidence()
        .iter()
        .find(|e| e.meta.sha256 == sha256)
        .ok_or_else(|| ApiError::not_found(format!("evidence {sha256} of {}", incident.key())))?;
    let path = app.store().evidence_path(&sha256);
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        ApiError::from(rampart_store::StoreError::EvidenceMissing {
            path: path.clone(),
            sha256,
        })
        .with_details(json!({ "io": e.kind().to_string() }))
    })?;
    let actual = Digest::of(&bytes);
    if actual != sha256 {
        return Err(rampart_store::StoreError::EvidenceDamaged {
            path,
            expected: sha256,
            actual,
        }
        .into());
    }
    let disposition = format!(
        "attachment; filename=\"{}\"",
        item.meta.file_name.as_str().replace(['"', '\\'], "_")
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(item.meta.media_type.as_str())
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        "x-content-sha256",
        HeaderValue::from_str(&sha256.to_string()).map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// A hand-over: to whom, why, and when (RFC 3339 with an offset; default now).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CustodyBody {
    to: String,
    reason: String,
    #[schemars(with = "Option<String>")]
    at: Option<rampart_core::ZonedTime>,
}

async fn custody(
    State(app): State<App>,
    principal: Principal,
    ApiPath((key, sha256)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<CustodyBody>,
) -> Result<Response, ApiError> {
    let cmd = Command::TransferCustody {
        sha256: digest(&sha256)?,
        to: body.to,
        at: body.at,
        reason: body.reason,
    };
    change(&app, &principal, &key, cmd, String::new()).await
}

/// What verifying a chain found: `verified` and a summary, or where the first bad entry is.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
enum VerificationReply {
    /// Every entry checks out.
    Verified {
        verified: bool,
        summary: VerifySummary,
    },
    /// The chain is broken.
    Broken {
        verified: bool,
        problem: String,
        first_bad_entry: Option<String>,
        index: u64,
    },
}

fn verification(result: rampart_store::Verification) -> Response {
    let reply = match result {
        Ok(summary) => VerificationReply::Verified {
            verified: true,
            summary,
        },
        Err(bad) => VerificationReply::Broken {
            verified: false,
            problem: bad.to_string(),
            first_bad_entry: bad.entry.map(|e| e.to_string()),
            index: bad.index,
        },
    };
    Json(reply).into_response()
}

async fn verify_incident(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    Ok(verification(
        app.store().verify_incident(incident.id()).await?,
    ))
}

async fn verify_all(State(app): State<App>) -> Result<Response, ApiError> {
    Ok(verification(app.store().verify_log().await?))
}

async fn export(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let ctx = rampart_core::Context {
        actor: &principal.user.name,
        now: now(),
        types: app.types(),
    };
    let recorded = app
        .store()
        .append(incident.id(), |current| {
            current.decide(&ctx, Command::RecordExport, String::new())
        })
        .await?;
    let entries = app.store().log_of(incident.id()).await?;
    let bundle =
        Bundle::new(entries, recorded.entry.global_head(), Timestamp::now()).map_err(|e| {
            ApiError::new(
                ErrorCode::IntegrityFailure,
                format!("the stored log does not replay: {e}"),
            )
        })?;
    verify_bundle(&bundle).map_err(|e| {
        ApiError::new(
            ErrorCode::IntegrityFailure,
            format!("the bundle does not verify: {e}"),
        )
    })?;
    Ok(Json(bundle).into_response())
}

async fn share(
    State(app): State<App>,
    principal: Principal,
    ApiPath((key, user)): ApiPath<(String, Uuid)>,
) -> Result<Response, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let reviewer = app
        .store()
        .user(user)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {user}")))?;
    if reviewer.role != UserRole::ExternalReviewer {
        return Err(ApiError::new(
            ErrorCode::Refused,
            format!(
                "{} is a {}, who sees incidents by role; only external reviewers are given shares",
                reviewer.name, reviewer.role
            ),
        ));
    }
    app.store()
        .share_incident(
            incident.id(),
            reviewer.id,
            &principal.user.name,
            Timestamp::now(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The JSON bodies of the evidence routes (uploads are the raw file).
pub(super) fn bodies() -> Vec<BodySchema> {
    vec![body::<CustodyBody>(
        Method::POST,
        "/api/v1/incidents/{key}/evidence/{sha256}/custody",
    )]
}

/// What the evidence, verification, export and sharing routes answer.
pub(super) fn replies() -> Vec<ReplySchema> {
    let evidence = "/api/v1/incidents/{key}/evidence";
    vec![
        reply::<Uploaded>(Method::POST, evidence, StatusCode::CREATED),
        reply::<EvidenceList>(Method::GET, evidence, StatusCode::OK),
        ReplySchema {
            method: Method::GET,
            path: "/api/v1/incidents/{key}/evidence/{sha256}",
            status: StatusCode::OK,
            body: ReplyBody::Raw("*/*"),
        },
        reply::<Changed>(
            Method::POST,
            "/api/v1/incidents/{key}/evidence/{sha256}/custody",
            StatusCode::OK,
        ),
        reply::<VerificationReply>(
            Method::GET,
            "/api/v1/incidents/{key}/verification",
            StatusCode::OK,
        ),
        reply::<Bundle>(
            Method::POST,
            "/api/v1/incidents/{key}/export",
            StatusCode::OK,
        ),
        no_content(Method::PUT, "/api/v1/incidents/{key}/shares/{user}"),
        reply::<VerificationReply>(Method::GET, "/api/v1/verification", StatusCode::OK),
    ]
}

/// The evidence, verification, export and sharing routes.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::POST,
            "/api/v1/incidents/{key}/evidence",
            Access::Respond,
            "Upload an evidence file (raw body; file_name and description as query parameters)",
            post(upload),
        ),
        route(
            Method::GET,
            "/api/v1/incidents/{key}/evidence",
            Access::Read,
            "An incident's evidence items",
            get(list),
        ),
        route(
            Method::GET,
            "/api/v1/incidents/{key}/evidence/{sha256}",
            Access::Read,
            "Download an evidence file, checked against its SHA-256",
            get(download),
        ),
        route(
            Method::POST,
            "/api/v1/incidents/{key}/evidence/{sha256}/custody",
            Access::Respond,
            "Hand an evidence item to a new custodian",
            post(custody),
        ),
        route(
            Method::GET,
            "/api/v1/incidents/{key}/verification",
            Access::Read,
            "Verify an incident's hash chain",
            get(verify_incident),
        ),
        route(
            Method::POST,
            "/api/v1/incidents/{key}/export",
            Access::Respond,
            "Export an incident as a self-verifying bundle (recorded in its log)",
            post(export),
        ),
        route(
            Method::PUT,
            "/api/v1/incidents/{key}/shares/{user}",
            Access::Administer,
            "Share an incident with an external reviewer",
            put(share),
        ),
        route(
            Method::GET,
            "/api/v1/verification",
            Access::Audit,
            "Verify the whole log, both chains",
            get(verify_all),
        ),
    ]
}
