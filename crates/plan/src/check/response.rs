//! Checks of the directory and the response: contacts, types, severity levels, the
//! identification checklist, playbooks and their tasks, rules.

use std::collections::BTreeSet;

use rampart_core::incident::Severity;

use super::Checker;
use crate::error::Path;
use crate::model::{ContactKind, TypeMatch};

impl Checker<'_> {
    pub(super) fn contacts(&mut self) {
        for (id, contact) in &self.plan.contacts {
            let path = Path::default().key("contacts").key(id);
            if contact.kind == ContactKind::LawEnforcement && contact.handles.is_empty() {
                self.problem(
                    path.key("handles"),
                    "a law-enforcement agency must say what it handles".to_owned(),
                );
            }
            if contact.kind == ContactKind::Amazon && contact.emails.is_empty() {
                self.problem(
                    path.key("emails"),
                    "Amazon's security contact needs an e-mail address".to_owned(),
                );
            }
            for (n, email) in contact.emails.iter().enumerate() {
                if !email.contains('@') {
                    self.problem(
                        path.key("emails").index(n),
                        format!("{email:?} is not an e-mail address"),
                    );
                }
            }
        }
        if !self
            .plan
            .contacts
            .values()
            .any(|c| c.kind == ContactKind::Amazon)
        {
            self.problem(
                Path::default().key("contacts"),
                "the directory needs Amazon's security contact (kind = \"amazon\")".to_owned(),
            );
        }
    }

    pub(super) fn types_and_severity(&mut self) {
        if let Err(err) = self.plan.type_catalog() {
            self.problem(Path::default().key("types"), err.to_string());
        }
        for severity in Severity::ALL {
            if !self.plan.severity.contains_key(severity) {
                self.problem(
                    Path::default().key("severity"),
                    format!("severity level {severity} is not described"),
                );
            }
        }
    }

    pub(super) fn identification(&mut self) {
        let root = Path::default().key("identification");
        if self.plan.identification.is_empty() {
            self.problem(
                root.clone(),
                "the identification checklist needs at least one question".to_owned(),
            );
        }
        let mut seen = BTreeSet::new();
        self.unique_ids(
            self.plan
                .identification
                .iter()
                .enumerate()
                .map(|(n, c)| (root.index(n).key("id"), c.id.as_str())),
            "identification criterion",
            &mut seen,
        );
    }

    pub(super) fn playbooks(&mut self) {
        let root = Path::default().key("playbooks");
        let catalog = self.plan.type_catalog().unwrap_or_default();
        let mut playbook_ids = BTreeSet::new();
        let mut task_ids = BTreeSet::new();
        let plan = self.plan;
        for (n, playbook) in plan.playbooks.iter().enumerate() {
            let path = root.index(n);
            self.unique_ids(
                std::iter::once((path.key("id"), playbook.id.as_str())),
                "playbook",
                &mut playbook_ids,
            );
            for (t, type_match) in playbook.types.iter().enumerate() {
                if let TypeMatch::Is(incident_type) = type_match
                    && catalog.parse(incident_type.name()).is_err()
                {
                    self.problem(
                        path.key("types").index(t),
                        format!("incident type {incident_type} is not in [types]"),
                    );
                }
            }
            if playbook.types.is_empty() || playbook.severities.is_empty() {
                self.problem(
                    path.clone(),
                    "a playbook needs at least one type and one severity (\"*\" for all)"
                        .to_owned(),
                );
            }
            if playbook.tasks.is_empty() {
                self.problem(
                    path.key("tasks"),
                    "a playbook needs at least one task".to_owned(),
                );
            }
            self.unique_ids(
                playbook
                    .tasks
                    .iter()
                    .enumerate()
                    .map(|(t, task)| (path.key("tasks").index(t).key("id"), task.id.as_str())),
                "task",
                &mut task_ids,
            );
            for (t, task) in playbook.tasks.iter().enumerate() {
                self.role_defined(task.role, path.key("tasks").index(t).key("role"));
            }
        }
    }

    pub(super) fn rules(&mut self) {
        for (id, rule) in &self.plan.rules {
            let path = Path::default().key("rules").key(id);
            self.role_defined(rule.owner, path.key("owner"));
            if let Some(months) = rule.every_months {
                self.months(months, path.key("every_months"));
            }
        }
    }
}
