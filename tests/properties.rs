//! Property tests of the engine's guarantees.
//!
//! 1. a secret of every family, generated in its documented shape and planted in noise and in
//!    JSON, header, URL and key=value contexts, never survives: no 8-byte window of it remains;
//! 2. redaction is idempotent;
//! 3. text without secrets comes back byte-identical and borrowed;
//! 4. `find` on redacted output finds nothing;
//! 5. no input, UTF-8 or not, makes the engine panic.
//!
//! `PROPTEST_CASES` sets the number of cases per property (256 by default).

use proptest::prelude::*;
use proptest::string::string_regex;
use std::borrow::Cow;
use tracing_redact::Redactor;

fn re(pattern: &str) -> BoxedStrategy<String> {
    string_regex(pattern).expect("valid strategy regex").boxed()
}

/// The Luhn check digit for `body`.
fn luhn_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0');
            if i % 2 == 0 {
                let d2 = v * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                v
            }
        })
        .sum();
    b'0' + ((10 - sum % 10) % 10) as u8
}

fn card() -> BoxedStrategy<String> {
    (
        prop_oneof![
            Just("4"),
            Just("51"),
            Just("55"),
            Just("2221"),
            Just("6011")
        ],
        re("[0-9]{14}"),
        0..3usize,
    )
        .prop_map(|(prefix, rest, layout)| {
            let mut digits = format!("{prefix}{rest}").into_bytes();
            digits.truncate(15);
            digits.push(luhn_digit(&digits));
            let s = String::from_utf8(digits).unwrap_or_default();
            match layout {
                0 => s,
                1 => format!("{} {} {} {}", &s[0..4], &s[4..8], &s[8..12], &s[12..16]),
                _ => format!("{}-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12], &s[12..16]),
            }
        })
        .boxed()
}

fn ssn() -> BoxedStrategy<String> {
    (1u32..900, 1u32..100, 1u32..10000)
        .prop_filter("valid area", |(a, _, _)| *a != 666)
        .prop_map(|(a, g, s)| format!("{a:03}-{g:02}-{s:04}"))
        .boxed()
}

fn iban() -> BoxedStrategy<String> {
    re("[0-9]{14}")
        .prop_map(|account| {
            let bban = format!("WEST{account}");
            // Check digits: 98 - (BBAN + "GB00" as digits) mod 97.
            let rearranged = format!("{bban}GB00");
            let mut rem = 0u32;
            for c in rearranged.chars() {
                let v = c.to_digit(36).unwrap_or(0);
                rem = if v >= 10 {
                    (rem * 100 + v) % 97
                } else {
                    (rem * 10 + v) % 97
                };
            }
            format!("GB{:02}{bban}", 98 - rem)
        })
        .boxed()
}

/// The documented shape of a bare AWS secret access key (see the rule catalogue).
fn bare_secret_key() -> BoxedStrategy<String> {
    re("[A-Za-z0-9+/]{40}")
        .prop_filter("documented bare shape", |s| {
            let b = s.as_bytes();
            b.iter().any(u8::is_ascii_uppercase)
                && b.iter().any(u8::is_ascii_lowercase)
                && b.iter().any(u8::is_ascii_digit)
                && b.iter().filter(|&&c| c == b'/').count() <= 3
                && !s.contains("//")
                && !s.starts_with('/')
                && entropy(b) >= 4.2
        })
        .boxed()
}

fn entropy(b: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &c in b {
        counts[usize::from(c)] += 1;
    }
    let n = b.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| -(f64::from(c) / n) * (f64::from(c) / n).log2())
        .sum()
}

/// A secret that is recognisable on its own, with a name for failure messages.
fn standalone_secret() -> BoxedStrategy<(&'static str, String)> {
    prop_oneof![
        re("(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}").prop_map(|s| ("aws-access-key-id", s)),
        re("(IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9+/]{100,300}")
            .prop_map(|s| ("aws-session-token", s)),
        bare_secret_key().prop_map(|s| ("aws-secret-access-key-bare", s)),
        re("gh[pousr]_[A-Za-z0-9]{36}").prop_map(|s| ("github", s)),
        re("github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}").prop_map(|s| ("github-pat", s)),
        re("glpat-[A-Za-z0-9_-]{20}").prop_map(|s| ("gitlab", s)),
        re("xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}").prop_map(|s| ("slack", s)),
        re("(sk|rk)_(live|test)_[A-Za-z0-9]{24,99}").prop_map(|s| ("stripe", s)),
        re("AIza[A-Za-z0-9_-]{35}").prop_map(|s| ("google", s)),
        re("sk-proj-[A-Za-z0-9_-]{60,120}").prop_map(|s| ("openai", s)),
        re("sk-ant-api03-[A-Za-z0-9_-]{93}AA").prop_map(|s| ("anthropic", s)),
        re("npm_[A-Za-z0-9]{36}").prop_map(|s| ("npm", s)),
        re("SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}").prop_map(|s| ("sendgrid", s)),
        re("eyJ[A-Za-z0-9_-]{10,40}\\.eyJ[A-Za-z0-9_-]{10,80}\\.[A-Za-z0-9_-]{20,43}")
            .prop_map(|s| ("jwt", s)),
        re("[a-z]{3,10}\\.[a-z]{3,10}@[a-z]{3,10}\\.(com|org|io|de)").prop_map(|s| ("email", s)),
        card().prop_map(|s| ("payment-card", s)),
        ssn().prop_map(|s| ("us-ssn", s)),
        iban().prop_map(|s| ("iban", s)),
    ]
    .boxed()
}

