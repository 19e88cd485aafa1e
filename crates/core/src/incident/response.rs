//! The response to an incident as its log records it: the identification checklist answered and
//! the decision taken on it, the playbook tasks and their progress, and the pages calling the team
//! with their acknowledgement and escalation.
//!
//! These are log entries like any other change ([`ResponseAction`], carried by
//! `Action::Response`); the incident's projection keeps their state in [`Response`]. The plan
//! (which criteria, which tasks, whom to page) is not known here: the caller builds the commands
//! from it, and these rules keep the record consistent whatever plan was used.

mod pages;
mod tasks;

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use pages::{Page, PageAcknowledged, PageEscalated, Paged, Recipient};
pub use tasks::{DueAnchor, Task, TaskChanged, TaskSpec, TaskStatus, TasksCreated};

use super::action::Transitioned;
use super::lifecycle::State;
use crate::error::{DomainError, ReplayError};
use crate::log::LogEntry;
use crate::named::named_enum;
use crate::time::ZonedTime;

named_enum! {
    /// The identification decision.
    pub enum Decision ("identification decision") {
        /// A security incident: the confirmed timestamp is set.
        Confirmed = "confirmed",
        /// Not an incident, with a reason.
        Dismissed = "dismissed",
    }
}

/// Payload of `incident.checklist_answered`: answers to the plan's identification checklist,
/// by criterion id (a later answer to the same criterion replaces the earlier one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct ChecklistAnswered {
    /// Criterion id → yes (`true`) or no.
    pub answers: BTreeMap<String, bool>,
}

/// Payload of `incident.identified`: the decision, which moves the incident to `confirmed` or
/// `dismissed` as a transition would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Identified {
    /// Confirmed or dismissed.
    pub decision: Decision,
    /// The state left.
    pub from: State,
    /// When the decision took effect (the confirmed timestamp).
    pub at: ZonedTime,
    /// Why (required to dismiss).
    pub reason: Option<String>,
}

impl Identified {
    /// The lifecycle transition the decision makes.
    pub fn transition(&self) -> Transitioned {
        Transitioned {
            from: self.from,
            to: match self.decision {
                Decision::Confirmed => State::Confirmed,
                Decision::Dismissed => State::Dismissed,
            },
            at: self.at,
            reason: self.reason.clone(),
        }
    }
}

/// A change to the response, as carried by one log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseAction {
    /// Checklist answers.
    ChecklistAnswered(ChecklistAnswered),
    /// The identification decision.
    Identified(Identified),
    /// Playbook tasks created.
    TasksCreated(TasksCreated),
    /// A task's status changed.
    TaskChanged(TaskChanged),
    /// A page sent.
    Paged(Paged),
    /// A page acknowledged.
    PageAcknowledged(PageAcknowledged),
    /// A page escalated.
    PageEscalated(PageEscalated),
}

/// A change to the response a person (or the scheduler) asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseCommand {
    /// Record checklist answers.
    AnswerChecklist(BTreeMap<String, bool>),
    /// Decide: confirmed, or dismissed with a reason.
    Identify {
        /// The decision.
        decision: Decision,
        /// Why (required to dismiss).
        reason: Option<String>,
        /// When it took effect (default: now).
        at: Option<ZonedTime>,
    },
    /// Create playbook tasks.
    CreateTasks(TasksCreated),
    /// Move a task to another status.
    ChangeTask {
        /// The task id.
        task: String,
        /// The new status.
        to: TaskStatus,
        /// Why, when needed.
        reason: Option<String>,
    },
    /// Send a page.
    Page(Paged),
    /// Acknowledge a page (as the actor).
    AcknowledgePage {
        /// The page id.
        page: u64,
    },
    /// Escalate a page to the next step.
    EscalatePage(PageEscalated),
}

/// An identification decision as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct DecisionRecord {
    /// Confirmed or dismissed.
    pub decision: Decision,
    /// Who decided.
    pub by: String,
    /// When it took effect.
    pub at: ZonedTime,
    /// Why, if given.
    pub reason: Option<String>,
}

