//! The store's conformance suite: one binary, every test run against SQLite and, when
//! `RAMPART_TEST_DATABASE_URL` names a server, against PostgreSQL (`RAMPART_REQUIRE_POSTGRES=1`
//! turns a missing server into a failure).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    unreachable_pub
)]

mod support;

mod accounts;
mod append;
mod durability;
mod evidence;
mod failures;
mod plan;
mod reading;
mod tamper;
