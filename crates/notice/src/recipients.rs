//! Recipient lists from CSV: a header line naming `name`, `channel` and the channel addresses
//! (`email`, `phone`, `address`), then one recipient per line. Every bad line is reported with its
//! line number and reason, and a list with any bad line is refused whole.

use serde::Serialize;

use crate::error::NoticeError;

/// How a notice reaches a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// E-mail over SMTP.
    Email,
    /// A printed letter, tracked as mailed.
    Letter,
    /// A phone call, recorded.
    Phone,
    /// In person, recorded.
    InPerson,
}

impl Channel {
    /// Every channel, by name.
    pub const ALL: [(&'static str, Channel); 4] = [
        ("email", Channel::Email),
        ("letter", Channel::Letter),
        ("phone", Channel::Phone),
        ("in_person", Channel::InPerson),
    ];

    /// The channel named `text`.
    pub fn parse(text: &str) -> Option<Channel> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == text.trim())
            .map(|(_, c)| *c)
    }
}

/// One recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recipient {
    /// The name.
    pub name: String,
    /// How the notice reaches them.
    pub channel: Channel,
    /// E-mail address (required for e-mail).
    pub email: Option<String>,
    /// Phone number (required for phone).
    pub phone: Option<String>,
    /// Postal address (required for letters and in person).
    pub address: Option<String>,
}

/// Reads a recipient list; `file` names it in errors.
pub fn from_csv(file: &str, text: &str) -> Result<Vec<Recipient>, NoticeError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| NoticeError::Recipients(vec![format!("{file}:1: {e}")]))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(name_at), Some(channel_at)) = (column("name"), column("channel")) else {
        return Err(NoticeError::Recipients(vec![format!(
            "{file}:1: the header must name the columns name and channel (and email, phone, address)"
        )]));
    };
    let (email_at, phone_at, address_at) = (column("email"), column("phone"), column("address"));
    let mut recipients = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i + 2, |p| usize::try_from(p.line()).unwrap_or(i + 2));
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("{file}:{line}: {e}"));
                continue;
            }
        };
        let field = |at: Option<usize>| {
            at.and_then(|a| record.get(a))
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let name = field(Some(name_at)).unwrap_or_default();
        let channel_text = field(Some(channel_at)).unwrap_or_default();
        let Some(channel) = Channel::parse(&channel_text) else {
            errors.push(format!(
                "{file}:{line}: unknown channel {channel_text:?}; use email, letter, phone or in_person"
            ));
            continue;
        };
        let r = Recipient {
            name,
            channel,
            email: field(email_at),
            phone: field(phone_at),
            address: field(address_at),
        };
        match problem(&r) {
            Some(why) => errors.push(format!("{file}:{line}: {why}")),
            None => recipients.push(r),
        }
    }
    if errors.is_empty() {
        Ok(recipients)
    } else {
        Err(NoticeError::Recipients(errors))
    }
}

/// What is wrong with a recipient, if anything.
pub fn problem(r: &Recipient) -> Option<String> {
    if r.name.trim().is_empty() {
        return Some("the name is empty".to_owned());
    }
    let (needed, have) = match r.channel {
        Channel::Email => ("an e-mail address", &r.email),
        Channel::Phone => ("a phone number", &r.phone),
        Channel::Letter | Channel::InPerson => ("a postal address", &r.address),
    };
    let Some(value) = have else {
        return Some(format!("{} has no {needed} for the chosen channel", r.name));
    };
    if r.channel == Channel::Email {
        let (local, domain) = value.split_once('@').unwrap_or(("", ""));
        if local.is_empty() || !domain.contains('.') || value.contains(char::is_whitespace) {
            return Some(format!("{value:?} is not an e-mail address"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_list_is_read() {
        let csv = "name,channel,email,phone,address\nAna,email,ana@example.org,,\nBo,letter,,,\"1 Main St, Springfield\"\n";
        let list = from_csv("people.csv", csv).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].address.as_deref(), Some("1 Main St, Springfield"));
    }

    #[test]
    fn every_bad_line_is_reported_and_nothing_is_taken() {
        let csv = "name,channel,email,phone\nAna,email,ana@example.org,\nBo,email,,\nCy,fax,,\nDi,email,di@example.org,,extra\nEd,phone,,\n";
        let NoticeError::Recipients(errors) = from_csv("people.csv", csv).unwrap_err() else {
            unreachable!()
        };
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(
            errors[0].starts_with("people.csv:3: Bo has no an e-mail address"),
            "{errors:?}"
        );
        assert!(errors[1].contains("people.csv:4: unknown channel \"fax\""));
        assert!(errors[2].starts_with("people.csv:5:"), "{errors:?}");
        assert!(errors[3].contains("people.csv:6: Ed has no a phone number"));
    }
}
