//! The parser reads what `serde_json` reads, gives the same values, and refuses what it refuses.

use proptest::prelude::*;
use serde_json::Value;

use super::{Document, JsonError, Scalar};

/// Parses `text` both ways and checks they agree (value, or refusal).
fn agrees(text: &str) -> Result<(), JsonError> {
    let mut document = Document::default();
    let ours = document.parse(text);
    let theirs = serde_json::from_str::<Value>(text);
    match (&ours, theirs) {
        (Ok(()), Ok(value)) => {
            assert_eq!(document.to_value(), value, "{text}");
            let written = serde_json::to_string(&document).unwrap();
            assert_eq!(written, value.to_string(), "{text}");
        }
        (Err(_), Err(_)) => assert!(document.root().is_null()),
        (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
    ours
}

#[test]
fn escapes_numbers_and_nesting_read_as_serde_json_reads_them() {
    for text in [
        r#"{"a": "x\"y\\z\/w\b\f\n\r\t", "b": "\u00e9\ud83d\ude00", "c": "C:\\Windows"}"#,
        r#"[1, -5, 0, 1.50, 1e3, 2E-2, -0, 18446744073709551615, 18446744073709551616]"#,
        r#"[-9223372036854775808, -9223372036854775809, 123456789012345678901234567890]"#,
        r#" {"a": {"b": [true, false, null, {}, []]}, "a": 2} "#,
        "\"plain\"",
        r#"["0123456789abcdef\"0123456", "01234567é\\\u0041 and more than eight bytes"]"#,
        "  null\n",
    ] {
        agrees(text).unwrap();
    }
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    agrees(&deep(127)).unwrap();
    agrees(&deep(128)).unwrap_err();
}

#[test]
fn bad_text_is_refused_with_its_place() {
    for (text, offset) in [
        (r#"{"a": 1,}"#, 8),
        (r#"{"a" 1}"#, 5),
        (r#"[01]"#, 1),
        (r#"[1.]"#, 3),
        (r#"["\x"]"#, 2),
        (r#"["\ud800"]"#, 2),
        (r#"["\udc00"]"#, 2),
        ("[\"a\tb\"]", 3),
        (r#"{"a": tru}"#, 6),
        (r#"{} {}"#, 3),
        (r#"["open"#, 6),
        ("", 0),
        (r#"[1e999]"#, 1),
        ("[\"0123456789abcdef\u{1f}\"]", 18),
        ("[\"0123456789é\u{0}\"]", 14),
    ] {
        let error = agrees(text).unwrap_err();
        assert_eq!(error.offset, offset, "{text:?}: {error}");
        assert_eq!(error.at_end, offset == text.len(), "{text:?}: {error}");
    }
}

#[test]
fn a_name_given_twice_reads_as_its_last_value() {
    let mut document = Document::default();
    document.parse(r#"{"a": 1, "b": 2, "a": "three"}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&document).unwrap(),
        r#"{"a":"three","b":2}"#
    );
    let root = document.root().as_object().unwrap();
    assert_eq!(root.get("a").and_then(|v| v.text()), Some("three"));
    assert_eq!(root.get("b").and_then(|v| v.as_number()), Some(2.0));
}

#[test]
fn a_reused_document_holds_only_its_last_text() {
    let mut document = Document::default();
    document
        .parse(r#"{"long": "a value with \"escapes\" in it", "n": 1e2}"#)
        .unwrap();
    document.parse(r#"{"b": "x"}"#).unwrap();
    assert_eq!(document.to_value(), serde_json::json!({"b": "x"}));
    document.parse("{").unwrap_err();
    assert_eq!(document.to_value(), Value::Null);
    document.set_value(&serde_json::json!({"n": 1.5, "s": ["é"]}));
    assert_eq!(
        document.to_value(),
        serde_json::json!({"n": 1.5, "s": ["é"]})
    );
}

#[test]
fn scalars_are_read_by_path_and_the_root_type_is_named() {
    let mut document = Document::default();
    document
        .parse(r#"{"t": "2024-01-01T00:00:00Z", "n": 17e2, "b": true, "o": {"x": {"y": "z"}}, "a": [1], "z": null}"#)
        .unwrap();
    assert!(document.is_object());
    assert_eq!(document.type_name(), "an object");
    assert_eq!(
        document.scalar(&["t"]),
        Some(Scalar::String("2024-01-01T00:00:00Z"))
    );
    assert_eq!(document.scalar(&["n"]), Some(Scalar::Number("1700.0")));
    assert_eq!(document.scalar(&["b"]), Some(Scalar::Bool(true)));
    assert_eq!(document.scalar(&["o", "x", "y"]), Some(Scalar::String("z")));
    for path in [
        &["o"][..],
        &["o", "x"],
        &["a"],
        &["z"],
        &["missing"],
        &["t", "deeper"],
    ] {
        assert_eq!(document.scalar(path), None, "{path:?}");
    }
    for (text, name, root) in [
        ("[]", "an array", None),
        ("1", "a number", Some(Scalar::Number("1"))),
        ("\"s\"", "a string", Some(Scalar::String("s"))),
        ("null", "null", None),
        ("false", "a boolean", Some(Scalar::Bool(false))),
    ] {
        document.parse(text).unwrap();
        assert_eq!((document.is_object(), document.type_name()), (false, name));
        assert_eq!(document.scalar(&[]), root, "{text}");
        assert_eq!(document.scalar(&["a"]), None, "{text}");
    }
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn printed_values_read_back_the_same(value in json(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            value.to_string()
        };
        agrees(&text).unwrap();
        let document = Document::from_value(&value);
        prop_assert_eq!(serde_json::to_string(&document).unwrap(), value.to_string());
        prop_assert_eq!(document.to_value(), value);
    }

    #[test]
    fn any_text_is_read_or_refused_as_serde_json_does(text in "[\\[\\]{}\",:0-9eE.+\\-a-z\\\\ \t\n\u{1}é]{0,24}") {
        let _ = agrees(&text);
    }
}
