//! The catalog of regimes and calendars: parsed from TOML, checked whole, and laid over one
//! another (a company's file replaces built-in regimes of the same id and adds new ones).

use std::collections::BTreeMap;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use rampart_core::incident::Region;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::error::RegimeError;
use crate::period::Period;
use crate::raw::{RawDeadline, RawFile, RawRegime};

/// The regime file shipped with Rampart.
pub const DEFAULT_REGIMES_TOML: &str = include_str!("../regimes/default.toml");

/// Whom a deadline's notice goes to, so a notice of an incident is known to be required by law
/// when a clock with its audience runs (or ran) on the incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Amazon.
    Amazon,
    /// The people whose data was affected.
    AffectedPeople,
    /// A regulator, authority or attorney general.
    Regulator,
    /// Others (the media, a filing).
    Other,
}

impl Audience {
    /// Its name as written (`affected_people`), the same as a notice's audience.
    pub fn name(self) -> &'static str {
        match self {
            Audience::Amazon => "amazon",
            Audience::AffectedPeople => "affected_people",
            Audience::Regulator => "regulator",
            Audience::Other => "other",
        }
    }
}

/// A fact of the incident that must hold for a regime to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Amazon Information is involved.
    AmazonInformation,
    /// Personal data is involved.
    PersonalData,
    /// A legal demand for the data was received.
    LegalProcess,
    /// The incident was determined to be material.
    Material,
    /// Residents of the regime's jurisdiction are affected.
    Residents,
    /// Severity high or critical (a significant incident).
    HighSeverity,
}

/// An incident time a deadline can start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    /// Detected (Amazon; "discovery" in most U.S. laws).
    Detected,
    /// Confirmed: the identification decision ("awareness", "determination").
    Confirmed,
    /// The legal demand was received.
    LegalProcessReceived,
    /// The incident was determined to be material.
    MaterialityDetermined,
}

impl Fact {
    const ALL: [(Fact, &'static str); 4] = [
        (Fact::Detected, "detected"),
        (Fact::Confirmed, "confirmed"),
        (Fact::LegalProcessReceived, "legal_process_received"),
        (Fact::MaterialityDetermined, "materiality_determined"),
    ];

    /// Its name in regime files.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("detected", |(_, n)| *n)
    }
}

/// Where a deadline starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// At an incident time (`detected`).
    Fact(Fact),
    /// At the start of the year after the one holding an incident time (`detected.year_end`).
    YearEnd(Fact),
    /// When an earlier deadline of the same regime was met (`notification.met`); until then,
    /// provisionally at that deadline's due time.
    Met(String),
}

impl Start {
    fn parse(text: &str, earlier: &[Deadline]) -> Result<Start, String> {
        let fact = |name: &str| Fact::ALL.iter().find(|(_, n)| *n == name).map(|(f, _)| *f);
        let facts = Fact::ALL.map(|(_, n)| n).join(", ");
        match text.split_once('.') {
            None => fact(text).map(Start::Fact).ok_or_else(|| {
                format!("unknown starts {text:?}; allowed: {facts}, FACT.year_end, DEADLINE.met")
            }),
            Some((name, "year_end")) => fact(name)
                .map(Start::YearEnd)
                .ok_or_else(|| format!("unknown fact {name:?} in starts; allowed: {facts}")),
            Some((name, "met")) if earlier.iter().any(|d| d.id == name) => {
                Ok(Start::Met(name.to_owned()))
            }
            Some((name, "met")) => Err(format!(
                "starts {text:?} names no earlier deadline of this regime (declare {name:?} first)"
            )),
            Some(_) => Err(format!(
                "unknown starts {text:?}; allowed: {facts}, FACT.year_end, DEADLINE.met"
            )),
        }
    }

    /// As written in the regime file.
    pub fn describe(&self) -> String {
        match self {
            Start::Fact(f) => f.name().to_owned(),
            Start::YearEnd(f) => format!("{}.year_end", f.name()),
            Start::Met(d) => format!("{d}.met"),
        }
    }
}

/// Counts of affected people a deadline needs before its clock starts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct When {
    /// At least this many residents of the regime's jurisdiction.
    pub min_residents: Option<u64>,
    /// At least this many affected people in all.
    pub min_affected: Option<u64>,
    /// At most this many affected people in all (and at least one recorded).
    pub max_affected: Option<u64>,
    /// At least this many residents of some one region.
    pub min_residents_in_a_region: Option<u64>,
}

/// One deadline of a regime: each becomes a clock (`regime.deadline`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Its id within the regime.
    pub id: String,
    /// What must be done.
    pub name: String,
    /// Where it starts.
    pub starts: Start,
    /// How long it runs.
    pub period: Period,
    /// The local time a day-based deadline ends at on its due date.
    pub ends_at: Option<Time>,
    /// Who is notified.
    pub recipients: Vec<String>,
    /// Whom the notice goes to, if the regime file says.
    pub audience: Option<Audience>,
    /// The counts it needs.
    pub when: When,
}

