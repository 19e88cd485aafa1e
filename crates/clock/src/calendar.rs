//! Business-day calendars: a weekend, holidays by rule (a fixed date, kept on the nearest weekday
//! when it falls on a weekend, or the nth weekday of a month) and extra closed days.

use std::collections::BTreeSet;

use jiff::civil::{Date, Weekday};
use serde::Serialize;

use crate::raw::{Observed, RawCalendar, RawHoliday};

/// A calendar of business days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Calendar {
    /// Its id in the regime file (`us_federal`).
    pub id: String,
    /// What it is.
    pub name: String,
    /// Where its rules come from.
    pub source: String,
    /// When the rules were last checked against the source.
    pub checked: Date,
    #[serde(skip)]
    weekend: Vec<Weekday>,
    #[serde(skip)]
    closed: BTreeSet<Date>,
    /// The holidays.
    pub holidays: Vec<Holiday>,
}

/// A holiday rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// Its name.
    pub name: String,
    #[serde(skip)]
    rule: Rule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    Fixed {
        month: i8,
        day: i8,
        observed: Observed,
    },
    Nth {
        month: i8,
        weekday: Weekday,
        nth: i8,
    },
}

impl Calendar {
    /// Checks a calendar as written; the error says which part is wrong.
    pub(crate) fn from_raw(id: &str, raw: RawCalendar) -> Result<Calendar, String> {
        let holidays = raw
            .holidays
            .into_iter()
            .map(holiday)
            .collect::<Result<Vec<_>, String>>()?;
        if raw.weekend.len() >= 7 {
            return Err(format!(
                "calendar {id}: the weekend cannot be the whole week"
            ));
        }
        Ok(Calendar {
            id: id.to_owned(),
            name: raw.name,
            source: raw.source,
            checked: raw.checked,
            weekend: raw.weekend.into_iter().map(Weekday::from).collect(),
            closed: raw.closed.into_iter().collect(),
            holidays,
        })
    }

    /// The holidays kept in `year`, by date (a New Year's Day on a Saturday is kept on 31
    /// December of the year before, and is listed in that year).
    pub fn holidays_in(&self, year: i16) -> Vec<(Date, &str)> {
        let mut found: Vec<(Date, &str)> = self
            .holidays
            .iter()
            .flat_map(|h| [year, year.saturating_add(1)].map(|y| (h.rule.date_in(y), &h.name)))
            .filter_map(|(date, name)| date.map(|d| (d, name.as_str())))
            .filter(|(d, _)| d.year() == year)
            .collect();
        found.sort();
        found
    }

    /// Whether `date` is a business day: not a weekend day, a holiday or a closed day.
    pub fn is_business_day(&self, date: Date) -> bool {
        !self.weekend.contains(&date.weekday())
            && !self.closed.contains(&date)
            && !self
                .holidays_in(date.year())
                .iter()
                .any(|(d, _)| *d == date)
    }

    /// The `n`th business day after `date` (`date` itself never counts).
    pub fn add_business_days(&self, date: Date, n: i32) -> Result<Date, jiff::Error> {
        let mut day = date;
        let mut counted = 0;
        while counted < n {
            day = day.tomorrow()?;
            if self.is_business_day(day) {
                counted += 1;
            }
        }
        Ok(day)
    }
}

impl Rule {
    fn date_in(self, year: i16) -> Option<Date> {
        match self {
            Rule::Fixed {
                month,
                day,
                observed,
            } => {
                let date = Date::new(year, month, day).ok()?;
                match (observed, date.weekday()) {
                    (Observed::NearestWeekday, Weekday::Saturday) => date.yesterday().ok(),
                    (Observed::NearestWeekday, Weekday::Sunday) => date.tomorrow().ok(),
                    _ => Some(date),
                }
            }
            Rule::Nth {
                month,
                weekday,
                nth,
            } => Date::new(year, month, 1)
                .ok()?
                .nth_weekday_of_month(nth, weekday)
                .ok(),
        }
    }
}

fn holiday(raw: RawHoliday) -> Result<Holiday, String> {
    let name = raw.name;
    let fail = |why: &str| Err(format!("holiday {name:?}: {why}"));
    if !(1..=12).contains(&raw.month) {
        return fail("month must be 1 to 12");
    }
    let rule = match (raw.day, raw.weekday, raw.nth) {
        (Some(day), None, None) => {
            // A year that is not a leap year: a holiday on 29 February would skip years.
            if Date::new(2026, raw.month, day).is_err() {
                return fail("day is not a date of that month");
            }
            Rule::Fixed {
                month: raw.month,
                day,
                observed: raw.observed.unwrap_or(Observed::Actual),
            }
        }
        (None, Some(weekday), Some(nth)) if raw.observed.is_none() => {
            if nth == 0 || !(-5..=5).contains(&nth) {
                return fail("nth must be 1 to 5, or -1 to -5 counting from the end of the month");
            }
            Rule::Nth {
                month: raw.month,
                weekday: weekday.into(),
                nth,
            }
        }
        _ => {
            return fail("give either day (with optional observed) or weekday and nth, not a mix");
        }
    };
    Ok(Holiday { name, rule })
}
