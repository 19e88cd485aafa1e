//! Clocks on an incident: each enabled regime whose triggers hold gives one clock per deadline
//! whose counts are met and whose start is known; the others are [`Pending`] with what they wait
//! for. Everything is derived from the incident as it stands, so it is recomputed on every read.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};
use rampart_core::incident::{ClockFacts, ClockId, ClockOutcome, Severity, State};
use rampart_core::{Incident, ZonedTime};
use serde::Serialize;

use crate::catalog::{Audience, Deadline, Fact, Regime, Start, Trigger};
use crate::error::RegimeError;
use crate::settings::Config;
use crate::threshold::{self, Threshold};

/// A running or ended clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// `regime.deadline`.
    pub id: ClockId,
    /// The regime's id.
    pub regime: String,
    /// The regime's name.
    pub regime_name: String,
    /// Which text of the rule.
    pub regime_version: String,
    /// Where the rule comes from.
    pub source: String,
    /// When the rule was last checked.
    pub checked: Date,
    /// What must be done.
    pub deadline: String,
    /// How long it runs, in words.
    pub period: String,
    /// Who is notified.
    pub recipients: Vec<String>,
    /// Whom the notice goes to, if the regime file says.
    pub audience: Option<Audience>,
    /// What it starts from, as named in the regime file.
    pub starts: String,
    /// When it started.
    pub started: ZonedTime,
    /// When it is due (`None`: without undue delay).
    pub due: Option<ZonedTime>,
    /// The zone its days are counted in.
    pub zone: String,
    /// Whether the due time may still move earlier: it starts from another deadline that is not
    /// met yet, and is shown from that deadline's due time.
    pub provisional: bool,
    /// How it ended, if it has.
    pub outcome: Option<ClockOutcome>,
}

/// Where a clock stands at a given instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Running, with time left.
    Running {
        /// Time left.
        left: SignedDuration,
        /// Percent of the time run.
        percent: i64,
        /// The highest reminder threshold reached.
        threshold: Option<Threshold>,
    },
    /// Past its due time and not ended.
    Overdue {
        /// How long past.
        by: SignedDuration,
    },
    /// No fixed deadline, not ended.
    NoDeadline {
        /// How long it has run.
        running_for: SignedDuration,
    },
    /// Met; `late_by` when the notice came after the due time.
    Met {
        /// How late, if late.
        late_by: Option<SignedDuration>,
    },
    /// Missed (with a reason in the outcome).
    Missed,
}

impl Status {
    /// `running`, `overdue`, `no_deadline`, `met`, `met_late`, `missed`.
    pub fn name(&self) -> &'static str {
        match self {
            Status::Running { .. } => "running",
            Status::Overdue { .. } => "overdue",
            Status::NoDeadline { .. } => "no_deadline",
            Status::Met { late_by: None } => "met",
            Status::Met { late_by: Some(_) } => "met_late",
            Status::Missed => "missed",
        }
    }
}

impl Clock {
    /// Where the clock stands at `now`.
    pub fn status(&self, now: Timestamp) -> Status {
        let due = self.due.map(|d| d.instant());
        match (&self.outcome, due) {
            (Some(ClockOutcome::Missed { .. }), _) => Status::Missed,
            (Some(ClockOutcome::Met { at, .. }), due) => Status::Met {
                late_by: due
                    .filter(|d| at.instant() > *d)
                    .map(|d| at.instant().duration_since(d)),
            },
            (None, None) => Status::NoDeadline {
                running_for: now.duration_since(self.started.instant()),
            },
            (None, Some(due)) if now > due => Status::Overdue {
                by: now.duration_since(due),
            },
            (None, Some(due)) => {
                let start = self.started.instant();
                Status::Running {
                    left: due.duration_since(now),
                    percent: threshold::percent(start, due, now),
                    threshold: threshold::reached(start, due, now),
                }
            }
        }
    }

    /// The highest reminder threshold reached at `now` by a clock that has not ended.
    pub fn threshold(&self, now: Timestamp) -> Option<Threshold> {
        match (&self.outcome, self.due) {
            (None, Some(due)) => threshold::reached(self.started.instant(), due.instant(), now),
            _ => None,
        }
    }
}

/// A deadline of an applicable regime whose clock has not started, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pending {
    /// `regime.deadline`.
    pub id: ClockId,
    /// What must be done.
    pub deadline: String,
    /// What it waits for.
    pub waiting_for: String,
}

