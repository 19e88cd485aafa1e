//! `rampart notice send`: every gate checked against the incident as it stands under the write
//! lock, the sending recorded once (`notice.sending` for the current version), then one e-mail per
//! recipient queued under `notice:INCIDENT:NOTICE:VERSION:N`. Run again after a crash, it records
//! nothing new and queues only the messages that are missing; `rampart outbox deliver` sends them.

use std::sync::Mutex;

use rampart_core::incident::{Notice, NoticeAction, NoticeVersion};
use rampart_core::{Command, DomainError, Incident};
use rampart_notice::gates::{self, AmazonSignOff, Audience, Blocked, GateInput};
use rampart_notice::{NoticeSettings, pii, template};
use rampart_notify::{Message, Outbox};

use crate::cli::context::{Session, bad_input, read_settings};
use crate::cli::exit::Code;
use crate::cli::incident::report_entry;
use crate::cli::outbox::notify_error;

/// Sends notice `notice` of incident `key`.
pub(crate) fn run(session: &Session, key: &str, notice: u64) -> anyhow::Result<Code> {
    let settings = read_settings(session.store.config().data_dir())?.notices;
    let id = session.incident_id(key)?;
    let ctx = session.context()?;
    let blocked: Mutex<Vec<Blocked>> = Mutex::new(Vec::new());
    let found = session.run(session.store.incident(id))?;
    let resumed = found.notices().iter().any(|n| n.id == notice && n.sent());
    if !resumed {
        let appended = session.run(session.store.append(id, |incident: &Incident| {
            let n = incident.notices().iter().find(|n| n.id == notice);
            let n = n.ok_or(DomainError::Invalid {
                field: "notice",
                value: notice.to_string(),
                reason: "no notice of this incident has this id (see `rampart notice list`)",
            })?;
            let found = gate(incident, n, &settings);
            if !found.is_empty() {
                if let Ok(mut slot) = blocked.lock() {
                    *slot = found;
                }
                return Err(DomainError::Invalid {
                    field: "notice",
                    value: notice.to_string(),
                    reason: "a gate blocks sending (listed above)",
                });
            }
            let v = NoticeVersion {
                notice,
                version: n.version(),
                reason: None,
            };
            let action =
                NoticeAction::version("notice.sending", v).ok_or(DomainError::NothingToChange)?;
            incident.decide(&ctx, Command::Notice(action), String::new())
        }));
        if let Ok(found) = blocked.lock()
            && !found.is_empty()
        {
            for b in found.iter() {
                eprintln!("blocked by {}: {}", b.gate, b.reason);
            }
            return Err(bad_input(format!("notice {notice} of {key} is not sent")));
        }
        let appended = appended?;
        report_entry(&appended.incident, &appended.entry);
    }
    let incident = session.run(session.store.incident(id))?;
    let n = incident
        .notices()
        .iter()
        .find(|n| n.id == notice)
        .ok_or_else(|| bad_input(format!("no notice {notice}")))?;
    let (mut new, mut known, mut other) = (0, 0, 0);
    for (i, r) in n.draft.recipients.iter().enumerate() {
        let Some(email) = r.email.as_ref().filter(|_| r.channel == "email") else {
            other += 1;
            continue;
        };
        let body = render(&incident, n, r, &settings)?;
        let idempotency = format!("notice:{}:{}:{}:{i}", incident.id(), n.id, n.version());
        let message = Message::email([email.clone()], n.draft.subject.clone(), body, idempotency)
            .for_incident(incident.id());
        let (_, added) = session
            .block_on(Outbox::enqueue_checked(&session.store, message))
            .map_err(notify_error)?;
        if added { new += 1 } else { known += 1 }
    }
    eprintln!(
        "{key}: notice {notice} v{}: {new} e-mail(s) queued, {known} queued before{}",
        n.version(),
        if other > 0 {
            format!(", {other} by letter, phone or in person")
        } else {
            String::new()
        }
    );
    Ok(Code::Ok)
}

/// The gates that block notice `n` on `incident`, over the body rendered for each recipient.
fn gate(incident: &Incident, n: &Notice, settings: &NoticeSettings) -> Vec<Blocked> {
    let holds: Vec<u64> = incident
        .registers()
        .active_holds()
        .map(|h| h.request.id)
        .collect();
    let mut findings = Vec::new();
    let mut out = Vec::new();
    for r in &n.draft.recipients {
        match render(incident, n, r, settings) {
            Ok(body) => {
                let mut allowed: Vec<&str> =
                    settings.contact_points.iter().map(String::as_str).collect();
                allowed.extend(r.email.as_deref());
                allowed.extend(r.phone.as_deref());
                findings.extend(pii::scan(&body, &allowed));
            }
            Err(e) => out.push(Blocked {
                gate: "template",
                reason: e.to_string(),
            }),
        }
    }
    if !n.has("notice.approved") {
        out.push(Blocked {
            gate: "approval",
            reason: format!(
                "version {} is not approved (rampart notice approve)",
                n.version()
            ),
        });
    }
    let audience = match n.draft.audience.as_str() {
        "affected_people" => Audience::AffectedPeople,
        "regulator" => Audience::Regulator,
        "customer" => Audience::Customer,
        _ => Audience::Other,
    };
    let amazon = if n.has("notice.amazon_approved") {
        AmazonSignOff::Approved
    } else if n.has("notice.amazon_reviewed") {
        AmazonSignOff::Reviewed
    } else {
        AmazonSignOff::None
    };
    out.extend(gates::blocked(&GateInput {
        audience,
        amazon_information: incident.amazon_information(),
        on_behalf_of_amazon: n.draft.on_behalf_of_amazon,
        amazon_written_request: n.amazon_request.is_some(),
        holds: &holds,
        amazon,
        findings: &findings,
        pii_override: n.reason("notice.pii_overridden"),
    }));
    out
}

/// The current body of `n` rendered for recipient `r`.
pub(super) fn render(
    incident: &Incident,
    n: &Notice,
    r: &rampart_core::incident::NoticeRecipient,
    settings: &NoticeSettings,
) -> Result<String, rampart_notice::NoticeError> {
    let times = incident.times();
    let data: Vec<String> = incident
        .details()
        .iter()
        .filter_map(|d| match &d.detail {
            rampart_core::incident::Detail::Data(data) => Some(data.categories.join(", ")),
            _ => None,
        })
        .collect();
    let pairs = [
        ("incident.key", incident.key().to_string()),
        ("incident.title", incident.title().to_owned()),
        ("incident.summary", incident.summary().to_owned()),
        ("incident.type", incident.incident_type().to_string()),
        (
            "incident.occurred",
            times.occurred.map_or_else(String::new, |t| t.to_string()),
        ),
        ("incident.detected", times.detected.to_string()),
        ("incident.data", data.join("; ")),
        ("recipient.name", r.name.clone()),
        ("recipient.email", r.email.clone().unwrap_or_default()),
        ("recipient.phone", r.phone.clone().unwrap_or_default()),
        ("recipient.address", r.address.clone().unwrap_or_default()),
        ("company.name", settings.company.clone()),
        ("company.contact", settings.contact.clone()),
        ("notice.date", jiff::Zoned::now().date().to_string()),
    ];
    let values = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let name = n
        .draft
        .template
        .clone()
        .unwrap_or_else(|| format!("notice {}", n.id));
    template::render(&name, n.body(), &values)
}
