//! `[notices]` in `rampart.toml`: what templates may say about the company.

use serde::Deserialize;

/// `[notices]` in `rampart.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeSettings {
    /// The company's name (`company.name`).
    #[serde(default)]
    pub company: String,
    /// How people reach the company (`company.contact`).
    #[serde(default)]
    pub contact: String,
    /// The company's addresses and phone numbers a notice may show (they pass the personal-data
    /// check).
    #[serde(default)]
    pub contact_points: Vec<String>,
}
