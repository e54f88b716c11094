//! `RedactLayer` through real `fmt` layers (text and JSON) writing to memory: secrets are
//! gone, everything else is as it was.

// The 120-field event expands deeply.
#![recursion_limit = "1024"]

use serde_json::Value as Json;
use std::fmt;
use tracing::{debug, error, info, info_span, warn};
use tracing_redact::testing::{assert_no_leak, Captured};
use tracing_redact::{RedactLayer, RedactLayerExt, RedactingMakeWriter, Redactor};
use tracing_subscriber::filter::{EnvFilter, LevelFilter};
use tracing_subscriber::prelude::*;

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const JWT: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
const GITHUB: &str = "ghp_1wuHFikBKQtCcH3EB2FBUkyn8krXhP2qLqPa";
const EMAIL: &str = "jane.doe@example.org";
const CARD: u64 = 4111_1111_1111_1111;

/// Runs `f` with a redacted text layer and a redacted JSON layer; returns both outputs.
fn capture(f: impl FnOnce()) -> (String, Vec<Json>) {
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
                .with_current_span(true)
                .with_span_list(true)
                .with_writer(json.clone()),
        ));
    tracing::subscriber::with_default(subscriber, f);
    let lines = json
        .lines()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON {l:?}: {e}")))
        .collect();
    (text.text(), lines)
}

fn all_output(text: &str, json: &[Json]) -> String {
    let mut all = text.to_owned();
    for line in json {
        all.push_str(&line.to_string());
        all.push('\n');
    }
    all
}

#[derive(Debug)]
#[allow(dead_code)] // read through `Debug`
struct Credentials {
    access_key_id: &'static str,
    secret_access_key: &'static str,
    region: &'static str,
}

#[derive(Debug)]
struct Outer(&'static str);

impl fmt::Display for Outer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request failed for {}", self.0)
    }
}

impl std::error::Error for Outer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&Inner)
    }
}

#[derive(Debug)]
struct Inner;

impl fmt::Display for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "token {GITHUB} rejected")
    }
}

impl std::error::Error for Inner {}

mod every_kind_of_value {
    use super::*;

    #[test]
    fn strings_display_debug_and_message() {
        let creds = Credentials {
            access_key_id: AKID,
            secret_access_key: SECRET_KEY,
            region: "eu-west-1",
        };
        let (text, json) = capture(|| {
            info!(
                user = EMAIL,
                header = %format_args!("Authorization: Bearer {JWT}"),
                client = ?creds,
                "logged in as {} with key {}",
                EMAIL,
                AKID
            );
        });
        assert_no_leak(&all_output(&text, &json), &[SECRET_KEY, AKID, JWT, EMAIL]);
        assert!(text.contains("user=\"[REDACTED:email]\""), "{text}");
        assert!(text.contains("header=Authorization: Bearer [REDACTED:http-authorization]"));
        assert!(
            text.contains("region: \"eu-west-1\""),
            "the rest of the Debug stays: {text}"
        );
        assert!(
            text.contains("logged in as [REDACTED:email] with key [REDACTED:aws-access-key-id]")
        );
        let fields = &json[0]["fields"];
        assert_eq!(fields["user"], "[REDACTED:email]");
        assert_eq!(
            fields["message"],
            "logged in as [REDACTED:email] with key [REDACTED:aws-access-key-id]"
        );
    }

    #[test]
    fn errors_keep_their_chain() {
        let err = Outer(EMAIL);
        let (text, json) = capture(|| {
            error!(
                error = &err as &(dyn std::error::Error + 'static),
                "call failed"
            );
        });
        assert_no_leak(&all_output(&text, &json), &[GITHUB, EMAIL]);
        assert!(
            text.contains("error=request failed for [REDACTED:email] error.sources=[token ghp_[REDACTED:github-token] rejected]")
                || text.contains("error=request failed for [REDACTED:email] error.sources=[token [REDACTED:github-token] rejected]"),
            "{text}"
        );
        assert!(json[0]["fields"]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("request failed for [REDACTED:email]")));
    }

