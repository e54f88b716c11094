//! The engine's hand-written matchers against the regexes they replace, on arbitrary bytes:
//! any disagreement (a match end, a secret span, a URL password) is a finding.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(disagreement) = tracing_redact::testing::hand_matcher_disagreement(data) {
        panic!("{disagreement}");
    }
});
