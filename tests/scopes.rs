//! Rules scoped by target (`RedactorBuilder::scope`): each event and span is scanned with the
//! configuration of the longest scope that covers its target, text without a target with the
//! configuration outside every scope, and one set of counters covers them all.

mod support;

use std::sync::{Arc, Mutex};
use support::logged;
use tracing_redact::{Error, RedactLayer, Redactor};
use tracing_subscriber::prelude::*;

/// PII only where users are handled, the same and phone numbers exempt in its export module,
/// and no `sensitive-key` rule in one noisy dependency.
fn scoped() -> Redactor {
    Redactor::builder()
        .disable("pii")
        .scope("app::users", |s| s.enable("pii"))
        .scope("app::users::export", |s| s.exempt_field("phone"))
        .scope("noisy::proto", |s| s.disable("sensitive-key"))
        .build()
        .unwrap()
}

#[test]
fn each_target_gets_the_longest_scope_that_covers_it() {
    let r = scoped();
    let line = "jane@example.com card 4111 1111 1111 1111 password=hunter2";
    // (target, output)
    let rows = [
        (
            "app::users",
            "[REDACTED:email] card [REDACTED:payment-card] password=[REDACTED:sensitive-key]",
        ),
        (
            "app::users::db",
            "[REDACTED:email] card [REDACTED:payment-card] password=[REDACTED:sensitive-key]",
        ),
        // An inner scope starts from the scopes around it: PII stays on.
        (
            "app::users::export",
            "[REDACTED:email] card [REDACTED:payment-card] password=[REDACTED:sensitive-key]",
        ),
        (
            "app::users::export::csv",
            "[REDACTED:email] card [REDACTED:payment-card] password=[REDACTED:sensitive-key]",
        ),
        // Not below `app::users`: a longer name, a parent, another crate.
        (
            "app::users2",
            "jane@example.com card 4111 1111 1111 1111 password=[REDACTED:sensitive-key]",
        ),
        (
            "app",
            "jane@example.com card 4111 1111 1111 1111 password=[REDACTED:sensitive-key]",
        ),
        (
            "noisy::proto::h1",
            "jane@example.com card 4111 1111 1111 1111 password=hunter2",
        ),
        (
            "other::noisy::proto",
            "jane@example.com card 4111 1111 1111 1111 password=[REDACTED:sensitive-key]",
        ),
    ];
    for (target, expected) in rows {
        assert_eq!(r.for_target(target).redact(line), expected, "{target}");
    }
    // Text without a target uses the configuration outside every scope.
    assert_eq!(r.redact(line), r.for_target("elsewhere").redact(line));
}

#[test]
fn the_layer_picks_the_scope_of_each_event_and_span() {
    let out = logged(scoped(), || {
        tracing::info!(target: "app::users::db", user = "jane@example.com", "saved");
        tracing::info!(target: "app::billing", user = "jane@example.com", "billed");
        let span = tracing::info_span!(target: "app::users", "signup", email = "joe@example.org");
        let _entered = span.enter();
        // The event's own target decides, not its span's.
        tracing::info!(target: "app::mail", to = "joe@example.org", "queued");
        // A value recorded later is scanned with the span's scope.
        span.record("email", "ann@example.net");
        tracing::info!(target: "app::mail", "sent");
    });
    assert!(!out.contains("ann@example.net"), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].contains("user=\"[REDACTED:email]\""), "{out}");
    assert!(lines[1].contains("user=\"jane@example.com\""), "{out}");
    assert!(
        lines[2].contains("signup{email=\"[REDACTED:email]\"}"),
        "{out}"
    );
    assert!(lines[2].contains("to=\"joe@example.org\""), "{out}");
}

