//! One module per verb, plus what they share: the store session, output and exit codes.

pub(crate) mod amazon;
pub(crate) mod clocks;
pub(crate) mod context;
pub(crate) mod evidence;
pub(crate) mod exit;
pub(crate) mod export;
pub(crate) mod hunt;
pub(crate) mod incident;
pub(crate) mod init;
pub(crate) mod notice;
pub(crate) mod notify;
pub(crate) mod outbox;
pub(crate) mod output;
pub(crate) mod page;
pub(crate) mod plan;
pub(crate) mod register;
pub(crate) mod remote;
pub(crate) mod respond;
pub(crate) mod serve;
pub(crate) mod task;
pub(crate) mod training;
pub(crate) mod verify;
