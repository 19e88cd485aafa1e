//! The plan as text for people: one section per part, tables where the parts are lists.

use rampart_plan::{Plan, Playbook};

use crate::cli::output;

/// Prints the whole plan on stdout.
pub(super) fn plan(plan: &Plan) -> anyhow::Result<()> {
    println!("{}\n", plan.name);
    println!("{}\n", plan.objective);
    let review = &plan.review;
    println!(
        "Review: every {} months{}{}; approved by {}.",
        review.every_months,
        if review.after_major_change {
            ", after every major change"
        } else {
            ""
        },
        if review.after_lessons_learned {
            ", after lessons learned"
        } else {
            ""
        },
        review.approver
    );
    team(plan)?;
    directory(plan)?;
    response(plan)?;
    Ok(())
}

/// A table, or `(none)` when the part is empty (a shipped plan has no members yet).
fn table(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    if rows.is_empty() {
        println!("(none)");
        Ok(())
    } else {
        output::table(header, rows)
    }
}

fn heading(title: &str) {
    println!("\n{title}\n{}", "=".repeat(title.chars().count()));
}

fn team(plan: &Plan) -> anyhow::Result<()> {
    heading("Roles");
    for (role, spec) in &plan.roles {
        println!("\n{} ({role})", spec.title);
        for duty in &spec.responsibilities {
            println!("  - {duty}");
        }
        for decision in &spec.authority {
            println!("  may decide: {decision}");
        }
    }
    heading("Members");
    let rows: Vec<Vec<String>> = plan
        .members
        .iter()
        .map(|(id, m)| {
            let roles: Vec<&str> = m.roles.iter().map(|r| r.name()).collect();
            vec![
                id.clone(),
                m.name.clone(),
                m.email.clone(),
                m.phone.clone().unwrap_or_default(),
                roles.join(", "),
            ]
        })
        .collect();
    table(&["ID", "NAME", "EMAIL", "PHONE", "ROLES"], &rows)?;
    heading("On call");
    let rows: Vec<Vec<String>> = plan
        .rotations
        .iter()
        .map(|(id, r)| {
            vec![
                id.clone(),
                r.role.to_string(),
                r.shift.to_string(),
                r.starts.to_string(),
                r.members.join(", "),
            ]
        })
        .collect();
    table(
        &[
            "ROTATION",
            "ROLE",
            "SHIFT",
            "FIRST HANDOVER",
            "MEMBERS IN TURN",
        ],
        &rows,
    )?;
    heading("Escalation");
    let rows: Vec<Vec<String>> = plan
        .escalation
        .iter()
        .map(|s| {
            let page: Vec<String> = s.page.iter().map(ToString::to_string).collect();
            vec![
                s.id.clone(),
                page.join(", "),
                s.ack_within.to_string(),
                s.next.clone().unwrap_or_else(|| "-".to_owned()),
            ]
        })
        .collect();
    table(&["STEP", "PAGE", "ACK WITHIN", "THEN"], &rows)?;
    heading("Training");
    let rows: Vec<Vec<String>> = plan
        .training
        .iter()
        .map(|(id, t)| {
            let roles: Vec<&str> = t.roles.iter().map(|r| r.name()).collect();
            vec![
                id.clone(),
                t.course.clone(),
                format!("{} months", t.every_months),
                roles.join(", "),
            ]
        })
        .collect();
    table(&["ID", "COURSE", "RENEW EVERY", "ROLES"], &rows)
}

fn directory(plan: &Plan) -> anyhow::Result<()> {
    heading("Contacts");
    for (id, contact) in &plan.contacts {
        println!("\n{} [{id}, {}]", contact.name, contact.kind.name());
        let reach = [
            contact.emails.join(", "),
            contact.phones.join(", "),
            contact.url.clone().unwrap_or_default(),
            contact.channel.clone().unwrap_or_default(),
        ];
        for line in reach.iter().filter(|l| !l.is_empty()) {
            println!("  reach: {line}");
        }
        for handled in &contact.handles {
            println!("  handles: {handled}");
        }
    }
    Ok(())
}

fn response(plan: &Plan) -> anyhow::Result<()> {
    heading("Incident types");
    let rows: Vec<Vec<String>> = plan
        .types
        .iter()
        .map(|(name, t)| vec![name.clone(), t.description.clone()])
        .collect();
    table(&["TYPE", "DESCRIPTION"], &rows)?;
    heading("Severity");
    let rows: Vec<Vec<String>> = plan
        .severity
        .iter()
        .map(|(level, s)| {
            vec![
                level.to_string(),
                if s.activate_on_open { "yes" } else { "no" }.to_owned(),
                s.meaning.clone(),
            ]
        })
        .collect();
    table(&["LEVEL", "ACTIVATE ON OPEN", "MEANING"], &rows)?;
    heading("Identification checklist (any yes: a security incident)");
    for (n, criterion) in plan.identification.iter().enumerate() {
        let sets = criterion
            .sets
            .map(|f| format!(" [sets {}]", f.name()))
            .unwrap_or_default();
        println!("{:>2}. {}{sets}", n + 1, criterion.question);
    }
    heading("Playbooks");
    for playbook in &plan.playbooks {
        playbook_section(playbook)?;
    }
    heading("Rules");
    for (id, rule) in &plan.rules {
        let every = rule
            .every_months
            .map(|m| format!(", every {m} months"))
            .unwrap_or_default();
        println!("- {} ({id}; {}{every})", rule.text, rule.owner);
    }
    Ok(())
}

fn playbook_section(playbook: &Playbook) -> anyhow::Result<()> {
    let types: Vec<String> = playbook
        .types
        .iter()
        .map(|t| String::from(t.clone()))
        .collect();
    let severities: Vec<String> = playbook
        .severities
        .iter()
        .map(|s| String::from(*s))
        .collect();
    let when: Vec<String> = playbook.when.iter().map(|f| f.name().to_owned()).collect();
    println!("\n{} [{}]", playbook.title, playbook.id);
    println!(
        "  applies to: type {} × severity {}{}",
        types.join("|"),
        severities.join("|"),
        if when.is_empty() {
            String::new()
        } else {
            format!(" when {}", when.join(" and "))
        }
    );
    let rows: Vec<Vec<String>> = playbook
        .tasks
        .iter()
        .enumerate()
        .map(|(n, t)| {
            vec![
                format!("{}", n + 1),
                t.title.clone(),
                t.role.to_string(),
                t.due.to_string(),
                t.kind.name().to_owned(),
                if t.required { "required" } else { "optional" }.to_owned(),
            ]
        })
        .collect();
    table(&["#", "TASK", "ROLE", "DUE", "KIND", ""], &rows)
}
