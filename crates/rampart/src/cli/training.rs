//! `rampart training add|list|overdue`: training completions per member, recorded in the plan
//! log, against the courses the plan requires of each role (yearly unless the plan says
//! otherwise).

use clap::{Args as ClapArgs, Subcommand};
use jiff::civil::Date;
use rampart_plan::{Plan, PlanEvent, TrainingRecord, TrainingState, TrainingStatus, expiry};

use super::context::{Globals, Session, bad_input};
use super::exit::Code;
use super::output;
use super::plan::stored_plan;
use super::remote::{Remote, local_only};

/// Arguments of `rampart training`.
#[derive(Debug, ClapArgs)]
pub(crate) struct Args {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Record that a member completed a course of the plan.
    Add(AddArgs),
    /// Every course each member must hold, with the latest completion.
    List {
        /// Only this member.
        #[arg(long)]
        member: Option<String>,
    },
    /// Courses missing or expired; exits 0 either way.
    Overdue,
}

#[derive(Debug, ClapArgs)]
struct AddArgs {
    /// The member id in the plan.
    member: String,
    /// The training id in the plan (`rampart plan show` lists them).
    training: String,
    /// When the course was completed (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    completed: Option<String>,
    /// When the completion expires (YYYY-MM-DD; default: the plan's renewal period later).
    #[arg(long, value_name = "DATE")]
    expires: Option<String>,
}

/// Runs `rampart training`.
pub(crate) fn run(globals: &Globals, args: Args) -> anyhow::Result<Code> {
    if let Some(remote) = Remote::from_globals(globals)? {
        return run_remote(&remote, globals, args.verb);
    }
    let session = Session::open(globals)?;
    let plan = stored_plan(&session)?;
    match args.verb {
        Verb::Add(a) => add(&session, &plan, a),
        Verb::List { member } => {
            if let Some(m) = &member
                && !plan.members.contains_key(m)
            {
                return Err(unknown_member(&plan, m));
            }
            let all = statuses(&session, &plan)?;
            let shown: Vec<TrainingStatus> = all
                .into_iter()
                .filter(|t| member.as_ref().is_none_or(|m| *m == t.member))
                .collect();
            print(globals, &shown)
        }
        Verb::Overdue => {
            let due: Vec<TrainingStatus> = statuses(&session, &plan)?
                .into_iter()
                .filter(|t| t.state != TrainingState::Current)
                .collect();
            print(globals, &due)
        }
    }
}

/// `training list|overdue` on a server (`GET /api/v1/training`, today on the server); recording
/// a completion has no API route.
fn run_remote(remote: &Remote, globals: &Globals, verb: Verb) -> anyhow::Result<Code> {
    #[derive(serde::Deserialize)]
    struct Training {
        training: Vec<TrainingStatus>,
    }
    let (member, overdue) = match verb {
        Verb::Add(_) => return Err(local_only("training add")),
        Verb::List { member } => (member, false),
        Verb::Overdue => (None, true),
    };
    if let Some(m) = &member {
        let plan = super::plan::remote::plan_in_force(remote)?;
        if !plan.members.contains_key(m) {
            return Err(unknown_member(&plan, m));
        }
    }
    let all = remote.get::<Training>("/api/v1/training", &[])?.training;
    let shown: Vec<TrainingStatus> = all
        .into_iter()
        .filter(|t| member.as_ref().is_none_or(|m| *m == t.member))
        .filter(|t| !overdue || t.state != TrainingState::Current)
        .collect();
    print(globals, &shown)
}

/// Every required course of every member under `plan`, as of today.
pub(crate) fn statuses(session: &Session, plan: &Plan) -> anyhow::Result<Vec<TrainingStatus>> {
    let log = session.run(session.store.plan_log())?;
    Ok(rampart_plan::training_status(plan, &log, today(session)))
}

fn add(session: &Session, plan: &Plan, args: AddArgs) -> anyhow::Result<Code> {
    let member = plan
        .members
        .get(&args.member)
        .ok_or_else(|| unknown_member(plan, &args.member))?;
    let training = plan.training.get(&args.training).ok_or_else(|| {
        let known: Vec<&str> = plan.training.keys().map(String::as_str).collect();
        bad_input(format!(
            "the plan has no training {:?}; it has: {}",
            args.training,
            known.join(", ")
        ))
    })?;
    if !training.roles.iter().any(|r| member.roles.contains(r)) {
        eprintln!(
            "note: {} holds none of the roles {} is required for; recorded anyway",
            args.member, args.training
        );
    }
    let completed = match &args.completed {
        Some(text) => date("--completed", text)?,
        None => today(session),
    };
    if completed > today(session) {
        return Err(bad_input(format!(
            "--completed {completed} is in the future"
        )));
    }
    let expires = match &args.expires {
        Some(text) => date("--expires", text)?,
        None => expiry(completed, training.every_months),
    };
    if expires <= completed {
        return Err(bad_input(format!(
            "--expires {expires} must come after --completed {completed}"
        )));
    }
    let ctx = session.context()?;
    let event = PlanEvent::TrainingRecorded(TrainingRecord {
        member: args.member.clone(),
        training: args.training.clone(),
        completed,
        expires,
    });
    let entry = session.run(session.store.record_plan_event(
        ctx.actor,
        ctx.now.instant(),
        event,
        "",
    ))?;
    println!(
        "{} completed {} on {completed}, valid until {expires} (plan log entry {})",
        args.member, args.training, entry.seq
    );
    Ok(Code::Ok)
}

fn print(globals: &Globals, statuses: &[TrainingStatus]) -> anyhow::Result<Code> {
    if globals.json {
        output::json(statuses)?;
        return Ok(Code::Ok);
    }
    let rows: Vec<Vec<String>> = statuses
        .iter()
        .map(|t| {
            let state = match t.state {
                TrainingState::Current => "current",
                TrainingState::Expired => "EXPIRED",
                TrainingState::Missing => "MISSING",
            };
            vec![
                t.member.clone(),
                t.training.clone(),
                state.to_owned(),
                t.completed
                    .map_or_else(|| "-".to_owned(), |d| d.to_string()),
                t.expires.map_or_else(|| "-".to_owned(), |d| d.to_string()),
                t.course.clone(),
            ]
        })
        .collect();
    output::table(
        &[
            "MEMBER",
            "TRAINING",
            "STATE",
            "COMPLETED",
            "EXPIRES",
            "COURSE",
        ],
        &rows,
    )?;
    Ok(Code::Ok)
}

/// Today's date at this machine's UTC offset.
fn today(session: &Session) -> Date {
    let now = session.now();
    now.instant()
        .to_zoned(jiff::tz::TimeZone::fixed(now.offset()))
        .date()
}

fn date(option: &str, text: &str) -> anyhow::Result<Date> {
    text.trim().parse::<Date>().map_err(|e| {
        bad_input(format!(
            "{option} {text:?} is not a date such as 2026-11-23: {e}"
        ))
    })
}

fn unknown_member(plan: &Plan, member: &str) -> anyhow::Error {
    let known: Vec<&str> = plan.members.keys().map(String::as_str).collect();
    bad_input(format!(
        "the plan has no member {member:?}; members: {}",
        if known.is_empty() {
            "none (add them under [members] and apply the plan)".to_owned()
        } else {
            known.join(", ")
        }
    ))
}
