//! A plan that breaks a rule is refused whole, each problem named with its file line.
#![allow(clippy::unwrap_used)]

use rampart_plan::{DEFAULT_PLAN_TOML, Plan, PlanError};

/// The default plan with `from` (which must occur) replaced by `to` the first time.
fn edited(from: &str, to: &str) -> String {
    assert!(
        DEFAULT_PLAN_TOML.contains(from),
        "the default plan has no {from:?}"
    );
    DEFAULT_PLAN_TOML.replacen(from, to, 1)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let offset = text.find(needle).unwrap_or_else(|| panic!("no {needle:?}"));
    text[..offset].matches('\n').count() + 1
}

fn refused(text: &str) -> PlanError {
    match Plan::from_toml("plan.toml", text) {
        Ok(_) => panic!("the plan was accepted"),
        Err(err) => err,
    }
}

/// Asserts that a problem on `line` mentions every one of `words`.
fn assert_problem(err: &PlanError, line: usize, words: &[&str]) {
    let found = err
        .problems
        .iter()
        .any(|p| p.line == line && words.iter().all(|w| p.message.contains(w)));
    assert!(
        found,
        "no problem on line {line} mentioning {words:?}:\n{err}"
    );
    assert!(
        err.to_string().contains(&format!("plan.toml:{line}: ")),
        "{err}"
    );
}

#[test]
fn default_plan_is_accepted() {
    let plan = Plan::from_toml("default.toml", DEFAULT_PLAN_TOML).unwrap();
    assert_eq!(plan.review.every_months, 6);
    assert!(plan.check().is_empty());
}

#[test]
fn task_with_a_role_outside_the_vocabulary_is_refused_at_its_line() {
    let text = edited(
        "role = \"scribe\"\ndue = \"confirmed\"",
        "role = \"janitor\"\ndue = \"confirmed\"",
    );
    let err = refused(&text);
    assert_problem(
        &err,
        line_of(&text, "\"janitor\""),
        &["janitor", "legal_privacy"],
    );
}

#[test]
fn task_with_a_role_the_plan_does_not_define_is_refused_at_its_line() {
    let start = DEFAULT_PLAN_TOML.find("[roles.scribe]").unwrap();
    let end = DEFAULT_PLAN_TOML.find("[roles.technical_lead]").unwrap();
    let text = format!(
        "{}{}",
        &DEFAULT_PLAN_TOML[..start],
        &DEFAULT_PLAN_TOML[end..]
    );
    let err = refused(&text);
    assert_problem(
        &err,
        line_of(&text, "role = \"scribe\"\ndue"),
        &["role scribe is not defined"],
    );
    assert!(err.to_string().contains("role scribe is missing"), "{err}");
}

#[test]
fn member_holding_an_undefined_role_is_refused() {
    let member = "[members.ana]\nname = \"Ana\"\nemail = \"ana@example.com\"\nroles = [\"commander\", \"janitor\"]\n\n";
    let text = edited(
        "[rotations.commander]",
        &format!("{member}[rotations.commander]"),
    );
    let err = refused(&text);
    assert_problem(
        &err,
        line_of(&text, "roles = [\"commander\", \"janitor\"]"),
        &["janitor"],
    );

    let start = DEFAULT_PLAN_TOML.find("[roles.impoc]").unwrap();
    let end = DEFAULT_PLAN_TOML.find("# Members.").unwrap();
    let without_impoc = format!(
        "{}{}",
        &DEFAULT_PLAN_TOML[..start],
        &DEFAULT_PLAN_TOML[end..]
    );
    let member =
        "[members.ana]\nname = \"Ana\"\nemail = \"ana@example.com\"\nroles = [\"impoc\"]\n\n";
    let text = without_impoc.replacen(
        "[rotations.commander]",
        &format!("{member}[rotations.commander]"),
        1,
    );
    let err = refused(&text);
    assert_problem(
        &err,
        line_of(&text, "roles = [\"impoc\"]\n"),
        &["role impoc is not defined"],
    );
}

#[test]
fn escalation_cycle_is_refused_with_the_loop_named() {
    let text = edited(
        "ack_within = \"30m\"\n",
        "ack_within = \"30m\"\nnext = \"on_call_commander\"\n",
    );
    let err = refused(&text);
    assert_problem(
        &err,
        line_of(&text, "next = \"on_call_commander\""),
        &[
            "loops",
            "on_call_commander -> all_commanders -> whole_team -> on_call_commander",
        ],
    );
    assert_eq!(err.problems.len(), 1, "one loop, reported once:\n{err}");
}

#[test]
fn escalation_to_a_missing_step_or_rotation_is_refused() {
    let text = edited("next = \"whole_team\"", "next = \"nobody\"");
    assert_problem(
        &refused(&text),
        line_of(&text, "next = \"nobody\""),
        &["\"nobody\""],
    );
    let text = edited(
        "page = [\"rotation:commander\"]",
        "page = [\"rotation:night\"]",
    );
    assert_problem(
        &refused(&text),
        line_of(&text, "rotation:night"),
        &["rotation \"night\""],
    );
}

