//! Playbook tasks on an incident: created from the plan when the team is activated, then worked
//! through open → in progress → done, or skipped. Each task's due time is an offset from one of
//! the incident's timestamps, so it is known once that timestamp is.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::incident::{Role, Timestamps};
use crate::named::named_enum;

named_enum! {
    /// The incident timestamp a task's due time counts from.
    pub enum DueAnchor ("due anchor") {
        /// When the incident was detected.
        Detected = "detected",
        /// When it was reported.
        Reported = "reported",
        /// The identification decision.
        Confirmed = "confirmed",
        /// Containment achieved.
        Contained = "contained",
        /// Cause removed.
        Eradicated = "eradicated",
        /// Systems restored.
        Recovered = "recovered",
        /// Incident closed.
        Closed = "closed",
    }
}

named_enum! {
    /// Where a task stands.
    pub enum TaskStatus ("task status") {
        /// Not started.
        Open = "open",
        /// Someone is working on it.
        InProgress = "in_progress",
        /// Done.
        Done = "done",
        /// Not done, on purpose (a required task needs a reason).
        Skipped = "skipped",
    }
}

impl TaskStatus {
    /// The statuses a task may move to from this one.
    pub fn allowed_targets(self) -> &'static [TaskStatus] {
        match self {
            Self::Open => &[Self::InProgress, Self::Done, Self::Skipped],
            Self::InProgress => &[Self::Open, Self::Done, Self::Skipped],
            Self::Done | Self::Skipped => &[Self::Open],
        }
    }

    /// Whether the task still has to be worked.
    pub fn is_pending(self) -> bool {
        matches!(self, Self::Open | Self::InProgress)
    }
}

/// A task as the plan defines it, copied onto the incident when it is created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct TaskSpec {
    /// The task's id in the plan (unique on the incident).
    pub id: String,
    /// Short title.
    pub title: String,
    /// What to do.
    pub description: String,
    /// The role responsible; whoever holds it on the incident owns the task.
    pub role: Role,
    /// The timestamp the due time counts from.
    pub anchor: DueAnchor,
    /// Minutes after the anchor.
    pub after_minutes: u32,
    /// Whether it must be done (a required task is skipped only with a reason).
    pub required: bool,
    /// The plan's task kind (`manual`, `containment`, `notice`, `evidence`).
    pub kind: String,
    /// The playbook it came from.
    pub playbook: String,
}

/// Payload of `incident.tasks_created`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct TasksCreated {
    /// The plan version the tasks come from.
    pub plan_version: u64,
    /// The tasks, in plan order.
    pub tasks: Vec<TaskSpec>,
}

/// Payload of `incident.task_changed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct TaskChanged {
    /// The task id.
    pub task: String,
    /// The status left.
    pub from: TaskStatus,
    /// The status entered.
    pub to: TaskStatus,
    /// Why (required to skip a required task or to reopen one).
    pub reason: Option<String>,
}

/// A task on an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Task {
    /// What the plan says.
    pub spec: TaskSpec,
    /// The plan version it came from.
    pub plan_version: u64,
    /// Where it stands.
    pub status: TaskStatus,
    /// When it was created.
    pub created_at: Timestamp,
    /// Who last changed its status, and when.
    pub changed: Option<(String, Timestamp)>,
    /// The reason given with the last change, if any.
    pub reason: Option<String>,
}

impl Task {
    /// When it falls due, once its anchor timestamp is known.
    pub fn due(&self, times: &Timestamps) -> Option<Timestamp> {
        let anchor = match self.spec.anchor {
            DueAnchor::Detected => Some(times.detected),
            DueAnchor::Reported => Some(times.reported),
            DueAnchor::Confirmed => times.confirmed,
            DueAnchor::Contained => times.contained,
            DueAnchor::Eradicated => times.eradicated,
            DueAnchor::Recovered => times.recovered,
            DueAnchor::Closed => times.closed,
        }?;
        let after = SignedDuration::from_mins(i64::from(self.spec.after_minutes));
        anchor.instant().checked_add(after).ok()
    }

    /// Whether it is still pending after its due time at `now`.
    pub fn is_overdue(&self, times: &Timestamps, now: Timestamp) -> bool {
        self.status.is_pending() && self.due(times).is_some_and(|due| due < now)
    }

    /// Who owns it: the holder of its role on the incident, if anyone.
    pub fn owner<'a>(&self, roles: &'a BTreeMap<Role, String>) -> Option<&'a str> {
        roles.get(&self.spec.role).map(String::as_str)
    }
}

/// Checks the creation of tasks: at least one, ids new on the incident and unique.
pub(super) fn check_created(existing: &[Task], created: &TasksCreated) -> Result<(), DomainError> {
    if created.tasks.is_empty() {
        return Err(DomainError::Missing { field: "tasks" });
    }
    for (n, spec) in created.tasks.iter().enumerate() {
        let again = created.tasks[..n].iter().any(|t| t.id == spec.id);
        if again || existing.iter().any(|t| t.spec.id == spec.id) {
            return Err(DomainError::Invalid {
                field: "task id",
                value: spec.id.clone(),
                reason: "the incident already has a task with this id",
            });
        }
        if spec.id.trim().is_empty() || spec.title.trim().is_empty() {
            return Err(DomainError::Missing {
                field: "task id and title",
            });
        }
    }
    Ok(())
}

/// Checks a status change against the task as it stands.
pub(super) fn check_changed(existing: &[Task], change: &TaskChanged) -> Result<(), DomainError> {
    let task = find(existing, &change.task)?;
    let from = task.status;
    if change.from != from || !from.allowed_targets().contains(&change.to) {
        return Err(DomainError::Invalid {
            field: "task status",
            value: format!("{} → {}", from, change.to),
            reason: "a task moves open → in_progress → done, may be skipped while pending, \
                     and reopened when done or skipped",
        });
    }
    let needs_reason =
        (change.to == TaskStatus::Skipped && task.spec.required) || !from.is_pending();
    let has_reason = change
        .reason
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty());
    if needs_reason && !has_reason {
        return Err(DomainError::ReasonRequired {
            what: "skipping a required task or reopening a task",
        });
    }
    Ok(())
}

/// The task with this id.
pub(super) fn find<'a>(tasks: &'a [Task], id: &str) -> Result<&'a Task, DomainError> {
    tasks
        .iter()
        .find(|t| t.spec.id == id)
        .ok_or_else(|| DomainError::Unknown {
            what: "task",
            value: id.to_owned(),
            allowed: tasks.iter().map(|t| t.spec.id.clone()).collect(),
        })
}
