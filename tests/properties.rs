//! Property tests of the engine's guarantees.
//!
//! 1. a secret of every family, generated in its documented shape and planted in noise and in
//!    JSON, escaped JSON, header, URL, key=value and `Debug` contexts, never survives: no
//!    8-byte window of it remains;
//! 2. redaction is idempotent;
//! 3. text without secrets comes back byte-identical and borrowed;
//! 4. `find` on redacted output finds nothing;
//! 5. no input, UTF-8 or not, makes the engine panic;
//! 6. an exempt key (`RedactorBuilder::exempt_field`) lets nothing through past its value,
//!    whatever form the pair takes, closed or not.
//!
//! The strategies are the crate's own `testing::strategies`, which users run on their stacks.
//! `PROPTEST_CASES` sets the number of cases per property (256 by default).

use proptest::prelude::*;
use std::borrow::Cow;
use tracing_redact::testing::find_leak;
use tracing_redact::testing::strategies::{
    clean_line, context, keyed_secret, noise, secret_in_context, standalone_secret, vendor_token,
    CONTEXT_FORMS,
};
use tracing_redact::Redactor;

fn leaks(output: &str, secret: &str) -> Option<String> {
    find_leak(output, &[secret]).map(|(_, window)| window.to_owned())
}

/// Plants `secret` in context form `form` between `left` and `right`, redacts, and fails when
/// a window of it survives; returns the output.
fn planted_in_context(
    family: &str,
    secret: &str,
    form: usize,
    left: &str,
    right: &str,
) -> Result<String, TestCaseError> {
    let text = context(secret, form, left, right);
    let out = Redactor::default().redact(&text).into_owned();
    prop_assert!(
        leaks(&out, secret).is_none(),
        "{family} leaked: {text:?} -> {out:?}"
    );
    Ok(out)
}

/// A redactor with `note` exempt, built once: building one per case would take most of the
/// property's time.
fn exempt_note() -> &'static Redactor {
    static REDACTOR: std::sync::OnceLock<Redactor> = std::sync::OnceLock::new();
    REDACTOR.get_or_init(|| {
        Redactor::builder()
            .exempt_field("note")
            .build()
            .expect("builds")
    })
}

/// The exempt value `text` starts with, as SECURITY.md defines one: a quoted string closed on
/// its line and followed by what ends a value, or a bare word up to the first blank or
/// delimiter; no value if it holds `=`, or a `:` that is not between digits. Like the
/// parser, it looks no further than 4 KiB: a longer value is none.
fn value_after_blanks(text: &str) -> Option<&str> {
    const LIMIT: usize = 4096;
    let window = (0..=text.len().min(LIMIT))
        .rev()
        .find(|&end| text.is_char_boundary(end))
        .map_or("", |end| &text[..end]);
    let (full, text) = (text, window);
    let ends_bare = |c: char| " \t\r\n,;)}]\"'\\&<>".contains(c);
    let quote = ["\\\"", "\\'", "\"", "'"]
        .into_iter()
        .find(|q| text.starts_with(q));
    let value = match quote {
        Some(q) => {
            let inner = &text[q.len()..];
            let close = inner.find(q)?;
            // What follows the closing quote is read past the window, as the parser does.
            let after = full[q.len() + close + q.len()..].chars().next();
            let ends = after.map_or(true, |c| " \t\r\n,;&)]}\\".contains(c));
            (ends && !inner[..close].contains('\n')).then(|| &inner[..close])?
        }
        None => match text.find(ends_bare) {
            Some(end) => &text[..end],
            None if text.len() < LIMIT => text,
            None => return None,
        },
    };
    let bytes = value.as_bytes();
    let digit = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
    let holds_pair = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'=' || (b == b':' && !(i > 0 && digit(i.checked_sub(1)) && digit(Some(i + 1))))
    });
    (!value.is_empty() && !holds_pair).then_some(value)
}

/// An exempt pair in the forms keys take, closed or not: `{}` is the value. The unclosed
/// ones come last, from [`UNCLOSED`] on.
const EXEMPT_FORMS: &[&str] = &[
    "note={}",
    "note=\"{}\"",
    "note='{}'",
    "\"note\": \"{}\"",
    "{\\\"note\\\":\\\"{}\\\"",
    "note: {}",
    "Note={}",
    "note=\"{}",
    "note='{}",
    "\"note\": \"{}",
];
const UNCLOSED: usize = 7;

