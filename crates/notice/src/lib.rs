//! Notices for Rampart: what an incident tells people, regulators, customers and Amazon, and the
//! rules checked before anything is sent. No I/O (the notice's date is today's): the incident's log records notices
//! (`rampart-core`), the outbox delivers them (`rampart-notify`).
//!
//! - [`template`]: minijinja templates over a fixed set of fields, checked when saved (an unknown
//!   field is refused with its line and column) and rendered strictly.
//! - [`pii`]: the personal-data check on every body (SSNs, card numbers with Luhn, IBANs and
//!   account numbers, dates of birth, e-mail addresses and phone numbers not the recipient's).
//! - [`gates`]: the law-enforcement hold, Amazon's approval, notices on Amazon's behalf, and the
//!   personal-data check, each blocking with the reason and what would open it.
//! - [`recipients`]: recipient lists from CSV, every bad line reported, nothing taken from a list
//!   with one.
//! - [`incident`]: a notice of an incident drafted, rendered for a recipient and checked against
//!   every gate, the same for the command line and the service.
//! - [`NoticeSettings`]: `[notices]` of `rampart.toml`, the company's name and contact points.

#![forbid(unsafe_code)]

mod error;
pub mod gates;
pub mod incident;
pub mod pii;
pub mod recipients;
mod settings;
pub mod template;

pub use error::NoticeError;
pub use settings::NoticeSettings;
