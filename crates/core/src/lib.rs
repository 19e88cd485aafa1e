//! The incident domain of Rampart: incidents, their lifecycle, the hash-chained log. No I/O.
//!
//! - [`id`]: [`IncidentId`] (UUIDv7) and [`IncidentKey`] (`INC-2026-0042`).
//! - [`incident`]: the [`Incident`] projection, its type, severity matrix, lifecycle, record of
//!   details, evidence and roles; the facts notification clocks start from and how each clock
//!   ended ([`incident::ClockFacts`], [`incident::ClockOutcome`]; the deadlines themselves are
//!   derived by `rampart-clock`); [`Command`]s decided into log entries, [`Action`]s applied from
//!   them.
//! - [`log`]: [`LogEntry`], [`EntryDraft`], [`seal`], the canonical encoding, both hash chains and
//!   their verification ([`verify_log`], [`LogVerifier`]).
//! - [`bundle`]: the export [`Bundle`] and [`verify_bundle`], which needs nothing but the bundle.
//! - [`time`], [`money`]: [`ZonedTime`] (instant + UTC offset) and [`Money`] (integer minor units).
//!
//! A change flows one way: `Incident::decide` (rules) → [`seal`] (hash chains) → the store appends
//! the entry → `Incident::apply` (projection). Nothing changes an incident except applying an entry.

#![forbid(unsafe_code)]

pub mod bundle;
pub mod error;
pub mod id;
pub mod incident;
pub mod log;
pub mod money;
mod named;
pub mod time;

pub use bundle::{Bundle, verify_bundle};
pub use error::{DomainError, ReplayError};
pub use id::{IdError, IncidentId, IncidentKey};
pub use incident::{Action, Command, Context, Incident, OpenIncident};
pub use log::{
    BreakKind, ChainBreak, ChainHead, Digest, EntryDraft, EntryHasher, EntryPosition, HashedEntry,
    LogEntry, LogVerifier, SealError, VerifySummary, seal, verify_log,
};
pub use money::{Currency, Money};
pub use time::ZonedTime;
