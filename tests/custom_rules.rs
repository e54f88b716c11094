//! Custom rules like the best scanners have them: proximity words, and masks that keep what
//! PCI DSS and support staff need (a card's first six and last four, an e-mail's domain)
//! while hiding the rest, optionally without revealing the secret's length.
//!
//! Every case is a row: configuration, input, expected output. A property then checks that no
//! mask setting lets a whole secret through and that masked output is stable under a second
//! pass.

mod support;

use proptest::prelude::*;
use tracing_redact::testing::find_leak;
use tracing_redact::testing::strategies::standalone_secret;
use tracing_redact::{CustomRule, Error, Mask, Redactor, MAX_MASK_LEN};

fn masked(mask: Mask, rule: &str) -> Redactor {
    Redactor::builder()
        .replacement_for(rule, mask)
        .build()
        .unwrap()
}

#[test]
fn masks_keep_what_they_promise_and_nothing_more() {
    // (mask, rule it is set for, input, expected output)
    let rows: Vec<(Mask, &str, &str, &str)> = vec![
        // Fill characters, one per hidden character.
        (
            Mask::all().fill('#'),
            "aws",
            "id AKIAIOSFODNN7EXAMPLF",
            "id ####################",
        ),
        (
            Mask::all().fill('•'),
            "keys",
            "password=hunter22",
            "password=••••••••",
        ),
        // A fixed length hides the secret's length, whatever it is.
        (
            Mask::all().fixed_len(8),
            "keys",
            "password=hunter2",
            "password=********",
        ),
        (
            Mask::all().fixed_len(8),
            "keys",
            "password=correct-horse-battery-staple",
            "password=********",
        ),
        // Kept characters around a fixed-length fill.
        (
            Mask::keep(4, 0).fixed_len(12),
            "aws",
            "AKIAIOSFODNN7EXAMPLF",
            "AKIA************",
        ),
        (
            Mask::keep(0, 2).fixed_len(6),
            "keys",
            "password=abcdefghij",
            "password=******ij",
        ),
        // The quarter rule still holds with a fixed length: 2+2 of 8 is too much.
        (
            Mask::keep(2, 2).fixed_len(12),
            "keys",
            "password=abcdefgh",
            "password=************",
        ),
        // Cards: the last four always, the first six with the BIN option on long cards only.
        (
            Mask::all(),
            "payment-card",
            "card 4111 1111 1111 1111",
            "card **** **** **** 1111",
        ),
        (
            Mask::all().keep_card_bin(),
            "payment-card",
            "card 4111-1111-1111-1111",
            "card 4111-11**-****-1111",
        ),
        (
            Mask::all().keep_card_bin(),
            "payment-card",
            "amex 378282246310005",
            "amex 378282*****0005",
        ),
        // 13 digits: 6 + 4 would leave only 3 hidden, so only the last four stay.
        (
            Mask::all().keep_card_bin(),
            "payment-card",
            "visa 4222222222222",
            "visa *********2222",
        ),
        (
            Mask::all().keep_card_bin().fixed_len(4).fill('#'),
            "payment-card",
            "card 4111 1111 1111 1111",
            "card 4111 11####1111",
        ),
        // E-mail: the domain stays, the counts apply to the local part.
        (
            Mask::all().keep_email_domain(),
            "email",
            "to jane.doe@example.com",
            "to ********@example.com",
        ),
        (
            Mask::all().fixed_len(4).keep_email_domain(),
            "email",
            "to jane.doe@mail.example.co.uk.",
            "to ****@mail.example.co.uk.",
        ),
        (
            Mask::keep(1, 0).keep_email_domain(),
            "email",
            "to jane.doe@example.com",
            "to j*******@example.com",
        ),
        // Without the option, the whole address is masked.
        (
            Mask::all(),
            "email",
            "to jo@example.com",
            "to **************",
        ),
        // The e-mail option does not reach other rules.
        (
            Mask::all().keep_email_domain(),
            "keys",
            "password=me@example",
            "password=**********",
        ),
    ];
    for (mask, rule, input, expected) in rows {
        let redactor = masked(mask.clone(), rule);
        let out = redactor.redact(input);
        assert_eq!(out, expected, "{mask:?} for {rule} on {input:?}");
        assert_eq!(redactor.redact(&out), out, "second pass over {out:?}");
        assert!(!redactor.is_match(&out), "found again in {out:?}");
    }
}

