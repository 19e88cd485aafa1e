//! Notices of an incident, the same for the command line and the service: a draft checked and
//! built from a template and a recipient list ([`drafted`]), the current body rendered for one
//! recipient from the incident's record ([`render`]), and every gate that blocks sending it
//! ([`blocked`]), over the bodies as each recipient would receive them.

use rampart_core::Incident;
use rampart_core::incident::{Detail, Notice, NoticeDrafted, NoticeRecipient};

use crate::gates::{self, AmazonSignOff, Audience, Blocked, GateInput};
use crate::recipients::{self, Channel};
use crate::{NoticeError, NoticeSettings, pii, template};

/// The audiences a notice may have.
pub const AUDIENCES: [&str; 4] = ["affected_people", "regulator", "customer", "other"];

/// What a draft is made of, as typed or read from files.
#[derive(Clone, Debug)]
pub struct DraftInput<'a> {
    /// One of [`AUDIENCES`].
    pub audience: &'a str,
    /// The subject line.
    pub subject: &'a str,
    /// Where the template comes from (a file name, `form`), named in errors and recorded.
    pub template_name: &'a str,
    /// The template (minijinja).
    pub template: &'a str,
    /// Where the recipient list comes from, named in errors.
    pub recipients_name: &'a str,
    /// The recipients, CSV with the columns name, channel, email, phone, address.
    pub recipients: &'a str,
    /// The notice is sent on behalf of Amazon.
    pub on_behalf_of_amazon: bool,
}

/// The draft `input` describes: the audience known, the template checked (an unknown field is
/// refused with its place), every line of the recipient list valid.
pub fn drafted(input: &DraftInput<'_>) -> Result<NoticeDrafted, NoticeError> {
    if !AUDIENCES.contains(&input.audience) {
        return Err(NoticeError::Audience(input.audience.to_owned()));
    }
    template::check(input.template_name, input.template)?;
    let list = recipients::from_csv(input.recipients_name, input.recipients)?;
    let recipients = list
        .into_iter()
        .map(|r| NoticeRecipient {
            name: r.name,
            channel: Channel::ALL
                .iter()
                .find(|(_, c)| *c == r.channel)
                .map_or("email", |(n, _)| n)
                .to_owned(),
            email: r.email,
            phone: r.phone,
            address: r.address,
        })
        .collect();
    Ok(NoticeDrafted {
        audience: input.audience.to_owned(),
        subject: input.subject.to_owned(),
        body: input.template.to_owned(),
        template: Some(input.template_name.to_owned()),
        recipients,
        on_behalf_of_amazon: input.on_behalf_of_amazon,
    })
}

/// The gates that block notice `n` on `incident`, over the body rendered for each recipient;
/// `law_requires`: a regime in force requires a notice to its audience (then Amazon's review
/// stands in for its approval).
pub fn blocked(
    incident: &Incident,
    n: &Notice,
    settings: &NoticeSettings,
    law_requires: bool,
) -> Vec<Blocked> {
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
            reason: format!("version {} is not approved", n.version()),
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
        law_requires,
    }));
    out
}

/// The current body of `n` rendered for recipient `r`.
pub fn render(
    incident: &Incident,
    n: &Notice,
    r: &NoticeRecipient,
    settings: &NoticeSettings,
) -> Result<String, NoticeError> {
    let times = incident.times();
    let data: Vec<String> = incident
        .details()
        .iter()
        .filter_map(|d| match &d.detail {
            Detail::Data(data) => Some(data.categories.join(", ")),
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
