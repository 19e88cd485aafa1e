//! Incidents: list (filters, title search, sort, cursor pages), open, show, the log, and every
//! change the command line makes (update, transition, note, record of details, roles), each one
//! appended log entry acting as the signed-in user.

use axum::Json;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use rampart_core::incident::{
    Detail, Impact, Role, Severity, SeverityOverride, State as LifecycleState,
};
use rampart_core::incident::{Notice, Registers};
use rampart_core::{Command, Context, Incident, IncidentId, LogEntry, OpenIncident, ZonedTime};
use rampart_store::{Cursor, IncidentFilter, IncidentQuery, IncidentSort, MAX_PAGE};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::respond::activate_team;
use super::{ApiJson, ApiPath, ApiQuery, BodySchema, ReplySchema, body, reply, visible_incident};
use crate::access::{Access, Route, route};
use crate::app::App;
use crate::auth::Principal;
use crate::error::ApiError;

/// The page size when none is asked for.
const DEFAULT_PAGE: u32 = 50;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    state: Option<LifecycleState>,
    severity: Option<Severity>,
    #[serde(rename = "type")]
    incident_type: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

fn parse_sort(text: Option<&str>) -> Result<(IncidentSort, bool), ApiError> {
    let text = text.unwrap_or("-key");
    let (descending, name) = match text.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, text),
    };
    let sort = match name {
        "key" => IncidentSort::Key,
        "detected" => IncidentSort::Detected,
        "updated" => IncidentSort::Updated,
        _ => {
            return Err(ApiError::bad_request(format!(
                "sort {text:?} is not known; use key, detected or updated, with a leading - for \
                 newest first"
            )));
        }
    };
    Ok((sort, descending))
}

pub(crate) fn encode_cursor(c: Cursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}.{}.{}", c.value, c.year, c.number))
}

pub(crate) fn decode_cursor(text: &str) -> Result<Cursor, ApiError> {
    let bad = || ApiError::bad_request("cursor is not one this server returned");
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.split('.').map(str::parse::<i64>);
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Ok(value)), Some(Ok(year)), Some(Ok(number)), None) => Ok(Cursor {
            value,
            year,
            number,
        }),
        _ => Err(bad()),
    }
}

/// A page of incidents, and the cursor of the next page when there is one.
#[derive(Debug, Serialize, JsonSchema)]
struct IncidentList {
    incidents: Vec<Incident>,
    next_cursor: Option<String>,
}

async fn list(
    State(app): State<App>,
    principal: Principal,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    let (sort, descending) = parse_sort(params.sort.as_deref())?;
    let limit = params.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is out of range; pages hold 1 to {MAX_PAGE} incidents"
        )));
    }
    let query = IncidentQuery {
        filter: IncidentFilter {
            state: params.state,
            severity: params.severity,
            incident_type: params
                .incident_type
                .as_deref()
                .map(|t| app.types().parse(t))
                .transpose()?,
        },
        search: params.q,
        visibility: principal.visibility(),
        sort,
        descending,
        after: params.cursor.as_deref().map(decode_cursor).transpose()?,
        limit,
    };
    let page = app.store().incident_page(&query).await?;
    Ok(Json(IncidentList {
        incidents: page.incidents,
        next_cursor: page.next.map(encode_cursor),
    })
    .into_response())
}

/// A report: what happened, its type and, when known, severity, impact, flags and times (RFC 3339
/// with an offset).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct OpenBody {
    title: String,
    #[serde(rename = "type")]
    incident_type: String,
    #[serde(default)]
    summary: String,
    #[schemars(with = "Option<String>")]
    severity: Option<Severity>,
    severity_reason: Option<String>,
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    impact: Option<Impact>,
    #[serde(default)]
    amazon_information: bool,
    #[serde(default)]
    personal_data: bool,
    #[serde(default)]
    drill: bool,
    #[schemars(with = "Option<String>")]
    occurred: Option<ZonedTime>,
    #[schemars(with = "Option<String>")]
    detected: Option<ZonedTime>,
    #[schemars(with = "Option<String>")]
    reported: Option<ZonedTime>,
}

/// Now, in UTC: the web does not know the reader's offset.
pub(crate) fn now() -> ZonedTime {
    ZonedTime::utc(Timestamp::now())
}

/// The domain context of a change by `principal`, now.
pub(crate) fn context<'a>(app: &'a App, principal: &'a Principal) -> Context<'a> {
    Context {
        actor: &principal.user.name,
        now: now(),
        types: app.types(),
    }
}

