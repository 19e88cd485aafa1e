//! The regime file as written: the TOML shapes before validation. Closed vocabularies (triggers,
//! weekdays, observance) are enums, so an unknown name is refused by the parser with its line and
//! the names allowed.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rampart_core::incident::Region;
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::{Audience, Trigger};

/// A whole regime file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    /// The version of the file (a date or any label).
    pub(crate) catalog: Option<String>,
    #[serde(default)]
    pub(crate) calendars: BTreeMap<String, Spanned<RawCalendar>>,
    #[serde(default)]
    pub(crate) regimes: Vec<RawRegime>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCalendar {
    pub(crate) name: String,
    pub(crate) source: String,
    pub(crate) checked: Date,
    pub(crate) weekend: Vec<Day>,
    #[serde(default)]
    pub(crate) closed: Vec<Date>,
    #[serde(default)]
    pub(crate) holidays: Vec<RawHoliday>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHoliday {
    pub(crate) name: String,
    pub(crate) month: i8,
    pub(crate) day: Option<i8>,
    pub(crate) weekday: Option<Day>,
    pub(crate) nth: Option<i8>,
    pub(crate) observed: Option<Observed>,
}

/// A day of the week as written.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<Day> for jiff::civil::Weekday {
    fn from(d: Day) -> Self {
        use jiff::civil::Weekday as W;
        match d {
            Day::Monday => W::Monday,
            Day::Tuesday => W::Tuesday,
            Day::Wednesday => W::Wednesday,
            Day::Thursday => W::Thursday,
            Day::Friday => W::Friday,
            Day::Saturday => W::Saturday,
            Day::Sunday => W::Sunday,
        }
    }
}

/// When a fixed-date holiday on a weekend is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Observed {
    /// On the date itself.
    Actual,
    /// Saturday's on the Friday before, Sunday's on the Monday after.
    NearestWeekday,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegime {
    pub(crate) id: Spanned<String>,
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) source: String,
    pub(crate) checked: Date,
    pub(crate) jurisdiction: Option<Region>,
    #[serde(default)]
    pub(crate) triggers: Vec<Trigger>,
    pub(crate) zone: Option<Spanned<String>>,
    pub(crate) deadlines: Vec<RawDeadline>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDeadline {
    pub(crate) id: Spanned<String>,
    pub(crate) name: String,
    pub(crate) starts: String,
    pub(crate) hours: Option<i64>,
    pub(crate) days: Option<i32>,
    pub(crate) months: Option<i32>,
    pub(crate) business_days: Option<i32>,
    pub(crate) calendar: Option<String>,
    pub(crate) ends_at: Option<String>,
    #[serde(default)]
    pub(crate) without_undue_delay: bool,
    #[serde(default)]
    pub(crate) recipients: Vec<String>,
    pub(crate) audience: Option<Audience>,
    pub(crate) min_residents: Option<u64>,
    pub(crate) min_affected: Option<u64>,
    pub(crate) max_affected: Option<u64>,
    pub(crate) min_residents_in_a_region: Option<u64>,
}
