//! Any bytes as a CloudTrail document: events and skipped records, never a panic, events numbered
//! by their strictly increasing position in `Records`, and every skipped record says why.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use rampart_ingest::read_cloudtrail;

fuzz_target!(|data: &[u8]| {
    let source: Arc<Path> = Arc::from(Path::new("fuzz.json"));
    let mut last = 0u64;
    read_cloudtrail(data, &source, &mut |record| match record {
        Ok(event) => {
            assert!(event.record > last, "record {} after {last}", event.record);
            last = event.record;
            assert!(event.fields.is_object());
        }
        Err(skipped) => assert!(!skipped.detail.is_empty()),
    });
});
