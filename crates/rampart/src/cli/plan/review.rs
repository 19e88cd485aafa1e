//! `rampart plan status|review|change`: whether the plan's review is due, and recording reviews
//! and major changes in the plan log.

use clap::Args as ClapArgs;
use rampart_plan::{MajorChange, PlanEvent, ReviewState, Reviewed, TrainingState};

use super::versions::stored;
use crate::cli::context::{Globals, Session, bad_input};
use crate::cli::exit::{Code, Failure};
use crate::cli::{output, training};

/// Arguments of `rampart plan review`.
#[derive(Debug, ClapArgs)]
pub(crate) struct ReviewArgs {
    /// The senior manager who approved the reviewed plan.
    #[arg(long)]
    approver: String,
    /// What the review found and changed.
    #[arg(long, default_value = "")]
    notes: String,
}

/// Arguments of `rampart plan change`.
#[derive(Debug, ClapArgs)]
pub(crate) struct ChangeArgs {
    /// The infrastructure or system change (a new cloud account, a new application, …).
    description: String,
}

/// Prints the version in force, its review, overdue training, team gaps and the log's check.
pub(crate) fn status(session: &Session, globals: &Globals) -> anyhow::Result<Code> {
    let current = stored(session, None)?;
    let now = session.now().instant();
    let review = session
        .run(session.store.plan_review_status(now))?
        .ok_or_else(|| Failure::new(Code::Internal, "a plan is stored but has no review status"))?;
    let overdue: Vec<_> = training::statuses(session, &current.plan)?
        .into_iter()
        .filter(|t| t.state != TrainingState::Current)
        .collect();
    let gaps = current.plan.gaps();
    let verified = session.run(session.store.verify_plan_log())?;
    let log_check = match &verified {
        Ok(entries) => serde_json::json!({ "verified": true, "entries": entries }),
        Err(bad) => serde_json::json!({ "verified": false, "problem": bad.to_string() }),
    };
    if globals.json {
        output::json(&serde_json::json!({
            "version": current.version,
            "applied_at": current.entry.at,
            "applied_by": current.entry.actor,
            "review": review,
            "training_due": overdue,
            "gaps": gaps,
            "plan_log": log_check,
        }))?;
    } else {
        println!(
            "plan:     {} version {}, applied {} by {}",
            current.plan.name, current.version, current.entry.at, current.entry.actor
        );
        let state = match review.state {
            ReviewState::Current => "current",
            ReviewState::Due => "DUE",
            ReviewState::Overdue => "OVERDUE",
        };
        println!("review:   {state}; next review by {}", review.due_by);
        match &review.last_review {
            Some(last) => println!(
                "          last review {} of version {}, approved by {}",
                last.at, last.version, last.approver
            ),
            None => println!("          never reviewed"),
        }
        for reason in &review.reasons {
            println!("          - {reason}");
        }
        println!(
            "training: {} course(s) missing or expired (rampart training overdue)",
            overdue.len()
        );
        for gap in &gaps {
            println!("gap:      {gap}");
        }
        match &verified {
            Ok(entries) => println!("plan log: {entries} entries, chain verified"),
            Err(bad) => println!("plan log: DOES NOT VERIFY: {bad}"),
        }
    }
    match verified {
        Ok(_) => Ok(Code::Ok),
        Err(_) => Ok(Code::VerificationFailed),
    }
}

/// Records the review of the current version.
pub(crate) fn review(session: &Session, args: ReviewArgs) -> anyhow::Result<Code> {
    if args.approver.trim().is_empty() {
        return Err(bad_input(
            "--approver must name the approving senior manager",
        ));
    }
    let current = stored(session, None)?;
    let ctx = session.context()?;
    let event = PlanEvent::Reviewed(Reviewed {
        version: current.version,
        approver: args.approver.trim().to_owned(),
    });
    let entry = session.run(session.store.record_plan_event(
        ctx.actor,
        ctx.now.instant(),
        event,
        &args.notes,
    ))?;
    println!(
        "plan version {} reviewed, approved by {} (plan log entry {})",
        current.version,
        args.approver.trim(),
        entry.seq
    );
    Ok(Code::Ok)
}

/// Records a major change.
pub(crate) fn change(session: &Session, args: ChangeArgs) -> anyhow::Result<Code> {
    if args.description.trim().is_empty() {
        return Err(bad_input("describe the change"));
    }
    let ctx = session.context()?;
    let event = PlanEvent::MajorChange(MajorChange {
        description: args.description.trim().to_owned(),
    });
    let entry = session.run(session.store.record_plan_event(
        ctx.actor,
        ctx.now.instant(),
        event,
        "",
    ))?;
    println!(
        "major change recorded (plan log entry {}): the plan must now be reviewed",
        entry.seq
    );
    Ok(Code::Ok)
}