/// The response state of an incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// The checklist answers, by criterion id.
    pub checklist: BTreeMap<String, bool>,
    /// The last identification decision.
    pub decision: Option<DecisionRecord>,
    /// The tasks, in the order created.
    pub tasks: Vec<Task>,
    /// The pages, oldest first.
    pub pages: Vec<Page>,
}

impl ResponseAction {
    /// Every kind string of a response action.
    pub const KINDS: [&'static str; 7] = [
        "incident.checklist_answered",
        "incident.identified",
        "incident.tasks_created",
        "incident.task_changed",
        "incident.paged",
        "incident.page_acknowledged",
        "incident.page_escalated",
    ];

    /// The entry kind that carries this action.
    pub fn kind(&self) -> &'static str {
        let index = match self {
            Self::ChecklistAnswered(_) => 0,
            Self::Identified(_) => 1,
            Self::TasksCreated(_) => 2,
            Self::TaskChanged(_) => 3,
            Self::Paged(_) => 4,
            Self::PageAcknowledged(_) => 5,
            Self::PageEscalated(_) => 6,
        };
        Self::KINDS[index]
    }

    /// The action's data as JSON (keys not yet sorted).
    pub(crate) fn to_value(&self) -> Result<Value, serde_json::Error> {
        match self {
            Self::ChecklistAnswered(p) => serde_json::to_value(p),
            Self::Identified(p) => serde_json::to_value(p),
            Self::TasksCreated(p) => serde_json::to_value(p),
            Self::TaskChanged(p) => serde_json::to_value(p),
            Self::Paged(p) => serde_json::to_value(p),
            Self::PageAcknowledged(p) => serde_json::to_value(p),
            Self::PageEscalated(p) => serde_json::to_value(p),
        }
    }

    /// The response action `entry` carries, or `None` when its kind is not a response kind.
    pub(crate) fn from_entry(entry: &LogEntry) -> Result<Option<Self>, ReplayError> {
        let e = entry;
        Ok(Some(match entry.kind.as_str() {
            "incident.checklist_answered" => Self::ChecklistAnswered(decode(e)?),
            "incident.identified" => Self::Identified(decode(e)?),
            "incident.tasks_created" => Self::TasksCreated(decode(e)?),
            "incident.task_changed" => Self::TaskChanged(decode(e)?),
            "incident.paged" => Self::Paged(decode(e)?),
            "incident.page_acknowledged" => Self::PageAcknowledged(decode(e)?),
            "incident.page_escalated" => Self::PageEscalated(decode(e)?),
            _ => return Ok(None),
        }))
    }
}

/// Reads the payload of `entry` as `T`.
pub(super) fn decode<T: DeserializeOwned>(entry: &LogEntry) -> Result<T, ReplayError> {
    T::deserialize(&entry.payload).map_err(|e| ReplayError::BadPayload {
        incident: entry.incident,
        seq: entry.seq,
        kind: entry.kind.clone(),
        message: e.to_string(),
    })
}

impl Response {
    /// Whether nothing of the response is recorded yet.
    pub fn is_empty(&self) -> bool {
        self == &Response::default()
    }

    /// The action `cmd` asks for, given the response as it stands and the incident's state.
    pub(super) fn decide(
        &self,
        state: State,
        now: ZonedTime,
        cmd: ResponseCommand,
    ) -> Result<ResponseAction, DomainError> {
        Ok(match cmd {
            ResponseCommand::AnswerChecklist(answers) => {
                ResponseAction::ChecklistAnswered(ChecklistAnswered { answers })
            }
            ResponseCommand::Identify {
                decision,
                reason,
                at,
            } => ResponseAction::Identified(Identified {
                decision,
                from: state,
                at: at.unwrap_or(now),
                reason,
            }),
            ResponseCommand::CreateTasks(created) => ResponseAction::TasksCreated(created),
            ResponseCommand::ChangeTask { task, to, reason } => {
                let from = tasks::find(&self.tasks, &task)?.status;
                ResponseAction::TaskChanged(TaskChanged {
                    task,
                    from,
                    to,
                    reason,
                })
            }
            ResponseCommand::Page(paged) => ResponseAction::Paged(paged),
            ResponseCommand::AcknowledgePage { page } => {
                ResponseAction::PageAcknowledged(PageAcknowledged { page })
            }
            ResponseCommand::EscalatePage(escalated) => ResponseAction::PageEscalated(escalated),
        })
    }

