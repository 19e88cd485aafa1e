//! Running the plan on incidents from the command line: the session's side of `rampart-respond`
//! (activation, identification, escalation, page e-mails), reporting each entry written and each
//! page queued on stderr. Page e-mails link to the web interface when `RAMPART_PUBLIC_URL` is set.

use rampart_core::{Command, Incident, IncidentId};
use rampart_plan::Plan;
use rampart_respond::RespondError;
use rampart_store::Appended;

use super::context::{Session, bad_input, store_error};
use super::exit::{Code, Failure};
use super::incident::report_entry;

/// A failure of `rampart-respond` with its exit code.
pub(crate) fn failure(error: RespondError) -> anyhow::Error {
    match error {
        RespondError::Store(e) => store_error(e),
        RespondError::NoPlan => Failure::new(Code::NotFound, error.to_string()).into(),
        RespondError::UnknownCriterion { .. } => bad_input(error.to_string()),
        RespondError::Queue { .. } => Failure::new(Code::Internal, error.to_string()).into(),
    }
}

/// Reports each entry written on stderr.
pub(crate) fn report(appended: &[Appended]) {
    for a in appended {
        report_entry(&a.incident, &a.entry);
    }
}

/// Appends `commands` to one incident in one transaction: all or none.
pub(crate) fn append_all(
    session: &Session,
    id: IncidentId,
    commands: Vec<Command>,
) -> anyhow::Result<Vec<Appended>> {
    let ctx = session.context()?;
    let appended = session.run(rampart_respond::append_all(
        &session.store,
        &ctx,
        id,
        commands,
    ))?;
    report(&appended);
    Ok(appended)
}

/// Activates the team on `incident` under the plan in force and queues the first page's e-mails.
pub(crate) fn activate(session: &Session, incident: &Incident) -> anyhow::Result<()> {
    let ctx = session.context()?;
    let activated = session
        .block_on(rampart_respond::activate(&session.store, &ctx, incident))
        .map_err(failure)?;
    report(&activated.appended);
    if let Some(step) = activated.unpaged_step {
        eprintln!(
            "warning: escalation step {step} pages nobody yet (add members to the plan and its \
             rotations): no page sent"
        );
    }
    deliver(session, &activated.appended)
}

/// Adds the tasks of plan `version` that activated, unfinished incidents lack.
pub(crate) fn sync_tasks(session: &Session, plan: &Plan, version: u64) -> anyhow::Result<()> {
    let ctx = session.context()?;
    let synced = session.run(rampart_respond::sync_tasks(
        &session.store,
        &ctx,
        plan,
        version,
    ))?;
    eprintln!("tasks of plan version {version} added to {synced} incident(s)");
    Ok(())
}

/// Puts one e-mail per recipient of each page and escalation in `appended` in the outbox.
pub(crate) fn deliver(session: &Session, appended: &[Appended]) -> anyhow::Result<()> {
    let public_url = std::env::var("RAMPART_PUBLIC_URL")
        .ok()
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"));
    let queued = session
        .block_on(rampart_respond::page::deliver(
            &session.store,
            appended,
            public_url.as_deref(),
        ))
        .map_err(failure)?;
    for q in queued {
        eprintln!(
            "{}: page {} (step {}) to {} queued as message {}",
            q.incident, q.page, q.step, q.to, q.message
        );
    }
    Ok(())
}