    #[test]
    fn integers_holding_a_card_and_numbers_that_stay_numbers() {
        let (text, json) = capture(|| {
            info!(
                card = CARD,
                signed64 = CARD as i64,
                negative = -(CARD as i64),
                wide = u128::from(CARD),
                signed = i128::from(CARD),
                attempts = 3u64,
                delta = -7i64,
                ratio = 0.25f64,
                ok = true,
                "payment"
            );
        });
        assert_no_leak(&all_output(&text, &json), &["4111111111111111"]);
        let f = &json[0]["fields"];
        assert_eq!(f["card"], "[REDACTED:payment-card]");
        assert_eq!(f["signed64"], "[REDACTED:payment-card]");
        assert_eq!(f["negative"], "-[REDACTED:payment-card]");
        assert_eq!(f["wide"], "[REDACTED:payment-card]");
        assert_eq!(f["signed"], "[REDACTED:payment-card]");
        assert_eq!(f["attempts"], 3);
        assert_eq!(f["delta"], -7);
        assert_eq!(f["ratio"], 0.25);
        assert_eq!(f["ok"], true);
        assert!(
            text.contains("attempts=3 delta=-7 ratio=0.25 ok=true"),
            "{text}"
        );
    }

    /// Integers are scanned as the text `Display` gives them, sign included: a known value
    /// that is such a text is found in the field, for the extremes of every integer type
    /// and a small negative.
    #[test]
    fn integers_are_scanned_as_their_display_text() {
        let texts = [
            i64::MIN.to_string(),
            i64::MAX.to_string(),
            u64::MAX.to_string(),
            i128::MIN.to_string(),
            u128::MAX.to_string(),
            (-1_234_567i64).to_string(),
        ];
        let redactor = texts
            .iter()
            .fold(Redactor::builder(), |b, t| b.secret_value(t.as_str()))
            .build()
            .unwrap();
        let text = Captured::default();
        let layer = tracing_redact::fmt::layer()
            .map_inner(|l| l.without_time().with_ansi(false).with_writer(text.clone()))
            .redacting_with(redactor);
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
            info!(
                a = i64::MIN,
                b = i64::MAX,
                c = u64::MAX,
                d = i128::MIN,
                e = u128::MAX,
                f = -1_234_567i64,
                g = 1_234_567i64,
                "integers"
            );
        });
        let text = text.text();
        for field in ["a", "b", "c", "d", "e", "f"] {
            assert!(
                text.contains(&format!("{field}=\"[REDACTED:secret-value]\"")),
                "{field}: {text}"
            );
        }
        // The same digits without the sign are not the known value.
        assert!(text.contains("g=1234567"), "{text}");
        assert!(!text.contains("-1234567"), "{text}");
        let digits: Vec<&str> = texts[..5]
            .iter()
            .map(|t| t.trim_start_matches('-'))
            .collect();
        assert_no_leak(&text, &digits);
    }

    #[test]
    fn bytes() {
        let body = format!("{{\"SecretAccessKey\":\"{SECRET_KEY}\"}}").into_bytes();
        let (text, json) = capture(|| {
            debug!(body = body.as_slice(), "response");
        });
        // Bytes are printed as hex by fmt: look for the hex of the secret too.
        let hex: String = SECRET_KEY.bytes().map(|b| format!("{b:02x}")).collect();
        let all = all_output(&text, &json);
        assert_no_leak(&all, &[SECRET_KEY, &hex]);
        let marker = b"[REDACTED:aws-secret-access-key]"
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(all.contains(&marker), "{all}");
    }

    #[test]
    fn sensitive_field_names_replace_any_value() {
        let (text, json) = capture(|| {
            info!(
                password = "correct horse battery staple",
                api_key = 12345678u64,
                aws_secret_access_key = %"not-even-key-shaped",
                "x-amz-security-token" = ?"FQoGZXIvYXdzEXAMPLE",
                authorization = "Basic dXNlcjpwYXNz",
                has_token = true,
                token_count = 2u64,
                "login"
            );
        });
        assert_no_leak(
            &all_output(&text, &json),
            &[
                "correct horse",
                "12345678",
                "not-even-key-shaped",
                "FQoGZXIvYXdzEXAMPLE",
                "dXNlcjpwYXNz",
            ],
        );
        let f = &json[0]["fields"];
        assert_eq!(f["password"], "[REDACTED:sensitive-key]");
        assert_eq!(f["api_key"], "[REDACTED:sensitive-key]");
        assert_eq!(
            f["aws_secret_access_key"],
            "[REDACTED:aws-secret-access-key]"
        );
        assert_eq!(f["x-amz-security-token"], "[REDACTED:aws-session-token]");
        assert_eq!(f["authorization"], "[REDACTED:http-authorization]");
        assert_eq!(f["has_token"], true, "a boolean holds no secret");
        assert_eq!(f["token_count"], 2, "`count` is the key's last part");
    }

    #[test]
    fn secrets_that_begin_like_stand_ins_are_still_secrets() {
        let (text, json) = capture(|| {
            info!(
                password = "$uperS3cret!",
                db_password = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                secret = "***hunter2",
                "config"
            );
        });
        assert_no_leak(
            &all_output(&text, &json),
            &["$uperS3cret!", "R9h/cIPz0gi.URNNX3kh2", "hunter2"],
        );
        assert_eq!(json[0]["fields"]["password"], "[REDACTED:sensitive-key]");
    }

    #[test]
    fn a_float_beside_a_redacted_field_stays_a_float() {
        let (_, json) = capture(|| info!(ratio = 0.5, user = EMAIL, "scored"));
        assert_eq!(json[0]["fields"]["ratio"], 0.5);
        assert_eq!(json[0]["fields"]["user"], "[REDACTED:email]");
    }

    #[test]
    fn stand_ins_under_sensitive_names_stay() {
        let (text, _) = capture(|| {
            info!(
                password = "",
                token = "***",
                secret = "${DB_SECRET}",
                "config"
            );
        });
        assert!(
            text.contains("password=\"\" token=\"***\" secret=\"${DB_SECRET}\""),
            "{text}"
        );
    }

    #[test]
    fn clean_events_pass_through_unchanged() {
        let plain = Captured::default();
        let redacted = Captured::default();
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .without_time()
                    .with_ansi(false)
                    .with_writer(plain.clone()),
            )
            .with(tracing_redact::fmt::layer().map_inner(|l| {
                l.without_time()
                    .with_ansi(false)
                    .with_writer(redacted.clone())
            }));
        tracing::subscriber::with_default(subscriber, || {
            let span = info_span!(
                "request",
                id = "2f1d8e0a-6c1b-4b7e-9a55-0d3c7e6f9b21",
                n = 7
            );
            let _g = span.enter();
            warn!(
                sha = "9fceb02d0ae598e95dc970b74767f19372d61af8",
                ts = 1_732_443_000_123u64,
                path = "/v1/items?page=2",
                latency = 0.031,
                ?span,
                "GET done in {}ms",
                31
            );
        });
        assert_eq!(plain.text(), redacted.text());
        assert!(plain.text().contains("request{id=\"2f1d8e0a"));
    }
}

