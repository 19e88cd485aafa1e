//! Running the plan on incidents from the command line: activating the team (tasks, roles, the
//! first page), adding a new plan version's tasks to activated incidents, and writing the log
//! entries for all of it. What to do comes from `rampart-plan`; this module only appends.

use rampart_core::incident::{Paged, ResponseCommand, TasksCreated};
use rampart_core::{Command, Incident, IncidentId};
use rampart_plan::Plan;
use rampart_store::{Appended, IncidentFilter};

use super::context::Session;
use super::incident::report_entry;
use super::plan::stored_plan_version;

/// Appends `commands` to one incident in one transaction: all or none.
pub(crate) fn append_all(
    session: &Session,
    id: IncidentId,
    commands: Vec<Command>,
) -> anyhow::Result<Vec<Appended>> {
    if commands.is_empty() {
        return Ok(Vec::new());
    }
    let ctx = session.context()?;
    let changes: Vec<_> = commands
        .into_iter()
        .map(|cmd| {
            let decide = move |incident: &Incident| incident.decide(&ctx, cmd, String::new());
            (id, decide)
        })
        .collect();
    let appended = session.run(session.store.append_batch(changes))?;
    for a in &appended {
        report_entry(&a.incident, &a.entry);
    }
    Ok(appended)
}

/// Activates the team on `incident` under the plan in force: creates the playbook tasks it
/// lacks, fills vacant roles from the on-call rotations and pages the first escalation step.
/// Returns the page entries written, with the incident after each (for delivery).
pub(crate) fn activate(session: &Session, incident: &Incident) -> anyhow::Result<Vec<Appended>> {
    let (plan, version) = stored_plan_version(session)?;
    let now = session.now().instant();
    let activation = plan.activation(incident, now);
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
    match activation.page {
        Some((step, recipients)) if !recipients.is_empty() => {
            commands.push(Command::Respond(ResponseCommand::Page(Paged {
                step: step.id.clone(),
                ack_within_minutes: step.ack_within.minutes(),
                recipients,
                reason: format!("team activated on {}", incident.key()),
            })));
        }
        Some((step, _)) => eprintln!(
            "warning: escalation step {} pages nobody yet (add members to the plan and its \
             rotations): no page sent",
            step.id
        ),
        None => {}
    }
    let appended = append_all(session, incident.id(), commands)?;
    Ok(appended
        .into_iter()
        .filter(|a| a.entry.kind == "incident.paged")
        .collect())
}

/// Adds the tasks of plan `version` that activated, unfinished incidents lack; their existing
/// tasks stay as they are.
pub(crate) fn sync_tasks(session: &Session, plan: &Plan, version: u64) -> anyhow::Result<()> {
    let incidents = session.run(session.store.incidents(&IncidentFilter::default()))?;
    let now = session.now().instant();
    for incident in incidents
        .iter()
        .filter(|i| !i.state().is_terminal() && !i.response().tasks.is_empty())
    {
        let tasks = plan.activation(incident, now).tasks;
        if tasks.is_empty() {
            continue;
        }
        let created = TasksCreated {
            plan_version: version,
            tasks,
        };
        let cmd = Command::Respond(ResponseCommand::CreateTasks(created));
        append_all(session, incident.id(), vec![cmd])?;
    }
    Ok(())
}
