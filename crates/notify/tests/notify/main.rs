//! The outbox against real parts: SQLite and PostgreSQL stores, a real SMTP server (aiosmtpd on
//! loopback, with STARTTLS or TLS on a certificate made for the test), a real HTTP receiver
//! (axum on loopback) that checks webhook signatures, and a dispatcher killed with `kill -9`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    unreachable_pub
)]

mod support;

mod enqueue;
mod restart;
mod smtp;
mod webhook;
