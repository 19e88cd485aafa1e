//! The incident type: the built-in list of SPEC §3 plus types named in configuration.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::named::normalize;

/// What kind of incident this is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum IncidentType {
    /// Access to a system or data without authorization.
    UnauthorizedAccess,
    /// Data disclosed to or taken by someone not entitled to it.
    DataBreach,
    /// Malware or ransomware.
    Malware,
    /// Credentials known or suspected to be in other hands.
    CredentialCompromise,
    /// A service made unavailable on purpose.
    DenialOfService,
    /// A device lost or stolen.
    LostOrStolenDevice,
    /// Misuse by someone with legitimate access.
    InsiderMisuse,
    /// A subpoena, warrant or other legal demand for data.
    LegalProcessRequest,
    /// None of the above.
    Other,
    /// A type added by configuration (its name follows the same rules as the built-in names).
    Custom(String),
}

impl IncidentType {
    /// The built-in types, in the order they are offered.
    pub const BUILT_IN: [IncidentType; 9] = [
        Self::UnauthorizedAccess,
        Self::DataBreach,
        Self::Malware,
        Self::CredentialCompromise,
        Self::DenialOfService,
        Self::LostOrStolenDevice,
        Self::InsiderMisuse,
        Self::LegalProcessRequest,
        Self::Other,
    ];

    /// The stable name used in commands, payloads and storage.
    pub fn name(&self) -> &str {
        match self {
            Self::UnauthorizedAccess => "unauthorized_access",
            Self::DataBreach => "data_breach",
            Self::Malware => "malware",
            Self::CredentialCompromise => "credential_compromise",
            Self::DenialOfService => "denial_of_service",
            Self::LostOrStolenDevice => "lost_or_stolen_device",
            Self::InsiderMisuse => "insider_misuse",
            Self::LegalProcessRequest => "legal_process_request",
            Self::Other => "other",
            Self::Custom(name) => name,
        }
    }

    /// The built-in type of this name, or a custom type if `name` is well formed.
    fn from_name(name: &str) -> Result<Self, DomainError> {
        if let Some(built_in) = Self::BUILT_IN.iter().find(|t| t.name() == name) {
            return Ok(built_in.clone());
        }
        if is_type_name(name) {
            Ok(Self::Custom(name.to_owned()))
        } else {
            Err(DomainError::BadTypeName {
                value: name.to_owned(),
            })
        }
    }
}

impl fmt::Display for IncidentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl TryFrom<String> for IncidentType {
    type Error = DomainError;
    fn try_from(name: String) -> Result<Self, DomainError> {
        Self::from_name(&name)
    }
}

impl From<IncidentType> for String {
    fn from(t: IncidentType) -> String {
        t.name().to_owned()
    }
}

/// 1 to 48 bytes of `a-z`, `0-9`, `_`, starting with a letter.
fn is_type_name(name: &str) -> bool {
    (1..=48).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Other spellings accepted for built-in types (the SPEC writes "malware/ransomware").
const ALIASES: [(&str, IncidentType); 2] = [
    ("ransomware", IncidentType::Malware),
    ("malware_ransomware", IncidentType::Malware),
];

/// The incident types a deployment accepts: the built-in ones plus those its configuration adds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypeCatalog {
    custom: Vec<IncidentType>,
}

impl TypeCatalog {
    /// The built-in types plus `extra` (names as written in configuration).
    pub fn with_custom<S: AsRef<str>>(extra: &[S]) -> Result<Self, DomainError> {
        let mut custom: Vec<IncidentType> = Vec::new();
        for name in extra {
            let t = IncidentType::from_name(&normalize(name.as_ref()))?;
            if !IncidentType::BUILT_IN.contains(&t) && !custom.contains(&t) {
                custom.push(t);
            }
        }
        Ok(Self { custom })
    }

    /// All accepted types: built-in first, then configured.
    pub fn types(&self) -> impl Iterator<Item = &IncidentType> {
        IncidentType::BUILT_IN.iter().chain(&self.custom)
    }

    /// The accepted type named by `text`, or an error naming every accepted type.
    pub fn parse(&self, text: &str) -> Result<IncidentType, DomainError> {
        let name = normalize(text);
        self.types()
            .find(|t| t.name() == name)
            .cloned()
            .or_else(|| {
                ALIASES
                    .iter()
                    .find(|(alias, _)| *alias == name)
                    .map(|(_, t)| t.clone())
            })
            .ok_or_else(|| DomainError::Unknown {
                what: "incident type",
                value: text.to_owned(),
                allowed: self.types().map(|t| t.name().to_owned()).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_types_parse_in_user_spelling() {
        let catalog = TypeCatalog::default();
        assert_eq!(
            catalog.parse("Data Breach").unwrap(),
            IncidentType::DataBreach
        );
        assert_eq!(
            catalog.parse("lost-or-stolen-device").unwrap(),
            IncidentType::LostOrStolenDevice
        );
        assert_eq!(catalog.parse("ransomware").unwrap(), IncidentType::Malware);
        assert_eq!(
            catalog.parse("Malware/Ransomware").unwrap(),
            IncidentType::Malware
        );
    }

    #[test]
    fn unknown_type_error_names_the_allowed_ones() {
        let catalog = TypeCatalog::with_custom(&["Payment Fraud"]).unwrap();
        assert_eq!(
            catalog.parse("payment fraud").unwrap(),
            IncidentType::Custom("payment_fraud".into())
        );
        let err = TypeCatalog::default().parse("payment fraud").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("payment fraud"), "{message}");
        assert!(message.contains("unauthorized_access") && message.contains("other"));
        assert!(TypeCatalog::with_custom(&["9 lives"]).is_err());
    }

    #[test]
    fn stored_custom_types_read_back_without_configuration() {
        let t: IncidentType = serde_json::from_str("\"payment_fraud\"").unwrap();
        assert_eq!(t, IncidentType::Custom("payment_fraud".into()));
        assert_eq!(
            serde_json::to_string(&IncidentType::Malware).unwrap(),
            "\"malware\""
        );
    }
}
