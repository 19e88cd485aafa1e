//! Identification: the plan's checklist answered on an incident, the flags the answers set, the
//! impact and a severity override, then the decision — confirmed (which sets the confirmed
//! timestamp; the caller then activates the team) or dismissed with a reason. Every part is its
//! own log entry, all appended in one transaction.

use std::collections::BTreeMap;

use rampart_core::incident::{
    Decision, Impact, Incident, ResponseCommand, Severity, State, Updated,
};
use rampart_core::{Command, Context, ZonedTime};
use rampart_plan::{Flag, Plan};
use rampart_store::{Appended, Store};

use crate::{RespondError, append_all};

/// What is recorded on an incident's identification, each part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identification {
    /// Answers by criterion id: yes (`true`) or no.
    pub answers: BTreeMap<String, bool>,
    /// The impact assessed, for the severity matrix.
    pub impact: Option<Impact>,
    /// A severity set by hand, with the reason.
    pub severity: Option<(Severity, String)>,
    /// The decision, with the reason (required to dismiss) and when it took effect (default:
    /// now).
    pub decision: Option<(Decision, Option<String>, Option<ZonedTime>)>,
}

impl Identification {
    /// The entries to append, in order: triage if still reported and deciding, answers, flags the
    /// answers set, impact, severity override, decision. An answer to a criterion the plan lacks
    /// is refused.
    pub fn commands(&self, plan: &Plan, incident: &Incident) -> Result<Vec<Command>, RespondError> {
        if let Some(unknown) = self
            .answers
            .keys()
            .find(|id| !plan.identification.iter().any(|c| c.id == **id))
        {
            let known: Vec<&str> = plan.identification.iter().map(|c| c.id.as_str()).collect();
            return Err(RespondError::UnknownCriterion {
                criterion: unknown.clone(),
                known: known.join(", "),
            });
        }
        let mut commands = Vec::new();
        if self.decision.is_some() && incident.state() == State::Reported {
            commands.push(Command::Transition {
                to: State::Triage,
                at: None,
                reason: None,
            });
        }
        let mut update = Updated::default();
        for (id, yes) in &self.answers {
            let sets = plan
                .identification
                .iter()
                .find(|c| c.id == *id)
                .and_then(|c| c.sets);
            match sets {
                Some(Flag::AmazonInformation) if *yes && !incident.flags().amazon_information => {
                    update.amazon_information = Some(true);
                }
                Some(Flag::PersonalData) if *yes && !incident.flags().personal_data => {
                    update.personal_data = Some(true);
                }
                _ => {}
            }
        }
        if !self.answers.is_empty() {
            commands.push(Command::Respond(ResponseCommand::AnswerChecklist(
                self.answers.clone(),
            )));
        }
        if self.impact.is_some() && self.impact.as_ref() != incident.impact() {
            update.impact = self.impact;
        }
        if !update.fields().is_empty() {
            commands.push(Command::Update(update));
        }
        if let Some((severity, reason)) = &self.severity {
            let current = incident.severity_override().map(|o| o.severity);
            if current != Some(*severity) {
                commands.push(Command::OverrideSeverity {
                    severity: Some(*severity),
                    reason: reason.clone(),
                });
            }
        }
        if let Some((decision, reason, at)) = &self.decision {
            commands.push(Command::Respond(ResponseCommand::Identify {
                decision: *decision,
                reason: reason.clone(),
                at: *at,
            }));
        }
        Ok(commands)
    }

    /// Whether this confirms the incident (the caller then activates the team).
    pub fn confirms(&self) -> bool {
        matches!(self.decision, Some((Decision::Confirmed, _, _)))
    }

    /// Records it on `incident` as `ctx`, in one transaction; returns the incident after it.
    pub async fn record(
        &self,
        store: &Store,
        ctx: &Context<'_>,
        plan: &Plan,
        incident: Incident,
    ) -> Result<Incident, RespondError> {
        let commands = self.commands(plan, &incident)?;
        let appended: Option<Appended> =
            append_all(store, ctx, incident.id(), commands).await?.pop();
        Ok(appended.map_or(incident, |a| a.incident))
    }
}