    /// Checks `action` against the response as it stands (the lifecycle part of an
    /// identification decision is checked with the other transitions).
    pub(super) fn check(&self, action: &ResponseAction, now: Timestamp) -> Result<(), DomainError> {
        match action {
            ResponseAction::ChecklistAnswered(a) => {
                if a.answers.is_empty() || a.answers.keys().any(|k| k.trim().is_empty()) {
                    return Err(DomainError::Missing {
                        field: "checklist answers",
                    });
                }
                Ok(())
            }
            ResponseAction::Identified(i) => {
                if i.decision == Decision::Confirmed && !self.checklist.values().any(|yes| *yes) {
                    return Err(DomainError::Invalid {
                        field: "identification decision",
                        value: i.decision.to_string(),
                        reason: "confirming needs at least one \"yes\" on the identification \
                                 checklist; answer it first",
                    });
                }
                Ok(())
            }
            ResponseAction::TasksCreated(c) => tasks::check_created(&self.tasks, c),
            ResponseAction::TaskChanged(c) => tasks::check_changed(&self.tasks, c),
            ResponseAction::Paged(p) => pages::check_paged(p),
            ResponseAction::PageAcknowledged(a) => {
                pages::open_page(&self.pages, a.page).map(|_| ())
            }
            ResponseAction::PageEscalated(e) => {
                let page = pages::open_page(&self.pages, e.page)?;
                if e.at < page.step_since || ZonedTime::utc(e.at).is_after(now) {
                    return Err(DomainError::Invalid {
                        field: "escalation time",
                        value: e.at.to_string(),
                        reason: "an escalation happens after the page reached its step, and not \
                                 in the future",
                    });
                }
                Ok(())
            }
        }
    }

    /// Applies a checked action recorded by `entry`.
    pub(super) fn fold(&mut self, action: ResponseAction, entry: &LogEntry) {
        match action {
            ResponseAction::ChecklistAnswered(a) => self.checklist.extend(a.answers),
            ResponseAction::Identified(i) => {
                self.decision = Some(DecisionRecord {
                    decision: i.decision,
                    by: entry.actor.clone(),
                    at: i.at,
                    reason: i.reason,
                });
            }
            ResponseAction::TasksCreated(c) => {
                self.tasks.extend(c.tasks.into_iter().map(|spec| Task {
                    spec,
                    plan_version: c.plan_version,
                    status: TaskStatus::Open,
                    created_at: entry.at,
                    changed: None,
                    reason: None,
                }));
            }
            ResponseAction::TaskChanged(c) => {
                if let Some(task) = self.tasks.iter_mut().find(|t| t.spec.id == c.task) {
                    task.status = c.to;
                    task.changed = Some((entry.actor.clone(), entry.at));
                    task.reason = c.reason;
                }
            }
            ResponseAction::Paged(p) => self.pages.push(Page {
                id: entry.seq,
                reason: p.reason,
                paged_at: entry.at,
                step: p.step,
                step_since: entry.at,
                ack_within_minutes: p.ack_within_minutes,
                recipients: p.recipients,
                acknowledged: None,
                history: Vec::new(),
            }),
            ResponseAction::PageAcknowledged(a) => {
                if let Some(page) = self.pages.iter_mut().find(|p| p.id == a.page) {
                    page.acknowledged = Some((entry.actor.clone(), entry.at));
                }
            }
            ResponseAction::PageEscalated(e) => {
                if let Some(page) = self.pages.iter_mut().find(|p| p.id == e.page) {
                    let left = std::mem::replace(&mut page.step, e.step);
                    page.history.push((left, page.step_since));
                    page.step_since = e.at;
                    page.ack_within_minutes = e.ack_within_minutes;
                    page.recipients = e.recipients;
                }
            }
        }
    }
}
