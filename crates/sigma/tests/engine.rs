//! Integration tests of the Sigma engine against the shared SigmaHQ data and own fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod engine {
    mod cloudtrail;
    pub(crate) mod common;
    mod correlation;
    mod differential;
    mod filters;
    mod loading;
    mod modifiers;
    mod regression;
}
