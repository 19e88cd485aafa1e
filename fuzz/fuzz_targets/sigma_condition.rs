//! Any text as the `condition` of a rule with a few selections (and as a correlation's
//! condition field), through the public loader: a bad condition is a rejection, not a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_sigma::{Document, Event, Matches, RuleSet};

fuzz_target!(|data: &[u8]| {
    let Ok(condition) = std::str::from_utf8(data) else {
        return;
    };
    // YAML single-quoted scalar: quotes doubled, no line breaks.
    let quoted = condition.replace('\'', "''").replace(['\n', '\r'], " ");
    let rule = format!(
        "title: t\nid: 00000000-0000-0000-0000-000000000001\nlogsource: {{product: test}}\n\
         detection:\n  sel1: {{a: x}}\n  sel2: {{b|contains: y}}\n  filter_1: {{c: null}}\n  \
         keywords: [z]\n  condition: '{quoted}'\n"
    );
    let Ok((rules, _)) = RuleSet::builder().add_str("fuzz.yml", rule).build() else {
        return;
    };
    let event = serde_json_event();
    let mut matches = Matches::default();
    rules.evaluate(&Event::new(&Document::from_value(&event)), &mut matches);
    let mut naive = Matches::default();
    rules.evaluate_naive(&Event::new(&Document::from_value(&event)), &mut naive);
    assert_eq!(
        matches.as_slice(),
        naive.as_slice(),
        "indexed and naive evaluation disagree on {condition:?}"
    );
});

fn serde_json_event() -> serde_json::Value {
    serde_json::json!({"a": "x", "b": "xyz", "other": "z"})
}
