//! How an incident is answered: incident types, severity levels, the identification checklist,
//! playbooks of tasks keyed by type and severity, standing rules, and the plan's review cadence.

use rampart_core::incident::{IncidentType, Role, Severity};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::time::{DUE_PATTERN, Due};

/// An incident type the plan answers (built-in or added by the plan).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// What counts as this type.
    pub description: String,
}

/// What a severity level means for the response. The level itself comes from the incident's
/// impact assessment (the NIST SP 800-61 matrix of `rampart_core::incident::Impact`) or an
/// override with a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeverityLevel {
    /// What the level means, in the plan's words.
    pub meaning: String,
    /// Whether opening an incident at this level activates the team before identification is
    /// decided (the playbook's tasks are created and the commander paged).
    pub activate_on_open: bool,
}

/// An incident flag that a checklist answer sets and a playbook can require.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Amazon Information is involved.
    AmazonInformation,
    /// Personal data is involved.
    PersonalData,
}

impl Flag {
    /// The name used in the plan.
    pub fn name(self) -> &'static str {
        match self {
            Self::AmazonInformation => "amazon_information",
            Self::PersonalData => "personal_data",
        }
    }
}

/// One question of the identification checklist; any "yes" makes the report an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Unique id.
    pub id: String,
    /// The question, answered yes or no on the incident.
    pub question: String,
    /// The incident flag a "yes" sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sets: Option<Flag>,
}

/// Which incident types a playbook applies to: every type (`"*"`) or the ones named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum TypeMatch {
    /// `*`: any type.
    Any,
    /// One type.
    Is(IncidentType),
}

impl TypeMatch {
    /// Whether `incident_type` is matched.
    pub fn matches(&self, incident_type: &IncidentType) -> bool {
        match self {
            Self::Any => true,
            Self::Is(t) => t == incident_type,
        }
    }
}

impl TryFrom<String> for TypeMatch {
    type Error = rampart_core::DomainError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        if text.trim() == "*" {
            Ok(Self::Any)
        } else {
            IncidentType::try_from(text).map(Self::Is)
        }
    }
}

impl From<TypeMatch> for String {
    fn from(m: TypeMatch) -> String {
        match m {
            TypeMatch::Any => "*".to_owned(),
            TypeMatch::Is(t) => t.name().to_owned(),
        }
    }
}

/// Which severities a playbook applies to: every level (`"*"`) or the one named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum SeverityMatch {
    /// `*`: any severity.
    Any,
    /// One level.
    Is(Severity),
}

impl SeverityMatch {
    /// Whether `severity` is matched.
    pub fn matches(self, severity: Severity) -> bool {
        match self {
            Self::Any => true,
            Self::Is(s) => s == severity,
        }
    }
}

impl TryFrom<String> for SeverityMatch {
    type Error = rampart_core::DomainError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        if text.trim() == "*" {
            Ok(Self::Any)
        } else {
            text.parse().map(Self::Is)
        }
    }
}

impl From<SeverityMatch> for String {
    fn from(m: SeverityMatch) -> String {
        match m {
            SeverityMatch::Any => "*".to_owned(),
            SeverityMatch::Is(s) => s.name().to_owned(),
        }
    }
}

/// The tasks to run for incidents of some types and severities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// Unique id.
    pub id: String,
    /// What the playbook is for.
    pub title: String,
    /// Incident types it applies to (`["*"]`: all).
    #[schemars(with = "Vec<String>")]
    pub types: Vec<TypeMatch>,
    /// Severities it applies to (`["*"]`: all).
    #[schemars(with = "Vec<String>")]
    pub severities: Vec<SeverityMatch>,
    /// Flags the incident must carry as well (all of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Flag>,
    /// The tasks, in the order they are worked.
    pub tasks: Vec<Task>,
}

impl Playbook {
    /// Whether the playbook applies to an incident of this type, severity and flags.
    pub fn applies(
        &self,
        incident_type: &IncidentType,
        severity: Severity,
        flags: &[Flag],
    ) -> bool {
        self.types.iter().any(|t| t.matches(incident_type))
            && self.severities.iter().any(|s| s.matches(severity))
            && self.when.iter().all(|f| flags.contains(f))
    }
}

/// What kind of work a task is; the later stages treat each kind differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Done by a person and ticked off.
    Manual,
    /// A containment action (re-route, block, isolate), approved and logged.
    Containment,
    /// A notice to a party.
    Notice,
    /// Collecting evidence into custody.
    Evidence,
}

impl TaskKind {
    /// The name used in the plan.
    pub fn name(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Containment => "containment",
            Self::Notice => "notice",
            Self::Evidence => "evidence",
        }
    }
}

/// One task of a playbook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// Unique id across the whole plan (playbooks that apply together merge their tasks).
    pub id: String,
    /// Short title.
    pub title: String,
    /// What to do, how, and what to record.
    pub description: String,
    /// The role responsible.
    #[schemars(with = "String")]
    pub role: Role,
    /// When it falls due (`detected + 24h`).
    #[schemars(with = "String", pattern(DUE_PATTERN))]
    pub due: Due,
    /// Whether it must be done (optional tasks may be skipped without a reason).
    #[serde(default = "required")]
    pub required: bool,
    /// What kind of work it is.
    pub kind: TaskKind,
}

fn required() -> bool {
    true
}

/// A standing rule of the plan: something always done, or never done, outside any one task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The rule.
    pub text: String,
    /// The role that sees it kept.
    #[schemars(with = "String")]
    pub owner: Role,
    /// For a recurring duty, how often in months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_months: Option<u16>,
}

/// When the plan itself is reviewed and who approves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Months between reviews: Amazon requires at least every 6 months.
    pub every_months: u16,
    /// Review after every major infrastructure or system change.
    pub after_major_change: bool,
    /// Review after every post-incident review's lessons learned.
    pub after_lessons_learned: bool,
    /// Who approves a reviewed plan (Amazon asks for senior management).
    pub approver: String,
}
