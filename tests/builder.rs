//! Configuration behaviour: rule selection, custom rules, allowlists, replacements, limits and
//! the errors a bad configuration produces at build time.

use std::borrow::Cow;
use tracing_redact::{CustomRule, Error, Redactor, Replacement};

#[test]
fn disabling_a_family_and_re_enabling_one_rule() {
    let r = Redactor::builder()
        .disable("pii")
        .enable("us-ssn")
        .build()
        .unwrap();
    assert_eq!(
        r.redact("bob@example.com 078-05-1120"),
        "bob@example.com [REDACTED:us-ssn]"
    );
    assert!(!r.rule_ids().any(|id| id == "email"));
}

#[test]
fn network_rules_are_off_by_default() {
    assert_eq!(
        Redactor::default().redact("from 10.1.2.3 and 2001:db8::1"),
        "from 10.1.2.3 and 2001:db8::1"
    );
    let r = Redactor::builder().enable("network").build().unwrap();
    assert_eq!(
        r.redact("from 10.1.2.3 and 2001:db8::1"),
        "from [REDACTED:ipv4] and [REDACTED:ipv6]"
    );
}

#[test]
fn unknown_names_are_errors() {
    for builder in [
        Redactor::builder().disable("no-such-rule"),
        Redactor::builder().enable("aws-acces-key-id"),
        Redactor::builder().replacement_for("nope", Replacement::Label),
    ] {
        let err = builder.build().unwrap_err();
        assert!(matches!(err, Error::UnknownRule(_)), "{err}");
    }
}

#[test]
fn custom_rule_errors_name_the_rule() {
    let bad = Redactor::builder()
        .custom_rule(CustomRule::new("acme", "acme_("))
        .build()
        .unwrap_err();
    assert!(
        matches!(&bad, Error::InvalidPattern { rule, .. } if rule == "acme"),
        "{bad}"
    );
    assert!(bad.to_string().contains("acme"));

    let dup = Redactor::builder()
        .custom_rule(CustomRule::new("jwt", "x"))
        .build()
        .unwrap_err();
    assert_eq!(dup, Error::DuplicateRule("jwt".into()));

    let family = Redactor::builder()
        .custom_rule(CustomRule::new("aws", "x"))
        .build()
        .unwrap_err();
    assert_eq!(family, Error::DuplicateRule("aws".into()));

    let empty = Redactor::builder()
        .custom_rule(CustomRule::new("", "x"))
        .build()
        .unwrap_err();
    assert!(matches!(empty, Error::InvalidRule { .. }));

    let keyword = Redactor::builder()
        .custom_rule(CustomRule::new("k", "x").keywords([""]))
        .build()
        .unwrap_err();
    assert!(matches!(keyword, Error::InvalidRule { .. }));

    let allow = Redactor::builder().allow_pattern("[").build().unwrap_err();
    assert!(matches!(allow, Error::InvalidPattern { rule, .. } if rule == "allowlist"));

    let key = Redactor::builder().sensitive_key("--").build().unwrap_err();
    assert!(matches!(key, Error::InvalidRule { .. }));
}

#[test]
fn custom_rules_without_keywords_run_everywhere() {
    let r = Redactor::builder()
        .custom_rule(CustomRule::new("employee-id", r"\bE\d{6}\b"))
        .build()
        .unwrap();
    assert_eq!(
        r.redact("by E123456 today"),
        "by [REDACTED:employee-id] today"
    );
    assert_eq!(r.redact("by E12345 today"), "by E12345 today");
    let disabled = Redactor::builder()
        .custom_rule(CustomRule::new("employee-id", r"\bE\d{6}\b"))
        .disable("custom")
        .build()
        .unwrap();
    assert_eq!(disabled.redact("by E123456"), "by E123456");
}

/// Only the `secret…` groups are replaced, read with the rule's own syntax: Unicode classes
/// and word boundaries, a group in one alternation branch and not the other.
#[test]
fn custom_rule_secret_groups_keep_the_rest_of_the_match() {
    let r = Redactor::builder()
        .custom_rule(
            CustomRule::new(
                "vault-ref",
                r"\bvault:(?:(?P<secret>\w{6,})@\w+|sealed-\d+)\b",
            )
            .keywords(["vault:"]),
        )
        .build()
        .unwrap();
    assert_eq!(
        r.redact("ref vault:geheimnisé7@prod end"),
        "ref vault:[REDACTED:vault-ref]@prod end"
    );
    assert_eq!(
        r.redact("ref vault:sealed-42 end"),
        "ref [REDACTED:vault-ref] end",
        "a branch without the group replaces the whole match"
    );
    assert_eq!(r.redact("ref vault:abc@prod"), "ref vault:abc@prod");
}

