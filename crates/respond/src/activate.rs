//! Activating the team on an incident, adding a new plan version's tasks to activated
//! incidents, and escalating unacknowledged pages: the plan's answers as appended log entries.

use rampart_core::incident::{PageEscalated, Paged, ResponseCommand, TasksCreated};
use rampart_core::{Command, Context, Incident};
use rampart_plan::Plan;
use rampart_store::{Appended, IncidentFilter, Store, StoreError};

use crate::{RespondError, append_all, current_plan};

/// What [`activate`] wrote.
#[derive(Debug)]
pub struct Activated {
    /// The entries written, each with the incident after it (pass them to
    /// [`crate::page::deliver`] to queue the page's e-mails).
    pub appended: Vec<Appended>,
    /// The escalation step that pages nobody yet (no members in the plan or its rotations), when
    /// that kept the first page from being sent.
    pub unpaged_step: Option<String>,
}

/// Whether the plan in force activates the team as soon as an incident opens at `incident`'s
/// severity (`activate_on_open`: high and critical in the default plan), before identification
/// is decided. Without a plan or an assessed severity, it does not.
pub async fn activates_on_open(store: &Store, incident: &Incident) -> Result<bool, StoreError> {
    let Some(severity) = incident.severity() else {
        return Ok(false);
    };
    Ok(store.plan_version(None).await?.is_some_and(|current| {
        current
            .plan
            .severity
            .get(&severity)
            .is_some_and(|level| level.activate_on_open)
    }))
}

/// Activates the team on `incident` under the plan in force, as `ctx`: fills vacant roles from
/// the on-call rotations, creates the playbook tasks it lacks and pages the first escalation
/// step, all in one transaction.
pub async fn activate(
    store: &Store,
    ctx: &Context<'_>,
    incident: &Incident,
) -> Result<Activated, RespondError> {
    let (plan, version) = current_plan(store).await?;
    let activation = plan.activation(incident, ctx.now.instant());
    let mut commands: Vec<Command> = activation
        .assignments
        .iter()
        .map(|(role, person)| Command::AssignRole {
            role: *role,
            person: person.clone(),
        })
        .collect();
    if !activation.tasks.is_empty() {
        commands.push(Command::Respond(ResponseCommand::CreateTasks(
            TasksCreated {
                plan_version: version,
                tasks: activation.tasks,
            },
        )));
    }
    let mut unpaged_step = None;
    match activation.page {
        Some((step, recipients)) if !recipients.is_empty() => {
            commands.push(Command::Respond(ResponseCommand::Page(Paged {
                step: step.id.clone(),
                ack_within_minutes: step.ack_within.minutes(),
                recipients,
                reason: format!("team activated on {}", incident.key()),
            })));
        }
        Some((step, _)) => unpaged_step = Some(step.id),
        None => {}
    }
    Ok(Activated {
        appended: append_all(store, ctx, incident.id(), commands).await?,
        unpaged_step,
    })
}

/// Adds the tasks of plan `version` that activated, unfinished incidents lack; their existing
/// tasks stay as they are. Returns how many incidents got tasks.
pub async fn sync_tasks(
    store: &Store,
    ctx: &Context<'_>,
    plan: &Plan,
    version: u64,
) -> Result<usize, StoreError> {
    let incidents = store.incidents(&IncidentFilter::default()).await?;
    let mut synced = 0;
    for incident in incidents
        .iter()
        .filter(|i| !i.state().is_terminal() && !i.response().tasks.is_empty())
    {
        let tasks = plan.activation(incident, ctx.now.instant()).tasks;
        if tasks.is_empty() {
            continue;
        }
        let created = TasksCreated {
            plan_version: version,
            tasks,
        };
        let cmd = Command::Respond(ResponseCommand::CreateTasks(created));
        append_all(store, ctx, incident.id(), vec![cmd]).await?;
        synced += 1;
    }
    Ok(synced)
}

/// Moves every open page whose acknowledgement window ran out by `ctx.now` to the next step(s)
/// of the chain; returns the escalation entries written (for [`crate::page::deliver`]).
pub async fn escalate(store: &Store, ctx: &Context<'_>) -> Result<Vec<Appended>, RespondError> {
    let (plan, _) = current_plan(store).await?;
    let now = ctx.now.instant();
    let incidents = store.incidents(&IncidentFilter::default()).await?;
    let mut written = Vec::new();
    for incident in &incidents {
        let mut commands = Vec::new();
        for page in incident.response().pages.iter().filter(|p| p.is_open()) {
            for (step, at) in rampart_plan::escalations(&plan, &page.step, page.step_since, now) {
                commands.push(Command::Respond(ResponseCommand::EscalatePage(
                    PageEscalated {
                        page: page.id,
                        step: step.id.clone(),
                        ack_within_minutes: step.ack_within.minutes(),
                        at,
                        recipients: plan.recipients(&step.page, at),
                    },
                )));
            }
        }
        written.extend(append_all(store, ctx, incident.id(), commands).await?);
    }
    Ok(written)
}
