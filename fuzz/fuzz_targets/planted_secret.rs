//! A secret of every family, built from fuzz bytes in its documented shape and placed in
//! noise and a context (header line, JSON, escaped JSON, URL query, key=value, `Debug`
//! struct): no 8-byte window of it survives redaction.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracing_redact::Redactor;
use tracing_redact_fuzz::{leaked, Plant};

fuzz_target!(|plant: Plant| {
    let Some((family, secret, text)) = plant.build() else {
        return;
    };
    let redactor = Redactor::default();
    let out = redactor.redact(&text);
    assert!(!leaked(&out, &secret), "{family} {secret:?} leaked: {text:?} -> {out:?}");
});