mod structure_is_kept {
    use super::*;

    #[test]
    fn levels_targets_spans_and_parents() {
        let (text, json) = capture(|| {
            let outer = info_span!("outer", tenant = "acme", password = "hunter2");
            let _g = outer.enter();
            let inner = info_span!("inner", user = EMAIL);
            let _h = inner.enter();
            warn!(target: "billing", "contextual {EMAIL}");
            info!(parent: &outer, "explicit {EMAIL}");
            info!(parent: None, "root {EMAIL}");
        });
        assert_no_leak(&all_output(&text, &json), &[EMAIL, "hunter2"]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            " WARN outer{tenant=\"acme\" password=\"[REDACTED:sensitive-key]\"}:inner{user=\"[REDACTED:email]\"}: billing: contextual [REDACTED:email]"
        );
        assert_eq!(
            lines[1],
            " INFO outer{tenant=\"acme\" password=\"[REDACTED:sensitive-key]\"}: layer::structure_is_kept: explicit [REDACTED:email]"
        );
        assert_eq!(
            lines[2],
            " INFO layer::structure_is_kept: root [REDACTED:email]"
        );

        assert_eq!(json[0]["level"], "WARN");
        assert_eq!(json[0]["target"], "billing");
        assert_eq!(json[0]["span"]["name"], "inner");
        assert_eq!(json[0]["span"]["user"], "[REDACTED:email]");
        assert_eq!(json[0]["spans"][0]["name"], "outer");
        assert_eq!(json[0]["spans"][0]["password"], "[REDACTED:sensitive-key]");
        assert_eq!(json[0]["spans"][0]["tenant"], "acme");
        assert_eq!(json[1]["span"]["name"], "outer", "explicit parent");
        // tracing-subscriber's JSON span list follows the current scope, not the explicit
        // parent; the plain JSON layer prints the same two spans here.
        assert_eq!(json[1]["spans"].as_array().map(Vec::len), Some(2));
    }

