//! Events from the `log` crate, bridged by `tracing-log`, are scrubbed like any other and keep
//! their original target, module and level.

use tracing_redact::testing::{assert_no_leak, Captured};
use tracing_subscriber::prelude::*;

#[test]
fn log_records_are_scrubbed_and_keep_their_metadata() {
    tracing_log::LogTracer::init().expect("the only logger of this test binary");
    let text = Captured::default();
    let json = Captured::default();
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_redact::fmt::layer()
                .map_inner(|l| l.without_time().with_ansi(false).with_writer(text.clone())),
        )
        .with(tracing_redact::fmt::redact(
            tracing_subscriber::fmt::layer()
                .json()
                .without_time()
                .with_writer(json.clone()),
        ));
    tracing::subscriber::with_default(subscriber, || {
        log::warn!(target: "legacy::http", "for ops@example.net: Authorization: Bearer sk-proj-4f9aX2mQ7tL0pZ8rV3nK6bW1cY5dH9eJ");
        log::info!("nothing to hide here");
    });
    let text = text.text();
    let json = json.text();
    assert_no_leak(
        &format!("{text}{json}"),
        &[
            "sk-proj-4f9aX2mQ7tL0pZ8rV3nK6bW1cY5dH9eJ",
            "ops@example.net",
        ],
    );
    assert!(
        text.contains(" WARN legacy::http: for [REDACTED:email]: Authorization: Bearer [REDACTED:http-authorization]"),
        "{text}"
    );
    assert!(
        text.contains(" INFO log_bridge: nothing to hide here"),
        "{text}"
    );
    let first: serde_json::Value =
        serde_json::from_str(json.lines().next().expect("a JSON line")).expect("valid JSON");
    assert_eq!(first["target"], "legacy::http");
    assert_eq!(first["level"], "WARN");
}
