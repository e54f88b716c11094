//! [`proptest`](mod@proptest) strategies: secrets of every family in their real shapes, alone, in the
//! contexts logs put them in, and clean text that must come through untouched.
//!
//! Every strategy here produces values the default [`Redactor`](crate::Redactor) is
//! documented to catch; the crate's own property tests run on them. Use them to test your
//! own subscriber stack:
//!
//! ```
//! use proptest::prelude::*;
//! use tracing_redact::testing::{find_leak, strategies, Captured};
//! use tracing_subscriber::prelude::*;
//!
//! proptest!(|(planted in strategies::planted())| {
//!     let out = Captured::default();
//!     let subscriber = tracing_subscriber::registry()
//!         .with(tracing_redact::fmt::json_layer().map_inner(|l| l.with_writer(out.clone())));
//!     tracing::subscriber::with_default(subscriber, || {
//!         tracing::info!(detail = planted.text.as_str(), "request failed");
//!     });
//!     prop_assert_eq!(find_leak(&out.text(), &[&planted.secret]), None, "{:?}", planted);
//! });
//! ```

use proptest::prelude::*;
use proptest::string::string_regex;

pub use super::{context, CONTEXT_FORMS};
use super::{is_documented_bare_secret_key, luhn_complete};

/// A secret and the text it was planted in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planted {
    /// The family the secret belongs to (a rule id or family name), for failure messages.
    pub family: &'static str,
    /// The secret itself: no [`LEAK_WINDOW`](super::LEAK_WINDOW) of it may survive.
    pub secret: String,
    /// The text holding it.
    pub text: String,
}

fn re(pattern: &str) -> BoxedStrategy<String> {
    match string_regex(pattern) {
        Ok(strategy) => strategy.boxed(),
        // The patterns are constants of this module, checked by its tests.
        Err(e) => panic!("strategy pattern {pattern:?} is invalid: {e}"),
    }
}

/// A payment card number (Visa, Mastercard, Discover prefixes; valid Luhn), written plain,
/// with spaces or with dashes.
pub fn card() -> BoxedStrategy<String> {
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
            let body = format!("{prefix}{rest}");
            let s = luhn_complete(&body[..15]).unwrap_or(body);
            match layout {
                0 => s,
                1 => format!("{} {} {} {}", &s[0..4], &s[4..8], &s[8..12], &s[12..16]),
                _ => format!("{}-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12], &s[12..16]),
            }
        })
        .boxed()
}

/// A 16-digit card number as an integer (as it appears when logged as `u64`).
pub fn card_number() -> BoxedStrategy<u64> {
    card()
        .prop_map(|s| {
            s.bytes()
                .filter(u8::is_ascii_digit)
                .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'))
        })
        .boxed()
}

/// A US social security number in a valid range, `ddd-dd-dddd`.
pub fn ssn() -> BoxedStrategy<String> {
    (1u32..900, 1u32..100, 1u32..10000)
        .prop_filter("area 666 is never issued", |(area, _, _)| *area != 666)
        .prop_map(|(area, group, serial)| format!("{area:03}-{group:02}-{serial:04}"))
        .boxed()
}

/// A North American phone number: `415-555-0134`, `(415) 555-0134` or `+1 415 555 0134`.
pub fn phone() -> BoxedStrategy<String> {
    (200u32..1000, 200u32..1000, 0u32..10000, 0..3usize)
        .prop_map(|(area, exchange, line, form)| match form {
            0 => format!("{area}-{exchange}-{line:04}"),
            1 => format!("({area}) {exchange}-{line:04}"),
            _ => format!("+1 {area} {exchange} {line:04}"),
        })
        .boxed()
}

