//! Rolling redaction out: detect-only mode, the audit hook, and the counters in the
//! OpenMetrics text format.

use std::fmt;
use std::sync::{Arc, Mutex};
use tracing::{info, info_span};
use tracing_redact::testing::Captured;
use tracing_redact::{RedactLayer, Redactor};
use tracing_subscriber::prelude::*;

const CARD: &str = "4111111111111111";

/// One call of the audit hook: (rule, field, target, is_span, applied).
type Call = (String, String, String, bool, bool);
/// The calls, and the `Debug` of every `Redaction` the hook was given.
type Seen = Arc<Mutex<(Vec<Call>, String)>>;

fn layer(
    out: &Captured,
    seen: &Seen,
) -> RedactLayer<impl tracing_subscriber::Layer<tracing_subscriber::Registry>> {
    let log = Arc::clone(seen);
    RedactLayer::with_redactor(
        tracing_subscriber::fmt::layer()
            .without_time()
            .with_ansi(false)
            .with_writer(out.clone()),
        Redactor::default(),
    )
    .on_redaction(move |r| {
        let mut log = log.lock().expect("not poisoned");
        log.0.push((
            r.rule().to_string(),
            r.field().to_string(),
            r.metadata().target().to_string(),
            r.is_span(),
            r.applied(),
        ));
        log.1.push_str(&format!("{r:?}\n"));
    })
}

struct FailingDebug;

impl fmt::Debug for FailingDebug {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Err(fmt::Error)
    }
}

/// The same events through a redacting layer and a detect-only one.
fn run(detect_only: bool) -> (String, Vec<Call>, String) {
    let out = Captured::default();
    let seen: Seen = Arc::default();
    let mut layer = layer(&out, &seen);
    if detect_only {
        layer = layer.detect_only();
    }
    assert_eq!(layer.is_detect_only(), detect_only);
    let stats = layer.stats();
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
        let span = info_span!(target: "app::users", "lookup", card = CARD);
        let _entered = span.enter();
        info!(target: "app::auth", password = "hunter22", user = "ann", "login for ann@example.com");
        info!(target: "app::auth", broken = ?FailingDebug, "clean message");
        info!(target: "app::auth", "nothing here");
    });
    let seen = seen.lock().expect("not poisoned").clone();
    // What the hook was handed, printed in full, holds no value.
    for value in ["hunter22", CARD, "ann@example.com"] {
        assert!(!seen.1.contains(value), "{value} in {}", seen.1);
    }
    assert!(seen.1.contains("Redaction"), "{}", seen.1);
    (out.text(), seen.0, stats.to_string())
}

#[test]
fn detect_only_forwards_everything_and_counts_what_redaction_would() {
    let (redacted, redacted_seen, redacted_stats) = run(false);
    let (detected, detected_seen, detected_stats) = run(true);
    // Redacting: the values are gone.
    assert!(
        !redacted.contains("hunter22") && !redacted.contains(CARD),
        "{redacted}"
    );
    // Detect-only: every byte is there, the failing Debug too (as fmt writes it).
    for kept in ["hunter22", CARD, "ann@example.com", "nothing here"] {
        assert!(detected.contains(kept), "{kept} missing: {detected}");
    }
    assert!(!detected.contains("[REDACTED"), "{detected}");
    // The same findings, counted and audited the same way.
    assert_eq!(redacted_stats, detected_stats);
    assert_eq!(
        redacted_stats,
        "sensitive-key=1 email=1 payment-card=1 unformattable=1"
    );
    let strip = |seen: &[Call]| {
        seen.iter()
            .map(|(rule, field, target, span, _)| {
                (rule.clone(), field.clone(), target.clone(), *span)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&redacted_seen), strip(&detected_seen));
    assert!(redacted_seen.iter().all(|s| s.4), "{redacted_seen:?}");
    assert!(detected_seen.iter().all(|s| !s.4), "{detected_seen:?}");
}

#[test]
fn the_audit_hook_gets_rule_field_and_callsite() {
    let (_, seen, _) = run(false);
    let want: Vec<Call> = [
        ("payment-card", "card", "app::users", true),
        ("sensitive-key", "password", "app::auth", false),
        ("email", "message", "app::auth", false),
        ("unformattable", "broken", "app::auth", false),
    ]
    .iter()
    .map(|(rule, field, target, span)| {
        (
            rule.to_string(),
            field.to_string(),
            target.to_string(),
            *span,
            true,
        )
    })
    .collect();
    let mut got = seen.clone();
    got.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(got, want_sorted);
}

#[test]
fn counters_come_out_in_the_openmetrics_text_format() {
    let out = Captured::default();
    let seen: Seen = Arc::default();
    let layer = layer(&out, &seen);
    let stats = layer.stats();
    assert!(stats
        .openmetrics("app")
        .contains("app_redactions_total{rule=\"email\"} 0\n"));
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
        info!("mail ann@example.com and bob@example.com");
    });
    let text = stats.openmetrics("app-logs 1");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "# TYPE app_logs_1_redactions counter");
    assert!(
        lines.contains(&"app_logs_1_redactions_total{rule=\"email\"} 2"),
        "{text}"
    );
    assert!(
        lines.contains(&"app_logs_1_redactions_total{rule=\"aws-access-key-id\"} 0"),
        "{text}"
    );
    assert!(
        lines.contains(&"app_logs_1_redacted_events_total 1"),
        "{text}"
    );
    assert!(
        lines.contains(&"app_logs_1_redacted_spans_total 0"),
        "{text}"
    );
    assert_eq!(lines.last(), Some(&"# EOF"));
    // One sample line per rule and marker, and the two event counters.
    let samples = lines.iter().filter(|l| !l.starts_with('#')).count();
    assert_eq!(samples, stats.iter().count() + 2);
    assert!(stats
        .openmetrics("")
        .starts_with("# TYPE tracing_redact_redactions counter"));
    assert!(stats
        .openmetrics("9x")
        .starts_with("# TYPE _9x_redactions counter"));
}