    /// How an event is parented: (is_root, is_contextual, explicit parent).
    type Parenting = (bool, bool, Option<u64>);

    /// Records how each event it sees is parented.
    #[derive(Clone, Default)]
    struct ParentProbe(std::sync::Arc<std::sync::Mutex<Vec<Parenting>>>);

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ParentProbe {
        fn on_event(
            &self,
            event: &tracing::Event<'_>,
            _: tracing_subscriber::layer::Context<'_, S>,
        ) {
            let seen = (
                event.is_root(),
                event.is_contextual(),
                event.parent().map(|id| id.into_u64()),
            );
            self.0.lock().unwrap().push(seen);
        }
    }

    #[test]
    fn explicit_root_and_contextual_parents_are_kept() {
        let original = ParentProbe::default();
        let scrubbed = ParentProbe::default();
        let subscriber = tracing_subscriber::registry()
            .with(original.clone())
            .with(scrubbed.clone().redacted());
        tracing::subscriber::with_default(subscriber, || {
            let outer = info_span!("outer");
            let _g = outer.enter();
            info!("contextual {EMAIL}");
            info!(parent: &outer, "explicit {EMAIL}");
            info!(parent: None, "root {EMAIL}");
        });
        let original = original.0.lock().unwrap().clone();
        assert_eq!(original.len(), 3);
        assert_eq!(original[0], (false, true, None));
        assert!(matches!(original[1], (false, false, Some(_))));
        assert_eq!(original[2], (true, false, None));
        assert_eq!(*scrubbed.0.lock().unwrap(), original);
    }

    #[test]
    fn fields_recorded_later() {
        let (text, json) = capture(|| {
            let span = info_span!(
                "call",
                token = tracing::field::Empty,
                status = tracing::field::Empty
            );
            span.record("token", JWT);
            span.record("status", 200u64);
            span.in_scope(|| info!("done"));
        });
        assert_no_leak(&all_output(&text, &json), &[JWT]);
        assert!(
            text.contains("call{token=\"[REDACTED:sensitive-key]\" status=200}: layer::structure_is_kept: done"),
            "{text}"
        );
        assert_eq!(json[0]["span"]["token"], "[REDACTED:sensitive-key]");
        assert_eq!(json[0]["span"]["status"], 200);
    }

