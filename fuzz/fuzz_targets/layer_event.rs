//! Arbitrary events (a field name from a pool, every value kind, planted secrets) through
//! `RedactLayer` over fmt text and JSON layers: no panic, every JSON line parses, nothing
//! planted survives.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::fmt;
use tracing_redact::testing::Captured;
use tracing_redact_fuzz::{hex_of, leaked, noise_holds, Plant};
use tracing_subscriber::prelude::*;

#[derive(Arbitrary, Debug)]
enum Kind {
    Str,
    Display,
    Debug,
    Error,
    Bytes,
    Message,
    SpanField,
    RecordedLater,
}

#[derive(Arbitrary, Debug)]
struct Input {
    plant: Plant,
    kind: Kind,
    site: u8,
    other: String,
    number: u64,
}

#[derive(Debug)]
struct Failure(String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

fn emit(kind: &Kind, site: u8, text: &str, other: &str, number: u64) {
    macro_rules! at {
        ($name:ident) => {
            match kind {
                Kind::Str => tracing::info!($name = text, other, number, "event"),
                Kind::Display => tracing::warn!($name = %text, other, "event"),
                Kind::Debug => tracing::debug!($name = ?text, number, "event"),
                Kind::Error => {
                    let e = Failure(text.to_owned());
                    tracing::error!($name = &e as &(dyn std::error::Error + 'static), "event")
                }
                Kind::Bytes => tracing::info!($name = text.as_bytes(), "event"),
                Kind::Message => tracing::info!(other, "{text}"),
                Kind::SpanField => {
                    tracing::info_span!("span", $name = text).in_scope(|| tracing::info!("in span"))
                }
                Kind::RecordedLater => {
                    let span = tracing::info_span!("span", $name = tracing::field::Empty);
                    span.record(stringify!($name), text);
                    span.in_scope(|| tracing::info!(number, "in span"));
                }
            }
        };
    }
    match site % 5 {
        0 => at!(body),
        1 => at!(detail),
        2 => at!(password),
        3 => at!(headers),
        _ => at!(x),
    }
}

fuzz_target!(|input: Input| {
    let Some((family, secret, text)) = input.plant.build() else {
        return;
    };
    if noise_holds(&input.other, &secret) || leaked(&input.number.to_string(), &secret) {
        return;
    }
    let plain = Captured::default();
    let json = Captured::default();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_redact::fmt::layer().map_inner(|l| l.with_writer(plain.clone())))
        .with(tracing_redact::fmt::redact(
            tracing_subscriber::fmt::layer()
                .json()
                .with_span_list(true)
                .with_writer(json.clone()),
        ));
    tracing::subscriber::with_default(subscriber, || {
        emit(&input.kind, input.site, &text, &input.other, input.number)
    });
    let json = json.text();
    for line in json.lines() {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(line) {
            panic!("bad JSON line {line:?}: {e}");
        }
    }
    let all = format!("{}\n{json}", plain.text());
    // Bytes fields are printed as hex: a planted secret would show up hex-encoded.
    assert!(
        !leaked(&all, &secret) && !all.contains(&hex_of(&secret)),
        "{family} {secret:?} leaked via {:?}:\n{all}",
        input.kind
    );
});
