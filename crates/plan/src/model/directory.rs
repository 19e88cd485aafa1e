//! The contact directory: who outside the response team is called, and for what.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What kind of party a contact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// Someone inside the company who is told or consulted (management, IT, support).
    Internal,
    /// A law-enforcement agency.
    LawEnforcement,
    /// Amazon's security team.
    Amazon,
    /// Outside counsel.
    Counsel,
    /// The cyber insurer.
    Insurer,
    /// A regulator or government reporting point.
    Regulator,
    /// Anyone else (a vendor, an information-sharing group).
    Other,
}

impl ContactKind {
    /// The name used in the plan.
    pub fn name(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::LawEnforcement => "law_enforcement",
            Self::Amazon => "amazon",
            Self::Counsel => "counsel",
            Self::Insurer => "insurer",
            Self::Regulator => "regulator",
            Self::Other => "other",
        }
    }
}

/// One entry of the contact directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// What kind of party this is.
    pub kind: ContactKind,
    /// Name of the party.
    pub name: String,
    /// What the party handles, and so when to call it (required for law enforcement).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handles: Vec<String>,
    /// How to reach it when no address is fixed ("the local field office").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// E-mail addresses; a notice goes to every one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    /// Telephone numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    /// A web address (reporting form, portal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
