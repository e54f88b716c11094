//! Known secret values (`RedactorBuilder::secret_value`): found as they are and in every form
//! they are logged in, never printed by the crate, refused when unusable.

mod support;

use proptest::prelude::*;
use support::logged;
use tracing::info;
use tracing_redact::testing::find_leak;
use tracing_redact::testing::strategies::clean_line;
use tracing_redact::{Error, Redactor};

const VALUE: &str = "Tr0ub4dor&3/x+y\"z";

/// Encoders written here from their specifications (RFC 4648, RFC 3986, ECMA-404), so the
/// test does not share code with the crate.
fn base64(bytes: &[u8], url: bool) -> String {
    let alphabet: &[u8] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let mut n = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            n |= u32::from(b) << (16 - 8 * i);
        }
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(alphabet[(n >> (18 - 6 * i) & 63) as usize]));
            } else if !url {
                out.push('=');
            }
        }
    }
    out
}

fn percent(value: &str) -> String {
    percent_with(value, false)
}

fn percent_with(value: &str, lower: bool) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else if lower {
                format!("%{b:02x}")
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn hex(value: &str, upper: bool) -> String {
    value
        .bytes()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect()
}

fn redactor() -> Redactor {
    Redactor::builder()
        .secret_value(VALUE)
        .build()
        .expect("builds")
}

#[test]
fn every_form_is_redacted() {
    let r = redactor();
    let json = serde_json::to_string(VALUE).expect("a string");
    let wrapped = |prefix: &str, suffix: &str| {
        let mut bytes = prefix.as_bytes().to_vec();
        bytes.extend_from_slice(VALUE.as_bytes());
        bytes.extend_from_slice(suffix.as_bytes());
        bytes
    };
    let forms = [
        VALUE.to_string(),
        json[1..json.len() - 1].to_string(),
        percent(VALUE),
        percent_with(VALUE, true),
        hex(VALUE, false),
        hex(VALUE, true),
        base64(VALUE.as_bytes(), false),
        base64(VALUE.as_bytes(), true),
        // Inside a longer encoded text, at each of the three offsets.
        base64(&wrapped("user:", ""), false),
        base64(&wrapped("u:", "\n"), false),
        base64(&wrapped("{\"pw\":\"", "\"}"), true),
    ];
    for form in forms {
        for line in [
            format!("value {form} end"),
            format!("{{\"v\":\"{form}\"}}"),
            format!("x={form}&y=1"),
            format!("glued{form}glued"),
        ] {
            let out = r.redact(&line);
            assert!(
                out.contains("[REDACTED:secret-value]"),
                "{form} not found in {line:?} -> {out:?}"
            );
            assert!(!out.contains(&form), "{line:?} -> {out:?}");
            assert!(find_leak(&out, &[VALUE]).is_none(), "{line:?} -> {out:?}");
        }
    }
}

#[test]
fn the_raw_value_never_survives_in_fields_or_messages() {
    let text = logged(redactor(), || {
        info!(
            dsn = format!("postgres://app:{VALUE}@db/main"),
            "connecting"
        );
        info!(header = %format!("Basic {}", base64(format!("app:{VALUE}").as_bytes(), false)));
        info!("retrying with {}", percent(VALUE));
    });
    assert_eq!(text.matches("[REDACTED:secret-value]").count(), 3, "{text}");
    assert!(find_leak(&text, &[VALUE]).is_none(), "{text}");
    assert!(!text.contains(&percent(VALUE)), "{text}");
}

/// Negatives: near misses of the value and of its forms are not it.
#[test]
fn near_misses_stay_as_they_are() {
    let r = redactor();
    let cut = &VALUE[..VALUE.len() - 1];
    for text in [
        format!("pw {cut}"),
        format!("pw {}", &VALUE[1..]),
        hex(cut, false),
        base64(b"Tr0ub4dor&3/x+y", false),
        percent(cut),
        "Tr0ub4dor&3 x+y z".to_string(),
        format!("{:?}", VALUE.to_uppercase()),
    ] {
        assert_eq!(r.redact(&text), text, "{text:?}");
    }
}

#[test]
fn the_allowlist_does_not_let_a_known_value_through() {
    let r = Redactor::builder()
        .secret_value(VALUE)
        .allow_literal(VALUE)
        .allow_pattern(".*")
        .build()
        .expect("builds");
    assert_eq!(r.redact(VALUE), "[REDACTED:secret-value]");
}

#[test]
fn values_are_never_printed() {
    let builder = Redactor::builder()
        .secret_value(VALUE)
        .secret_value("another-one");
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains("Tr0ub4dor") && !shown.contains("another"),
        "{shown}"
    );
    assert!(shown.contains("secret_values: 2"), "{shown}");
    let r = builder.build().expect("builds");
    let shown = format!("{r:?}");
    assert!(!shown.contains("Tr0ub4dor"), "{shown}");
    let err = Redactor::builder()
        .secret_value("qZx7")
        .build()
        .expect_err("too short");
    assert!(!err.to_string().contains("qZx7"), "{err}");
    assert!(!format!("{err:?}").contains("qZx7"), "{err:?}");
    assert!(
        matches!(&err, Error::InvalidRule { rule, .. } if rule == "secret-value"),
        "{err}"
    );
}

