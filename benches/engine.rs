//! Throughput of the engine against a naive baseline and one combined regex.
//!
//! The corpus cycles through 100,000 distinct, realistic log lines (app logs, AWS SDK debug
//! lines with header maps, JSON, access logs, UUIDs, hashes, epoch-millisecond timestamps,
//! URLs): a single repeated line keeps every cache warm and understates the cost.
//! "clean" has one secret in ~200 lines, "dense" one in every line.
//!
//! "hard-clean" and "hard-dense" are 20,000 whole formatted log lines of 500 to 1,000 bytes
//! full of UUIDs, digests, epoch milliseconds, ARNs and paths (`common::hard_line`): without
//! a secret, and with three in every line.
//!
//! ```text
//! cargo bench --bench engine
//! ```

mod common;

use common::{combined, corpus, hard_corpus, naive_regexes};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::time::Duration;
use tracing_redact::Redactor;

fn bench(c: &mut Criterion) {
    let redactor = Redactor::default();
    let naive = naive_regexes();
    let one = combined(&naive);
    for (name, every) in [("clean", 200), ("dense", 1)] {
        let lines = corpus(100_000, every, 0x9E37_79B9_7F4A_7C15);
        let mut group = redact_group(c, &redactor, name, &lines);
        group.bench_function(BenchmarkId::new("naive-regex-per-rule", name), |b| {
            b.iter(|| {
                lines
                    .iter()
                    .map(|l| {
                        let mut s = std::borrow::Cow::Borrowed(l.as_str());
                        for re in &naive {
                            if let std::borrow::Cow::Owned(o) = re.replace_all(&s, "[REDACTED]") {
                                s = std::borrow::Cow::Owned(o);
                            }
                        }
                        s.len()
                    })
                    .sum::<usize>()
            })
        });
        group.finish();
        // The combined alternation runs at ~2 MB/s: measure it on the first 5,000 lines so a
        // full `cargo bench` stays within minutes.
        let few = &lines[..5_000];
        let few_bytes: usize = few.iter().map(String::len).sum();
        let mut group = c.benchmark_group(format!("engine/{name}/5k-lines"));
        group.throughput(Throughput::Bytes(few_bytes as u64));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(5));
        group.bench_function(BenchmarkId::new("combined-alternation", name), |b| {
            b.iter(|| {
                few.iter()
                    .map(|l| one.replace_all(l, "[REDACTED]").len())
                    .sum::<usize>()
            })
        });
        group.bench_function(BenchmarkId::new("tracing-redact", name), |b| {
            b.iter(|| few.iter().map(|l| redactor.redact(l).len()).sum::<usize>())
        });
        group.finish();
    }
    for (name, secrets) in [("hard-clean", 0), ("hard-dense", 3)] {
        let lines = hard_corpus(20_000, secrets, 0x2545_F491_4F6C_DD1D);
        redact_group(c, &redactor, name, &lines).finish();
    }
}

/// The group `engine/{name}` over `lines`, with this crate's engine measured in it; the
/// caller adds baselines and finishes it.
fn redact_group<'c>(
    c: &'c mut Criterion,
    redactor: &Redactor,
    name: &str,
    lines: &[String],
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let bytes: usize = lines.iter().map(String::len).sum();
    let mut group = c.benchmark_group(format!("engine/{name}"));
    group.throughput(Throughput::Bytes(bytes as u64));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    group.bench_function(BenchmarkId::new("tracing-redact", name), |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| redactor.redact(l).len())
                .sum::<usize>()
        })
    });
    group
}

criterion_group!(benches, bench);
criterion_main!(benches);
