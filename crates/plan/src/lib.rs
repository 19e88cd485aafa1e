//! The incident response plan as data. No I/O: text in, checked values out.
//!
//! - [`Plan`]: the whole plan — team ([`RoleSpec`], [`Member`], [`Rotation`],
//!   [`EscalationStep`], [`Training`]), directory ([`Contact`]) and response ([`TypeSpec`],
//!   [`SeverityLevel`], [`Criterion`], [`Playbook`] of [`Task`]s, [`Rule`], [`Review`]). It
//!   serializes in one canonical shape, so versions can be stored and compared.
//! - [`Plan::from_toml`] reads a plan file and refuses it whole, naming `file:line` and the
//!   problem for each fault; [`Plan::check`] applies the same rules to a plan from anywhere.
//! - [`Window`] and [`Due`]: lengths of time (`15m`, `24h`) and due times (`detected + 24h`).
//! - [`default_plan`]: the plan shipped with Rampart, encoding both source plans; [`schema`]:
//!   the JSON Schema of the format.
//! - [`diff`]: two plans compared value by value.
//! - [`PlanEntry`] and [`PlanEvent`]: the plan log — versions applied, reviews, major changes,
//!   training completions — hash-chained ([`verify_plan_log`]); [`review_status`] and
//!   [`training_status`] read what is due from it.
//! - [`Plan::activation`] and [`escalations`]: running the plan on an incident — its tasks, roles
//!   and pages, and where an unacknowledged page has escalated to by a given time.
//!
//! Roles, incident types and severities are the incident domain's own
//! ([`rampart_core::incident`]), so a plan cannot speak of a role an incident cannot hold.

#![forbid(unsafe_code)]

mod check;
mod default;
mod diff;
pub mod error;
mod model;
mod parse;
mod record;
mod respond;
mod status;
mod time;

pub use default::{DEFAULT_PLAN_TOML, default_plan};
pub use diff::{Change, diff, value_count};
pub use error::{Located, Path, PlanError, Problem, Step, ValueError};
pub use model::{
    Contact, ContactKind, Criterion, EscalationStep, Flag, Member, Plan, Playbook, Review,
    RoleSpec, Rotation, Rule, SeverityLevel, SeverityMatch, Target, Task, TaskKind, Training,
    TypeMatch, TypeSpec,
};
pub use record::{
    Applied, MajorChange, PLAN_ENTRY_TAG, PlanEntry, PlanEvent, PlanLogBreak, PlanLogError,
    Reviewed, TrainingRecord, verify_plan_log,
};
pub use respond::{Activation, escalations, task_spec};
pub use status::{
    LastReview, ReviewState, ReviewStatus, TrainingState, TrainingStatus, add_months, expiry,
    review_status, training_status,
};
pub use time::{Anchor, Due, Window};

/// The JSON Schema (draft 2020-12) of the plan format, as a JSON value. Names from the incident
/// vocabulary (roles, severities) are listed, so an editor can complete them.
pub fn schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Plan).to_value();
    let names = |all: Vec<&'static str>| serde_json::json!({ "enum": all });
    let roles = names(
        rampart_core::incident::Role::ALL
            .iter()
            .map(|r| r.name())
            .collect(),
    );
    let severities = names(
        rampart_core::incident::Severity::ALL
            .iter()
            .map(|s| s.name())
            .collect(),
    );
    schema["properties"]["roles"]["propertyNames"] = roles;
    schema["properties"]["severity"]["propertyNames"] = severities;
    schema
}
