//! Events from the `log` crate, bridged by `tracing-log`, are scrubbed like any other and keep
//! their original target, module and level.

use tracing_redact::testing::{assert_no_leak, Captured};
use tracing_redact::Redactor;
use tracing_subscriber::prelude::*;

/// Routes `log` records to the current `tracing` dispatcher, once per test binary.
fn bridge_log() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| tracing_log::LogTracer::init().expect("the only logger of this test binary"));
}

#[test]
fn log_records_are_scrubbed_and_keep_their_metadata() {
    bridge_log();
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

#[test]
fn log_records_get_the_scope_of_their_own_target() {
    // tracing-log's callsites all have the target `log`; the record's own is a field.
    bridge_log();
    let redactor = Redactor::builder()
        .disable("pii")
        .scope("app::users", |s| s.enable("pii"))
        .build()
        .unwrap();
    let text = Captured::default();
    let layer = tracing_redact::fmt::layer()
        .map_inner(|l| l.without_time().with_ansi(false).with_writer(text.clone()))
        .redacting_with(redactor);
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
        log::info!(target: "app::users::db", "saved jane@example.com");
        log::info!(target: "app::billing", "billed jane@example.com");
    });
    let text = text.text();
    assert!(
        text.contains("app::users::db: saved [REDACTED:email]"),
        "{text}"
    );
    assert!(
        text.contains("app::billing: billed jane@example.com"),
        "{text}"
    );
}
