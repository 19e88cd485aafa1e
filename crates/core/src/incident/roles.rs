//! Who holds which role on an incident.

use crate::named::named_enum;

named_enum! {
    /// A role on the incident response team.
    pub enum Role ("role") {
        /// Incident commander: owns decisions and the lifecycle.
        Commander = "commander",
        /// Keeps the record.
        Scribe = "scribe",
        /// Leads the technical investigation and remediation.
        TechnicalLead = "technical_lead",
        /// Speaks for the company to staff, customers and the press.
        CommunicationsLead = "communications_lead",
        /// Legal and privacy counsel.
        LegalPrivacy = "legal_privacy",
        /// The Amazon contact point (IMPOC) who reports to and answers Amazon.
        Impoc = "impoc",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_user_spelling_and_refuse_unknown_ones() {
        assert_eq!(
            "Technical Lead".parse::<Role>().unwrap(),
            Role::TechnicalLead
        );
        assert_eq!("IMPOC".parse::<Role>().unwrap(), Role::Impoc);
        let err = "janitor".parse::<Role>().unwrap_err().to_string();
        assert!(
            err.contains("janitor") && err.contains("legal_privacy"),
            "{err}"
        );
    }
}