    #[test]
    fn thirty_two_fields() {
        let (text, json) = capture(|| {
            info!(
                f00 = 0,
                f01 = 1,
                f02 = 2,
                f03 = 3,
                f04 = 4,
                f05 = 5,
                f06 = 6,
                f07 = 7,
                f08 = 8,
                f09 = 9,
                f10 = 10,
                f11 = 11,
                f12 = 12,
                f13 = 13,
                f14 = 14,
                f15 = 15,
                f16 = 16,
                f17 = 17,
                f18 = 18,
                f19 = 19,
                f20 = 20,
                f21 = 21,
                f22 = 22,
                f23 = 23,
                f24 = 24,
                f25 = 25,
                f26 = 26,
                f27 = 27,
                f28 = 28,
                f29 = 29,
                secret = "s3cr3t-value",
                mail = EMAIL
            );
        });
        assert_no_leak(&all_output(&text, &json), &["s3cr3t-value", EMAIL]);
        let f = &json[0]["fields"];
        assert_eq!(f["f29"], 29);
        assert_eq!(f["secret"], "[REDACTED:sensitive-key]");
        assert_eq!(f["mail"], "[REDACTED:email]");
        assert!(text.contains("f28=28 f29=29 secret=\"[REDACTED:sensitive-key]\""));
    }
    #[test]
    fn a_hundred_and_twenty_fields() {
        let (text, json) = capture(|| {
            info!(
                f000 = 0u64,
                f001 = 1u64,
                f002 = 2u64,
                f003 = 3u64,
                f004 = 4u64,
                f005 = 5u64,
                f006 = 6u64,
                f007 = 7u64,
                f008 = 8u64,
                f009 = 9u64,
                f010 = 10u64,
                f011 = 11u64,
                f012 = 12u64,
                f013 = 13u64,
                f014 = 14u64,
                f015 = 15u64,
                f016 = 16u64,
                f017 = 17u64,
                f018 = 18u64,
                f019 = 19u64,
                f020 = 20u64,
                f021 = 21u64,
                f022 = 22u64,
                f023 = 23u64,
                f024 = 24u64,
                f025 = 25u64,
                f026 = 26u64,
                f027 = 27u64,
                f028 = 28u64,
                f029 = 29u64,
                f030 = 30u64,
                f031 = 31u64,
                f032 = 32u64,
                f033 = 33u64,
                f034 = 34u64,
                f035 = 35u64,
                f036 = 36u64,
                f037 = 37u64,
                f038 = 38u64,
                f039 = 39u64,
                f040 = 40u64,
                f041 = 41u64,
                f042 = 42u64,
                f043 = 43u64,
                f044 = 44u64,
                f045 = 45u64,
                f046 = 46u64,
                f047 = 47u64,
                f048 = 48u64,
                f049 = 49u64,
                f050 = 50u64,
                f051 = 51u64,
                f052 = 52u64,
                f053 = 53u64,
                f054 = 54u64,
                f055 = 55u64,
                f056 = 56u64,
                f057 = 57u64,
                f058 = 58u64,
                f059 = 59u64,
                f060 = 60u64,
                f061 = 61u64,
                f062 = 62u64,
                f063 = 63u64,
                f064 = 64u64,
                f065 = 65u64,
                f066 = 66u64,
                f067 = 67u64,
                f068 = 68u64,
                f069 = 69u64,
                f070 = 70u64,
                f071 = 71u64,
                f072 = 72u64,
                f073 = 73u64,
                f074 = 74u64,
                f075 = 75u64,
                f076 = 76u64,
                f077 = 77u64,
                f078 = 78u64,
                f079 = 79u64,
                f080 = 80u64,
                f081 = 81u64,
                f082 = 82u64,
                f083 = 83u64,
                f084 = 84u64,
                f085 = 85u64,
                f086 = 86u64,
                f087 = 87u64,
                f088 = 88u64,
                f089 = 89u64,
                f090 = 90u64,
                f091 = 91u64,
                f092 = 92u64,
                f093 = 93u64,
                f094 = 94u64,
                f095 = 95u64,
                f096 = 96u64,
                f097 = 97u64,
                f098 = 98u64,
                f099 = 99u64,
                f100 = 100u64,
                f101 = 101u64,
                f102 = 102u64,
                f103 = 103u64,
                f104 = 104u64,
                f105 = 105u64,
                f106 = 106u64,
                f107 = 107u64,
                f108 = 108u64,
                f109 = 109u64,
                f110 = 110u64,
                f111 = 111u64,
                f112 = 112u64,
                f113 = 113u64,
                f114 = 114u64,
                f115 = 115u64,
                f116 = 116u64,
                f117 = 117u64,
                password = "hunter2-hunter2",
                mail = EMAIL
            );
        });
        assert_no_leak(&all_output(&text, &json), &["hunter2-hunter2", EMAIL]);
        let f = &json[0]["fields"];
        assert_eq!(f.as_object().map(|o| o.len()), Some(120));
        assert_eq!(f["f000"], 0);
        assert_eq!(f["f117"], 117);
        assert_eq!(f["password"], "[REDACTED:sensitive-key]");
        assert_eq!(f["mail"], "[REDACTED:email]");
        assert!(
            text.contains(
                "f116=116 f117=117 password=\"[REDACTED:sensitive-key]\" mail=\"[REDACTED:email]\""
            ),
            "{text}"
        );
    }
}

mod filters {
    use super::*;

    #[test]
    fn env_filter_around_the_wrapper() {
        let out = Captured::default();
        let subscriber = tracing_subscriber::registry()
            .with(EnvFilter::new("warn,billing=debug"))
            .with(tracing_redact::fmt::layer().map_inner(|l| l.with_writer(out.clone())));
        tracing::subscriber::with_default(subscriber, || {
            info!("hidden {EMAIL}");
            debug!(target: "billing", "shown {EMAIL}");
            warn!("also shown");
        });
        let text = out.text();
        assert!(!text.contains("hidden"));
        assert!(text.contains("shown [REDACTED:email]"));
        assert!(text.contains("also shown"));
    }

