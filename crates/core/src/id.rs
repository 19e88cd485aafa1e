//! Identities of an incident: the UUIDv7 that never changes and the short human key (`INC-2026-0042`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The permanent identity of an incident: a UUID of version 7 (time-ordered).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(try_from = "Uuid", into = "Uuid")]
pub struct IncidentId(Uuid);

/// Why a value is not an incident id or key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The text is not a UUID at all.
    #[error("incident id {value:?} is not a UUID")]
    NotUuid {
        /// The rejected text.
        value: String,
    },
    /// A UUID of another version (incident ids are UUIDv7).
    #[error("incident id {value} is a UUID of version {version}; incident ids are UUIDv7")]
    WrongVersion {
        /// The rejected UUID.
        value: Uuid,
        /// Its version number.
        version: usize,
    },
    /// The text does not have the shape `INC-YYYY-NNNN`.
    #[error(
        "incident key {value:?} is not of the form INC-YYYY-NNNN (a 4-digit year, a number of 4 or more digits, at least 1)"
    )]
    BadKey {
        /// The rejected text.
        value: String,
    },
}

impl IncidentId {
    /// Mints a fresh id from the system clock and random bits.
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    /// Accepts `uuid` only if it is a version-7 UUID.
    pub fn from_uuid(uuid: Uuid) -> Result<Self, IdError> {
        match uuid.get_version_num() {
            7 => Ok(Self(uuid)),
            version => Err(IdError::WrongVersion {
                value: uuid,
                version,
            }),
        }
    }

    /// The underlying UUID.
    pub fn as_uuid(&self) -> &Uuid {
        &self.0
    }

    /// The 16 bytes of the UUID in network (big-endian) order, as hashed in the log.
    pub fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
    }
}

impl TryFrom<Uuid> for IncidentId {
    type Error = IdError;
    fn try_from(uuid: Uuid) -> Result<Self, IdError> {
        Self::from_uuid(uuid)
    }
}

impl From<IncidentId> for Uuid {
    fn from(id: IncidentId) -> Uuid {
        id.0
    }
}

impl FromStr for IncidentId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let uuid = Uuid::parse_str(s).map_err(|_| IdError::NotUuid {
            value: s.to_owned(),
        })?;
        Self::from_uuid(uuid)
    }
}

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// The short human key of an incident, unique per year: `INC-2026-0042`.
///
/// The number is printed with at least four digits and never with more leading zeros than that, so
/// parsing and printing round-trip: `INC-2026-00042` is refused rather than silently renamed.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    schemars::JsonSchema,
    Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct IncidentKey {
    year: u16,
    number: u32,
}

impl IncidentKey {
    /// The key for the `number`th incident (from 1) of `year` (1000–9999).
    pub fn new(year: u16, number: u32) -> Result<Self, IdError> {
        if !(1000..=9999).contains(&year) || number == 0 {
            return Err(IdError::BadKey {
                value: format!("INC-{year}-{number:04}"),
            });
        }
        Ok(Self { year, number })
    }

    /// The year part.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The number within the year, from 1.
    pub fn number(&self) -> u32 {
        self.number
    }
}

impl FromStr for IncidentKey {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let bad = || IdError::BadKey {
            value: s.to_owned(),
        };
        let rest = s.strip_prefix("INC-").ok_or_else(bad)?;
        let (year, number) = rest.split_once('-').ok_or_else(bad)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let canonical_width = number.len() == 4 || (number.len() > 4 && !number.starts_with('0'));
        if year.len() != 4 || !digits(year) || !digits(number) || !canonical_width {
            return Err(bad());
        }
        let year = year.parse().map_err(|_| bad())?;
        let number = number.parse().map_err(|_| bad())?;
        Self::new(year, number).map_err(|_| bad())
    }
}

impl fmt::Display for IncidentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "INC-{}-{:04}", self.year, self.number)
    }
}

impl TryFrom<String> for IncidentKey {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<IncidentKey> for String {
    fn from(key: IncidentKey) -> String {
        key.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_round_trips() {
        for text in ["INC-2026-0042", "INC-2026-0001", "INC-1999-12345"] {
            let key: IncidentKey = text.parse().unwrap();
            assert_eq!(key.to_string(), text);
        }
        assert_eq!("INC-2026-0042".parse::<IncidentKey>().unwrap().number(), 42);
    }

    #[test]
    fn malformed_keys_are_refused() {
        for text in [
            "INC-2026-0000",
            "INC-2026-042",
            "INC-2026-00042",
            "INC-26-0042",
            "inc-2026-0042",
            "INC-2026-",
            "INC-2026-+042",
            "INC-2026-99999999999",
            "INC-2026-0042 ",
        ] {
            assert!(text.parse::<IncidentKey>().is_err(), "{text} accepted");
        }
    }

    #[test]
    fn only_uuid_v7_is_an_incident_id() {
        let id = IncidentId::generate();
        assert_eq!(id.to_string().parse::<IncidentId>().unwrap(), id);
        let v4 = "9b2c1f1e-4d7a-4c1e-8f3a-2b1c0d9e8f7a";
        assert!(matches!(
            v4.parse::<IncidentId>(),
            Err(IdError::WrongVersion { version: 4, .. })
        ));
        assert!("not-a-uuid".parse::<IncidentId>().is_err());
    }
}