async fn open(
    State(app): State<App>,
    principal: Principal,
    ApiJson(body): ApiJson<OpenBody>,
) -> Result<Response, ApiError> {
    let incident_type = app.types().parse(&body.incident_type)?;
    let ctx = context(&app, &principal);
    let year = u16::try_from(ctx.now.instant().to_zoned(jiff::tz::TimeZone::UTC).year())
        .map_err(ApiError::internal)?;
    let severity_override = body.severity.map(|severity| SeverityOverride {
        severity,
        reason: body
            .severity_reason
            .clone()
            .unwrap_or_else(|| "stated when the incident was opened".to_owned()),
    });
    let appended = app
        .store()
        .open_incident(year, |key| {
            let cmd = OpenIncident {
                id: IncidentId::generate(),
                key,
                title: body.title,
                summary: body.summary,
                incident_type,
                impact: body.impact,
                severity_override,
                amazon_information: body.amazon_information,
                personal_data: body.personal_data,
                drill: body.drill,
                occurred: body.occurred,
                detected: body.detected,
                reported: body.reported,
            };
            Incident::open(&ctx, cmd, String::new())
        })
        .await?;
    let mut incident = appended.incident;
    if rampart_respond::activates_on_open(app.store(), &incident).await? {
        // The incident stays opened whatever happens here: the error says so, so that a client
        // activates it (POST …/activation) rather than opening it again.
        let key = incident.key().to_string();
        incident = activate_team(&app, &principal, incident)
            .await
            .map_err(|e| ApiError {
                message: format!(
                    "{key} is opened, but activating the team failed ({}); retry with POST \
                     /api/v1/incidents/{key}/activation",
                    e.message
                ),
                ..e
            })?;
    }
    Ok((StatusCode::CREATED, Json(incident)).into_response())
}

async fn show(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    Ok(Json(incident).into_response())
}

/// An incident's log entries, oldest first.
#[derive(Debug, Serialize, JsonSchema)]
struct LogReply {
    entries: Vec<LogEntry>,
}

async fn log(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let entries = app.store().log_of(incident.id()).await?;
    Ok(Json(LogReply { entries }).into_response())
}

/// An incident's notices and registers.
#[derive(Debug, Serialize, JsonSchema)]
struct NoticesReply<'a> {
    notices: &'a [Notice],
    registers: &'a Registers,
}

async fn notices(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
) -> Result<Response, ApiError> {
    let incident = visible_incident(&app, &principal, &key).await?;
    let body = NoticesReply {
        notices: incident.notices(),
        registers: incident.registers(),
    };
    Ok(Json(body).into_response())
}

/// A change: the incident after it and the log entry that records it.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Changed {
    incident: Incident,
    entry: LogEntry,
}

/// Appends the entry `command` decides on the incident `key`, as `principal`.
pub(crate) async fn change(
    app: &App,
    principal: &Principal,
    key: &str,
    command: Command,
    text: String,
) -> Result<Response, ApiError> {
    change_with(app, principal, key, command, text, None).await
}

/// [`change`], and with the regimes in force `clocks`, the entry's text names the clocks the
/// change moves (as `rampart incident update` and `facts` write it).
pub(crate) async fn change_with(
    app: &App,
    principal: &Principal,
    key: &str,
    command: Command,
    text: String,
    clocks: Option<&rampart_clock::Config>,
) -> Result<Response, ApiError> {
    let incident = visible_incident(app, principal, key).await?;
    let ctx = context(app, principal);
    let appended = app
        .store()
        .append(incident.id(), |current| {
            let mut draft = current.decide(&ctx, command.clone(), text.clone())?;
            if let Some(config) = clocks {
                draft.text = rampart_clock::moves::sentence(config, current, &draft);
            }
            Ok(draft)
        })
        .await?;
    let changed = Changed {
        incident: appended.incident,
        entry: appended.entry,
    };
    Ok(Json(changed).into_response())
}

/// A move to `state`, with a reason where the lifecycle asks for one.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TransitionBody {
    #[schemars(schema_with = "lifecycle_state")]
    state: LifecycleState,
    reason: Option<String>,
    #[schemars(with = "Option<String>")]
    at: Option<ZonedTime>,
}

/// A lifecycle state's name.
fn lifecycle_state(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    super::one_of(LifecycleState::ALL.iter().map(|state| state.name()))
}

async fn transition(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<TransitionBody>,
) -> Result<Response, ApiError> {
    let cmd = Command::Transition {
        to: body.state,
        at: body.at,
        reason: body.reason,
    };
    change(&app, &principal, &key, cmd, String::new()).await
}

/// A note for the log.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    text: String,
}

async fn note(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<NoteBody>,
) -> Result<Response, ApiError> {
    change(&app, &principal, &key, Command::Note, body.text).await
}

async fn add_detail(
    State(app): State<App>,
    principal: Principal,
    ApiPath(key): ApiPath<String>,
    ApiJson(body): ApiJson<Detail>,
) -> Result<Response, ApiError> {
    change(
        &app,
        &principal,
        &key,
        Command::AddDetail(body),
        String::new(),
    )
    .await
}

/// Why an item of the record of details is withdrawn.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RemovalBody {
    reason: String,
}

async fn remove_detail(
    State(app): State<App>,
    principal: Principal,
    ApiPath((key, id)): ApiPath<(String, u64)>,
    ApiJson(body): ApiJson<RemovalBody>,
) -> Result<Response, ApiError> {
    let cmd = Command::RemoveDetail {
        id,
        reason: body.reason,
    };
    change(&app, &principal, &key, cmd, String::new()).await
}

/// Who takes an incident role.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AssignBody {
    person: String,
}