/// The clocks of one incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Started clocks, in regime and deadline order.
    pub clocks: Vec<Clock>,
    /// Deadlines that apply but have not started.
    pub pending: Vec<Pending>,
}

impl Evaluation {
    /// Whether `id` names a clock or pending deadline of this incident.
    pub fn knows(&self, id: &ClockId) -> bool {
        self.clocks.iter().any(|c| &c.id == id) || self.pending.iter().any(|p| &p.id == id)
    }

    /// Whether the law requires a notice to `audience` (`affected_people`, `regulator`, …): a
    /// clock for that audience runs, or ran, on the incident.
    pub fn requires_notice_to(&self, audience: &str) -> bool {
        self.clocks
            .iter()
            .any(|c| c.audience.is_some_and(|a| a.name() == audience))
    }
}

impl Config {
    /// The clocks the enabled regimes start on `incident`. A dismissed incident has none.
    pub fn evaluate(&self, incident: &Incident) -> Result<Evaluation, RegimeError> {
        let mut out = Evaluation::default();
        if incident.state() == State::Dismissed {
            return Ok(out);
        }
        for regime in &self.regimes {
            if regime.triggers.iter().all(|t| holds(*t, regime, incident)) {
                self.evaluate_regime(regime, incident, &mut out)?;
            }
        }
        Ok(out)
    }

    fn evaluate_regime(
        &self,
        regime: &Regime,
        incident: &Incident,
        out: &mut Evaluation,
    ) -> Result<(), RegimeError> {
        let zone = regime.zone.clone().unwrap_or_else(|| self.zone.clone());
        let zone_name = zone.iana_name().unwrap_or(&self.zone_name).to_owned();
        // Each earlier deadline's (id, due, met at) for deadlines that start from another.
        let mut done: Vec<(String, Option<ZonedTime>, Option<ZonedTime>)> = Vec::new();
        for deadline in &regime.deadlines {
            let id = clock_id(regime, deadline, None)?;
            let outcome = incident.clock_outcomes().get(&id).cloned();
            let waiting = |waiting_for: String| Pending {
                id: id.clone(),
                deadline: deadline.name.clone(),
                waiting_for,
            };
            if let Some(why) = counts_missing(deadline, regime, incident.clock_facts()) {
                out.pending.push(waiting(why));
                continue;
            }
            let (started, provisional) = match start(&deadline.starts, incident, &zone, &done) {
                Ok(found) => found,
                Err(why) => {
                    out.pending.push(waiting(why));
                    continue;
                }
            };
            let due_from = |started: ZonedTime, id: &ClockId| {
                deadline
                    .period
                    .due(started.instant(), &zone, deadline.ends_at)
                    .map(|due| due.map(|z| zoned_time(&z)))
                    .map_err(|e| RegimeError::Arithmetic {
                        clock: id.to_string(),
                        message: e.to_string(),
                    })
            };
            let due = due_from(started, &id)?;
            let met_at = match &outcome {
                Some(ClockOutcome::Met { at, .. }) => Some(*at),
                _ => None,
            };
            done.push((deadline.id.clone(), due, met_at));
            let base = Clock {
                id,
                regime: regime.id.clone(),
                regime_name: regime.name.clone(),
                regime_version: regime.version.clone(),
                source: regime.source.clone(),
                checked: regime.checked,
                deadline: deadline.name.clone(),
                period: deadline.period.describe(),
                recipients: deadline.recipients.clone(),
                audience: deadline.audience,
                starts: deadline.starts.describe(),
                started,
                due,
                zone: zone_name.clone(),
                provisional,
                outcome,
            };
            // Every legal-process request after the first runs a clock of its own: `id_2`, …
            let mut more = Vec::new();
            if deadline.starts == Start::Fact(Fact::LegalProcessReceived) {
                let requests = &incident.registers().legal_process;
                for (n, request) in requests.iter().enumerate().skip(1) {
                    let id = clock_id(regime, deadline, Some(n + 1))?;
                    let started = request.record.received;
                    more.push(Clock {
                        due: due_from(started, &id)?,
                        outcome: incident.clock_outcomes().get(&id).cloned(),
                        started,
                        id,
                        ..base.clone()
                    });
                }
            }
            out.clocks.push(base);
            out.clocks.extend(more);
        }
        Ok(())
    }
}

