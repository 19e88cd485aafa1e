//! The web service's tests, one binary: accounts, incidents, the route × role table (through the
//! router, no socket) and the service on a real socket. Each runs against SQLite and, when
//! `RAMPART_TEST_DATABASE_URL` names a server, PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    unreachable_pub
)]

mod support;

mod accounts;
mod browser;
mod browser_review;
mod clocks;
mod incidents;
mod notices;
mod pages;
mod plan;
mod reviews;
mod routes;
mod server;
mod templates;
