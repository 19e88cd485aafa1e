//! Severity from the NIST SP 800-61 impact categories, and its override.
//!
//! NIST SP 800-61 rev. 2 (tables 3-2 to 3-4) defines three impact categories but no rule combining
//! them. Rampart rates each category on the severity scale and combines the ratings:
//!
//! | category | value → rating |
//! |---|---|
//! | functional impact | none → low, low → low, medium → medium, high → high |
//! | information impact | none → low, proprietary breach → medium, privacy breach → high, integrity loss → high |
//! | recoverability | regular → low, supplemented → medium, extended → high, not recoverable → critical |
//!
//! The severity is the highest rating, raised to critical when two or more categories rate high
//! or above. A privacy breach rates above a proprietary one because it starts legal notification
//! clocks; an integrity loss rates high because the affected records can no longer be trusted;
//! unrecoverable harm is critical on its own.

use serde::{Deserialize, Serialize};

use crate::named::named_enum;

named_enum! {
    /// How urgent an incident is.
    pub enum Severity ("severity") {
        /// Minimal impact.
        Low = "low",
        /// Noticeable impact.
        Medium = "medium",
        /// Serious impact.
        High = "high",
        /// Severe impact, or two serious ones.
        Critical = "critical",
    }
}

named_enum! {
    /// Effect on the business's ability to provide services (NIST SP 800-61 table 3-2).
    pub enum FunctionalImpact ("functional impact") {
        /// No effect.
        None = "none",
        /// All critical services still provided, less efficiently.
        Low = "low",
        /// A critical service lost for a subset of users.
        Medium = "medium",
        /// A critical service lost for all users.
        High = "high",
    }
}

named_enum! {
    /// Effect on information (NIST SP 800-61 table 3-3).
    pub enum InformationImpact ("information impact") {
        /// No information exfiltrated, changed, deleted or otherwise compromised.
        None = "none",
        /// Personal data accessed or exfiltrated.
        PrivacyBreach = "privacy_breach",
        /// Unclassified proprietary information accessed or exfiltrated.
        ProprietaryBreach = "proprietary_breach",
        /// Sensitive or proprietary information changed or deleted.
        IntegrityLoss = "integrity_loss",
    }
}

named_enum! {
    /// What recovery takes (NIST SP 800-61 table 3-4).
    pub enum Recoverability ("recoverability") {
        /// Predictable recovery with existing resources.
        Regular = "regular",
        /// Predictable recovery with additional resources.
        Supplemented = "supplemented",
        /// Unpredictable recovery; outside help needed.
        Extended = "extended",
        /// Recovery is not possible (e.g. data published).
        NotRecoverable = "not_recoverable",
    }
}

impl FunctionalImpact {
    fn rating(self) -> Severity {
        match self {
            Self::None | Self::Low => Severity::Low,
            Self::Medium => Severity::Medium,
            Self::High => Severity::High,
        }
    }
}

impl InformationImpact {
    fn rating(self) -> Severity {
        match self {
            Self::None => Severity::Low,
            Self::ProprietaryBreach => Severity::Medium,
            Self::PrivacyBreach | Self::IntegrityLoss => Severity::High,
        }
    }
}

impl Recoverability {
    fn rating(self) -> Severity {
        match self {
            Self::Regular => Severity::Low,
            Self::Supplemented => Severity::Medium,
            Self::Extended => Severity::High,
            Self::NotRecoverable => Severity::Critical,
        }
    }
}

/// An impact assessment in the three NIST categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
pub struct Impact {
    /// Effect on services.
    pub functional: FunctionalImpact,
    /// Effect on information.
    pub information: InformationImpact,
    /// What recovery takes.
    pub recoverability: Recoverability,
}

impl Impact {
    /// The severity the matrix gives (see the module documentation).
    pub fn severity(&self) -> Severity {
        let ratings = [
            self.functional.rating(),
            self.information.rating(),
            self.recoverability.rating(),
        ];
        let serious = ratings.iter().filter(|r| **r >= Severity::High).count();
        let highest = ratings.into_iter().max().unwrap_or(Severity::Low);
        if serious >= 2 {
            Severity::Critical
        } else {
            highest
        }
    }
}

/// A severity set by a person instead of the matrix, with the reason they gave.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
pub struct SeverityOverride {
    /// The severity set.
    pub severity: Severity,
    /// Why the matrix was overridden (never empty).
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn impact(f: &str, i: &str, r: &str) -> Severity {
        Impact {
            functional: f.parse().unwrap(),
            information: i.parse().unwrap(),
            recoverability: r.parse().unwrap(),
        }
        .severity()
    }

    #[test]
    fn matrix_takes_the_highest_rating() {
        assert_eq!(impact("none", "none", "regular"), Severity::Low);
        assert_eq!(impact("low", "none", "regular"), Severity::Low);
        assert_eq!(impact("medium", "none", "regular"), Severity::Medium);
        assert_eq!(
            impact("none", "proprietary breach", "regular"),
            Severity::Medium
        );
        assert_eq!(impact("low", "none", "supplemented"), Severity::Medium);
        assert_eq!(impact("none", "privacy breach", "regular"), Severity::High);
        assert_eq!(impact("high", "none", "supplemented"), Severity::High);
        assert_eq!(
            impact("none", "none", "not recoverable"),
            Severity::Critical
        );
    }

    #[test]
    fn two_serious_ratings_make_it_critical() {
        assert_eq!(
            impact("high", "privacy_breach", "regular"),
            Severity::Critical
        );
        assert_eq!(
            impact("none", "integrity-loss", "extended"),
            Severity::Critical
        );
        assert_eq!(
            impact("high", "proprietary_breach", "supplemented"),
            Severity::High
        );
    }

    #[test]
    fn unknown_impact_names_the_allowed_values() {
        let err = "catastrophic"
            .parse::<Recoverability>()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("catastrophic") && err.contains("not_recoverable"),
            "{err}"
        );
    }
}