/// `regime.deadline`, or `regime.deadline_N` for the `N`th clock of a deadline that runs once per
/// request.
fn clock_id(
    regime: &Regime,
    deadline: &Deadline,
    nth: Option<usize>,
) -> Result<ClockId, RegimeError> {
    let mut id = format!("{}.{}", regime.id, deadline.id);
    if let Some(n) = nth {
        id = format!("{id}_{n}");
    }
    id.parse()
        .map_err(|e: rampart_core::DomainError| RegimeError::Arithmetic {
            clock: id.clone(),
            message: e.to_string(),
        })
}

fn holds(trigger: Trigger, regime: &Regime, incident: &Incident) -> bool {
    let facts = incident.clock_facts();
    match trigger {
        Trigger::AmazonInformation => incident.amazon_information(),
        Trigger::PersonalData => incident.personal_data(),
        Trigger::LegalProcess => facts.legal_process_received.is_some(),
        Trigger::Material => facts.materiality_determined.is_some(),
        Trigger::Residents => residents(regime, facts) > 0,
        Trigger::HighSeverity => {
            matches!(
                incident.severity(),
                Some(Severity::High | Severity::Critical)
            )
        }
    }
}

fn residents(regime: &Regime, facts: &ClockFacts) -> u64 {
    regime
        .jurisdiction
        .as_ref()
        .and_then(|r| facts.residents.get(r).copied())
        .unwrap_or(0)
}

/// What count a deadline still needs, if any.
fn counts_missing(deadline: &Deadline, regime: &Regime, facts: &ClockFacts) -> Option<String> {
    let when = &deadline.when;
    let affected = facts.affected();
    let here = residents(regime, facts);
    let jurisdiction = regime
        .jurisdiction
        .as_ref()
        .map_or_else(String::new, ToString::to_string);
    let most_in_a_region = facts.residents.values().copied().max().unwrap_or(0);
    if let Some(min) = when.min_residents.filter(|m| here < *m) {
        return Some(format!(
            "at least {min} residents of {jurisdiction} (recorded: {here})"
        ));
    }
    if let Some(min) = when.min_affected.filter(|m| affected < *m) {
        return Some(format!(
            "at least {min} affected people (recorded: {affected})"
        ));
    }
    if let Some(max) = when.max_affected {
        if affected == 0 {
            return Some("a count of affected people (none recorded)".to_owned());
        }
        if affected > max {
            return Some(format!(
                "at most {max} affected people (recorded: {affected}; another deadline applies)"
            ));
        }
    }
    if let Some(min) = when
        .min_residents_in_a_region
        .filter(|m| most_in_a_region < *m)
    {
        return Some(format!(
            "at least {min} residents of one region (most recorded: {most_in_a_region})"
        ));
    }
    None
}

/// When a deadline starts and whether that is provisional, or what it waits for.
fn start(
    starts: &Start,
    incident: &Incident,
    zone: &TimeZone,
    done: &[(String, Option<ZonedTime>, Option<ZonedTime>)],
) -> Result<(ZonedTime, bool), String> {
    let fact = |f: Fact| -> Result<ZonedTime, String> {
        let times = incident.times();
        let facts = incident.clock_facts();
        let found = match f {
            Fact::Detected => Some(times.detected),
            Fact::Confirmed => times.confirmed,
            Fact::LegalProcessReceived => facts.legal_process_received,
            Fact::MaterialityDetermined => facts.materiality_determined,
        };
        found.ok_or_else(|| format!("the incident time {}", f.name()))
    };
    match starts {
        Start::Fact(f) => fact(*f).map(|t| (t, false)),
        Start::YearEnd(f) => {
            let t = fact(*f)?;
            let year = t.instant().to_zoned(zone.clone()).year();
            let next = year
                .checked_add(1)
                .and_then(|y| jiff::civil::Date::new(y, 1, 1).ok())
                .and_then(|d| d.to_zoned(zone.clone()).ok())
                .ok_or_else(|| format!("a year after {year}"))?;
            Ok((zoned_time(&next), false))
        }
        Start::Met(sibling) => match done.iter().find(|(id, _, _)| id == sibling) {
            Some((_, _, Some(met))) => Ok((*met, false)),
            Some((_, Some(due), None)) => Ok((*due, true)),
            Some((_, None, None)) => Err(format!("deadline {sibling} to be met")),
            None => Err(format!("deadline {sibling} to start")),
        },
    }
}

/// A zoned time as an instant with its offset (whole minutes; a historic offset with seconds is
/// shown in UTC).
fn zoned_time(z: &Zoned) -> ZonedTime {
    ZonedTime::new(z.timestamp(), z.offset()).unwrap_or_else(|_| ZonedTime::utc(z.timestamp()))
}
