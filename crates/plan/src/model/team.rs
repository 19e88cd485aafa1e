//! The team: roles with their responsibilities and decision authority, members, on-call
//! rotations, the escalation chain, and training required per role.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use rampart_core::incident::Role;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ValueError;
use crate::time::{WINDOW_PATTERN, Window};

/// What a role on the incident response team does and may decide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    /// The role's title as people say it ("Incident Commander").
    pub title: String,
    /// What the holder does.
    pub responsibilities: Vec<String>,
    /// What the holder may decide without asking anyone.
    pub authority: Vec<String>,
}

/// A person on the team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Full name.
    pub name: String,
    /// E-mail address pages are sent to.
    pub email: String,
    /// Telephone number, for calls when a page is not acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The roles this person can hold on an incident.
    #[schemars(with = "Vec<String>")]
    pub roles: Vec<Role>,
}

/// Who is on call for a role: members take turns, one shift each, from a first handover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// The role the person on call holds.
    #[schemars(with = "String")]
    pub role: Role,
    /// Member ids, in turn order; each must be able to hold the role.
    pub members: Vec<String>,
    /// Length of one shift.
    #[schemars(with = "String", pattern(WINDOW_PATTERN))]
    pub shift: Window,
    /// The first handover, an RFC 3339 instant in quotes ("2026-01-05T09:00:00Z").
    #[schemars(with = "String")]
    pub starts: Timestamp,
}

impl Rotation {
    /// The member on call at `at`, or `None` when the rotation has no members. Before the first
    /// handover the turn order runs backwards, so every instant has someone on call.
    pub fn on_call(&self, at: Timestamp) -> Option<&str> {
        let count = i64::try_from(self.members.len()).ok().filter(|n| *n > 0)?;
        let shift = i64::from(self.shift.minutes()).max(1);
        let elapsed = at.duration_since(self.starts).as_mins();
        let turn = elapsed.div_euclid(shift).rem_euclid(count);
        usize::try_from(turn)
            .ok()
            .and_then(|n| self.members.get(n))
            .map(String::as_str)
    }
}

/// Who a page goes to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Target {
    /// Whoever the rotation has on call (`rotation:commander`).
    Rotation(String),
    /// One member (`member:alice`).
    Member(String),
    /// Every member who can hold the role (`role:impoc`).
    Role(Role),
}

impl FromStr for Target {
    type Err = ValueError;
    fn from_str(text: &str) -> Result<Self, ValueError> {
        let bad = || ValueError::Target {
            value: text.to_owned(),
        };
        let (kind, id) = text.split_once(':').ok_or_else(bad)?;
        let id = id.trim();
        if id.is_empty() {
            return Err(bad());
        }
        match kind.trim() {
            "rotation" => Ok(Self::Rotation(id.to_owned())),
            "member" => Ok(Self::Member(id.to_owned())),
            "role" => Ok(Self::Role(id.parse()?)),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rotation(id) => write!(f, "rotation:{id}"),
            Self::Member(id) => write!(f, "member:{id}"),
            Self::Role(role) => write!(f, "role:{role}"),
        }
    }
}

impl TryFrom<String> for Target {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        text.parse()
    }
}

impl From<Target> for String {
    fn from(target: Target) -> String {
        target.to_string()
    }
}

/// One step of the escalation chain: page these targets; if nobody acknowledges within the
/// window, go to the `next` step. The chain starts at the first step and must not loop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationStep {
    /// Unique id of the step.
    pub id: String,
    /// Who is paged: `rotation:ID`, `member:ID` or `role:NAME`.
    #[schemars(
        with = "Vec<String>",
        inner(pattern(r"^\s*(rotation|member|role)\s*:\s*\S.*$"))
    )]
    pub page: Vec<Target>,
    /// How long a page may go unacknowledged before the next step.
    #[schemars(with = "String", pattern(WINDOW_PATTERN))]
    pub ack_within: Window,
    /// The step that follows; none for the last step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A course the holders of some roles must take and renew.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Training {
    /// The course.
    pub course: String,
    /// What it covers and why it is required.
    pub purpose: String,
    /// The roles whose holders must take it.
    #[schemars(with = "Vec<String>")]
    pub roles: Vec<Role>,
    /// Months a completion stays valid (yearly by default).
    #[serde(default = "yearly")]
    pub every_months: u16,
}

fn yearly() -> u16 {
    12
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_hands_over_every_shift_and_wraps() {
        let rotation = Rotation {
            role: Role::Commander,
            members: vec!["ana".into(), "ben".into(), "cy".into()],
            shift: "7d".parse().unwrap(),
            starts: "2026-01-05T09:00:00Z".parse().unwrap(),
        };
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(rotation.on_call(at("2026-01-05T09:00:00Z")), Some("ana"));
        assert_eq!(rotation.on_call(at("2026-01-12T08:59:00Z")), Some("ana"));
        assert_eq!(rotation.on_call(at("2026-01-12T09:00:00Z")), Some("ben"));
        assert_eq!(rotation.on_call(at("2026-01-26T09:00:00Z")), Some("ana"));
        assert_eq!(rotation.on_call(at("2026-01-04T09:00:00Z")), Some("cy"));
        let empty = Rotation {
            members: vec![],
            ..rotation
        };
        assert_eq!(empty.on_call(at("2026-01-05T09:00:00Z")), None);
    }

    #[test]
    fn page_targets_name_a_rotation_member_or_role() {
        assert_eq!(
            "role:IMPOC".parse::<Target>().unwrap(),
            Target::Role(Role::Impoc)
        );
        assert_eq!(
            "rotation:commander".parse::<Target>().unwrap().to_string(),
            "rotation:commander"
        );
        assert!("team:all".parse::<Target>().is_err());
        assert!("member:".parse::<Target>().is_err());
        assert!("role:janitor".parse::<Target>().is_err());
    }
}