#[test]
fn one_set_of_counters_covers_every_scope() {
    let rules = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&rules);
    let layer = RedactLayer::with_redactor(
        tracing_subscriber::fmt::layer().with_writer(std::io::sink),
        scoped(),
    )
    .on_redaction(move |r| seen.lock().unwrap().push(r.rule().to_owned()));
    let stats = layer.stats();
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
        tracing::info!(target: "app::users", "card 4111 1111 1111 1111 from jane@example.com");
        tracing::info!(target: "app::users::export", "to jane@example.com");
        tracing::info!(target: "elsewhere", "AKIA2E0A8F3B244C9986 password=hunter2");
    });
    assert_eq!(stats.count("email"), 2);
    assert_eq!(stats.count("payment-card"), 1);
    assert_eq!(stats.count("sensitive-key"), 1);
    assert_eq!(stats.count("aws-access-key-id"), 1);
    assert_eq!(stats.total(), 5);
    // Every rule any scope has is listed once.
    let ids: Vec<&str> = stats.iter().map(|(id, _)| id).collect();
    for id in [
        "email",
        "payment-card",
        "sensitive-key",
        "oversized",
        "unformattable",
    ] {
        assert_eq!(ids.iter().filter(|i| **i == id).count(), 1, "{id}: {ids:?}");
    }
    let mut rules = rules.lock().unwrap().clone();
    rules.sort();
    assert_eq!(
        rules,
        [
            "aws-access-key-id",
            "email",
            "email",
            "payment-card",
            "sensitive-key"
        ]
    );
}

#[test]
fn bad_scopes_are_refused_naming_the_scope() {
    let scope_error = |builder: tracing_redact::RedactorBuilder, entry: &str, word: &str| {
        let err = builder.build().unwrap_err();
        match &err {
            Error::Config { entry: named, .. } => assert_eq!(named, entry, "{err}"),
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains(word), "{err}");
    };
    for prefix in ["", "app::", "::app", "app users", "app::*"] {
        scope_error(
            Redactor::builder().scope(prefix, |s| s),
            &format!("scope({prefix})"),
            "module path",
        );
    }
    scope_error(
        Redactor::builder()
            .scope("app", |s| s)
            .scope("app", |s| s.disable("pii")),
        "scope(app)",
        "twice",
    );
    scope_error(
        Redactor::builder().scope("app", |s| s.scope("app::inner", |t| t)),
        "scope(app)",
        "scopes of its own",
    );
    scope_error(
        Redactor::builder().scope("app", |s| s.enable("no-such-rule")),
        "scope(app)",
        "no-such-rule",
    );
}

#[test]
fn an_inner_scope_keeps_the_changes_of_the_scopes_around_it() {
    let r = scoped();
    let line = "phone=\"+1 415 555 0100\" card 4111 1111 1111 1111";
    assert_eq!(
        r.for_target("app::users::export").redact(line),
        "phone=\"+1 415 555 0100\" card [REDACTED:payment-card]"
    );
    assert_eq!(
        r.for_target("app::users").redact(line),
        "phone=\"[REDACTED:phone-number]\" card [REDACTED:payment-card]"
    );
}

#[test]
fn a_scope_starts_from_every_setting_of_the_builder() {
    // Settings made after `scope` apply inside it too.
    let r = Redactor::builder()
        .scope("app", |s| s.disable("email"))
        .sensitive_key("employee_number")
        .build()
        .unwrap();
    assert_eq!(
        r.for_target("app")
            .redact("jane@example.com employee_number=42"),
        "jane@example.com employee_number=[REDACTED:sensitive-key]"
    );
    assert_eq!(
        r.redact("jane@example.com employee_number=42"),
        "[REDACTED:email] employee_number=[REDACTED:sensitive-key]"
    );
}

#[test]
fn the_writer_scopes_by_the_events_target() {
    let out = tracing_redact::testing::Captured::default();
    let writer = tracing_redact::RedactingMakeWriter::with_redactor(out.clone(), scoped());
    let fmt = tracing_subscriber::fmt::layer()
        .without_time()
        .with_ansi(false)
        .with_writer(writer);
    tracing::subscriber::with_default(tracing_subscriber::registry().with(fmt), || {
        tracing::info!(target: "app::users::db", "saved jane@example.com");
        tracing::info!(target: "app::billing", "billed jane@example.com");
    });
    let text = out.text();
    assert!(
        text.contains("app::users::db: saved [REDACTED:email]"),
        "{text}"
    );
    assert!(
        text.contains("app::billing: billed jane@example.com"),
        "{text}"
    );
}
