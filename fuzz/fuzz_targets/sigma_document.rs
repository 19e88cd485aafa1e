//! Any text as one JSON event through the engine's own parser (`Document::parse`): it must accept
//! exactly what `serde_json` accepts, read the same value and write it back as `serde_json` writes
//! that value, or refuse with an offset inside the text.
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
        (Ok(()), Ok(value)) => {
            assert_eq!(document.to_value(), value, "{text:?}");
            let written = serde_json::to_string(&document).ok();
            assert_eq!(written, Some(value.to_string()), "{text:?}");
        }
        (Err(error), Err(_)) => {
            assert!(error.offset <= text.len(), "{text:?}: {error}");
            assert_eq!(error.at_end, error.offset == text.len(), "{text:?}: {error}");
        }
        (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
});