    #[test]
    fn per_layer_filter_inside_the_wrapper_does_not_become_global() {
        let redacted = Captured::default();
        let other = Captured::default();
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(redacted.clone())
                    .with_filter(LevelFilter::WARN)
                    .redacted(),
            )
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(other.clone())
                    .with_filter(LevelFilter::DEBUG),
            );
        tracing::subscriber::with_default(subscriber, || {
            debug!("debug event");
            warn!("warn event {EMAIL}");
        });
        assert!(!redacted.text().contains("debug event"));
        assert!(redacted.text().contains("warn event [REDACTED:email]"));
        assert!(
            other.text().contains("debug event"),
            "the inner filter's WARN must not cap the other layer: {:?}",
            other.text()
        );
    }

    #[test]
    fn per_layer_filter_outside_the_wrapper() {
        let out = Captured::default();
        let subscriber = tracing_subscriber::registry().with(
            tracing_redact::fmt::layer()
                .map_inner(|l| l.with_writer(out.clone()))
                .with_filter(LevelFilter::INFO),
        );
        tracing::subscriber::with_default(subscriber, || {
            debug!("nope");
            info!("yes {EMAIL}");
        });
        assert!(!out.text().contains("nope"));
        assert!(out.text().contains("yes [REDACTED:email]"));
    }
}

mod siblings {
    use super::*;

    #[test]
    fn redaction_owned_field_formatter_keeps_span_fields_apart() {
        let raw = Captured::default();
        let safe = Captured::default();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(raw.clone()))
            .with(tracing_redact::fmt::layer().map_inner(|l| l.with_writer(safe.clone())));
        tracing::subscriber::with_default(subscriber, || {
            let span = info_span!("login", password = "hunter2", user = EMAIL);
            span.record("password", "hunter3");
            span.in_scope(|| info!("ok"));
        });
        assert!(
            raw.text().contains("hunter2"),
            "the unredacted sibling prints raw"
        );
        assert_no_leak(&safe.text(), &["hunter2", "hunter3", EMAIL]);
    }

    /// The pitfall the `fmt` module documents: the same field formatter type on both sides
    /// shares span fields, and the unredacted layer, running first, writes them.
    #[test]
    fn same_field_formatter_type_shares_span_fields() {
        let raw = Captured::default();
        let wrapped = Captured::default();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(raw.clone()))
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(wrapped.clone())
                    .redacted(),
            );
        tracing::subscriber::with_default(subscriber, || {
            info_span!("login", password = "hunter2").in_scope(|| info!("ok"));
        });
        assert!(wrapped.text().contains("hunter2"), "{}", wrapped.text());
    }
}

mod failing_closed {
    use super::*;

    struct Broken;

    impl fmt::Debug for Broken {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("half of the secret hunter2")?;
            Err(fmt::Error)
        }
    }

    #[test]
    fn a_debug_impl_that_fails_is_a_marker() {
        let (text, json) = capture(|| info!(value = ?Broken, "event"));
        assert_no_leak(&all_output(&text, &json), &["hunter2"]);
        assert!(text.contains("value=[REDACTED:unformattable]"), "{text}");
        assert_eq!(json[0]["fields"]["value"], "[REDACTED:unformattable]");
    }

    #[test]
    fn oversized_values_are_a_marker() {
        let redactor = Redactor::builder().max_value_len(64).build().unwrap();
        let out = Captured::default();
        let layer = RedactLayer::with_redactor(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(out.clone()),
            redactor,
        );
        let stats = layer.stats();
        let big = "x".repeat(65);
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            info!(big = big.as_str(), small = "fine", dbg = ?big, "msg");
        });
        let text = out.text();
        assert!(!text.contains(&big));
        assert!(
            text.contains("big=\"[REDACTED:oversized]\" small=\"fine\" dbg=[REDACTED:oversized]"),
            "{text}"
        );
        assert_eq!(stats.count("oversized"), 2);
    }
}