#[test]
fn only_a_masks_own_output_passes_as_a_stand_in() {
    let redactor = masked(Mask::keep(0, 2).fixed_len(6), "keys");
    // What the mask writes is left alone when met again…
    assert_eq!(redactor.redact("password=******ij"), "password=******ij");
    // …but not a value with more kept characters, a longer or shorter fill, or another fill.
    for (input, expected) in [
        ("password=***hunter2", "password=******r2"),
        ("password=*******ij", "password=******ij"),
        ("password=**ij", "password=******"),
        ("password=###hunter", "password=******er"),
    ] {
        assert_eq!(redactor.redact(input), expected, "{input}");
    }
    // A secret that merely contains the fill is masked: keeping it would show more.
    let redactor = masked(Mask::keep(1, 1).fill('#').fixed_len(6), "keys");
    assert_eq!(redactor.redact("password=pass#word"), "password=p######d");
    assert_eq!(redactor.redact("password=p######d"), "password=p######d");
}

#[test]
fn a_fixed_text_a_rule_would_find_is_counted_once() {
    // The replacement looks like what the rule finds: met again on the fixed point's next
    // pass, it is kept, not found and counted again.
    let redactor = Redactor::builder()
        .custom_rule(CustomRule::new("ticket", r"TCK-\d{6}"))
        .replacement_for("ticket", tracing_redact::Replacement::fixed("TCK-000000"))
        .build()
        .unwrap();
    let out = redactor.redact("see TCK-123456");
    assert_eq!(out, "see TCK-000000");
    assert!(!redactor.is_match(&out));
    let layer = tracing_redact::RedactLayer::with_redactor(
        tracing_subscriber::fmt::layer().with_writer(std::io::sink),
        redactor,
    );
    let stats = layer.stats();
    use tracing_subscriber::prelude::*;
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
        tracing::info!("see TCK-123456");
    });
    assert_eq!(stats.count("ticket"), 1);
}

#[test]
fn a_fixed_length_mask_says_nothing_about_the_length() {
    let redactor = masked(Mask::all().fixed_len(6), "keys");
    let lengths: Vec<usize> = (6..40)
        .map(|n| {
            redactor
                .redact(&format!("password={}", "s".repeat(n)))
                .len()
        })
        .collect();
    assert!(lengths.iter().all(|&l| l == lengths[0]), "{lengths:?}");
}

#[test]
fn bad_masks_are_refused_at_build_naming_the_setting() {
    for (mask, rule, needle) in [
        (Mask::all().fill('\n'), "email", "not allowed"),
        (Mask::all().fill('\u{1b}'), "email", "not allowed"),
        (Mask::all().fill('\u{202e}'), "email", "not allowed"),
        (Mask::all().fill('\u{2028}'), "email", "not allowed"),
        (Mask::all().fill(' '), "email", "not allowed"),
        (Mask::all().fill('x'), "email", "not allowed"),
        (Mask::all().fill('_'), "email", "not allowed"),
        (Mask::all().fill('-'), "email", "not allowed"),
        (Mask::all().fill('é'), "email", "not allowed"),
        (
            Mask::keep(4, 4).fill('#').fixed_len(1),
            "keys",
            "three times",
        ),
        (Mask::keep(2, 0).fixed_len(5), "keys", "three times"),
        (Mask::all().fixed_len(0), "payment-card", "length 0"),
        (Mask::all().fixed_len(MAX_MASK_LEN + 1), "pii", "length 65"),
    ] {
        let err = Redactor::builder()
            .replacement_for(rule, mask.clone())
            .build()
            .unwrap_err();
        match &err {
            Error::InvalidRule {
                rule: named,
                reason,
            } => {
                assert_eq!(named, rule, "{mask:?}");
                assert!(reason.contains(needle), "{reason}");
            }
            other => panic!("{mask:?}: {other:?}"),
        }
    }
    let err = Redactor::builder()
        .replacement(Mask::all().fill('\r'))
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidRule { ref rule, .. } if rule == "replacement"),
        "{err:?}"
    );
    assert!(Redactor::builder()
        .replacement(Mask::all().fixed_len(MAX_MASK_LEN).fill('█'))
        .build()
        .is_ok());
}

