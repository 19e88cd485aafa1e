//! What a notice operation refuses, with the place and the reason.

/// A refused template, recipient list or notice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    /// A template that does not parse, uses an unknown field or cannot be rendered.
    #[error("{name}:{line}:{column}: {reason}")]
    Template {
        /// The template's name.
        name: String,
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
        /// Why.
        reason: String,
    },
    /// An audience that is not one of [`crate::incident::AUDIENCES`].
    #[error("audience {0:?}: use one of affected_people, regulator, customer, other")]
    Audience(String),
    /// A recipient list with bad lines; nothing of it is imported.
    #[error("{}", .0.join("\n"))]
    Recipients(Vec<String>),
}
