//! The e-mails a page calls for: one per paged member, put in the outbox under an idempotency key
//! naming the entry and the member, so a page is queued once however often delivery runs. The
//! e-mail links to the page's acknowledgement form in the web interface when the public address
//! is known, and always names the command that acknowledges it.

use rampart_core::incident::{Recipient, ResponseAction};
use rampart_core::{Action, Incident};
use rampart_notify::{Message, MessageId, Outbox};
use rampart_store::{Appended, Store};

use crate::RespondError;

/// One page e-mail put in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// The incident key.
    pub incident: String,
    /// The page number.
    pub page: u64,
    /// The escalation step paged.
    pub step: String,
    /// The recipient's address.
    pub to: String,
    /// The outbox message.
    pub message: MessageId,
}

/// Where a member acknowledges page `page` of `incident` in the web interface at `public_url`.
pub fn ack_link(public_url: &str, incident: &Incident, page: u64) -> String {
    format!(
        "{}/incidents/{}/pages/{page}/ack",
        public_url.trim_end_matches('/'),
        incident.key()
    )
}

/// One e-mail a page calls for.
#[derive(Debug, Clone)]
pub struct PageMail {
    /// The page number.
    pub page: u64,
    /// The escalation step paged.
    pub step: String,
    /// Who is paged.
    pub to: Recipient,
    /// The e-mail.
    pub message: Message,
}

/// The page e-mails an appended page or escalation entry calls for (none for other entries), with
/// the acknowledgement link when `public_url` is given.
pub fn messages(appended: &Appended, public_url: Option<&str>) -> Vec<PageMail> {
    let (page, step, minutes, recipients) = match Action::from_entry(&appended.entry) {
        Ok(Action::Response(ResponseAction::Paged(p))) => (
            appended.entry.seq,
            p.step,
            p.ack_within_minutes,
            p.recipients,
        ),
        Ok(Action::Response(ResponseAction::PageEscalated(e))) => {
            (e.page, e.step, e.ack_within_minutes, e.recipients)
        }
        _ => return Vec::new(),
    };
    let incident = &appended.incident;
    let title: String = incident
        .title()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let subject = format!(
        "[Rampart] Page: {} {title} (acknowledge within {minutes} min)",
        incident.key()
    );
    let link = public_url
        .map(|url| {
            format!(
                "    {}\n\nor from the command line:\n\n",
                ack_link(url, incident, page)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "You are paged for incident {key}: {title}\n\n\
         Type: {kind}. Severity: {severity}. State: {state}.\n\
         Escalation step: {step}.\n\n\
         Acknowledge within {minutes} minutes, or the page escalates to the next step:\n\n\
         {link}    rampart page ack {key} {page}\n",
        key = incident.key(),
        kind = incident.incident_type(),
        severity = incident.severity().map_or("not assessed", |s| s.name()),
        state = incident.state(),
    );
    recipients
        .into_iter()
        .map(|r| {
            let key = format!("page:{}:{}:{}", incident.id(), appended.entry.seq, r.member);
            let message = Message::email(
                [format!("{} <{}>", r.name, r.email)],
                subject.clone(),
                body.clone(),
                key,
            )
            .for_incident(incident.id());
            PageMail {
                page,
                step: step.clone(),
                to: r,
                message,
            }
        })
        .collect()
}

/// Puts the page e-mails of every page and escalation in `appended` in the outbox, where the
/// dispatcher picks them up (each delivery attempt is then logged on the incident).
pub async fn deliver(
    store: &Store,
    appended: &[Appended],
    public_url: Option<&str>,
) -> Result<Vec<Queued>, RespondError> {
    let mut queued = Vec::new();
    for a in appended {
        for mail in messages(a, public_url) {
            let id = Outbox::enqueue(store, mail.message)
                .await
                .map_err(|source| RespondError::Queue {
                    to: mail.to.email.clone(),
                    source: Box::new(source),
                })?;
            queued.push(Queued {
                incident: a.incident.key().to_string(),
                page: mail.page,
                step: mail.step,
                to: mail.to.email,
                message: id,
            });
        }
    }
    Ok(queued)
}