fn employee_ids(rule: CustomRule) -> Redactor {
    Redactor::builder()
        .disable("pii")
        .custom_rule(rule)
        .build()
        .unwrap()
}

#[test]
fn proximity_words_decide_which_matches_count() {
    let near =
        employee_ids(CustomRule::new("employee-id", r"\b\d{7}\b").near(["employee", "emp_no"], 16));
    // (input, expected)
    let rows = [
        ("employee 1234567", "employee [REDACTED:employee-id]"),
        ("EMPLOYEE: 1234567", "EMPLOYEE: [REDACTED:employee-id]"),
        ("emp_no=1234567", "emp_no=[REDACTED:employee-id]"),
        ("newEmployee=1234567", "newEmployee=[REDACTED:employee-id]"),
        // Each match is judged on its own window.
        (
            "employee 1234567 then 7654321 much later",
            "employee [REDACTED:employee-id] then 7654321 much later",
        ),
        // The second number is 17 bytes from the word's start; a marker's own words do not
        // count, so the next pass judges it as the first did.
        (
            "employee 1234567 7654321",
            "employee [REDACTED:employee-id] 7654321",
        ),
        // The window stays on the match's line.
        ("employee\n1234567", "employee\n1234567"),
        // Too far: 17 bytes between the word's start and the match.
        ("employee ....... 1234567", "employee ....... 1234567"),
        // Glued to a word, after the match, or absent.
        ("subemployee 1234567", "subemployee 1234567"),
        ("1234567 employee", "1234567 employee"),
        ("order 1234567", "order 1234567"),
    ];
    for (input, expected) in rows {
        let out = near.redact(input);
        assert_eq!(out, expected, "{input:?}");
        assert!(!near.is_match(&out), "{out:?}");
    }

    let not_near = employee_ids(
        CustomRule::new("employee-id", r"\b\d{7}\b").not_near(["order", "invoice"], 12),
    );
    for (input, expected) in [
        ("id 1234567", "id [REDACTED:employee-id]"),
        ("order 1234567", "order 1234567"),
        ("Invoice #1234567", "Invoice #1234567"),
        (
            "order was 12 ... 1234567",
            "order was 12 ... [REDACTED:employee-id]",
        ),
        // A word on another line (another field, in the layer) excludes nothing.
        ("order\n1234567", "order\n[REDACTED:employee-id]"),
    ] {
        assert_eq!(not_near.redact(input), expected, "{input:?}");
    }

    // Both lists: the exclusion wins.
    let both = employee_ids(
        CustomRule::new("employee-id", r"\b\d{7}\b")
            .near(["employee"], 30)
            .not_near(["test"], 30),
    );
    assert_eq!(
        both.redact("employee 1234567"),
        "employee [REDACTED:employee-id]"
    );
    assert_eq!(
        both.redact("test employee 1234567"),
        "test employee 1234567"
    );
}

#[test]
fn in_the_layer_words_of_other_fields_do_not_count() {
    let redactor = employee_ids(CustomRule::new("badge", r"\b\d{7}\b").not_near(["test"], 30));
    let out = support::logged(redactor, || {
        tracing::info!(badge = "1234567", "test run");
    });
    assert!(out.contains("badge=\"[REDACTED:badge]\""), "{out}");
    let near = employee_ids(CustomRule::new("badge", r"\b\d{7}\b").near(["badge"], 30));
    let out = support::logged(near, || {
        tracing::info!(id = "1234567", "badge");
        tracing::info!(id = "badge 1234567");
    });
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("id=\"1234567\""), "{out}");
    assert!(lines[1].contains("id=\"badge [REDACTED:badge]\""), "{out}");
}

