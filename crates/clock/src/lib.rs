//! Notification regimes as versioned data, and the clocks they start on incidents. No I/O: text
//! and incidents in, deadlines out.
//!
//! - [`Catalog`]: every known [`Regime`] (Amazon, GDPR, NIS2, HIPAA, SEC, FTC, U.S. states) and
//!   business-day [`Calendar`], read from TOML ([`Catalog::builtin`] embeds
//!   `regimes/default.toml`; [`Catalog::extend_with`] lays a company's own file over it).
//! - [`Config`]: the regimes a company enabled and its time zone ([`Settings`] is the
//!   `[clocks]` table of `rampart.toml`). [`Config::evaluate`] turns an incident's facts into
//!   [`Clock`]s (and [`Pending`] deadlines still waiting for a fact).
//! - [`Period`]: how a deadline is counted: elapsed hours, calendar days or months in a time zone
//!   (so a deadline across a daylight-saving change keeps its wall-clock time), business days on a
//!   holiday calendar, or "without undue delay".
//! - [`Threshold`]: 50 %, 75 %, 90 % and overdue, computed from the start, the due time and a
//!   given "now" ([`threshold::reached`], [`threshold::crossed`] for reminders).
//!
//! The incident records facts and outcomes only (`rampart-core`: residents per region, legal
//! process, materiality, `clock.met`, `clock.missed`); deadlines are derived here on every read,
//! so a changed timestamp or a corrected regime file moves every clock at once, and replaying a
//! log never depends on configuration.

#![forbid(unsafe_code)]

mod calendar;
mod catalog;
mod clocks;
mod error;
pub mod moves;
mod period;
mod raw;
mod settings;
pub mod threshold;
pub mod view;

pub use calendar::{Calendar, Holiday};
pub use catalog::{
    Audience, Catalog, DEFAULT_REGIMES_TOML, Deadline, Fact, Regime, Start, Trigger, When,
};
pub use clocks::{Clock, Evaluation, Pending, Status};
pub use error::RegimeError;
pub use period::Period;
pub use settings::{Config, DEFAULT_ENABLED, Settings};
pub use threshold::Threshold;
