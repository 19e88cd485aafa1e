//! The record of details (seed 000 step 3): what was hit, who was compromised, what it cost.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, require_text};
use crate::money::Money;

/// One item of the record of details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(tag = "category", rename_all = "snake_case")]
pub enum Detail {
    /// An affected system (asset).
    System(AffectedSystem),
    /// A compromised account.
    Account(CompromisedAccount),
    /// A disrupted service.
    Service(DisruptedService),
    /// Data affected.
    Data(DataAffected),
    /// An affected network.
    Network(AffectedNetwork),
    /// Damage done.
    Damage(Damage),
}

/// An affected system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct AffectedSystem {
    /// Host name, asset tag or cloud resource id.
    pub name: String,
    /// How it is affected.
    #[serde(default)]
    pub description: String,
}

/// A compromised account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct CompromisedAccount {
    /// The account name or id.
    pub account: String,
    /// Where the account lives (directory, application, AWS account), if known.
    #[serde(default)]
    pub system: Option<String>,
    /// What was done with it.
    #[serde(default)]
    pub description: String,
}

/// A disrupted service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct DisruptedService {
    /// The service name.
    pub service: String,
    /// How it is disrupted.
    #[serde(default)]
    pub description: String,
}

/// Data affected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct DataAffected {
    /// Categories of data (e.g. `customer addresses`, `order history`); at least one.
    pub categories: Vec<String>,
    /// How many records, if known.
    #[serde(default)]
    pub record_count: Option<u64>,
    /// Whether the data includes Amazon Information.
    pub amazon_information: bool,
    /// Whether the data includes personal data.
    pub personal_data: bool,
    /// Further detail.
    #[serde(default)]
    pub description: String,
}

/// An affected network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct AffectedNetwork {
    /// Network name, VPC id or address range.
    pub network: String,
    /// How it is affected.
    #[serde(default)]
    pub description: String,
}

/// Damage done, with its estimated amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Damage {
    /// What kind of damage (e.g. `lost sales`, `recovery cost`, `fraudulent orders`).
    pub damage_type: String,
    /// The estimated amount (not negative).
    pub estimate: Money,
    /// How the estimate was made.
    #[serde(default)]
    pub description: String,
}

/// An item of the record together with its id: the `seq` of the log entry that added it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Deserialize)]
pub struct DetailRecord {
    /// Refers to the item in later entries (e.g. to remove it).
    pub id: u64,
    /// The item.
    pub detail: Detail,
}

impl Detail {
    /// The category name (`system`, `account`, `service`, `data`, `network`, `damage`).
    pub fn category(&self) -> &'static str {
        match self {
            Self::System(_) => "system",
            Self::Account(_) => "account",
            Self::Service(_) => "service",
            Self::Data(_) => "data",
            Self::Network(_) => "network",
            Self::Damage(_) => "damage",
        }
    }

    /// Checks that the required parts are present and amounts make sense.
    pub fn validate(&self) -> Result<(), DomainError> {
        match self {
            Self::System(s) => require_text("system name", &s.name),
            Self::Account(a) => {
                require_text("account", &a.account)?;
                a.system
                    .as_deref()
                    .map_or(Ok(()), |s| require_text("account system", s))
            }
            Self::Service(s) => require_text("service", &s.service),
            Self::Network(n) => require_text("network", &n.network),
            Self::Data(d) => {
                if d.categories.is_empty() {
                    return Err(DomainError::Missing {
                        field: "data categories",
                    });
                }
                d.categories
                    .iter()
                    .try_for_each(|c| require_text("data category", c))
            }
            Self::Damage(d) => {
                require_text("damage type", &d.damage_type)?;
                if d.estimate.minor_units < 0 {
                    return Err(DomainError::Invalid {
                        field: "damage estimate",
                        value: d.estimate.minor_units.to_string(),
                        reason: "an estimated amount cannot be negative",
                    });
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_serialize_with_their_category() {
        let d = Detail::Data(DataAffected {
            categories: vec!["customer addresses".into()],
            record_count: Some(1_200),
            amazon_information: true,
            personal_data: true,
            description: String::new(),
        });
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["category"], "data");
        assert_eq!(serde_json::from_value::<Detail>(json).unwrap(), d);
        assert_eq!(d.category(), "data");
    }

    #[test]
    fn negative_damage_and_empty_data_categories_are_refused() {
        let damage = Detail::Damage(Damage {
            damage_type: "lost sales".into(),
            estimate: Money {
                minor_units: -5,
                currency: "USD".parse().unwrap(),
            },
            description: String::new(),
        });
        assert!(damage.validate().is_err());
        let data = Detail::Data(DataAffected {
            categories: vec![],
            record_count: None,
            amazon_information: false,
            personal_data: false,
            description: String::new(),
        });
        assert!(data.validate().is_err());
    }
}
