//! Sending a notice, the same for `rampart notice send` and the incident page: every gate checked
//! against the incident as it stands under the write lock, the sending recorded once
//! (`notice.sending` for the current version), then one e-mail per recipient queued under
//! `notice:INCIDENT:NOTICE:VERSION:N`. Sent again after a crash, it records nothing new and queues
//! only the messages that are missing; the outbox delivers each message once.

use std::sync::Mutex;

use rampart_clock::Config;
use rampart_core::incident::{NoticeAction, NoticeVersion};
use rampart_core::{Command, Context, DomainError, Incident, IncidentId};
use rampart_notice::gates::Blocked;
use rampart_notice::incident::{blocked, render};
use rampart_notice::{NoticeError, NoticeSettings};
use rampart_notify::{Message, NotifyError, Outbox};
use rampart_store::{Appended, Store, StoreError};

/// Why a notice was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The incident has no notice with this id.
    #[error("no notice of this incident has the id {0}")]
    NoNotice(u64),
    /// Gates block it; nothing was recorded or queued.
    #[error("notice {notice} is not sent: {}", blocked_list(.gates))]
    Blocked {
        /// The notice.
        notice: u64,
        /// Every gate that blocks, with what would open it.
        gates: Vec<Blocked>,
    },
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A body could not be rendered.
    #[error(transparent)]
    Render(#[from] NoticeError),
    /// A message could not be put in the outbox.
    #[error("cannot queue the notice: {0}")]
    Queue(#[from] NotifyError),
}

fn blocked_list(gates: &[Blocked]) -> String {
    let each: Vec<String> = gates
        .iter()
        .map(|b| format!("blocked by {}: {}", b.gate, b.reason))
        .collect();
    each.join("; ")
}

/// What sending did.
#[derive(Debug)]
pub struct Sent {
    /// The `notice.sending` entry, unless an earlier run recorded it.
    pub recorded: Option<Appended>,
    /// The version sent.
    pub version: u32,
    /// E-mails queued now.
    pub queued: usize,
    /// E-mails queued by an earlier run.
    pub queued_before: usize,
    /// Recipients reached by letter, phone or in person (recorded one by one).
    pub other_channels: usize,
}

/// Sends notice `notice` of incident `id`, deciding as `ctx`, with the regimes in force `clocks`
/// (Amazon's review of a notice counts where one of them requires it).
pub async fn send(
    store: &Store,
    ctx: &Context<'_>,
    id: IncidentId,
    notice: u64,
    settings: &NoticeSettings,
    clocks: &Config,
) -> Result<Sent, SendError> {
    let found = store.incident(id).await?;
    let resumed = found.notices().iter().any(|n| n.id == notice && n.sent());
    let mut recorded = None;
    if !resumed {
        let gates: Mutex<Vec<Blocked>> = Mutex::new(Vec::new());
        let appended = store
            .append(id, |incident: &Incident| {
                let n = incident.notices().iter().find(|n| n.id == notice);
                let n = n.ok_or(DomainError::Invalid {
                    field: "notice",
                    value: notice.to_string(),
                    reason: "no notice of this incident has this id",
                })?;
                let required = clocks
                    .evaluate(incident)
                    .is_ok_and(|e| e.requires_notice_to(&n.draft.audience));
                let found = blocked(incident, n, settings, required);
                let is_blocked = !found.is_empty();
                // The decision may run again (see `Store::append`): the last one's gates count.
                if let Ok(mut slot) = gates.lock() {
                    *slot = found;
                }
                if is_blocked {
                    return Err(DomainError::Invalid {
                        field: "notice",
                        value: notice.to_string(),
                        reason: "a gate blocks sending",
                    });
                }
                let v = NoticeVersion {
                    notice,
                    version: n.version(),
                    reason: None,
                };
                let action = NoticeAction::version("notice.sending", v)
                    .ok_or(DomainError::NothingToChange)?;
                incident.decide(ctx, Command::Notice(action), String::new())
            })
            .await;
        let gates = gates.into_inner().unwrap_or_default();
        if !gates.is_empty() {
            return Err(SendError::Blocked { notice, gates });
        }
        recorded = Some(appended?);
    }
    let incident = store.incident(id).await?;
    let n = incident
        .notices()
        .iter()
        .find(|n| n.id == notice)
        .ok_or(SendError::NoNotice(notice))?;
    let mut sent = Sent {
        recorded,
        version: n.version(),
        queued: 0,
        queued_before: 0,
        other_channels: 0,
    };
    for (i, r) in n.draft.recipients.iter().enumerate() {
        let Some(email) = r.email.as_ref().filter(|_| r.channel == "email") else {
            sent.other_channels += 1;
            continue;
        };
        let body = render(&incident, n, r, settings)?;
        let idempotency = format!("notice:{}:{}:{}:{i}", incident.id(), n.id, n.version());
        let message = Message::email([email.clone()], n.draft.subject.clone(), body, idempotency)
            .for_incident(incident.id());
        let (_, added) = Outbox::enqueue_checked(store, message).await?;
        if added {
            sent.queued += 1;
        } else {
            sent.queued_before += 1;
        }
    }
    Ok(sent)
}
