//! `rampart clocks remind`: one e-mail per clock and threshold reached (50 %, 75 %, 90 %,
//! overdue) to the `[clocks] remind` addresses, with the `escalate` addresses added from 90 %.
//! Each goes through the outbox under the key `clock:INCIDENT:CLOCK:THRESHOLD`, so running the
//! command again (from cron, after a crash) never sends a reminder twice. Only the highest
//! threshold reached is sent: a clock first seen at 90 % does not get the 50 % reminder late.

use rampart_clock::{Clock, Config, Threshold};
use rampart_core::Incident;
use rampart_notify::{Message, Outbox};
use rampart_store::IncidentFilter;

use crate::cli::context::{Session, bad_input, read_settings};
use crate::cli::exit::Code;

/// Enqueues the reminders due now; prints how many were new.
pub(crate) fn run(session: &Session, config: &Config) -> anyhow::Result<Code> {
    let settings = read_settings(session.store.config().data_dir())?.clocks;
    if settings.remind.is_empty() {
        return Err(bad_input(
            "rampart.toml: [clocks] remind names no address to remind (e.g. remind = [\"ir@example.org\"])",
        ));
    }
    let now = session.now().instant();
    let incidents = session.run(session.store.incidents(&IncidentFilter::default()))?;
    let (mut new, mut known) = (0, 0);
    for incident in &incidents {
        let evaluation = config
            .evaluate(incident)
            .map_err(|e| bad_input(format!("{}: {e}", incident.key())))?;
        for clock in &evaluation.clocks {
            let Some(threshold) = clock.threshold(now) else {
                continue;
            };
            let mut to = settings.remind.clone();
            if threshold >= Threshold::NinetyPercent {
                to.extend(settings.escalate.iter().cloned());
            }
            let message = reminder(incident, clock, threshold, to);
            let queued = session.block_on(Outbox::enqueue_checked(&session.store, message));
            let (id, added) = queued.map_err(|e| bad_input(format!("{}: {e}", clock.id)))?;
            if added {
                new += 1;
                eprintln!(
                    "{}: {} reached {}; reminder queued as message {id}",
                    incident.key(),
                    clock.id,
                    threshold.name()
                );
            } else {
                known += 1;
            }
        }
    }
    eprintln!("{new} reminder(s) queued, {known} already queued before");
    Ok(Code::Ok)
}

fn reminder(incident: &Incident, clock: &Clock, threshold: Threshold, to: Vec<String>) -> Message {
    let due = clock
        .due
        .map_or_else(|| "no fixed time".to_owned(), |d| d.to_string());
    let what = match threshold {
        Threshold::Overdue => "is OVERDUE".to_owned(),
        t => format!("has run {} of its time", t.name()),
    };
    let subject = format!("[Rampart] {} {} {what}", incident.key(), clock.id);
    let body = format!(
        "Incident {key}: the clock {id} ({deadline}; {regime}) {what}.\n\n\
         Due: {due}. Notify: {recipients}.\n\n\
         When the notice is given: rampart clocks met {key} {id} --entry N\n\
         If it will not be: rampart clocks missed {key} {id} --reason R\n",
        key = incident.key(),
        id = clock.id,
        deadline = clock.deadline,
        regime = clock.regime_name,
        recipients = clock.recipients.join(", "),
    );
    let key = format!("clock:{}:{}:{}", incident.id(), clock.id, threshold.name());
    Message::email(to, subject, body, key).for_incident(incident.id())
}
