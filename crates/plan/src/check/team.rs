//! Checks of the team: review cadence, roles, members, rotations, the escalation chain, training.

use std::collections::{BTreeMap, BTreeSet};

use rampart_core::incident::Role;

use super::Checker;
use crate::error::Path;
use crate::model::Target;

/// Amazon's Data Protection Policy: review the plan at least every 6 months.
const AMAZON_MAX_REVIEW_MONTHS: u16 = 6;

impl Checker<'_> {
    pub(super) fn review(&mut self) {
        let review = &self.plan.review;
        let path = Path::default().key("review");
        self.months(review.every_months, path.key("every_months"));
        if review.every_months > AMAZON_MAX_REVIEW_MONTHS {
            self.problem(
                path.key("every_months"),
                format!(
                    "{} months is too long: Amazon requires a review at least every {AMAZON_MAX_REVIEW_MONTHS} months",
                    review.every_months
                ),
            );
        }
        if review.approver.trim().is_empty() {
            self.problem(path.key("approver"), "an approver is required".to_owned());
        }
    }

    pub(super) fn roles(&mut self) {
        for role in Role::ALL {
            if !self.plan.roles.contains_key(role) {
                self.problem(
                    Path::default().key("roles"),
                    format!("role {role} is missing: the plan must define every team role"),
                );
            }
        }
        for (role, spec) in &self.plan.roles {
            if spec.responsibilities.is_empty() {
                let path = Path::default()
                    .key("roles")
                    .key(role.name())
                    .key("responsibilities");
                self.problem(
                    path,
                    format!("role {role} needs at least one responsibility"),
                );
            }
        }
    }

    pub(super) fn members(&mut self) {
        for (id, member) in &self.plan.members {
            let path = Path::default().key("members").key(id);
            if !member.email.contains('@') {
                self.problem(
                    path.key("email"),
                    format!("{:?} is not an e-mail address", member.email),
                );
            }
            for (n, role) in member.roles.iter().enumerate() {
                self.role_defined(*role, path.key("roles").index(n));
            }
        }
    }

    pub(super) fn rotations(&mut self) {
        for (id, rotation) in &self.plan.rotations {
            let path = Path::default().key("rotations").key(id);
            self.role_defined(rotation.role, path.key("role"));
            if rotation.shift.minutes() == 0 {
                self.problem(
                    path.key("shift"),
                    "a shift must be longer than 0m".to_owned(),
                );
            }
            for (n, member_id) in rotation.members.iter().enumerate() {
                let at = path.key("members").index(n);
                match self.plan.members.get(member_id) {
                    None => self.problem(at, format!("member {member_id:?} is not in [members]")),
                    Some(member) if !member.roles.contains(&rotation.role) => self.problem(
                        at,
                        format!("member {member_id:?} cannot hold role {}", rotation.role),
                    ),
                    Some(_) => {}
                }
            }
        }
    }

    pub(super) fn escalation(&mut self) {
        let steps = &self.plan.escalation;
        let root = Path::default().key("escalation");
        if steps.is_empty() {
            self.problem(
                root.clone(),
                "the escalation chain needs at least one step".to_owned(),
            );
        }
        let mut seen = BTreeSet::new();
        self.unique_ids(
            steps
                .iter()
                .enumerate()
                .map(|(n, s)| (root.index(n).key("id"), s.id.as_str())),
            "escalation step",
            &mut seen,
        );
        let index: BTreeMap<&str, usize> = steps
            .iter()
            .enumerate()
            .map(|(n, s)| (s.id.as_str(), n))
            .collect();
        for (n, step) in steps.iter().enumerate() {
            let path = root.index(n);
            if step.page.is_empty() {
                self.problem(path.key("page"), "a step must page someone".to_owned());
            }
            if step.ack_within.minutes() == 0 {
                self.problem(
                    path.key("ack_within"),
                    "an acknowledgement window must be longer than 0m".to_owned(),
                );
            }
            for (t, target) in step.page.iter().enumerate() {
                let at = path.key("page").index(t);
                match target {
                    Target::Rotation(id) if !self.plan.rotations.contains_key(id) => {
                        self.problem(at, format!("rotation {id:?} is not in [rotations]"));
                    }
                    Target::Member(id) if !self.plan.members.contains_key(id) => {
                        self.problem(at, format!("member {id:?} is not in [members]"));
                    }
                    Target::Role(role) => self.role_defined(*role, at),
                    _ => {}
                }
            }
            if let Some(next) = &step.next
                && !index.contains_key(next.as_str())
            {
                self.problem(
                    path.key("next"),
                    format!("step {next:?} is not in the escalation chain"),
                );
            }
        }
        self.escalation_cycles(&index, &root);
    }

    /// Following `next` from any step must end; a loop would page forever.
    fn escalation_cycles(&mut self, index: &BTreeMap<&str, usize>, root: &Path) {
        let steps = &self.plan.escalation;
        let mut reported = BTreeSet::new();
        for start in 0..steps.len() {
            let mut visited = vec![start];
            let mut at = start;
            while let Some(next) = steps[at].next.as_deref().and_then(|id| index.get(id)) {
                if let Some(pos) = visited.iter().position(|v| v == next) {
                    let cycle: BTreeSet<usize> = visited[pos..].iter().copied().collect();
                    let first = cycle.iter().copied().min().unwrap_or(*next);
                    if reported.insert(first) {
                        let names: Vec<&str> = visited[pos..]
                            .iter()
                            .map(|v| steps[*v].id.as_str())
                            .collect();
                        self.problem(
                            root.index(at).key("next"),
                            format!(
                                "the escalation chain loops: {} -> {}",
                                names.join(" -> "),
                                steps[*next].id
                            ),
                        );
                    }
                    break;
                }
                visited.push(*next);
                at = *next;
            }
        }
    }

    pub(super) fn training(&mut self) {
        for (id, training) in &self.plan.training {
            let path = Path::default().key("training").key(id);
            self.months(training.every_months, path.key("every_months"));
            if training.roles.is_empty() {
                self.problem(
                    path.key("roles"),
                    "training must apply to at least one role".to_owned(),
                );
            }
            for (n, role) in training.roles.iter().enumerate() {
                self.role_defined(*role, path.key("roles").index(n));
            }
        }
    }
}
