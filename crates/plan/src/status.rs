//! What the plan log says is due: the plan's next review ([`review_status`]) and each member's
//! training ([`training_status`]). Pure functions of the plan, the log and a given time, so the
//! command line and the dashboard show the same answer and tests fix the clock.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::model::{Plan, Review};
use crate::record::{PlanEntry, PlanEvent, TrainingRecord};

/// Whether the plan's review is in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Reviewed within the cadence, nothing changed since.
    Current,
    /// A review is needed now (a major change, or a version applied since the last review), but
    /// the cadence has not run out.
    Due,
    /// The cadence ran out without a review.
    Overdue,
}

/// The plan's review situation at a given time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ReviewStatus {
    /// Current, due or overdue.
    pub state: ReviewState,
    /// The version in force.
    pub version: u64,
    /// When the version in force was applied.
    pub applied_at: Timestamp,
    /// The last review: when, of which version, approved by whom.
    pub last_review: Option<LastReview>,
    /// When the cadence requires the next review.
    pub due_by: Timestamp,
    /// Why a review is needed, one sentence each (empty when current).
    pub reasons: Vec<String>,
}

/// A recorded review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LastReview {
    /// When it was recorded.
    pub at: Timestamp,
    /// The version reviewed.
    pub version: u64,
    /// The approving senior manager.
    pub approver: String,
}

/// The review situation at `now`, from the plan log; `None` before any version is applied.
/// The cadence counts calendar months (UTC) from the last review, or from the first version
/// applied when there has been none.
pub fn review_status(review: &Review, log: &[PlanEntry], now: Timestamp) -> Option<ReviewStatus> {
    let mut first_applied = None;
    let mut current = None;
    let mut last_review: Option<LastReview> = None;
    for entry in log {
        match &entry.event {
            PlanEvent::Applied(a) => {
                first_applied.get_or_insert(entry.at);
                current = Some((a.version, entry.at));
            }
            PlanEvent::Reviewed(r) => {
                last_review = Some(LastReview {
                    at: entry.at,
                    version: r.version,
                    approver: r.approver.clone(),
                });
            }
            PlanEvent::MajorChange(_) | PlanEvent::TrainingRecorded(_) => {}
        }
    }
    let (version, applied_at) = current?;
    let base = last_review.as_ref().map_or(first_applied?, |r| r.at);
    let due_by = add_months(base, review.every_months);
    let mut reasons = Vec::new();
    if review.after_major_change {
        for entry in log.iter().filter(|e| e.at > base) {
            if let PlanEvent::MajorChange(change) = &entry.event {
                reasons.push(format!(
                    "major change recorded {}: {}",
                    entry.at, change.description
                ));
            }
        }
    }
    if last_review.as_ref().is_some_and(|r| r.version != version) {
        reasons.push(format!(
            "version {version} was applied after the last review and is not approved"
        ));
    }
    let state = if now > due_by {
        reasons.insert(
            0,
            format!(
                "the plan must be reviewed every {} months; the review was due {due_by}",
                review.every_months
            ),
        );
        ReviewState::Overdue
    } else if reasons.is_empty() {
        ReviewState::Current
    } else {
        ReviewState::Due
    };
    Some(ReviewStatus {
        state,
        version,
        applied_at,
        last_review,
        due_by,
        reasons,
    })
}

/// `at` plus whole calendar months, in UTC (the end of a shorter month is kept: Aug 31 + 6
/// months is Feb 28 or 29).
pub fn add_months(at: Timestamp, months: u16) -> Timestamp {
    at.to_zoned(TimeZone::UTC)
        .checked_add(i64::from(months).months())
        .map_or(at, |z| z.timestamp())
}

/// Whether a member's required course is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrainingState {
    /// Completed and not expired.
    Current,
    /// The last completion has expired.
    Expired,
    /// Never completed.
    Missing,
}

/// One course one member must hold, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrainingStatus {
    /// The member id.
    pub member: String,
    /// The training id.
    pub training: String,
    /// The course title.
    pub course: String,
    /// Current, expired or missing.
    pub state: TrainingState,
    /// The latest completion, if any.
    pub completed: Option<Date>,
    /// When the latest completion expires, if any.
    pub expires: Option<Date>,
}

/// Every course each member must hold under `plan` (by the roles they can hold), with the latest
/// completion recorded in `log`, as of `today`. Members in id order, courses in id order.
pub fn training_status(plan: &Plan, log: &[PlanEntry], today: Date) -> Vec<TrainingStatus> {
    let records: Vec<&TrainingRecord> = log
        .iter()
        .filter_map(|e| match &e.event {
            PlanEvent::TrainingRecorded(r) => Some(r),
            _ => None,
        })
        .collect();
    let mut statuses = Vec::new();
    for (member_id, member) in &plan.members {
        for (training_id, training) in &plan.training {
            if !training.roles.iter().any(|r| member.roles.contains(r)) {
                continue;
            }
            let latest = records
                .iter()
                .filter(|r| r.member == *member_id && r.training == *training_id)
                .max_by_key(|r| (r.completed, r.expires));
            let state = match latest {
                None => TrainingState::Missing,
                Some(r) if r.expires < today => TrainingState::Expired,
                Some(_) => TrainingState::Current,
            };
            statuses.push(TrainingStatus {
                member: member_id.clone(),
                training: training_id.clone(),
                course: training.course.clone(),
                state,
                completed: latest.map(|r| r.completed),
                expires: latest.map(|r| r.expires),
            });
        }
    }
    statuses
}

/// When a completion on `completed` of a course valid `every_months` expires.
pub fn expiry(completed: Date, every_months: u16) -> Date {
    completed
        .checked_add(i64::from(every_months).months())
        .unwrap_or(completed)
}
