//! Real servers for Rampart's tests, started on loopback and stopped when dropped; shared by the
//! test suites of several crates so that each does not grow its own copy. Only a dev-dependency:
//! nothing here is shipped in the binary.
//!
//! Test support fails loudly: a server that cannot start is a broken test run, so these helpers
//! panic with the reason instead of returning errors to every caller.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used)]

pub mod smtp;
pub mod stores;
