//! Running the incident response plan on incidents against the store, shared by the command line
//! and the web service so both do exactly the same thing.
//!
//! `rampart-plan` answers, as pure functions, *what* the plan asks for (which tasks, who is on
//! call, whom to page, where a page escalates); `rampart-notify` queues and delivers messages
//! without knowing why. What sits between them lives here, because it needs both and the store
//! and neither may take it in: turning the plan's answers into log entries appended in one
//! transaction, and the page e-mails those entries call for.
//!
//! - [`current_plan`]: the plan version in force.
//! - [`identify::Identification`]: the identification checklist answered, severity, decision —
//!   the entries `rampart incident identify` and the incident page write.
//! - [`activate`] / [`sync_tasks`] / [`escalate`]: the team activated on an incident (roles from
//!   on-call, playbook tasks, the first page; at once on opening when [`activates_on_open`]), a new plan version's tasks added to activated
//!   incidents, unacknowledged pages escalated along the chain.
//! - [`page::deliver`]: one e-mail per paged member in the outbox, with the acknowledgement
//!   link into the web interface when the public address is known.
//! - [`notices::send`]: a notice sent once every gate passes, its e-mails queued without
//!   duplicates when sent again.
//! - [`company`]: `[clocks]` and `[notices]` of `rampart.toml` and the regimes in force, read the
//!   same way by the command line and the service.

#![forbid(unsafe_code)]

mod activate;
pub mod company;
pub mod identify;
pub mod notices;
pub mod page;

pub use activate::{Activated, activate, activates_on_open, escalate, sync_tasks};

use rampart_core::{Command, Context, IncidentId};
use rampart_plan::Plan;
use rampart_store::{Appended, Store, StoreError};

/// Why running the plan failed.
#[derive(Debug, thiserror::Error)]
pub enum RespondError {
    /// No plan version is stored yet.
    #[error(
        "no plan is applied yet: run `rampart init` (the default plan) or `rampart plan apply FILE`"
    )]
    NoPlan,
    /// An answer names a criterion the plan's checklist lacks.
    #[error("the plan's identification checklist has no criterion {criterion:?}; it has: {known}")]
    UnknownCriterion {
        /// The criterion named.
        criterion: String,
        /// The criteria the plan has, comma-separated.
        known: String,
    },
    /// The store refused or failed (a refused decision included).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A page could not be put in the outbox.
    #[error("cannot queue the page to {to}: {source}")]
    Queue {
        /// The recipient's address.
        to: String,
        /// Why.
        source: Box<rampart_notify::NotifyError>,
    },
}

/// The plan version in force and its number.
pub async fn current_plan(store: &Store) -> Result<(Plan, u64), RespondError> {
    let current = store
        .plan_version(None)
        .await?
        .ok_or(RespondError::NoPlan)?;
    Ok((current.plan, current.version))
}

/// Appends `commands` to incident `id` in one transaction, all or none, each decided as `ctx`.
pub async fn append_all(
    store: &Store,
    ctx: &Context<'_>,
    id: IncidentId,
    commands: Vec<Command>,
) -> Result<Vec<Appended>, StoreError> {
    if commands.is_empty() {
        return Ok(Vec::new());
    }
    let changes: Vec<_> = commands
        .into_iter()
        .map(|cmd| {
            let decide =
                move |incident: &rampart_core::Incident| incident.decide(ctx, cmd, String::new());
            (id, decide)
        })
        .collect();
    store.append_batch(changes).await
}
