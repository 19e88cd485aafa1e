//! Running the plan on an incident: which tasks it gets, who takes the roles, whom to page, and
//! where an unacknowledged page has escalated to by a given time. Pure functions of the plan, the
//! incident and the time; the caller turns the answer into log entries.

use jiff::Timestamp;
use rampart_core::Incident;
use rampart_core::incident::{DueAnchor, Recipient, Role, Severity, TaskSpec};

use crate::model::{EscalationStep, Flag, Plan, Playbook, SeverityMatch, Target, Task};

/// What activating the team on an incident does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activation {
    /// Tasks the incident does not have yet, in plan order.
    pub tasks: Vec<TaskSpec>,
    /// Vacant incident roles and the member on call for each.
    pub assignments: Vec<(Role, String)>,
    /// The first escalation step and whom it pages, unless a page is already open.
    pub page: Option<(EscalationStep, Vec<Recipient>)>,
}

impl Plan {
    /// The members `targets` name at `at`: whoever each rotation has on call, the member named,
    /// everyone who can hold the role. Each member once, in the order first named.
    pub fn recipients(&self, targets: &[Target], at: Timestamp) -> Vec<Recipient> {
        let mut ids: Vec<&str> = Vec::new();
        for target in targets {
            match target {
                Target::Rotation(id) => {
                    ids.extend(self.rotations.get(id).and_then(|r| r.on_call(at)));
                }
                Target::Member(id) => ids.push(id),
                Target::Role(role) => ids.extend(self.holders(*role).map(|(id, _)| id)),
            }
        }
        let mut recipients: Vec<Recipient> = Vec::new();
        for id in ids {
            if recipients.iter().any(|r| r.member == id) {
                continue;
            }
            if let Some(member) = self.members.get(id) {
                recipients.push(Recipient {
                    member: id.to_owned(),
                    name: member.name.clone(),
                    email: member.email.clone(),
                });
            }
        }
        recipients
    }

    /// The escalation step with this id.
    pub fn escalation_step(&self, id: &str) -> Option<&EscalationStep> {
        self.escalation.iter().find(|s| s.id == id)
    }

    /// The member on call for `role` at `at`: the first rotation for the role with someone on
    /// it, else the only member who can hold the role.
    pub fn on_call(&self, role: Role, at: Timestamp) -> Option<&str> {
        let rotating = self
            .rotations
            .values()
            .filter(|r| r.role == role)
            .find_map(|r| r.on_call(at));
        rotating.or_else(|| {
            let mut holders = self.holders(role);
            match (holders.next(), holders.next()) {
                (Some((id, _)), None) => Some(id),
                _ => None,
            }
        })
    }

    /// Everything activating the team on `incident` at `at` does under this plan: the playbook
    /// tasks for its type, severity and flags that it lacks, the vacant
    /// roles filled from the rotations, and the first page unless one is open.
    pub fn activation(&self, incident: &Incident, at: Timestamp) -> Activation {
        let flags: Vec<Flag> = [
            (incident.amazon_information(), Flag::AmazonInformation),
            (incident.personal_data(), Flag::PersonalData),
        ]
        .into_iter()
        .filter_map(|(set, flag)| set.then_some(flag))
        .collect();
        let existing = &incident.response().tasks;
        let tasks = self
            .playbooks
            .iter()
            .filter(|p| applies(p, incident, incident.severity(), &flags))
            .flat_map(|p| p.tasks.iter().map(move |t| task_spec(p, t)))
            .filter(|spec| !existing.iter().any(|t| t.spec.id == spec.id))
            .collect();
        let assignments = self
            .roles
            .keys()
            .filter(|role| !incident.roles().contains_key(role))
            .filter_map(|role| self.on_call(*role, at).map(|id| (*role, id.to_owned())))
            .collect();
        let paging = incident.response().pages.iter().any(|p| p.is_open());
        let page = self.escalation.first().filter(|_| !paging).map(|step| {
            let recipients = self.recipients(&step.page, at);
            (step.clone(), recipients)
        });
        Activation {
            tasks,
            assignments,
            page,
        }
    }
}

/// Whether `playbook` applies; an incident whose severity is not yet assessed gets only the
/// playbooks for every severity.
fn applies(
    playbook: &Playbook,
    incident: &Incident,
    severity: Option<Severity>,
    flags: &[Flag],
) -> bool {
    match severity {
        Some(severity) => playbook.applies(incident.incident_type(), severity, flags),
        None => {
            playbook.severities.contains(&SeverityMatch::Any)
                && playbook
                    .types
                    .iter()
                    .any(|t| t.matches(incident.incident_type()))
                && playbook.when.iter().all(|f| flags.contains(f))
        }
    }
}

/// The task as the incident records it.
pub fn task_spec(playbook: &Playbook, task: &Task) -> TaskSpec {
    let anchor = task
        .due
        .anchor
        .name()
        .parse::<DueAnchor>()
        .unwrap_or(DueAnchor::Detected);
    TaskSpec {
        id: task.id.clone(),
        title: task.title.clone(),
        description: task.description.clone(),
        role: task.role,
        anchor,
        after_minutes: task.due.after.minutes(),
        required: task.required,
        kind: task.kind.name().to_owned(),
        playbook: playbook.id.clone(),
    }
}

/// The steps a page at step `step`, there since `since` and unacknowledged, has moved through by
/// `now`: each step entered with the instant its predecessor's window ran out. Empty while the
/// window is open, or when the chain has no next step (or `step` is not in the plan).
pub fn escalations<'p>(
    plan: &'p Plan,
    step: &str,
    since: Timestamp,
    now: Timestamp,
) -> Vec<(&'p EscalationStep, Timestamp)> {
    let mut path = Vec::new();
    let Some(mut current) = plan.escalation_step(step) else {
        return path;
    };
    let mut entered = since;
    // The plan's checks refuse loops; the bound keeps a plan that skipped them finite.
    for _ in 0..plan.escalation.len() {
        let Ok(runs_out) = entered.checked_add(current.ack_within.duration()) else {
            break;
        };
        let next = current
            .next
            .as_deref()
            .and_then(|id| plan.escalation_step(id));
        match next {
            Some(next) if runs_out <= now => {
                path.push((next, runs_out));
                current = next;
                entered = runs_out;
            }
            _ => break,
        }
    }
    path
}