/// A phone number glued to a digit group reads as a longer number until the SSN after it
/// becomes a marker; `Redactor::redact` then scans again, and the layer must too.
#[test]
fn a_value_is_scanned_again_after_a_replacement_exposes_more() {
    const VALUE: &str = "(415) 5504711 11 078-05-1120";
    let redactor = Redactor::default();
    let first_pass: Vec<_> = redactor.find(VALUE).map(|f| f.rule().to_owned()).collect();
    assert_eq!(
        first_pass,
        ["us-ssn"],
        "the phone is hidden on the first pass"
    );
    let (text, json) = capture(|| info!(contact = VALUE, "callback {VALUE}"));
    assert_no_leak(&all_output(&text, &json), &["5504711", "078-05-1120"]);
    let layer = RedactLayer::new(tracing_subscriber::fmt::layer().with_writer(std::io::sink));
    let stats = layer.stats();
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
        info!(contact = VALUE)
    });
    assert_eq!(stats.count("us-ssn"), 1);
    assert_eq!(
        stats.count("phone-number"),
        1,
        "what the rescan found is counted"
    );
    let expected = "[REDACTED:phone-number] [REDACTED:us-ssn]";
    assert_eq!(redactor.redact(VALUE), expected);
    assert_eq!(json[0]["fields"]["contact"], expected);
    assert_eq!(json[0]["fields"]["message"], format!("callback {expected}"));
}

#[test]
fn stats_count_per_rule() {
    let layer = RedactLayer::new(tracing_subscriber::fmt::layer().with_writer(std::io::sink));
    let stats = layer.stats();
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
        info!("{EMAIL} and {EMAIL}");
        info!(key = AKID, "clean message");
        info!("nothing here");
        info_span!("s", password = "hunter2").in_scope(|| {});
    });
    assert_eq!(stats.count("email"), 2);
    assert_eq!(stats.count("aws-access-key-id"), 1);
    assert_eq!(stats.count("sensitive-key"), 1);
    assert_eq!(stats.redacted_events(), 2);
    assert_eq!(stats.redacted_spans(), 1);
    assert_eq!(
        stats.to_string(),
        "aws-access-key-id=1 sensitive-key=1 email=2"
    );
    stats.reset();
    assert_eq!(stats.total(), 0);
}

#[test]
fn redacting_make_writer_keeps_line_breaks_of_oversized_lines() {
    use std::io::Write;
    use tracing_subscriber::fmt::MakeWriter;
    let out = Captured::default();
    let writer = RedactingMakeWriter::with_redactor(
        out.clone(),
        Redactor::builder().max_value_len(16).build().unwrap(),
    );
    writer
        .make_writer()
        .write_all(b"a line far longer than sixteen bytes\n")
        .unwrap();
    writer.make_writer().write_all(b"short\n").unwrap();
    assert_eq!(out.text(), "[REDACTED:oversized]\nshort\n");
}

#[test]
fn redacting_make_writer_scrubs_formatted_lines() {
    let out = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(RedactingMakeWriter::new(out.clone()))
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        info!(creds = ?Credentials { access_key_id: AKID, secret_access_key: SECRET_KEY, region: "us-east-1" });
    });
    assert_no_leak(&out.text(), &[AKID, SECRET_KEY]);
    assert!(out.text().contains("us-east-1"));
}

#[test]
fn many_threads_every_event_arrives_none_leaks() {
    let out = Captured::default();
    let layer = tracing_redact::fmt::json_layer().map_inner(|l| l.with_writer(out.clone()));
    let dispatch = tracing::Dispatch::new(tracing_subscriber::registry().with(layer));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let dispatch = dispatch.clone();
            std::thread::spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || {
                    for i in 0..500u64 {
                        let span = info_span!("worker", t, password = "hunter2");
                        let _g = span.enter();
                        info!(i, mail = EMAIL, "key {AKID} secret={SECRET_KEY}");
                    }
                });
            })
        })
        .collect();
    for t in threads {
        t.join().expect("worker thread");
    }
    let lines = out.lines();
    assert_eq!(lines.len(), 8 * 500);
    for line in &lines {
        let v: Json = serde_json::from_str(line).expect("valid JSON");
        assert_eq!(v["fields"]["mail"], "[REDACTED:email]");
    }
    assert_no_leak(&out.text(), &[AKID, SECRET_KEY, EMAIL, "hunter2"]);
}