#[test]
fn duplicate_task_id_is_refused_at_the_second_one() {
    let text = edited("id = \"record_damage\"", "id = \"record_affected_systems\"");
    let second = text
        .match_indices("id = \"record_affected_systems\"")
        .nth(1)
        .unwrap()
        .0;
    let line = text[..second].matches('\n').count() + 1;
    assert_problem(
        &refused(&text),
        line,
        &["duplicate task id \"record_affected_systems\""],
    );
}

#[test]
fn duplicate_playbook_id_is_refused() {
    let text = edited("id = \"credential_rotation\"", "id = \"contain_spread\"");
    assert_problem(
        &refused(&text),
        line_of(&text, "id = \"contain_spread\"\ntitle = \"Credentials"),
        &["duplicate playbook id"],
    );
}

#[test]
fn duplicate_role_or_member_table_is_refused_by_the_reader() {
    let text = format!(
        "{DEFAULT_PLAN_TOML}\n[roles.commander]\ntitle = \"Again\"\nresponsibilities = []\nauthority = []\n"
    );
    let err = refused(&text);
    let line = text.matches('\n').count() - 3;
    assert_eq!(err.problems.len(), 1);
    assert!(
        err.problems[0].line >= line - 1 && err.problems[0].line <= line,
        "{err}"
    );
    assert!(err.problems[0].message.contains("duplicate"), "{err}");
}

#[test]
fn unknown_field_is_refused_with_the_allowed_ones() {
    let text = edited(
        "kind = \"evidence\"\n",
        "kind = \"evidence\"\ncolour = \"red\"\n",
    );
    assert_problem(
        &refused(&text),
        line_of(&text, "colour"),
        &["colour", "description"],
    );
}

#[test]
fn due_offset_that_cannot_be_read_is_refused() {
    let text = edited("due = \"confirmed + 4h\"", "due = \"confirmed + soon\"");
    assert_problem(
        &refused(&text),
        line_of(&text, "confirmed + soon"),
        &["soon", "units are"],
    );
    let text = edited("due = \"confirmed + 4h\"", "due = \"noticed + 4h\"");
    assert_problem(
        &refused(&text),
        line_of(&text, "noticed + 4h"),
        &["noticed", "detected"],
    );
}

#[test]
fn playbook_for_an_unknown_type_is_refused() {
    let text = edited(
        "types = [\"credential_compromise\"]",
        "types = [\"payment_fraud\"]",
    );
    assert_problem(
        &refused(&text),
        line_of(&text, "payment_fraud"),
        &["payment_fraud", "[types]"],
    );
    let declared = text.replacen(
        "[types.other]",
        "[types.payment_fraud]\ndescription = \"Fraud.\"\n[types.other]",
        1,
    );
    Plan::from_toml("plan.toml", &declared).unwrap();
}

#[test]
fn review_less_often_than_amazon_allows_is_refused() {
    let text = edited(
        "every_months = 6\nafter_major_change",
        "every_months = 12\nafter_major_change",
    );
    assert_problem(
        &refused(&text),
        line_of(&text, "every_months = 12"),
        &["Amazon", "6 months"],
    );
}

#[test]
fn rotation_member_must_exist_and_hold_the_role() {
    let member =
        "[members.ana]\nname = \"Ana\"\nemail = \"ana@example.com\"\nroles = [\"scribe\"]\n\n";
    let text = edited(
        "[rotations.commander]",
        &format!("{member}[rotations.commander]"),
    )
    .replacen("members = []", "members = [\"ana\", \"bo\"]", 1);
    let err = refused(&text);
    let line = line_of(&text, "members = [\"ana\", \"bo\"]");
    assert_problem(&err, line, &["\"ana\" cannot hold role commander"]);
    assert_problem(&err, line, &["\"bo\" is not in [members]"]);
}

#[test]
fn every_problem_is_reported_in_line_order_and_nothing_is_returned() {
    let text = edited("id = \"record_damage\"", "id = \"record_affected_systems\"")
        .replacen("next = \"whole_team\"", "next = \"nobody\"", 1)
        .replacen(
            "types = [\"credential_compromise\"]",
            "types = [\"payment_fraud\"]",
            1,
        );
    let err = refused(&text);
    assert_eq!(err.problems.len(), 3, "{err}");
    let lines: Vec<usize> = err.problems.iter().map(|p| p.line).collect();
    assert!(lines.is_sorted(), "{lines:?}");
    assert_eq!(err.to_string().lines().count(), 3);
}

#[test]
fn text_that_is_not_toml_names_its_line() {
    let err = refused("name = \"x\"\nobjective = \n");
    assert_eq!(err.problems.len(), 1);
    assert_eq!(err.problems[0].line, 2, "{err}");
}