async fn assign(
    State(app): State<App>,
    principal: Principal,
    ApiPath((key, role)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<AssignBody>,
) -> Result<Response, ApiError> {
    let role: Role = role.parse()?;
    let cmd = Command::AssignRole {
        role,
        person: body.person,
    };
    change(&app, &principal, &key, cmd, String::new()).await
}

async fn unassign(
    State(app): State<App>,
    principal: Principal,
    ApiPath((key, role)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let role: Role = role.parse()?;
    change(
        &app,
        &principal,
        &key,
        Command::UnassignRole { role },
        String::new(),
    )
    .await
}

/// The JSON bodies of the incident routes.
pub(super) fn bodies() -> Vec<BodySchema> {
    vec![
        body::<OpenBody>(Method::POST, "/api/v1/incidents"),
        body::<TransitionBody>(Method::POST, "/api/v1/incidents/{key}/transitions"),
        body::<NoteBody>(Method::POST, "/api/v1/incidents/{key}/notes"),
        body::<RemovalBody>(
            Method::POST,
            "/api/v1/incidents/{key}/details/{detail}/removal",
        ),
        body::<AssignBody>(Method::PUT, "/api/v1/incidents/{key}/roles/{role}"),
        body::<Detail>(Method::POST, "/api/v1/incidents/{key}/details"),
    ]
}

/// What the incident routes answer.
pub(super) fn replies() -> Vec<ReplySchema> {
    let path = "/api/v1/incidents/{key}";
    let mut all = vec![
        reply::<IncidentList>(Method::GET, "/api/v1/incidents", StatusCode::OK),
        reply::<Incident>(Method::POST, "/api/v1/incidents", StatusCode::CREATED),
        reply::<Incident>(Method::GET, path, StatusCode::OK),
        reply::<LogReply>(Method::GET, "/api/v1/incidents/{key}/log", StatusCode::OK),
        reply::<NoticesReply<'static>>(
            Method::GET,
            "/api/v1/incidents/{key}/notices",
            StatusCode::OK,
        ),
    ];
    let changes = [
        (Method::POST, "/api/v1/incidents/{key}/transitions"),
        (Method::POST, "/api/v1/incidents/{key}/notes"),
        (Method::POST, "/api/v1/incidents/{key}/details"),
        (
            Method::POST,
            "/api/v1/incidents/{key}/details/{detail}/removal",
        ),
        (Method::PUT, "/api/v1/incidents/{key}/roles/{role}"),
        (Method::DELETE, "/api/v1/incidents/{key}/roles/{role}"),
    ];
    all.extend(
        changes
            .into_iter()
            .map(|(method, path)| reply::<Changed>(method, path, StatusCode::OK)),
    );
    all
}

/// The incident routes.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/api/v1/incidents",
            Access::Read,
            "List incidents: filters, search, sort, cursor pages",
            get(list),
        ),
        route(
            Method::POST,
            "/api/v1/incidents",
            Access::Report,
            "Report (open) an incident",
            post(open),
        ),
        route(
            Method::GET,
            "/api/v1/incidents/{key}",
            Access::Read,
            "An incident's record",
            get(show),
        ),
        route(
            Method::GET,
            "/api/v1/incidents/{key}/log",
            Access::Read,
            "An incident's log entries",
            get(log),
        ),
        route(
            Method::GET,
            "/api/v1/incidents/{key}/notices",
            Access::Read,
            "An incident's notices and registers (legal process, law enforcement, holds)",
            get(notices),
        ),
        route(
            Method::POST,
            "/api/v1/incidents/{key}/transitions",
            Access::Respond,
            "Move an incident through its lifecycle",
            post(transition),
        ),
        route(
            Method::POST,
            "/api/v1/incidents/{key}/notes",
            Access::Respond,
            "Add a note to the log",
            post(note),
        ),
        route(
            Method::POST,
            "/api/v1/incidents/{key}/details",
            Access::Respond,
            "Add to the record of details",
            post(add_detail),
        ),
        route(
            Method::POST,
            "/api/v1/incidents/{key}/details/{detail}/removal",
            Access::Respond,
            "Remove an item of the record of details",
            post(remove_detail),
        ),
        route(
            Method::PUT,
            "/api/v1/incidents/{key}/roles/{role}",
            Access::Respond,
            "Give an incident role to someone",
            put(assign),
        ),
        route(
            Method::DELETE,
            "/api/v1/incidents/{key}/roles/{role}",
            Access::Respond,
            "Leave an incident role vacant",
            delete(unassign),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        let c = Cursor {
            value: -5,
            year: 2026,
            number: 42,
        };
        assert_eq!(decode_cursor(&encode_cursor(c)).unwrap(), c);
        assert!(decode_cursor("not a cursor").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("1.2")).is_err());
    }

    #[test]
    fn sorts_are_named_with_an_optional_minus() {
        assert_eq!(parse_sort(None).unwrap(), (IncidentSort::Key, true));
        assert_eq!(
            parse_sort(Some("detected")).unwrap(),
            (IncidentSort::Detected, false)
        );
        assert_eq!(
            parse_sort(Some("-updated")).unwrap(),
            (IncidentSort::Updated, true)
        );
        assert!(parse_sort(Some("title")).is_err());
    }
}