/// Text around a planted secret: printable Unicode, separated from it by a space.
fn noise() -> BoxedStrategy<String> {
    re("[\\PC]{0,40}")
}

fn context(secret: &str, form: usize, left: &str, right: &str) -> String {
    match form {
        0 => format!("{left} {secret} {right}"),
        1 => format!(r#"{{"msg":{left:?},"value":"{secret}","n":1}}"#),
        2 => format!("{left}\r\nX-Debug-Value: {secret}\r\nHost: example.com"),
        3 => format!("GET https://example.com/p?a=1&v={secret}&b=2 {right}"),
        4 => format!("{left} value={secret} other=1"),
        _ => format!("Response {{ body: \"{secret}\", status: 200 }}"),
    }
}

/// Secrets that only their key reveals, in the key's forms.
fn keyed_secret() -> BoxedStrategy<(&'static str, String, String)> {
    // First characters that no parser reads as a placeholder or a separator.
    let password = re("[A-Za-z0-9!#^_~+-][A-Za-z0-9!#%*+./:?@^_~-]{7,23}");
    let url_password = re("[A-Za-z0-9!^_~+-][A-Za-z0-9!*+.^_~-]{7,23}");
    let secret_key = re("[A-Za-z0-9+/]{40}");
    let token = re("[A-Za-z0-9._~+/-]{8,64}");
    prop_oneof![
        (password.clone(), 0..6usize).prop_map(|(p, form)| {
            let text = match form {
                0 => format!("password={p} user=bob"),
                1 => format!(r#"{{"db_password":"{p}","user":"bob"}}"#),
                2 => format!(r#"Config {{ client_secret: "{p}", retries: 3 }}"#),
                3 => format!("<Password>{p}</Password>"),
                4 => format!("API_KEY: {p}"),
                _ => format!(r#"{{\"token\":\"{p}\"}}"#),
            };
            ("sensitive-key", p, text)
        }),
        (secret_key, 0..4usize).prop_map(|(s, form)| {
            let text = match form {
                0 => format!("aws_secret_access_key = {s}"),
                1 => format!(r#"{{"SecretAccessKey":"{s}"}}"#),
                2 => format!("<SecretAccessKey>{s}</SecretAccessKey>"),
                _ => format!(r#"Credentials {{ secret_access_key: "{s}" }}"#),
            };
            ("aws-secret-access-key", s, text)
        }),
        (token, 0..3usize).prop_map(|(t, form)| {
            let text = match form {
                0 => format!("Authorization: Bearer {t}\r\nAccept: */*"),
                1 => format!(r#"{{"authorization": "Bearer {t}"}}"#),
                _ => format!("cookie: session={t}; theme=dark"),
            };
            ("http", t, text)
        }),
        (url_password, 0..2usize).prop_map(|(p, form)| {
            let text = match form {
                0 => format!("connecting to postgres://app:{p}@db.internal:5432/app"),
                _ => format!("curl -s -u admin:{p} https://example.com"),
            };
            ("url-credentials", p, text)
        }),
    ]
    .boxed()
}

/// No window of `secret` (8 bytes, or all of it if shorter) appears in `output`.
fn leaks(output: &str, secret: &str) -> Option<String> {
    let bytes = secret.as_bytes();
    let w = bytes.len().min(8);
    bytes
        .windows(w)
        .find(|win| output.as_bytes().windows(w).any(|o| o == *win))
        .map(|win| String::from_utf8_lossy(win).into_owned())
}

/// Clean log text: words, UUIDs, hex digests, timestamps, small numbers, paths.
fn clean_line() -> BoxedStrategy<String> {
    let piece = prop_oneof![
        re("(request|handled|user|bucket|region|status|latency|GET|POST|ok|done|retry|cache|hit|miss|the|for|in)"),
        re("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
        re("[0-9a-f]{40}|[0-9a-f]{64}"),
        re("20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\\.[0-9]{3}Z"),
        re("(n|bytes|ms|items)=[1-9][0-9]{0,5}"),
        re("(/[a-z]{2,8}){1,4}\\.(rs|log|json)"),
        re("(us|eu|ap)-(east|west|central)-[1-3]"),
        re("(user|bucket|status|attempt|method|path|code|shard|author|max_tokens|secret_name)=[a-z0-9]{1,8}"),
    ];
    prop::collection::vec(piece, 1..12)
        .prop_map(|v| v.join(" "))
        .boxed()
}

proptest! {
    #[test]
    fn planted_secrets_never_survive(
        (family, secret) in standalone_secret(),
        form in 0..6usize,
        left in noise(),
        right in noise(),
    ) {
        let redactor = Redactor::default();
        let text = context(&secret, form, &left, &right);
        let out = redactor.redact(&text);
        prop_assert!(leaks(&out, &secret).is_none(), "{family} leaked: {text:?} -> {out:?}");
    }

    #[test]
    fn keyed_secrets_never_survive((family, secret, text) in keyed_secret(), left in noise()) {
        let redactor = Redactor::default();
        let text = format!("{left} {text}");
        let out = redactor.redact(&text);
        prop_assert!(leaks(&out, &secret).is_none(), "{family} leaked: {text:?} -> {out:?}");
    }

    #[test]
    fn redaction_is_idempotent_and_leaves_nothing_to_find(
        (_, secret) in standalone_secret(),
        form in 0..6usize,
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
