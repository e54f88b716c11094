//! The precedence between exempt fields, sensitive keys, the allowlist and the rules
//! (`RedactorBuilder`'s "Precedence" table), one test per cell, in text and in the layer.

mod support;

use support::logged;
use tracing::{info, info_span};
use tracing_redact::{Error, Redactor};

/// Passes the Luhn check: the payment-card rule takes it for a card.
const CARD: &str = "4111111111111111";
/// An access key id of the documented shape (not AWS's own example, which is allowed).
const AKID: &str = "AKIA2E0A8F3B244C9986";

fn build(
    f: impl FnOnce(tracing_redact::RedactorBuilder) -> tracing_redact::RedactorBuilder,
) -> Redactor {
    f(Redactor::builder())
        .build()
        .expect("the configuration builds")
}

// Cell: exempt field × rule. The rule would fire; the exempt value is left alone.

#[test]
fn an_exempt_key_keeps_its_value_in_text() {
    let r = build(|b| b.exempt_field("request_id").exempt_field("trace_id"));
    for (line, want) in [
        (
            format!("request_id={CARD} card={CARD}"),
            format!("request_id={CARD} card=[REDACTED:payment-card]"),
        ),
        (
            format!(r#"{{"trace_id": "{AKID}", "key": "{AKID}"}}"#),
            format!(r#"{{"trace_id": "{AKID}", "key": "[REDACTED:aws-access-key-id]"}}"#),
        ),
        (
            format!(r#"{{\"traceId\":\"{CARD}\",\"n\":\"{CARD}\"}}"#),
            format!(r#"{{\"traceId\":\"{CARD}\",\"n\":\"[REDACTED:payment-card]\"}}"#),
        ),
        (
            format!("X-Request-Id: {CARD}"),
            format!("X-Request-Id: {CARD}"),
        ),
        (
            format!("ctx.request_id='{CARD}'; {CARD}"),
            format!("ctx.request_id='{CARD}'; [REDACTED:payment-card]"),
        ),
    ] {
        assert_eq!(r.redact(&line), want, "{line}");
    }
    // Without the exemption, every one of them is redacted.
    let plain = Redactor::default();
    assert_eq!(
        plain.redact(&format!("request_id={CARD}")),
        "request_id=[REDACTED:payment-card]"
    );
}

#[test]
fn an_exempt_field_keeps_its_value_in_events_and_spans() {
    let r = build(|b| b.exempt_field("request_id"));
    let out = logged(r, || {
        let span = info_span!("call", request_id = CARD, other = CARD);
        let _entered = span.enter();
        info!(request_id = CARD, card = CARD, "done");
    });
    // fmt quotes string fields.
    assert_eq!(
        out.matches(&format!("request_id=\"{CARD}\"")).count(),
        2,
        "{out}"
    );
    assert_eq!(out.matches(CARD).count(), 2, "{out}");
    assert!(out.contains("other=\"[REDACTED:payment-card]\""), "{out}");
    assert!(out.contains("card=\"[REDACTED:payment-card]\""), "{out}");
}

// Cell: exempt field × sensitive name. The name would redact the value; exemption wins.

#[test]
fn an_exempt_key_outranks_a_sensitive_name() {
    let r = build(|b| b.exempt_field("session_id"));
    assert_eq!(r.redact("session_id=f00dfeed12"), "session_id=f00dfeed12");
    assert_eq!(
        Redactor::default().redact("session_id=f00dfeed12"),
        "session_id=[REDACTED:sensitive-key]"
    );
    let out = logged(r, || {
        info!(session_id = "f00dfeed12", password = "hunter22")
    });
    assert!(out.contains("session_id=\"f00dfeed12\""), "{out}");
    assert!(
        out.contains("password=\"[REDACTED:sensitive-key]\""),
        "{out}"
    );
}

// Cell: exempt field × sensitive key of the user's. A contradiction: refused when built.

#[test]
fn a_key_both_exempt_and_sensitive_is_refused() {
    for (exempt, sensitive) in [
        ("account_ref", "accountRef"),
        ("*_ref", "account_ref"),
        ("account_ref", "*_ref"),
        ("x-*-ref", "x-*-ref"),
    ] {
        let err = Redactor::builder()
            .exempt_field(exempt)
            .sensitive_key(sensitive)
            .build()
            .expect_err("exempt and sensitive at once");
        assert!(
            matches!(&err, Error::InvalidRule { reason, .. } if reason.contains("both exempt and sensitive")),
            "{exempt} / {sensitive}: {err}"
        );
    }
    // Names that only look alike are fine.
    assert!(Redactor::builder()
        .exempt_field("account_ref")
        .sensitive_key("account_refs")
        .build()
        .is_ok());
}

// Cell: sensitive key × allowlist. The allowlist does not switch a sensitive name off.

#[test]
fn the_allowlist_does_not_switch_off_sensitive_names() {
    let r = build(|b| {
        b.sensitive_key("employee_pin")
            .allow_literal("hunter22")
            .allow_literal("0042")
            .allow_pattern(".*")
    });
    assert_eq!(
        r.redact("password=hunter22 employee_pin=0042"),
        "password=[REDACTED:sensitive-key] employee_pin=[REDACTED:sensitive-key]"
    );
    let out = logged(r, || info!(employee_pin = "0042", password = "hunter22"));
    assert!(!out.contains("0042") && !out.contains("hunter22"), "{out}");
}

// Cell: allowlist × rule. What the allowlist names is kept, the rest redacted.

#[test]
fn the_allowlist_keeps_what_it_names_from_the_rules() {
    let r = build(|b| b.allow_literal(CARD).allow_pattern(r"[a-z]+@example\.com"));
    assert_eq!(
        r.redact(&format!(
            "{CARD} 5555555555554444 bob@example.com bob@example.org"
        )),
        format!("{CARD} [REDACTED:payment-card] bob@example.com [REDACTED:email]")
    );
}

// Cell: rule alone. Found and redacted.

#[test]
fn a_rule_redacts_what_no_policy_covers() {
    let r = build(|b| b.exempt_field("request_id").allow_literal("x"));
    assert_eq!(
        r.redact(&format!("id={CARD}")),
        "id=[REDACTED:payment-card]"
    );
}

// The narrow reading of exempt values: nothing past the value is let through.

#[test]
fn an_exempt_value_ends_where_it_certainly_ends() {
    let r = build(|b| b.exempt_field("note"));
    for (line, want) in [
        // A blank ends a bare value.
        (
            format!("note=ok {CARD}"),
            "note=ok [REDACTED:payment-card]".to_string(),
        ),
        // An unclosed quote exempts nothing.
        (
            format!("note=\"ok {CARD}"),
            "note=\"ok [REDACTED:payment-card]".to_string(),
        ),
        // A quote closes on its line only.
        (
            format!("note=\"ok\n{CARD}\""),
            "note=\"ok\n[REDACTED:payment-card]\"".to_string(),
        ),
        // A finding that reaches past the value is redacted whole.
        (
            "note=+1 415 555 0100".to_string(),
            "note=[REDACTED:phone-number]".to_string(),
        ),
        // The pair after an exempt one is not exempt.
        (
            "note=ok, password=hunter22".to_string(),
            "note=ok, password=[REDACTED:sensitive-key]".to_string(),
        ),
        // A key that merely contains the name is not it.
        (
            format!("footnote={CARD}"),
            "footnote=[REDACTED:payment-card]".to_string(),
        ),
    ] {
        assert_eq!(r.redact(&line), want, "{line:?}");
    }
}

#[test]
fn sensitive_globs_cover_fields_and_text() {
    let r = build(|b| b.sensitive_key("*_pin").sensitive_key("x-*-ref"));
    assert_eq!(
        r.redact("card_pin=0042 X-Acme-Ref: 77 pin_count=3"),
        "card_pin=[REDACTED:sensitive-key] X-Acme-Ref: [REDACTED:sensitive-key] pin_count=3"
    );
    let out = logged(r, || info!(card_pin = 42u64, pin_count = 3u64, "x"));
    assert!(
        out.contains("card_pin=\"[REDACTED:sensitive-key]\""),
        "{out}"
    );
    assert!(out.contains("pin_count=3"), "{out}");
}

#[test]
fn bad_globs_are_refused_with_their_reason() {
    for glob in ["*", "*_*", "x-*-i", "*pass word*"] {
        let err = Redactor::builder()
            .sensitive_key(glob)
            .build()
            .expect_err("a bad glob");
        assert!(
            matches!(&err, Error::InvalidRule { rule, .. } if rule == glob),
            "{err}"
        );
        let err = Redactor::builder()
            .exempt_field(glob)
            .build()
            .expect_err("a bad glob");
        assert!(
            matches!(&err, Error::InvalidRule { rule, .. } if rule == glob),
            "{err}"
        );
    }
}

#[test]
fn an_exempt_name_may_not_cover_the_message_or_a_secret_name() {
    for covering in ["*_key", "*ss*", "password", "x-*-token", "authorization"] {
        let err = Redactor::builder()
            .exempt_field(covering)
            .build()
            .expect_err("covers a secret name");
        assert!(
            matches!(&err, Error::InvalidRule { reason, .. } if reason.contains("says secret")),
            "{covering}: {err}"
        );
    }
}

// Cell: known value × exempt field. A known secret is never an id.

#[test]
fn a_known_value_is_redacted_even_in_an_exempt_field() {
    let r = build(|b| b.exempt_field("note").secret_value("s3cr3t-value-1"));
    assert_eq!(
        r.redact("note=s3cr3t-value-1 other=1"),
        "note=[REDACTED:secret-value] other=1"
    );
    let out = logged(r.clone(), || info!(note = "s3cr3t-value-1", "x"));
    assert!(!out.contains("s3cr3t-value-1"), "{out}");
    // Also where another rule's finding covers it first and wins the merge: the merged
    // finding is the known value's, so the exempt field's filter lets it through.
    for value in [
        "password=s3cr3t-value-1",
        "postgres://app:s3cr3t-value-1@db.internal:5432/app",
        "Authorization: Bearer s3cr3t-value-1",
    ] {
        let out = logged(r.clone(), || info!(note = value, "x"));
        assert!(!out.contains("s3cr3t-value-1"), "{out}");
        assert!(
            !r.redact_field("note", value).contains("s3cr3t-value-1"),
            "{value}"
        );
    }
}

#[test]
fn a_quoted_exempt_value_holding_a_pair_exempts_nothing() {
    let r = build(|b| b.exempt_field("note"));
    assert_eq!(
        r.redact(r#"note='{"password":"hunter22"}'"#),
        r#"note='{"password":"[REDACTED:sensitive-key]"}'"#
    );
    // Inside what may be a quoted string, the password's value is read on to the quote.
    assert_eq!(
        r.redact("note='s password=hunter22 for the users' data"),
        "note='s password=[REDACTED:sensitive-key]"
    );
}

#[test]
fn the_allowlist_does_not_apply_twice_to_a_decoded_byte_list() {
    // `password=hunter22` as the decimal bytes a `Bytes` Debug prints.
    let bytes: Vec<String> = "password=hunter22".bytes().map(|b| b.to_string()).collect();
    let text = format!("body: Bytes([{}])", bytes.join(", "));
    let r = build(|b| b.allow_pattern("[0-9, ]+"));
    let out = r.redact(&text);
    assert!(out.contains("[REDACTED:sensitive-key]"), "{out}");
    assert!(!out.contains("104, 117, 110"), "{out}");
}