/// A notification regime: a law, regulation or contract that sets deadlines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Regime {
    /// Its id (`gdpr`, `us_ca`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Which text of the rule this is.
    pub version: String,
    /// Where the rule comes from.
    pub source: String,
    /// When it was last checked against the source.
    pub checked: Date,
    /// The region whose residents it protects, if it is a regional law.
    pub jurisdiction: Option<Region>,
    /// The facts that must all hold for it to apply.
    pub triggers: Vec<Trigger>,
    /// The zone its days are counted in (else the company's).
    #[serde(skip)]
    pub zone: Option<TimeZone>,
    /// Its deadlines.
    pub deadlines: Vec<Deadline>,
    /// The file it was read from.
    pub origin: String,
}

/// Every known regime and calendar.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    versions: Vec<String>,
    regimes: BTreeMap<String, Regime>,
    calendars: BTreeMap<String, Calendar>,
}

impl Catalog {
    /// The regimes shipped with Rampart (`regimes/default.toml`).
    pub fn builtin() -> Result<Catalog, RegimeError> {
        Catalog::default().extend_with("built-in regimes", DEFAULT_REGIMES_TOML)
    }

    /// This catalog with the regimes and calendars of `text` laid over it: the same id replaces,
    /// a new id is added. `origin` names the file in errors. The whole file is refused on the
    /// first problem, with its line.
    pub fn extend_with(&self, origin: &str, text: &str) -> Result<Catalog, RegimeError> {
        let at = |offset: usize, message: String| RegimeError::File {
            origin: origin.to_owned(),
            line: line_of(text, offset),
            message,
        };
        let file: RawFile = toml::from_str(text).map_err(|e| {
            at(
                e.span().map_or(0, |s| s.start),
                e.message().trim().to_owned(),
            )
        })?;
        let mut next = self.clone();
        next.versions.push(format!(
            "{origin} {}",
            file.catalog.as_deref().unwrap_or("(no version)")
        ));
        for (id, raw) in file.calendars {
            let offset = raw.span().start;
            check_id("calendar", &id).map_err(|m| at(offset, m))?;
            let calendar = Calendar::from_raw(&id, raw.into_inner()).map_err(|m| at(offset, m))?;
            next.calendars.insert(id, calendar);
        }
        // Regimes already in the catalog count on the calendars as now laid over.
        for regime in next.regimes.values_mut() {
            for deadline in &mut regime.deadlines {
                if let Period::BusinessDays { calendar, .. } = &mut deadline.period
                    && let Some(newer) = next.calendars.get(&calendar.id)
                {
                    calendar.clone_from(newer);
                }
            }
        }
        let mut seen = Vec::new();
        for raw in file.regimes {
            let offset = raw.id.span().start;
            let regime = next
                .regime_from(origin, raw)
                .map_err(|(o, m)| at(o.unwrap_or(offset), m))?;
            if seen.contains(&regime.id) {
                return Err(at(offset, format!("regime {} is defined twice", regime.id)));
            }
            seen.push(regime.id.clone());
            next.regimes.insert(regime.id.clone(), regime);
        }
        Ok(next)
    }

    /// The regimes, by id.
    pub fn regimes(&self) -> impl Iterator<Item = &Regime> {
        self.regimes.values()
    }

    /// The regime with this id.
    pub fn regime(&self, id: &str) -> Option<&Regime> {
        self.regimes.get(id)
    }

    /// The calendars, by id.
    pub fn calendars(&self) -> impl Iterator<Item = &Calendar> {
        self.calendars.values()
    }

    /// The files read and their versions, in the order laid over one another.
    pub fn versions(&self) -> &[String] {
        &self.versions
    }

