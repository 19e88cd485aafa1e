//! How a deadline is counted from its start.
//!
//! Hours are elapsed time: 72 hours are 72 hours even across a daylight-saving change. Days and
//! months are calendar arithmetic in the clock's time zone: 30 days after 10:00 is 10:00 on the
//! 30th day, whatever the offset then (so the elapsed time may be 30 × 24 h ± 1 h). Business days
//! skip the calendar's weekends, holidays and closed days, and end at `ends_at` local time (by
//! default the last second of the day).

use jiff::civil::{Time, time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan, Zoned};
use serde::Serialize;

use crate::calendar::Calendar;

/// The last second of a day, where a business-day deadline ends unless told otherwise.
const END_OF_DAY: Time = time(23, 59, 59, 0);

/// How long a deadline runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Elapsed hours.
    Hours(i64),
    /// Calendar days in the clock's zone.
    Days(i32),
    /// Calendar months in the clock's zone (a month after 31 January is the last day of
    /// February).
    Months(i32),
    /// Business days on a calendar, counted from the day after the start.
    BusinessDays {
        /// How many.
        days: i32,
        /// Which calendar.
        calendar: Calendar,
    },
    /// No fixed deadline: "without undue delay", "as soon as practicable".
    WithoutUndueDelay,
}

impl Period {
    /// The due time of a deadline that starts at `start`, in `zone`, or `None` for
    /// [`Period::WithoutUndueDelay`]. `ends_at` moves a day-based due time to that local time on
    /// the due date.
    pub fn due(
        &self,
        start: Timestamp,
        zone: &TimeZone,
        ends_at: Option<Time>,
    ) -> Result<Option<Zoned>, jiff::Error> {
        let local = start.to_zoned(zone.clone());
        let on_date = |z: Zoned, at: Option<Time>| match at {
            Some(t) => z.date().to_datetime(t).to_zoned(zone.clone()),
            None => Ok(z),
        };
        let due = match self {
            Period::Hours(h) => start
                .checked_add(SignedDuration::from_hours(*h))?
                .to_zoned(zone.clone()),
            Period::Days(d) => on_date(local.checked_add((*d).days())?, ends_at)?,
            Period::Months(m) => on_date(local.checked_add((*m).months())?, ends_at)?,
            Period::BusinessDays { days, calendar } => {
                let date = calendar.add_business_days(local.date(), *days)?;
                date.to_datetime(ends_at.unwrap_or(END_OF_DAY))
                    .to_zoned(zone.clone())?
            }
            Period::WithoutUndueDelay => return Ok(None),
        };
        Ok(Some(due))
    }

    /// In words: `24 hours`, `30 days`, `4 business days (us_federal)`, `without undue delay`.
    pub fn describe(&self) -> String {
        match self {
            Period::Hours(h) => format!("{h} hours"),
            Period::Days(d) => format!("{d} days"),
            Period::Months(1) => "1 month".to_owned(),
            Period::Months(m) => format!("{m} months"),
            Period::BusinessDays { days, calendar } => {
                format!("{days} business days ({})", calendar.id)
            }
            Period::WithoutUndueDelay => "without undue delay".to_owned(),
        }
    }
}