#[test]
fn environment_variables_are_read_or_named_in_the_error() {
    std::env::set_var("TRACING_REDACT_TEST_SECRET", "from-the-environment-42");
    let r = Redactor::builder()
        .secret_values_from_env(["TRACING_REDACT_TEST_SECRET"])
        .build()
        .expect("builds");
    assert_eq!(
        r.redact("token from-the-environment-42 used"),
        "token [REDACTED:secret-value] used"
    );
    let err = Redactor::builder()
        .secret_values_from_env(["TRACING_REDACT_TEST_UNSET_VARIABLE"])
        .build()
        .expect_err("unset");
    assert!(
        err.to_string()
            .contains("TRACING_REDACT_TEST_UNSET_VARIABLE is not set"),
        "{err}"
    );
}

/// An exempt field is never redacted except for known values; replacing a known value in
/// it must not wake the other rules for the rest of the field (the fixed-point rescan of
/// a field with a replacement looks for known values only there).
#[test]
fn an_exempt_field_loses_only_its_known_values() {
    let r = Redactor::builder()
        .secret_value(VALUE)
        .exempt_field("request_id")
        .build()
        .expect("builds");
    let rest = "card 4111 1111 1111 1111 key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let text = logged(r, || {
        info!(request_id = %format!("rid {VALUE} {rest}"), "with a known value");
        info!(request_id = %format!("rid {rest}"), "without");
        info!(other = %format!("rid {VALUE} {rest}"), "not exempt");
    });
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].contains(&format!("request_id=rid [REDACTED:secret-value] {rest}")),
        "{text}"
    );
    assert!(
        lines[1].contains(&format!("request_id=rid {rest}")),
        "{text}"
    );
    assert!(
        lines[2].contains(
            "other=rid [REDACTED:secret-value] card [REDACTED:payment-card] key [REDACTED:"
        ),
        "{text}"
    );
}

#[test]
fn a_known_value_can_be_relabelled_or_switched_off() {
    let r = Redactor::builder()
        .secret_value(VALUE)
        .replacement_for("secret-value", tracing_redact::Replacement::fixed("***"))
        .build()
        .expect("builds");
    assert_eq!(r.redact(&format!("pw {VALUE}")), "pw ***");
    let off = Redactor::builder()
        .secret_value(VALUE)
        .disable("secret-value")
        .build()
        .expect("builds");
    assert_eq!(off.redact(&format!("pw={VALUE}")), format!("pw={VALUE}"));
    assert!(Redactor::default()
        .rule_ids()
        .all(|id| id != "secret-value"));
}

proptest! {
    /// Clean log lines come back byte for byte with 20 known values and 20 exempt names set.
    #[test]
    fn clean_lines_are_untouched_by_known_values_and_exemptions(line in clean_line()) {
        static POLICY: std::sync::OnceLock<Redactor> = std::sync::OnceLock::new();
        let r = POLICY.get_or_init(|| {
            let mut b = Redactor::builder();
            for i in 0..20 {
                b = b
                    .exempt_field(format!("field_{i}_id"))
                    .secret_value(format!("known-{i:02}-{}", "Zq9".repeat(i % 5 + 2)));
            }
            b.build().expect("builds")
        });
        prop_assert_eq!(r.redact(&line), Redactor::default().redact(&line));
        prop_assert!(matches!(r.redact(&line), std::borrow::Cow::Borrowed(_)));
    }

    /// Any value of printable characters, in any form, planted in noise: gone.
    #[test]
    fn known_values_never_survive(
        value in "[\\PC]{6,40}",
        form in 0..8usize,
        left in "[a-z =:\"]{0,12}",
        right in "[a-z =:\"]{0,12}",
    ) {
        let r = Redactor::builder().secret_value(value.clone()).build().expect("builds");
        let encoded = match form {
            0 => value.clone(),
            1 => serde_json::to_string(&value).expect("a string"),
            2 => percent(&value),
            3 => hex(&value, false),
            4 => hex(&value, true),
            7 => percent_with(&value, true),
            5 => base64(value.as_bytes(), false),
            _ => base64(format!("k:{value}").as_bytes(), true),
        };
        let text = format!("{left}{encoded}{right}");
        let out = r.redact(&text);
        // A base64 form may keep the characters that also encode a neighbour (the prefix
        // `k:`, the padding): the middle must go.
        let needle = if form == 5 || form == 6 {
            let core: Vec<char> = encoded.trim_end_matches('=').chars().collect();
            core[4.min(core.len())..core.len().saturating_sub(2).max(4.min(core.len()))]
                .iter()
                .collect::<String>()
        } else {
            encoded.clone()
        };
        prop_assert!(
            needle.is_empty() || !out.contains(&needle),
            "{value:?} as {encoded:?}: {text:?} -> {out:?}"
        );
        // Another rule may take a form first (a 40-character base64 run is an AWS secret
        // key's shape): a marker, whichever.
        prop_assert!(
            out.contains("[REDACTED:"),
            "{value:?} as {encoded:?}: {text:?} -> {out:?}"
        );
    }
}
