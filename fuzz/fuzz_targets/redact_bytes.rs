//! Arbitrary bytes: no panic; redacting the output again changes nothing; when the output
//! is UTF-8, `find` finds nothing in it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tracing_redact::Redactor;

fuzz_target!(|data: &[u8]| {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    let redactor = REDACTOR.get_or_init(|| {
        Redactor::builder()
            .enable("network")
            .build()
            .expect("built-in rules compile")
    });
    let once = redactor.redact_bytes(data);
    let twice = redactor.redact_bytes(&once);
    assert_eq!(&*twice, &*once, "not idempotent");
    if let Ok(text) = std::str::from_utf8(&once) {
        let found: Vec<_> = redactor.find(text).map(|f| (f.rule(), f.range())).collect();
        assert!(found.is_empty(), "found {found:?} in redacted output {text:?}");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for f in redactor.find(text) {
            let _ = &text[f.range()];
        }
    }
});
