//! The gates a notice passes before it is sent, each a rule of the plans:
//!
//! 1. a notice marked *on behalf of Amazon* to a regulator or customer needs Amazon's written
//!    request attached as evidence;
//! 2. a law-enforcement notification hold in force blocks notices to affected people;
//! 3. with Amazon Information involved, notices to affected people and regulators need Amazon's
//!    recorded approval, or Amazon's recorded review where the law requires the notice (a
//!    regime in force runs a clock for that audience on the incident: [`GateInput::law_requires`]);
//! 4. the personal-data check on the body blocks sending until it is overridden with a reason.
//!
//! [`blocked`] returns every gate that blocks, in that order; sending needs none.

use serde::Serialize;

use crate::pii::Finding;

/// Who a notice is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The people whose data was affected.
    AffectedPeople,
    /// A regulator or authority (attorney general, supervisory authority, …).
    Regulator,
    /// A customer (a business).
    Customer,
    /// Someone else (Amazon, law enforcement, a partner).
    Other,
}

/// Amazon's say on a notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AmazonSignOff {
    /// Nothing recorded.
    None,
    /// Amazon approved the notice.
    Approved,
    /// Amazon reviewed it (the law requires the notice, so approval cannot hold it back).
    Reviewed,
}

/// What the gates look at.
#[derive(Clone, Debug)]
pub struct GateInput<'a> {
    /// Who the notice is for.
    pub audience: Audience,
    /// Amazon Information is involved in the incident.
    pub amazon_information: bool,
    /// The notice is marked as sent on behalf of Amazon.
    pub on_behalf_of_amazon: bool,
    /// Amazon's written request is attached as evidence.
    pub amazon_written_request: bool,
    /// The ids of the notification holds in force.
    pub holds: &'a [u64],
    /// Amazon's approval or review of this notice.
    pub amazon: AmazonSignOff,
    /// The law requires this notice: a regime in force runs (or ran) a clock on the incident for
    /// this audience. Only then does Amazon's review stand in for its approval.
    pub law_requires: bool,
    /// The personal-data findings in the body to be sent.
    pub findings: &'a [Finding],
    /// The reason the findings were overridden, if they were (for this body).
    pub pii_override: Option<&'a str>,
}

/// A gate that blocks, and what would open it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blocked {
    /// `on_behalf_of_amazon`, `law_enforcement_hold`, `amazon_approval`, `personal_data`.
    pub gate: &'static str,
    /// Why, and what to do.
    pub reason: String,
}

/// Every gate that blocks sending, in order.
pub fn blocked(input: &GateInput<'_>) -> Vec<Blocked> {
    let mut out = Vec::new();
    let mut block = |gate, reason: String| out.push(Blocked { gate, reason });
    let to_people = input.audience == Audience::AffectedPeople;
    let to_regulator = input.audience == Audience::Regulator;
    if input.on_behalf_of_amazon
        && matches!(input.audience, Audience::Regulator | Audience::Customer)
        && !input.amazon_written_request
    {
        block(
            "on_behalf_of_amazon",
            "a notice on behalf of Amazon needs Amazon's written request attached as evidence"
                .to_owned(),
        );
    }
    if to_people && !input.holds.is_empty() {
        let ids: Vec<String> = input.holds.iter().map(u64::to_string).collect();
        block(
            "law_enforcement_hold",
            format!(
                "law enforcement asked to hold notices to affected people (hold {}); lift it \
                 first",
                ids.join(", ")
            ),
        );
    }
    if input.amazon_information && (to_people || to_regulator) {
        match (input.amazon, input.law_requires) {
            (AmazonSignOff::Approved, _) | (AmazonSignOff::Reviewed, true) => {}
            (AmazonSignOff::None, _) => block(
                "amazon_approval",
                "Amazon Information is involved: record Amazon's approval of this notice (or its \
                 review, where the law requires the notice)"
                    .to_owned(),
            ),
            (AmazonSignOff::Reviewed, false) => block(
                "amazon_approval",
                "Amazon reviewed this notice, but no regime in force requires it (no clock for \
                 this audience runs on the incident): record Amazon's approval"
                    .to_owned(),
            ),
        }
    }
    if !input.findings.is_empty() && input.pii_override.is_none_or(|r| r.trim().is_empty()) {
        let each: Vec<String> = input.findings.iter().map(ToString::to_string).collect();
        block(
            "personal_data",
            format!(
                "the body holds personal data ({}); remove it or override with a reason",
                each.join("; ")
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::scan;

    fn names(input: &GateInput<'_>) -> Vec<&'static str> {
        blocked(input).into_iter().map(|b| b.gate).collect()
    }

    #[test]
    fn each_gate_blocks_until_resolved() {
        let findings = scan("your card 4111 1111 1111 1111", &[]);
        let mut input = GateInput {
            audience: Audience::AffectedPeople,
            amazon_information: true,
            on_behalf_of_amazon: false,
            amazon_written_request: false,
            holds: &[7],
            amazon: AmazonSignOff::None,
            findings: &findings,
            pii_override: None,
            law_requires: false,
        };
        assert_eq!(
            names(&input),
            ["law_enforcement_hold", "amazon_approval", "personal_data"]
        );
        input.holds = &[];
        input.amazon = AmazonSignOff::Reviewed;
        assert_eq!(
            names(&input),
            ["amazon_approval", "personal_data"],
            "a review stands in for approval only where the law requires the notice"
        );
        input.law_requires = true;
        assert_eq!(names(&input), ["personal_data"]);
        input.pii_override = Some(" ");
        assert_eq!(names(&input), ["personal_data"]);
        input.pii_override = Some("the last four digits are needed to identify the card");
        assert!(names(&input).is_empty());
    }

    #[test]
    fn on_behalf_of_amazon_needs_the_written_request_and_holds_only_stop_people() {
        let input = GateInput {
            audience: Audience::Regulator,
            amazon_information: false,
            on_behalf_of_amazon: true,
            amazon_written_request: false,
            holds: &[3],
            amazon: AmazonSignOff::None,
            findings: &[],
            pii_override: None,
            law_requires: false,
        };
        assert_eq!(names(&input), ["on_behalf_of_amazon"]);
        let attached = GateInput {
            amazon_written_request: true,
            ..input
        };
        assert!(names(&attached).is_empty());
    }
}