    fn regime_from(&self, origin: &str, raw: RawRegime) -> Result<Regime, (Option<usize>, String)> {
        let id = raw.id.into_inner();
        let here = |m: String| (None, format!("regime {id}: {m}"));
        check_id("regime", &id).map_err(|m| (None, m))?;
        for (what, text) in [
            ("name", &raw.name),
            ("version", &raw.version),
            ("source", &raw.source),
        ] {
            if text.trim().is_empty() {
                return Err(here(format!("{what} must not be empty")));
            }
        }
        let zone = match raw.zone {
            None => None,
            Some(z) => Some(TimeZone::get(z.get_ref()).map_err(|e| {
                (
                    Some(z.span().start),
                    format!("regime {id}: unknown time zone {:?}: {e}", z.get_ref()),
                )
            })?),
        };
        let regional = raw.triggers.contains(&Trigger::Residents);
        if regional && raw.jurisdiction.is_none() {
            return Err(here(
                "the trigger residents needs a jurisdiction".to_owned(),
            ));
        }
        if raw.deadlines.is_empty() {
            return Err(here("a regime needs at least one deadline".to_owned()));
        }
        let mut deadlines: Vec<Deadline> = Vec::new();
        for d in raw.deadlines {
            let offset = d.id.span().start;
            let deadline = self
                .deadline_from(d, &deadlines, raw.jurisdiction.is_some())
                .map_err(|m| (Some(offset), format!("regime {id}: {m}")))?;
            if deadlines.iter().any(|x| x.id == deadline.id) {
                return Err((
                    Some(offset),
                    format!("regime {id}: deadline {} is defined twice", deadline.id),
                ));
            }
            if id.len() + 1 + deadline.id.len() > rampart_core::incident::ClockId::MAX_LEN {
                return Err((
                    Some(offset),
                    format!(
                        "regime {id}: the clock name {id}.{} is too long",
                        deadline.id
                    ),
                ));
            }
            deadlines.push(deadline);
        }
        Ok(Regime {
            id,
            name: raw.name,
            version: raw.version,
            source: raw.source,
            checked: raw.checked,
            jurisdiction: raw.jurisdiction,
            triggers: raw.triggers,
            zone,
            deadlines,
            origin: origin.to_owned(),
        })
    }

    fn deadline_from(
        &self,
        d: RawDeadline,
        earlier: &[Deadline],
        has_jurisdiction: bool,
    ) -> Result<Deadline, String> {
        let id = d.id.into_inner();
        check_id("deadline", &id)?;
        let here = |m: &str| format!("deadline {id}: {m}");
        let starts = Start::parse(&d.starts, earlier).map_err(|m| here(&m))?;
        // Bounded so that no arithmetic on the period can overflow: a century at most.
        let within = |n: i64, max: i64| {
            if (1..=max).contains(&n) {
                Ok(())
            } else {
                Err(here(&format!("the period must be 1 to {max}")))
            }
        };
        let periods = [
            d.hours.is_some(),
            d.days.is_some(),
            d.months.is_some(),
            d.business_days.is_some(),
            d.without_undue_delay,
        ];
        if periods.iter().filter(|p| **p).count() != 1 {
            return Err(here(
                "give exactly one of hours, days, months, business_days, without_undue_delay = true",
            ));
        }
        let period = if let Some(h) = d.hours {
            within(h, 876_600)?;
            Period::Hours(h)
        } else if let Some(n) = d.days {
            within(n.into(), 36_525)?;
            Period::Days(n)
        } else if let Some(n) = d.months {
            within(n.into(), 1_200)?;
            Period::Months(n)
        } else if let Some(n) = d.business_days {
            within(n.into(), 26_000)?;
            let name = d
                .calendar
                .as_deref()
                .ok_or_else(|| here("business_days needs a calendar"))?;
            let calendar = self.calendars.get(name).cloned().ok_or_else(|| {
                let known: Vec<&str> = self.calendars.keys().map(String::as_str).collect();
                here(&format!(
                    "unknown calendar {name:?}; known: {}",
                    known.join(", ")
                ))
            })?;
            Period::BusinessDays { days: n, calendar }
        } else {
            Period::WithoutUndueDelay
        };
        if d.calendar.is_some() && !matches!(period, Period::BusinessDays { .. }) {
            return Err(here("a calendar is used only with business_days"));
        }
        let ends_at = match d.ends_at {
            None => None,
            Some(_) if matches!(period, Period::Hours(_) | Period::WithoutUndueDelay) => {
                return Err(here(
                    "ends_at is used only with days, months or business_days",
                ));
            }
            Some(t) => Some(t.parse::<Time>().map_err(|e| {
                here(&format!(
                    "ends_at {t:?} is not a time of day such as 17:30: {e}"
                ))
            })?),
        };
        if d.min_residents.is_some() && !has_jurisdiction {
            return Err(here("min_residents needs the regime's jurisdiction"));
        }
        if d.name.trim().is_empty() {
            return Err(here("name must not be empty"));
        }
        Ok(Deadline {
            id,
            name: d.name,
            starts,
            period,
            ends_at,
            recipients: d.recipients,
            audience: d.audience,
            when: When {
                min_residents: d.min_residents,
                min_affected: d.min_affected,
                max_affected: d.max_affected,
                min_residents_in_a_region: d.min_residents_in_a_region,
            },
        })
    }
}

/// Ids are snake_case names: they become clock names and settings.
fn check_id(what: &str, id: &str) -> Result<(), String> {
    let ok = id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} id {id:?} must be a-z, 0-9 and '_', starting with a letter"
        ))
    }
}

/// The 1-based line holding byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
