//! What can go wrong in the outbox itself. A failed delivery is not an error here: it is an
//! attempt's outcome, recorded and retried.

use rampart_store::StoreError;
use rampart_store::outbox::MessageState;

use crate::message::MessageId;

/// An error from the outbox or the dispatcher.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// A message cannot be enqueued as given.
    #[error("message {field}: {reason}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The delivery configuration cannot be used.
    #[error("notify configuration, {place}: {reason}")]
    Config {
        /// Where (`[notify.smtp] host`, `RAMPART_SMTP_PASSWORD`, …).
        place: String,
        /// What is wrong.
        reason: String,
    },
    /// No message with this id.
    #[error("message {0} not found in the outbox")]
    MessageNotFound(MessageId),
    /// The message is not in a state that can be retried.
    #[error("message {id} is {}; only a pending or failed message can be retried", state.name())]
    NotRetryable {
        /// The message.
        id: MessageId,
        /// Its state.
        state: MessageState,
    },
    /// A test delivery did not go through.
    #[error("test delivery failed: {detail}")]
    TestFailed {
        /// The server's answer or the error.
        detail: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl NotifyError {
    /// A configuration error at `place`.
    pub(crate) fn config(place: impl Into<String>, reason: impl Into<String>) -> Self {
        NotifyError::Config {
            place: place.into(),
            reason: reason.into(),
        }
    }

    /// An invalid message field.
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        NotifyError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
