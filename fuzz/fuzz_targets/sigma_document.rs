//! Any text as one JSON event through the engine's own parser (`Document::parse`): it must accept
//! exactly what `serde_json` accepts and read the same value, or refuse with an offset inside the
//! text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_sigma::Document;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut document = Document::default();
    let ours = document.parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (ours, theirs) {
        (Ok(()), Ok(value)) => assert_eq!(document.to_value(), value, "{text:?}"),
        (Err(error), Err(_)) => assert!(error.offset <= text.len(), "{text:?}: {error}"),
        (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
});
