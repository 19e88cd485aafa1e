//! The indexed evaluator and the naive reference evaluator agree on every shared JSON corpus.

use rampart_sigma::{Document, Event, Matches};

use super::common::{all_rules, data, files, json_events};

fn corpora() -> Vec<serde_json::Value> {
    let mut events = Vec::new();
    for file in files(&data().join("sigma/regression_data"), "json") {
        events.extend(json_events(&file));
    }
    for file in files(&data().join("cloudtrail-stratus/CloudTrail"), "json") {
        events.extend(json_events(&file));
    }
    events
}

#[test]
fn indexed_and_naive_evaluators_agree_on_every_shared_event() {
    let (rules, _) = all_rules();
    let events = corpora();
    assert_eq!(events.len(), 238 + 2900);
    let (mut indexed, mut naive) = (Matches::default(), Matches::default());
    let mut from_line = Matches::default();
    let mut line = Document::default();
    let mut detections = 0;
    for json in &events {
        let document = Document::from_value(json);
        let event = Event::new(&document);
        rules.evaluate(&event, &mut indexed);
        rules.evaluate_naive(&event, &mut naive);
        assert_eq!(indexed.as_slice(), naive.as_slice(), "event {json}");
        detections += indexed.len();
        // The same event parsed from its JSON text, compact or pretty, matches the same rules
        // and converts back to the same value.
        for text in [
            json.to_string(),
            serde_json::to_string_pretty(json).unwrap(),
        ] {
            line.parse(&text).unwrap();
            rules.evaluate(&Event::new(&line), &mut from_line);
            assert_eq!(from_line.as_slice(), indexed.as_slice(), "event {text}");
            assert_eq!(&line.to_value(), json);
        }
    }
    // The comparison must not be vacuous.
    assert!(detections > 238, "{detections} detections");
}
