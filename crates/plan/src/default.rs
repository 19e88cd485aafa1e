//! The plan shipped with Rampart (`plans/default.toml`): both source plans, every step and
//! bullet, as roles, rules, checklist questions and playbook tasks. It has no members: a company
//! adds its people before the rotations can page anyone ([`Plan::gaps`] lists what is missing).

use crate::error::PlanError;
use crate::model::Plan;

/// The default plan's TOML text, as shipped.
pub const DEFAULT_PLAN_TOML: &str = include_str!("../plans/default.toml");

/// The default plan, read and checked. Its tests guarantee it is sound, but it is still read
/// through the same checks as any other plan rather than trusted.
pub fn default_plan() -> Result<Plan, PlanError> {
    Plan::from_toml("default.toml", DEFAULT_PLAN_TOML)
}
