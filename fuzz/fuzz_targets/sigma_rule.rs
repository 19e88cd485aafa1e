//! Any bytes as a Sigma rule file: loading must report, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_sigma::RuleSet;

fuzz_target!(|data: &[u8]| {
    let Ok(yaml) = std::str::from_utf8(data) else {
        return;
    };
    let _ = RuleSet::builder().add_str("fuzz.yml", yaml).build();
});
