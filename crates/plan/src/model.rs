//! The plan: one document holding the team, the directory and the response. [`Plan`] derives
//! `Serialize`/`Deserialize` with a canonical shape, so a stored version round-trips through JSON
//! and two versions diff field by field.

mod directory;
mod response;
mod team;

use std::collections::BTreeMap;

use rampart_core::incident::{IncidentType, Role, Severity, TypeCatalog};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use directory::{Contact, ContactKind};
pub use response::{
    Criterion, Flag, Playbook, Review, Rule, SeverityLevel, SeverityMatch, Task, TaskKind,
    TypeMatch, TypeSpec,
};
pub use team::{EscalationStep, Member, RoleSpec, Rotation, Target, Training};

/// An incident response plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The plan's name.
    pub name: String,
    /// What the plan is for.
    pub objective: String,
    /// When the plan is reviewed and who approves it.
    pub review: Review,
    /// Every team role, keyed by its name (`commander`, `scribe`, `technical_lead`,
    /// `communications_lead`, `legal_privacy`, `impoc`).
    #[schemars(with = "BTreeMap<String, RoleSpec>")]
    pub roles: BTreeMap<Role, RoleSpec>,
    /// The team, keyed by member id.
    #[serde(default)]
    pub members: BTreeMap<String, Member>,
    /// On-call rotations, keyed by id.
    #[serde(default)]
    pub rotations: BTreeMap<String, Rotation>,
    /// The escalation chain; a page starts at the first step.
    pub escalation: Vec<EscalationStep>,
    /// Training required per role, keyed by id.
    #[serde(default)]
    pub training: BTreeMap<String, Training>,
    /// The contact directory, keyed by id.
    pub contacts: BTreeMap<String, Contact>,
    /// The incident types the plan answers, keyed by type name.
    pub types: BTreeMap<String, TypeSpec>,
    /// What each severity level means, keyed by level (`low` … `critical`).
    #[schemars(with = "BTreeMap<String, SeverityLevel>")]
    pub severity: BTreeMap<Severity, SeverityLevel>,
    /// The identification checklist, in the order it is asked.
    pub identification: Vec<Criterion>,
    /// Playbooks, in the order their tasks are listed.
    pub playbooks: Vec<Playbook>,
    /// Standing rules, keyed by id.
    #[serde(default)]
    pub rules: BTreeMap<String, Rule>,
}

impl Plan {
    /// The incident types this plan accepts: the built-in ones plus those it adds.
    pub fn type_catalog(&self) -> Result<TypeCatalog, rampart_core::DomainError> {
        TypeCatalog::with_custom(&self.types.keys().collect::<Vec<_>>())
    }

    /// The tasks for an incident of this type, severity and flags: every applying playbook's
    /// tasks, in plan order.
    pub fn tasks_for<'a>(
        &'a self,
        incident_type: &IncidentType,
        severity: Severity,
        flags: &[Flag],
    ) -> impl Iterator<Item = (&'a Playbook, &'a Task)> {
        self.playbooks
            .iter()
            .filter(move |p| p.applies(incident_type, severity, flags))
            .flat_map(|p| p.tasks.iter().map(move |t| (p, t)))
    }

    /// The members who can hold `role`.
    pub fn holders(&self, role: Role) -> impl Iterator<Item = (&str, &Member)> {
        self.members
            .iter()
            .filter(move |(_, m)| m.roles.contains(&role))
            .map(|(id, m)| (id.as_str(), m))
    }

    /// The text of a plan element named `kind:id` (`role:impoc`, `task:notify_amazon`,
    /// `rule:…`, `criterion:…`, `contact:…`, `training:…`, `type:…`, `playbook:…`, `review`,
    /// `objective`), or `None` when the plan has no such element. Used to show where a part of
    /// a source plan lives.
    pub fn element_text(&self, element: &str) -> Option<String> {
        let (kind, id) = element.split_once(':').unwrap_or((element, ""));
        let text = match kind {
            "objective" => self.objective.clone(),
            "review" => format!(
                "every {} months; after major change: {}; approver: {}",
                self.review.every_months, self.review.after_major_change, self.review.approver
            ),
            "role" => {
                let spec = self.roles.get(&id.parse::<Role>().ok()?)?;
                format!(
                    "{}. {}. {}",
                    spec.title,
                    spec.responsibilities.join("; "),
                    spec.authority.join("; ")
                )
            }
            "task" => {
                let task = self
                    .playbooks
                    .iter()
                    .flat_map(|p| &p.tasks)
                    .find(|t| t.id == id)?;
                format!("{}. {}", task.title, task.description)
            }
            "playbook" => {
                let playbook = self.playbooks.iter().find(|p| p.id == id)?;
                playbook.title.clone()
            }
            "criterion" => self
                .identification
                .iter()
                .find(|c| c.id == id)?
                .question
                .clone(),
            "rule" => self.rules.get(id)?.text.clone(),
            "contact" => {
                let contact = self.contacts.get(id)?;
                format!(
                    "{}. {}. {}",
                    contact.name,
                    contact.handles.join("; "),
                    contact.emails.join(", ")
                )
            }
            "training" => {
                let training = self.training.get(id)?;
                format!("{}. {}", training.course, training.purpose)
            }
            "type" => self.types.get(id)?.description.clone(),
            _ => return None,
        };
        Some(text)
    }
}
