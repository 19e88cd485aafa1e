//! Exit codes, documented in `docs/cli.md`:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | bad input: a malformed argument, file or value |
//! | 2 | not found: the named incident, evidence or file does not exist |
//! | 3 | verification failed: the log or a bundle does not verify |
//! | 4 | store unavailable: the database cannot be opened or written |
//! | 5 | internal error |

use std::process::ExitCode;

/// A failure that carries its exit code; any other error exits with [`Code::Internal`].
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct Failure {
    pub(crate) code: Code,
    pub(crate) message: String,
}

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Code {
    Ok = 0,
    BadInput = 1,
    NotFound = 2,
    VerificationFailed = 3,
    StoreUnavailable = 4,
    Internal = 5,
}

impl Failure {
    /// A failure with the given code and message.
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Print the error with its whole cause chain on stderr and turn it into an exit code.
pub(crate) fn report(result: anyhow::Result<Code>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            let code = err
                .chain()
                .find_map(|cause| cause.downcast_ref::<Failure>().map(|f| f.code))
                .unwrap_or(Code::Internal);
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(code as u8)
        }
    }
}