#[test]
fn allowlists_drop_exact_findings_only() {
    let r = Redactor::builder()
        .allow_literal("AKIAIOSFODNN7EXAMPLE")
        .allow_pattern(r"[a-z]+@example\.com")
        .build()
        .unwrap();
    assert_eq!(r.redact("AKIAIOSFODNN7EXAMPLE"), "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(
        r.redact("AKIAIOSFODNN7EXAMPLF"),
        "[REDACTED:aws-access-key-id]"
    );
    assert_eq!(r.redact("bob@example.com"), "bob@example.com");
    // The pattern must match the whole finding, not a part of it.
    assert_eq!(r.redact("bob@example.com.evil.io"), "[REDACTED:email]");
}

#[test]
fn replacements_per_rule_and_family() {
    let r = Redactor::builder()
        .replacement(Replacement::fixed("<hidden>"))
        .replacement_for("pii", Replacement::mask(0, 0))
        .replacement_for("payment-card", Replacement::mask(0, 4))
        .build()
        .unwrap();
    assert_eq!(r.redact("password=hunter2"), "password=<hidden>");
    assert_eq!(
        r.redact("password=<hidden>"),
        "password=<hidden>",
        "fixed text is not re-redacted"
    );
    assert_eq!(r.redact("bob@example.com"), "***************");
    assert_eq!(r.redact("4111-1111-1111-1111"), "****-****-****-1111");
}

#[test]
fn masks_never_reveal_most_of_a_short_secret() {
    // Kept characters may be at most a quarter of the secret.
    let r = Redactor::builder()
        .replacement(Replacement::mask(2, 2))
        .build()
        .unwrap();
    assert_eq!(r.redact("pwd=abcdefgh"), "pwd=********");
    assert_eq!(r.redact("pwd=abcdefghijklmnop"), "pwd=ab************op");
    assert_eq!(
        r.redact("id AKIAIOSFODNN7EXAMPLE"),
        "id AK****************LE"
    );
}

#[test]
fn keyed_hash_tags_correlate_and_differ_by_key() {
    let a = Redactor::builder()
        .replacement(Replacement::keyed_hash([1; 32]))
        .build()
        .unwrap();
    let b = Redactor::builder()
        .replacement(Replacement::keyed_hash([2; 32]))
        .build()
        .unwrap();
    let random = Redactor::builder()
        .replacement(Replacement::keyed_hash_random().unwrap())
        .build()
        .unwrap();
    let text = "token=s3cr3t-value";
    let (ta, tb, tr) = (a.redact(text), b.redact(text), random.redact(text));
    assert_eq!(ta, a.redact(text));
    assert_ne!(ta, tb);
    assert_ne!(ta, a.redact("token=other-value"));
    for t in [&ta, &tb, &tr] {
        assert!(
            t.starts_with("token=[REDACTED:sensitive-key:") && !t.contains("s3cr3t"),
            "{t}"
        );
    }
    assert!(
        !format!("{:?}", Replacement::keyed_hash([9; 32])).contains('9'),
        "Debug hides the key"
    );
}

#[test]
fn oversized_values_are_replaced_whole() {
    let r = Redactor::builder().max_value_len(64).build().unwrap();
    let long = "x".repeat(65);
    assert_eq!(r.redact(&long), "[REDACTED:oversized]");
    assert_eq!(&*r.redact_bytes(long.as_bytes()), b"[REDACTED:oversized]");
    assert_eq!(
        r.find(&long).map(|f| f.rule()).collect::<Vec<_>>(),
        ["oversized"]
    );
    assert!(matches!(r.redact(&long[..64]), Cow::Borrowed(_)));
}

#[test]
fn invalid_utf8_is_scanned_and_kept() {
    let r = Redactor::default();
    let mut bytes = b"\xc3\x28 key AKIAIOSFODNN7EXAMPLE \xff".to_vec();
    let out = r.redact_bytes(&bytes).into_owned();
    assert_eq!(out, b"\xc3\x28 key [REDACTED:aws-access-key-id] \xff");
    bytes.truncate(3);
    assert!(matches!(r.redact_bytes(&bytes), Cow::Borrowed(_)));
}

#[test]
fn findings_fall_on_char_boundaries() {
    let r = Redactor::builder()
        .custom_rule(CustomRule::new("half-char", r"(?-u:\xA9)"))
        .build()
        .unwrap();
    let text = "caf\u{e9}";
    for f in r.find(text) {
        assert!(text.is_char_boundary(f.range().start) && text.is_char_boundary(f.range().end));
    }
    assert_eq!(r.redact(text), "caf[REDACTED:half-char]");
}

#[test]
fn redactor_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Redactor>();
    let r = Redactor::default();
    let clones: Vec<_> = (0..4).map(|_| r.clone()).collect();
    std::thread::scope(|s| {
        for c in &clones {
            s.spawn(move || {
                assert_eq!(c.redact("password=x1"), "password=[REDACTED:sensitive-key]")
            });
        }
    });
}

#[test]
fn marker_names_are_reserved() {
    for id in ["oversized", "unformattable"] {
        let err = tracing_redact::Redactor::builder()
            .custom_rule(tracing_redact::CustomRule::new(id, "x{3}"))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains(id), "{err}");
    }
}
