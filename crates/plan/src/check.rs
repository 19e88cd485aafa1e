//! The rules a plan must keep beyond its shape: every reference resolves (roles, members,
//! rotations, types, steps), ids are unique, the escalation chain ends, Amazon's minimums hold.
//!
//! [`Plan::check`] returns every broken rule with the [`Path`] of the offending value, so the
//! same checks serve a TOML file (where the path becomes a line) and a stored JSON version.

mod response;
mod team;

use std::collections::BTreeSet;

use rampart_core::incident::Role;

use crate::error::{Path, Problem};
use crate::model::Plan;

/// Collects problems as the checks walk the plan.
struct Checker<'a> {
    plan: &'a Plan,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn problem(&mut self, path: Path, message: String) {
        self.problems.push(Problem { path, message });
    }

    fn role_defined(&mut self, role: Role, path: Path) {
        if !self.plan.roles.contains_key(&role) {
            self.problem(path, format!("role {role} is not defined in [roles]"));
        }
    }

    fn months(&mut self, months: u16, path: Path) {
        if months == 0 {
            self.problem(path, "must be at least 1 month".to_owned());
        }
    }

    /// Ids of an array of tables must be unique and non-empty.
    fn unique_ids<'i>(
        &mut self,
        ids: impl Iterator<Item = (Path, &'i str)>,
        what: &str,
        seen: &mut BTreeSet<&'i str>,
    ) {
        for (path, id) in ids {
            if id.trim().is_empty() {
                self.problem(path, format!("{what} id must not be empty"));
            } else if !seen.insert(id) {
                self.problem(path, format!("duplicate {what} id {id:?}"));
            }
        }
    }
}

impl Plan {
    /// Every rule of the plan format this plan breaks (empty when it is sound).
    pub fn check(&self) -> Vec<Problem> {
        let mut checker = Checker {
            plan: self,
            problems: Vec::new(),
        };
        checker.review();
        checker.roles();
        checker.members();
        checker.rotations();
        checker.escalation();
        checker.training();
        checker.contacts();
        checker.types_and_severity();
        checker.identification();
        checker.playbooks();
        checker.rules();
        checker.problems
    }

    /// What the plan leaves the team unable to do, though the plan itself is sound: roles nobody
    /// can hold, rotations with nobody on them. A shipped default plan has these until the
    /// company adds its people.
    pub fn gaps(&self) -> Vec<String> {
        let mut gaps = Vec::new();
        for role in self.roles.keys() {
            if self.holders(*role).next().is_none() {
                gaps.push(format!("no member can hold role {role}"));
            }
        }
        for (id, rotation) in &self.rotations {
            if rotation.members.is_empty() {
                gaps.push(format!("rotation {id} has nobody on it"));
            }
        }
        gaps
    }
}
