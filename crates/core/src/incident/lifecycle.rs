//! The lifecycle state machine.
//!
//! ```text
//! reported → triage → dismissed                       (not an incident; reason required)
//!                   → confirmed → containment → eradication → recovery → post_incident_review → closed
//! dismissed | closed → triage                         (reopening; reason required)
//! ```
//!
//! Entering a state records the matching incident timestamp: `confirmed` (the identification
//! decision), `eradication` (containment achieved: `contained`), `recovery` (`eradicated`),
//! `post_incident_review` (`recovered`), `closed` (`closed`). Reopening clears `closed`.

use crate::named::named_enum;

named_enum! {
    /// Where an incident is in its lifecycle.
    pub enum State ("state") {
        /// Reported, not yet looked at.
        Reported = "reported",
        /// Being assessed: is it an incident?
        Triage = "triage",
        /// Not an incident.
        Dismissed = "dismissed",
        /// An incident: the identification decision is made.
        Confirmed = "confirmed",
        /// Limiting the damage.
        Containment = "containment",
        /// Removing the cause.
        Eradication = "eradication",
        /// Restoring systems and watching for recurrence.
        Recovery = "recovery",
        /// Reviewing what happened and what to learn.
        PostIncidentReview = "post_incident_review",
        /// Done.
        Closed = "closed",
    }
}

/// The incident timestamp that entering a state records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Milestone {
    /// The identification decision.
    Confirmed,
    /// Containment achieved.
    Contained,
    /// Cause removed.
    Eradicated,
    /// Systems restored.
    Recovered,
    /// Incident closed.
    Closed,
}

impl State {
    /// The states this one may move to.
    pub fn allowed_targets(self) -> &'static [State] {
        match self {
            Self::Reported => &[Self::Triage],
            Self::Triage => &[Self::Dismissed, Self::Confirmed],
            Self::Dismissed | Self::Closed => &[Self::Triage],
            Self::Confirmed => &[Self::Containment],
            Self::Containment => &[Self::Eradication],
            Self::Eradication => &[Self::Recovery],
            Self::Recovery => &[Self::PostIncidentReview],
            Self::PostIncidentReview => &[Self::Closed],
        }
    }

    /// Whether the incident is finished with (dismissed or closed).
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Dismissed | Self::Closed)
    }

    /// Whether moving from this state to `to` needs a reason: dismissal and reopening do.
    pub fn needs_reason(self, to: State) -> bool {
        to == Self::Dismissed || self.is_terminal()
    }

    /// The timestamp recorded on entering this state, if any.
    pub fn milestone(self) -> Option<Milestone> {
        match self {
            Self::Confirmed => Some(Milestone::Confirmed),
            Self::Eradication => Some(Milestone::Contained),
            Self::Recovery => Some(Milestone::Eradicated),
            Self::PostIncidentReview => Some(Milestone::Recovered),
            Self::Closed => Some(Milestone::Closed),
            Self::Reported | Self::Triage | Self::Dismissed | Self::Containment => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_path_runs_from_reported_to_closed() {
        let path = [
            State::Reported,
            State::Triage,
            State::Confirmed,
            State::Containment,
            State::Eradication,
            State::Recovery,
            State::PostIncidentReview,
            State::Closed,
        ];
        for pair in path.windows(2) {
            assert!(pair[0].allowed_targets().contains(&pair[1]), "{pair:?}");
            assert!(!pair[0].needs_reason(pair[1]));
        }
    }

    #[test]
    fn dismissal_and_reopening_need_a_reason() {
        assert!(State::Triage.needs_reason(State::Dismissed));
        assert!(State::Closed.needs_reason(State::Triage));
        assert!(State::Dismissed.needs_reason(State::Triage));
        assert_eq!(State::Closed.allowed_targets(), [State::Triage]);
    }

    #[test]
    fn no_state_skips_ahead() {
        assert!(
            !State::Reported
                .allowed_targets()
                .contains(&State::Confirmed)
        );
        assert!(
            !State::Containment
                .allowed_targets()
                .contains(&State::Closed)
        );
        assert_eq!(
            "post incident review".parse::<State>().unwrap(),
            State::PostIncidentReview
        );
    }
}