/// A British IBAN with valid check digits.
pub fn iban() -> BoxedStrategy<String> {
    re("[0-9]{14}")
        .prop_map(|account| {
            let bban = format!("WEST{account}");
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

/// An e-mail address.
pub fn email() -> BoxedStrategy<String> {
    re("[a-z]{3,10}\\.[a-z]{3,10}@[a-z]{3,10}\\.(com|org|io|de)")
}

/// An AWS access key id (`AKIA…`, `ASIA…`, `ABIA…`, `ACCA…`).
///
/// Ids with fewer than five distinct letters and digits (`AKIAAAAA22…`) are not generated:
/// the rule leaves such placeholders alone by design.
pub fn aws_access_key_id() -> BoxedStrategy<String> {
    re("(AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}")
        .prop_filter("a placeholder", |id| {
            !crate::util::text::looks_like_placeholder(id.as_bytes())
        })
        .boxed()
}

/// An AWS secret access key in the shape the bare rule documents: 40 base64 characters
/// with upper, lower and digits, high entropy, at most three `/`.
pub fn aws_secret_access_key() -> BoxedStrategy<String> {
    re("[A-Za-z0-9+/]{40}")
        .prop_filter("documented bare shape", |s| {
            is_documented_bare_secret_key(s)
        })
        .boxed()
}

/// An AWS session token with one of its known prefixes.
pub fn aws_session_token() -> BoxedStrategy<String> {
    re("(IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9+/]{100,300}")
}

/// A JSON web token.
pub fn jwt() -> BoxedStrategy<String> {
    re("eyJ[A-Za-z0-9_-]{10,40}\\.eyJ[A-Za-z0-9_-]{10,80}\\.[A-Za-z0-9_-]{20,43}")
}

/// A credential of one of the `vendor-tokens` formats that start with a prefix, generated
/// from the rule's own shape: the rule id and the token.
pub fn vendor_token() -> BoxedStrategy<(&'static str, String)> {
    use crate::rules::shape::{Anchor, Check};
    use crate::rules::Detector;
    let shapes: Vec<(&'static str, &'static [&'static str], String)> = crate::rules::rules()
        .filter_map(|rule| match rule.detector {
            // A shape with a check beyond its regex gets a generator of its own below.
            Detector::Shape(shape) if shape.shape.check == Check::None => {
                match shape.shape.anchor {
                    Anchor::Prefix(prefixes) => Some((rule.id(), prefixes, shape.shape.regex())),
                    Anchor::After(_) => None,
                }
            }
            _ => None,
        })
        .collect();
    // Fewer than five distinct letters and digits after the prefix is a placeholder
    // (`hf_aaaa…`), which the rules leave alone by design.
    let random_enough = |prefixes: &[&str], token: &str| {
        let body = prefixes
            .iter()
            .find_map(|p| token.strip_prefix(p))
            .unwrap_or(token);
        !crate::util::text::looks_like_placeholder(body.as_bytes())
    };
    let by_regex =
        proptest::sample::select(shapes).prop_flat_map(move |(id, prefixes, pattern)| {
            re(&pattern)
                .prop_filter("a placeholder", move |t| random_enough(prefixes, t))
                .prop_map(move |token| (id, token))
        });
    // A Discord bot token: the base64 of the bot's decimal user id, a timestamp, an HMAC.
    let discord = (
        re("[1-9][0-9]{16,18}"),
        re("[A-Za-z0-9_-]{6}"),
        re("[A-Za-z0-9_-]{27,38}"),
    )
        .prop_filter("a placeholder", move |(_, _, hmac)| {
            random_enough(&[], hmac)
        })
        .prop_map(|(id, time, hmac)| {
            (
                "discord-bot-token",
                format!("{}.{time}.{hmac}", super::base64(id.as_bytes())),
            )
        });
    prop_oneof![20 => by_regex, 1 => discord].boxed()
}

/// A secret recognisable on its own, whatever surrounds it: AWS key ids, bare secret keys
/// and session tokens, vendor tokens, JWTs, e-mail, cards, SSNs, phones, IBANs.
pub fn standalone_secret() -> BoxedStrategy<(&'static str, String)> {
    prop_oneof![
        aws_access_key_id().prop_map(|s| ("aws-access-key-id", s)),
        aws_session_token().prop_map(|s| ("aws-session-token", s)),
        aws_secret_access_key().prop_map(|s| ("aws-secret-access-key-bare", s)),
        re("gh[pousr]_[A-Za-z0-9]{36}").prop_map(|s| ("github-token", s)),
        re("github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}").prop_map(|s| ("github-token", s)),
        re("glpat-[A-Za-z0-9_-]{20}").prop_map(|s| ("gitlab-token", s)),
        re("xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}").prop_map(|s| ("slack-token", s)),
        re("(sk|rk)_(live|test)_[A-Za-z0-9]{24,99}").prop_map(|s| ("stripe-key", s)),
        re("AIza[A-Za-z0-9_-]{35}").prop_map(|s| ("google-api-key", s)),
        re("sk-proj-[A-Za-z0-9_-]{60,120}").prop_map(|s| ("openai-api-key", s)),
        re("sk-ant-api03-[A-Za-z0-9_-]{93}AA").prop_map(|s| ("anthropic-api-key", s)),
        re("npm_[A-Za-z0-9]{36}").prop_map(|s| ("npm-token", s)),
        re("SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}").prop_map(|s| ("sendgrid-api-key", s)),
        jwt().prop_map(|s| ("jwt", s)),
        vendor_token(),
        email().prop_map(|s| ("email", s)),
        card().prop_map(|s| ("payment-card", s)),
        ssn().prop_map(|s| ("us-ssn", s)),
        phone().prop_map(|s| ("phone-number", s)),
        iban().prop_map(|s| ("iban", s)),
    ]
    .boxed()
}

/// Printable Unicode text, up to 40 characters.
pub fn noise() -> BoxedStrategy<String> {
    re("[\\PC]{0,40}")
}

/// A standalone secret planted in noise and one of the [`context`] forms.
pub fn secret_in_context() -> BoxedStrategy<Planted> {
    (standalone_secret(), 0..CONTEXT_FORMS, noise(), noise())
        .prop_map(|((family, secret), form, left, right)| Planted {
            family,
            text: context(&secret, form, &left, &right),
            secret,
        })
        .boxed()
}

/// A secret only its key reveals (a password, a secret key under its name, a bearer
/// token, URL credentials, a SigV4 signature), in the forms keys take: `k=v`, JSON, escaped
/// JSON, XML, `Debug` structs, header lines, URLs, curl command lines.
pub fn keyed_secret() -> BoxedStrategy<Planted> {
    // First characters that no parser reads as a placeholder or a separator.
    let password = re("[A-Za-z0-9!#^_~+-][A-Za-z0-9!#%*+./:?@^_~-]{7,23}");
    let url_password = re("[A-Za-z0-9!^_~+-][A-Za-z0-9!*+.^_~-]{7,23}");
    let secret_key = re("[A-Za-z0-9+/]{40}");
    let token = re("[A-Za-z0-9._~+/-]{8,64}");
    let signature = re("[0-9a-f]{64}");
    prop_oneof![
        (password, 0..6usize).prop_map(|(p, form)| {
            let text = match form {
                0 => format!("password={p} user=bob"),
                1 => format!(r#"{{"db_password":"{p}","user":"bob"}}"#),
                2 => format!(r#"Config {{ client_secret: "{p}", retries: 3 }}"#),
                3 => format!("<Password>{p}</Password>"),
                4 => format!("API_KEY: {p}"),
                _ => format!(r#"{{\"token\":\"{p}\"}}"#),
            };
            Planted {
                family: "sensitive-key",
                secret: p,
                text,
            }
        }),
        (secret_key, 0..4usize).prop_map(|(s, form)| {
            let text = match form {
                0 => format!("aws_secret_access_key = {s}"),
                1 => format!(r#"{{"SecretAccessKey":"{s}"}}"#),
                2 => format!("<SecretAccessKey>{s}</SecretAccessKey>"),
                _ => format!(r#"Credentials {{ secret_access_key: "{s}" }}"#),
            };
            Planted {
                family: "aws-secret-access-key",
                secret: s,
                text,
            }
        }),
        (token, 0..3usize).prop_map(|(t, form)| {
            let text = match form {
                0 => format!("Authorization: Bearer {t}\r\nAccept: */*"),
                1 => format!(r#"{{"authorization": "Bearer {t}"}}"#),
                _ => format!("cookie: session={t}; theme=dark"),
            };
            Planted {
                family: "http",
                secret: t,
                text,
            }
        }),
        (url_password, 0..2usize).prop_map(|(p, form)| {
            let text = match form {
                0 => format!("connecting to postgres://app:{p}@db.internal:5432/app"),
                _ => format!("curl -s -u admin:{p} https://example.com"),
            };
            Planted {
                family: "url-credentials",
                secret: p,
                text,
            }
        }),
        (signature, aws_access_key_id()).prop_map(|(sig, akid)| Planted {
            family: "aws-sigv4-authorization",
            text: format!(
                "authorization: AWS4-HMAC-SHA256 Credential={akid}/20261124/us-east-1/sts/aws4_request, \
                 SignedHeaders=host;x-amz-date, Signature={sig}"
            ),
            secret: sig,
        }),
    ]
    .boxed()
}

/// Any planted secret: [`secret_in_context`] or [`keyed_secret`].
pub fn planted() -> BoxedStrategy<Planted> {
    prop_oneof![secret_in_context(), keyed_secret()].boxed()
}

/// Clean log text: words, UUIDs, hex digests, timestamps, small numbers, paths, regions and
/// key=value pairs whose values are not secrets. The default redactor must return it
/// unchanged.
pub fn clean_line() -> BoxedStrategy<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    #[test]
    fn every_strategy_builds_and_samples() {
        let mut runner = TestRunner::deterministic();
        for _ in 0..20 {
            let p = planted().new_tree(&mut runner).expect("sample").current();
            assert!(p.text.contains(&p.secret), "{p:?}");
            let n = card_number()
                .new_tree(&mut runner)
                .expect("sample")
                .current();
            assert_eq!(n.to_string().len(), 16);
            let line = clean_line()
                .new_tree(&mut runner)
                .expect("sample")
                .current();
            assert!(!line.is_empty());
        }
    }
}
