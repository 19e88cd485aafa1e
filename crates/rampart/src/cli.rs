//! One module per verb, plus what they share: the store session, output and exit codes.

pub(crate) mod context;
pub(crate) mod evidence;
pub(crate) mod exit;
pub(crate) mod export;
pub(crate) mod hunt;
pub(crate) mod incident;
pub(crate) mod init;
pub(crate) mod output;
pub(crate) mod plan;
pub(crate) mod serve;
pub(crate) mod verify;
