//! Any text as a syslog line: a parse or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart_ingest::syslog::parse_line;

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    let reference = jiff::Timestamp::UNIX_EPOCH;
    let _ = parse_line(&line, reference);
    let _ = parse_line(&line, jiff::Timestamp::MAX);
    let _ = parse_line(&line, jiff::Timestamp::MIN);
});