proptest! {
    // Ambiguous texts are left out (see the `prop_assume!`s): about one case in five.
    #![proptest_config(ProptestConfig {
        max_global_rejects: 1_000_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn nothing_past_an_exempt_value_survives(
        form in 0..EXEMPT_FORMS.len(),
        value in "[A-Za-z0-9 ._:=-]{0,16}",
        gap in prop::sample::select(vec!["", " ", ", ", "; ", "&", "\n", "\t", ") ", "} ", "\""]),
        planted in prop_oneof![keyed_secret(), secret_in_context()],
    ) {
        let redactor = exempt_note();
        let pair = EXEMPT_FORMS[form].replace("{}", &value);
        // A word glued to the planted text makes another key of it (`AAPI_KEY`), which is
        // not the case under test.
        prop_assume!(!(gap.is_empty() && pair.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')));
        let rest = format!("{gap}{}", planted.text);
        // A bare form with blanks only (`note= `, `note: `): blanks after the separator are
        // skipped, so what follows them is the exempt value, not text past it. Left out only
        // where that value holds the whole secret.
        let bare = !EXEMPT_FORMS[form].contains(['"', '\'']);
        if bare && value.trim_matches([' ', '\t']).is_empty() {
            let value = value_after_blanks(rest.trim_start_matches([' ', '\t']));
            prop_assume!(!value.is_some_and(|value| value.contains(planted.secret.as_str())));
        }
        // An unclosed quote that the rest of the line closes makes a well-formed exempt
        // value of what lies between: let through by design, so not generated.
        if form >= UNCLOSED {
            let quote = if EXEMPT_FORMS[form].contains("'{}") { '\'' } else { '"' };
            prop_assume!(!rest.lines().next().unwrap_or_default().contains(quote));
        }
        let text = format!("{pair}{rest}");
        let out = redactor.redact(&text);
        prop_assert!(
            leaks(&out, &planted.secret).is_none(),
            "{} leaked past an exempt value: {text:?} -> {out:?}", planted.family
        );
    }
}

proptest! {
    #[test]
    fn planted_secrets_never_survive(
        (family, secret) in standalone_secret(),
        form in 0..CONTEXT_FORMS,
        left in noise(),
        right in noise(),
    ) {
        planted_in_context(family, &secret, form, &left, &right)?;
    }

    /// Every vendor shape, generated from its own format, in every context form: a smaller
    /// share of `standalone_secret`, so checked on its own too.
    #[test]
    fn vendor_tokens_never_survive(
        (family, secret) in vendor_token(),
        form in 0..CONTEXT_FORMS,
        left in noise(),
        right in noise(),
    ) {
        let out = planted_in_context(family, &secret, form, &left, &right)?;
        prop_assert_eq!(Redactor::default().redact(&out), out.clone(), "not idempotent");
    }

    #[test]
    fn keyed_secrets_never_survive(planted in keyed_secret(), left in noise()) {
        let redactor = Redactor::default();
        let text = format!("{left} {}", planted.text);
        let out = redactor.redact(&text);
        prop_assert!(
            leaks(&out, &planted.secret).is_none(),
            "{} leaked: {text:?} -> {out:?}", planted.family
        );
    }

    #[test]
    fn redaction_is_idempotent_and_leaves_nothing_to_find(
        (_, secret) in standalone_secret(),
        form in 0..CONTEXT_FORMS,
        left in noise(),
        right in noise(),
    ) {
        let redactor = Redactor::default();
        let text = context(&secret, form, &left, &right);
        let once = redactor.redact(&text).into_owned();
        let twice = redactor.redact(&once);
        prop_assert_eq!(&*twice, &*once);
        let found: Vec<_> = redactor.find(&once).map(|f| (f.rule(), &once[f.range()])).collect();
        prop_assert!(found.is_empty(), "found {:?} in {:?}", found, once);
    }

    #[test]
    fn arbitrary_text_is_idempotent(text in "\\PC{0,200}") {
        let redactor = Redactor::default();
        let once = redactor.redact(&text).into_owned();
        prop_assert_eq!(&*redactor.redact(&once), &*once);
    }

    #[test]
    fn clean_text_is_borrowed_and_identical(line in clean_line()) {
        let redactor = Redactor::default();
        let out = redactor.redact(&line);
        prop_assert!(matches!(out, Cow::Borrowed(_)), "changed: {:?} -> {:?}", line, out);
    }

    #[test]
    fn no_panic_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        static WITH_NETWORK: std::sync::OnceLock<Redactor> = std::sync::OnceLock::new();
        let redactor = WITH_NETWORK.get_or_init(|| Redactor::builder().enable("network").build().expect("config"));
        let out = redactor.redact_bytes(&bytes);
        prop_assert_eq!(&*redactor.redact_bytes(&out), &*out);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            for f in redactor.find(text) {
                let _ = &text[f.range()];
            }
        }
    }
}
