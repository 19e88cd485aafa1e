//! Pages: the team called to an incident. A page starts at a step of the plan's escalation chain;
//! left unacknowledged past the step's window it escalates to the next step. Each page,
//! acknowledgement and escalation is a log entry; delivery (e-mail, webhooks) reads them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// A person a page goes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Recipient {
    /// The member id in the plan.
    pub member: String,
    /// Full name.
    pub name: String,
    /// Where the page is sent.
    pub email: String,
}

/// Payload of `incident.paged`: a new page at a step of the escalation chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Paged {
    /// The escalation step.
    pub step: String,
    /// Minutes the step waits for an acknowledgement.
    pub ack_within_minutes: u32,
    /// Who is paged.
    pub recipients: Vec<Recipient>,
    /// Why (the activation, or a person's request).
    pub reason: String,
}

/// Payload of `incident.page_acknowledged`; the actor is who acknowledged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct PageAcknowledged {
    /// The page (the seq of its `incident.paged` entry).
    pub page: u64,
}

/// Payload of `incident.page_escalated`: the page moved on to the next step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct PageEscalated {
    /// The page.
    pub page: u64,
    /// The step it moved to.
    pub step: String,
    /// Minutes that step waits.
    pub ack_within_minutes: u32,
    /// When the previous step's window ran out.
    pub at: Timestamp,
    /// Who is paged at the new step.
    pub recipients: Vec<Recipient>,
}

/// A page on an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Page {
    /// Its id: the seq of its `incident.paged` entry.
    pub id: u64,
    /// Why it was sent.
    pub reason: String,
    /// When it was first sent.
    pub paged_at: Timestamp,
    /// The step it is at.
    pub step: String,
    /// Since when it is at that step.
    pub step_since: Timestamp,
    /// Minutes that step waits.
    pub ack_within_minutes: u32,
    /// Who is paged at that step.
    pub recipients: Vec<Recipient>,
    /// Who acknowledged it, and when.
    pub acknowledged: Option<(String, Timestamp)>,
    /// The steps it went through before the current one, with when each was entered.
    pub history: Vec<(String, Timestamp)>,
}

impl Page {
    /// Whether it still waits for an acknowledgement.
    pub fn is_open(&self) -> bool {
        self.acknowledged.is_none()
    }
}

/// Checks a new page.
pub(super) fn check_paged(paged: &Paged) -> Result<(), DomainError> {
    if paged.recipients.is_empty() {
        return Err(DomainError::Missing {
            field: "page recipients",
        });
    }
    if paged.step.trim().is_empty() {
        return Err(DomainError::Missing {
            field: "escalation step",
        });
    }
    Ok(())
}

/// The open page with this id.
pub(super) fn open_page(pages: &[Page], id: u64) -> Result<&Page, DomainError> {
    let page = pages
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| DomainError::Unknown {
            what: "page",
            value: id.to_string(),
            allowed: pages.iter().map(|p| p.id.to_string()).collect(),
        })?;
    if page.is_open() {
        Ok(page)
    } else {
        Err(DomainError::Invalid {
            field: "page",
            value: id.to_string(),
            reason: "the page is already acknowledged",
        })
    }
}
