//! The incident page's view of what was sent about the incident: each outbox message (pages,
//! reminders, notices, the Amazon report) with its delivery state as the dispatcher left it, so
//! a relay that is down shows as *pending* with its last error, never as sent. Addresses are not
//! shown: the count of recipients is enough to follow a delivery.

use rampart_core::Incident;
use rampart_store::outbox::{MessageState, OutboxFilter};

use crate::app::App;
use crate::ui::UiError;

/// The newest messages shown on the page.
const SHOWN: u32 = 50;

/// One line per message of `incident`, newest first.
pub(crate) async fn delivery_lines(app: &App, incident: &Incident) -> Result<Vec<String>, UiError> {
    let filter = OutboxFilter {
        incident: Some(incident.id()),
        limit: Some(SHOWN),
        ..OutboxFilter::default()
    };
    let messages = app.store().outbox_list(&filter).await?;
    Ok(messages
        .iter()
        .map(|m| {
            let state = match m.state {
                MessageState::Pending if m.attempts == 0 => "pending".to_owned(),
                MessageState::Pending => format!(
                    "pending, retrying (attempt {} of {})",
                    m.attempts, m.max_attempts
                ),
                MessageState::Sending => "sending".to_owned(),
                MessageState::Sent => "sent".to_owned(),
                MessageState::Failed => format!("failed after {} attempt(s)", m.attempts),
            };
            let error = m
                .last_error
                .as_deref()
                .filter(|_| m.state != MessageState::Sent)
                .map(|e| format!("; last error: {e}"))
                .unwrap_or_default();
            format!(
                "{state}: {} ({} by {}, {} recipient(s)){error}",
                m.subject,
                m.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                m.channel,
                m.recipients.len()
            )
        })
        .collect())
}
