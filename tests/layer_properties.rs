//! Property tests through `RedactLayer` and real `fmt` layers: arbitrary events (field names
//! from a pool of callsites, every field kind, planted secrets from the crate's strategies)
//! never let a secret reach the text or JSON output, and every JSON line parses.
//!
//! `PROPTEST_CASES` sets the number of cases (256 by default).

use proptest::prelude::*;
use std::fmt;
use tracing::{debug, error, info, info_span, trace, warn};
use tracing_redact::testing::strategies::{card_number, noise, planted, Planted};
use tracing_redact::testing::{find_leak, Captured};
use tracing_subscriber::prelude::*;

/// How a value is handed to tracing.
#[derive(Clone, Debug)]
enum Value {
    Str(String),
    Display(String),
    Debug(String),
    Error(String),
    Card(u64),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Str(s) | Value::Display(s) | Value::Debug(s) | Value::Error(s) => s.clone(),
            Value::Card(n) => n.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
        }
    }
}

#[derive(Debug)]
struct Failure(String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "upstream said: {}", self.0)
    }
}

impl std::error::Error for Failure {}

/// Emits `value` under the field name `site` picks, at a level `site` picks.
fn emit(site: usize, message: &str, value: &Value) {
    macro_rules! with_value {
        ($mac:ident, $name:ident) => {
            match value {
                Value::Str(s) => $mac!($name = s.as_str(), "{message}"),
                Value::Display(s) => $mac!($name = %s, "{message}"),
                Value::Debug(s) => $mac!($name = ?s, "{message}"),
                Value::Error(s) => {
                    let e = Failure(s.clone());
                    $mac!($name = &e as &(dyn std::error::Error + 'static), "{message}")
                }
                Value::Card(n) => $mac!($name = *n, "{message}"),
                Value::Int(n) => $mac!($name = *n, "{message}"),
                Value::Float(f) => $mac!($name = *f, "{message}"),
                Value::Bool(b) => $mac!($name = *b, "{message}"),
            }
        };
    }
    match site % 8 {
        0 => with_value!(info, body),
        1 => with_value!(warn, detail),
        2 => with_value!(error, response),
        3 => with_value!(debug, user),
        4 => with_value!(trace, headers),
        5 => with_value!(info, password),
        6 => with_value!(warn, x),
        _ => {
            // In a span: the value goes on the span, at creation and recorded later.
            let span = info_span!("call", arg = tracing::field::Empty, n = 1);
            span.record("arg", value.text().as_str());
            span.in_scope(|| info!("{message}"));
        }
    }
}

fn filler() -> BoxedStrategy<Value> {
    prop_oneof![
        noise().prop_map(Value::Str),
        any::<i64>().prop_map(Value::Int),
        any::<f64>().prop_map(Value::Float),
        any::<bool>().prop_map(Value::Bool),
    ]
    .boxed()
}

/// One event: its callsite, the field value, the message, and the secret planted in one of
/// the two.
#[derive(Clone, Debug)]
struct Case {
    site: usize,
    value: Value,
    message: String,
    secret: String,
}

fn case() -> BoxedStrategy<Case> {
    let planted_case = (planted(), 0..4usize, 0..8usize, any::<bool>(), filler()).prop_map(
        |(p, kind, site, in_message, filler): (Planted, usize, usize, bool, Value)| {
            if in_message {
                return Case {
                    site,
                    value: filler,
                    message: p.text,
                    secret: p.secret,
                };
            }
            let value = match kind {
                0 => Value::Str(p.text),
                1 => Value::Display(p.text),
                2 => Value::Debug(p.text),
                _ => Value::Error(p.text),
            };
            Case {
                site,
                value,
                message: "request done".to_owned(),
                secret: p.secret,
            }
        },
    );
    let card_case = (card_number(), 0..8usize).prop_map(|(n, site)| Case {
        site,
        value: Value::Card(n),
        message: "charged".to_owned(),
        secret: n.to_string(),
    });
    prop_oneof![4 => planted_case, 1 => card_case].boxed()
}

proptest! {
    #[test]
    fn no_event_leaks_a_secret_and_json_always_parses(case in case()) {
        let Case { site, value, message, secret } = &case;
        let text = Captured::default();
        let json = Captured::default();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_subscriber::filter::LevelFilter::TRACE)
            .with(tracing_redact::fmt::layer().map_inner(|l| l.with_writer(text.clone())))
            .with(tracing_redact::fmt::redact(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_span_list(true)
                    .with_writer(json.clone()),
            ));
        tracing::subscriber::with_default(subscriber, || emit(*site, message, value));
        let text = text.text();
        let json = json.text();
        prop_assert_eq!(json.lines().count(), 1, "one event, one line: {}", json);
        for line in json.lines() {
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(line);
            prop_assert!(parsed.is_ok(), "bad JSON: {}", line);
        }
        let leak = find_leak(&format!("{text}\n{json}"), &[secret]);
        prop_assert!(leak.is_none(), "leaked {:?} in {:?}:\n{}\n{}", leak, case, text, json);
    }
}
