//! [`RegimeError`]: a regime file, a setting or a computation that cannot be used, saying where
//! and why.

/// A regime file or clock setting refused, or a deadline that cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegimeError {
    /// A regime file that does not parse or breaks a rule.
    #[error("{origin}:{line}: {message}")]
    File {
        /// Which file (`built-in regimes` or a path).
        origin: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A `[clocks]` setting that cannot be used.
    #[error("clocks setting {setting} = {value:?}: {reason}")]
    Setting {
        /// Which setting.
        setting: &'static str,
        /// The value given.
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// A due time outside the representable range.
    #[error("clock {clock}: cannot compute the due time: {message}")]
    Arithmetic {
        /// The clock.
        clock: String,
        /// Why.
        message: String,
    },
}
