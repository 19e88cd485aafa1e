//! `rampart notice send`: `rampart_respond::notices::send` (every gate checked under the write
//! lock, the sending recorded once, one e-mail per recipient queued under
//! `notice:INCIDENT:NOTICE:VERSION:N`), with what blocks it or what it queued on stderr. Run
//! again after a crash, it records nothing new and queues only the messages that are missing;
//! `rampart outbox deliver` sends them.

use rampart_respond::notices::{SendError, send};

use crate::cli::context::{Session, bad_input, read_settings, store_error};
use crate::cli::exit::Code;
use crate::cli::incident::report_entry;
use crate::cli::outbox::notify_error;

/// Sends notice `notice` of incident `key`.
pub(crate) fn run(session: &Session, key: &str, notice: u64) -> anyhow::Result<Code> {
    let settings = read_settings(session.store.config().data_dir())?.notices;
    let id = session.incident_id(key)?;
    let ctx = session.context()?;
    let clocks = crate::cli::clocks::config(session)?;
    let sent = match session.block_on(send(&session.store, &ctx, id, notice, &settings, &clocks)) {
        Ok(sent) => sent,
        Err(SendError::Blocked { gates, .. }) => {
            for b in &gates {
                eprintln!("blocked by {}: {}", b.gate, b.reason);
            }
            return Err(bad_input(format!("notice {notice} of {key} is not sent")));
        }
        Err(SendError::Store(e)) => return Err(store_error(e)),
        Err(SendError::Queue(e)) => return Err(notify_error(e)),
        Err(e) => return Err(bad_input(e.to_string())),
    };
    if let Some(appended) = &sent.recorded {
        report_entry(&appended.incident, &appended.entry);
    }
    eprintln!(
        "{key}: notice {notice} v{}: {} e-mail(s) queued, {} queued before{}",
        sent.version,
        sent.queued,
        sent.queued_before,
        if sent.other_channels > 0 {
            format!(", {} by letter, phone or in person", sent.other_channels)
        } else {
            String::new()
        }
    );
    Ok(Code::Ok)
}
