//! Per-event cost of `RedactLayer` over `fmt` against `fmt` alone, text and JSON, writing to
//! `io::sink`, cycling through 100,000 distinct realistic events (a single repeated event
//! keeps every cache warm and hides the real cost). "clean" events hold nothing to redact;
//! "secret" events each hold one secret in the message. "hard-clean" and "hard-secrets"
//! carry a whole formatted log line of 500 to 1,000 bytes full of UUIDs, digests and numbers
//! in the message (`common::hard_line`), without a secret and with three; they are measured
//! for `fmt` and `RedactLayer` only.
//!
//! Baselines: a naive scrubber (each rule's regex over every formatted line, in the writer)
//! and this crate's engine at the writer (`RedactingMakeWriter`). `text/redact-layer+policy`
//! is the text layer with 20 exempt field names and 20 known secret values configured: the
//! cost of field policy. `text/redact-layer-no-rules` (clean events) is the text layer with
//! every built-in rule off: the cost of reading the fields, before any rule runs.
//!
//! ```text
//! cargo bench --bench layer
//! ```

mod common;

use common::{emit, events, naive_regexes, Message, Rng};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use regex::Regex;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tracing::Dispatch;
use tracing_redact::RedactingMakeWriter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;

const EVENTS: usize = 100_000;

/// A writer that runs each rule's regex over every formatted line: the naive baseline.
#[derive(Clone)]
struct NaiveScrubber(Arc<Vec<Regex>>);

struct NaiveWriter(Arc<Vec<Regex>>);

impl io::Write for NaiveWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let mut out = std::borrow::Cow::Borrowed(&*text);
        for re in self.0.iter() {
            if let std::borrow::Cow::Owned(o) = re.replace_all(&out, "[REDACTED]") {
                out = std::borrow::Cow::Owned(o);
            }
        }
        io::sink().write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for NaiveScrubber {
    type Writer = NaiveWriter;

    fn make_writer(&'a self) -> NaiveWriter {
        NaiveWriter(Arc::clone(&self.0))
    }
}

/// 20 exempt field names (one of them the events' `request_id`) and 20 known secret values.
fn policy_redactor() -> tracing_redact::Redactor {
    let mut builder = tracing_redact::Redactor::builder();
    for name in [
        "request_id",
        "trace_id",
        "span_id",
        "parent_id",
        "order_id",
        "account_id",
        "tenant_id",
        "session_ref",
        "commit_sha",
        "image_digest",
        "etag",
        "checksum",
        "build_id",
        "job_id",
        "shard",
        "partition_key",
        "node_id",
        "pod_uid",
        "correlation_id",
        "idempotency_key",
    ] {
        builder = builder.exempt_field(name);
    }
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20 {
        builder = builder.secret_value(r.hex(24));
    }
    builder.build().expect("the policy configuration builds")
}

/// Every built-in rule turned off: what the layer costs before any rule runs (reading the
/// fields into one buffer, their names' policies, an empty scan). The floor under the
/// layer's targets; measured on clean events only, since it finds nothing anywhere.
fn no_rules_redactor() -> tracing_redact::Redactor {
    tracing_redact::rules()
        .fold(tracing_redact::Redactor::builder(), |builder, rule| {
            builder.disable(rule.id())
        })
        .build()
        .expect("a redactor without rules builds")
}

/// The text `fmt` layer, redacted by `redactor`.
fn text_redacted_by(redactor: tracing_redact::Redactor) -> Dispatch {
    Dispatch::new(
        tracing_subscriber::registry().with(tracing_redact::RedactLayer::with_redactor(
            tracing_subscriber::fmt::layer()
                .fmt_fields(tracing_redact::fmt::RedactedFields::<
                    tracing_subscriber::fmt::format::DefaultFields,
                >::default())
                .with_writer(io::sink),
            redactor,
        )),
    )
}

fn subscribers(naive: &Arc<Vec<Regex>>) -> Vec<(&'static str, Dispatch)> {
    let text = || tracing_subscriber::fmt::layer().with_writer(io::sink);
    let json = || {
        tracing_subscriber::fmt::layer()
            .json()
            .with_writer(io::sink)
    };
    vec![
        (
            "text/fmt",
            Dispatch::new(tracing_subscriber::registry().with(text())),
        ),
        (
            "text/redact-layer",
            Dispatch::new(tracing_subscriber::registry().with(tracing_redact::fmt::redact(text()))),
        ),
        (
            "text/redact-layer+policy",
            text_redacted_by(policy_redactor()),
        ),
        (
            "text/redact-layer-no-rules",
            text_redacted_by(no_rules_redactor()),
        ),
        (
            "text/redacting-writer",
            Dispatch::new(tracing_subscriber::registry().with(
                tracing_subscriber::fmt::layer().with_writer(RedactingMakeWriter::new(io::sink)),
            )),
        ),
        (
            "text/naive-writer",
            Dispatch::new(tracing_subscriber::registry().with(
                tracing_subscriber::fmt::layer().with_writer(NaiveScrubber(Arc::clone(naive))),
            )),
        ),
        (
            "json/fmt",
            Dispatch::new(tracing_subscriber::registry().with(json())),
        ),
        (
            "json/redact-layer",
            Dispatch::new(tracing_subscriber::registry().with(tracing_redact::fmt::redact(json()))),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let naive = Arc::new(naive_regexes());
    for (kind, message) in [
        ("clean", Message::Clean),
        ("secret", Message::Secret),
        ("hard-clean", Message::HardClean),
        ("hard-secrets", Message::HardSecrets),
    ] {
        let secret = matches!(message, Message::Secret | Message::HardSecrets);
        let hard = matches!(message, Message::HardClean | Message::HardSecrets);
        let data = events(message, EVENTS, 0x2545_F491_4F6C_DD1D);
        let mut group = c.benchmark_group(format!("layer/{kind}"));
        group
            .sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4));
        for (name, dispatch) in subscribers(&naive) {
            if name == "text/naive-writer" && !secret {
                // As slow on clean events as on secret ones; measured once keeps the run short.
                continue;
            }
            if name == "text/redact-layer-no-rules" && message != Message::Clean {
                continue;
            }
            if hard && !name.ends_with("/fmt") && !name.ends_with("/redact-layer") {
                continue;
            }
            tracing::dispatcher::with_default(&dispatch, || {
                let mut i = 0;
                group.bench_function(BenchmarkId::new(name, kind), |b| {
                    b.iter(|| {
                        emit(&data[i]);
                        i = (i + 1) % data.len();
                    })
                });
            });
        }
        // Filtered-out events: the layer must add nothing.
        if message == Message::Clean {
            for (name, layer) in [("disabled/fmt", None), ("disabled/redact-layer", Some(()))] {
                let filter = tracing_subscriber::filter::LevelFilter::WARN;
                let dispatch = match layer {
                    None => Dispatch::new(
                        tracing_subscriber::registry().with(
                            tracing_subscriber::fmt::layer()
                                .with_writer(io::sink)
                                .with_filter(filter),
                        ),
                    ),
                    Some(()) => Dispatch::new(
                        tracing_subscriber::registry().with(
                            tracing_redact::fmt::redact(
                                tracing_subscriber::fmt::layer().with_writer(io::sink),
                            )
                            .with_filter(filter),
                        ),
                    ),
                };
                tracing::dispatcher::with_default(&dispatch, || {
                    let mut i = 0;
                    group.bench_function(BenchmarkId::new(name, kind), |b| {
                        b.iter(|| {
                            emit(&data[i]);
                            i = (i + 1) % data.len();
                        })
                    });
                });
            }
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