#[test]
fn proximity_is_measured_from_the_match_not_its_secret_group() {
    // The word inside the match itself does not count: it is not before the match.
    let redactor = employee_ids(
        CustomRule::new("badge", r"badge=(?P<secret>[A-Z]{2}\d{6})").near(["badge"], 10),
    );
    assert_eq!(redactor.redact("badge=AB123456"), "badge=AB123456");
    assert_eq!(
        redactor.redact("badge badge=AB123456"),
        "badge badge=[REDACTED:badge]"
    );
}

#[test]
fn rule_ids_read_as_our_markers() {
    // Labels carry the id; the engine recognises its markers by that shape only.
    for id in [
        "Employee_Badge",
        "a.b",
        "a b",
        "x]",
        "ünï",
        &"a".repeat(49),
        "",
    ] {
        let err = Redactor::builder()
            .custom_rule(CustomRule::new(id, "x"))
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRule { ref rule, .. } if rule == id),
            "{id:?}: {err:?}"
        );
    }
    for id in ["employee-badge", "b2", &"a".repeat(48)] {
        assert!(
            Redactor::builder()
                .custom_rule(CustomRule::new(id, "x"))
                .build()
                .is_ok(),
            "{id}"
        );
    }
}

#[test]
fn bad_proximity_lists_are_refused_at_build() {
    for rule in [
        CustomRule::new("r", "x").near(Vec::<String>::new(), 10),
        CustomRule::new("r", "x").near([""], 10),
        CustomRule::new("r", "x").near(["w"], 0),
        CustomRule::new("r", "x").not_near(["w"], 4097),
    ] {
        let err = Redactor::builder()
            .custom_rule(rule.clone())
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRule { ref rule, .. } if rule == "r"),
            "{rule:?}: {err:?}"
        );
    }
}

proptest! {
    /// Whatever the mask, no secret comes through whole, nothing but the parts a mask may
    /// keep survives, and a second pass changes nothing.
    #[test]
    fn no_mask_setting_lets_a_secret_through(
        (family, secret) in standalone_secret(),
        leading in 0usize..6,
        trailing in 0usize..6,
        fill in prop::sample::select(vec!['*', '#', '•', '█']),
        fixed in prop::option::of(1usize..=MAX_MASK_LEN),
        bin in any::<bool>(),
        domain in any::<bool>(),
    ) {
        let mut mask = Mask::keep(leading, trailing).fill(fill);
        if let Some(len) = fixed {
            // At least three times the kept characters, as `build` requires.
            mask = mask.fixed_len(len.max(3 * (leading + trailing)));
        }
        if bin {
            mask = mask.keep_card_bin();
        }
        if domain {
            mask = mask.keep_email_domain();
        }
        let redactor = Redactor::builder().replacement(mask).build().unwrap();
        let text = format!("event one {secret} two");
        let out = redactor.redact(&text).into_owned();
        prop_assert!(!out.contains(&secret), "{family}: {out}");
        prop_assert_eq!(redactor.redact(&out), out.clone());
        prop_assert!(!redactor.is_match(&out), "{family}: found again in {out}");
        let keeps_part = leading + trailing > 0
            || (bin && family == "payment-card")
            || (domain && family == "email");
        if !keeps_part {
            prop_assert!(find_leak(&out, &[&secret]).is_none(), "{family}: {out}");
        } else if family == "email" {
            // The local part is hidden but for a quarter of it.
            let (local, domain_part) = secret.split_at(secret.rfind('@').unwrap());
            prop_assert!(local.len() < 2 || !out.contains(local), "{out}");
            prop_assert!(!domain || out.contains(domain_part), "{out}");
        } else if secret.len() >= 16 {
            // Kept parts are at most a quarter at each end, or a card's first six and last
            // four digits: the middle 16 bytes never come through together.
            let middle = secret.len() / 2;
            if secret.is_char_boundary(middle - 8) && secret.is_char_boundary(middle + 8) {
                prop_assert!(!out.contains(&secret[middle - 8..middle + 8]), "{family}: {out}");
            }
        }
    }
}
