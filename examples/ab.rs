//! The probe `scripts/ab.sh` runs to compare this build with another commit's: the engine on
//! the benchmarks' corpora and the layer over `fmt`, one workload after another, each printed
//! as `workload<TAB>value<TAB>unit`.
//!
//! ```text
//! cargo run --release --example ab                      # every workload
//! cargo run --release --example ab -- engine/hard-clean # some of them
//! cargo run --release --example ab -- --once engine/dense # one pass over the corpus
//! scripts/ab.sh <base-commit> [rounds]                  # this build against <base-commit>
//! ```
//!
//! A workload repeats for 0.7 s; with `--once` it makes exactly one pass, for instruction
//! counts (`scripts/ab.sh` runs it under callgrind, collecting only inside the `measure_*`
//! functions, so corpus generation and building the redactor are not counted).
//!
//! The script copies this file and `benches/common` into the other commit's tree, so both
//! builds run the same workloads on the same corpora whatever that commit's benches held.
//! The probe uses `Redactor::default()`, `Redactor::redact` and `fmt::redact`; the corpora's
//! module also builds the benches' naive baseline from `rules()` and `RuleInfo::pattern`.
//!
//! Each workload first runs over a few lines or events outside the measured function, so
//! that what happens once per process (regex caches, callsite registration) is not counted.

#[path = "../benches/common/mod.rs"]
mod common;

use common::{corpus, emit, events, hard_corpus, Event, Message};
use std::hint::black_box;
use std::io;
use std::time::{Duration, Instant};
use tracing::Dispatch;
use tracing_subscriber::prelude::*;

/// Lines or events each workload runs over before it is measured.
const WARM_UP: usize = 200;

/// Each workload repeats until it has run this long (without `--once`).
const MIN_TIME: Duration = Duration::from_millis(700);

/// The engine's workloads: `Redactor::redact` over each corpus of the engine bench.
const ENGINE: [&str; 4] = [
    "engine/clean",
    "engine/dense",
    "engine/hard-clean",
    "engine/hard-dense",
];

/// The layer's workloads: events of the layer bench's shape, clean or with a secret, through
/// plain `fmt` text and through the redacting layer over it.
const LAYER: [&str; 4] = [
    "layer/clean/fmt",
    "layer/clean/redact-layer",
    "layer/secret/fmt",
    "layer/secret/redact-layer",
];

fn engine_corpus(name: &str) -> Vec<String> {
    match name {
        "engine/clean" => corpus(20_000, 200, 0x9E37_79B9_7F4A_7C15),
        "engine/dense" => corpus(20_000, 1, 0x9E37_79B9_7F4A_7C15),
        "engine/hard-clean" => hard_corpus(4_000, 0, 0x2545_F491_4F6C_DD1D),
        _ => hard_corpus(4_000, 3, 0x2545_F491_4F6C_DD1D),
    }
}

/// MiB/s of `redactor.redact` over `lines`, repeated for at least `min_time`.
#[inline(never)]
fn measure_engine(
    redactor: &tracing_redact::Redactor,
    lines: &[String],
    min_time: Duration,
) -> f64 {
    let bytes: usize = lines.iter().map(String::len).sum();
    let start = Instant::now();
    let mut passes = 0;
    while passes == 0 || start.elapsed() < min_time {
        for line in lines {
            black_box(redactor.redact(black_box(line)).len());
        }
        passes += 1;
    }
    (bytes * passes) as f64 / start.elapsed().as_secs_f64() / (1024.0 * 1024.0)
}

/// Nanoseconds an event through `dispatch`, repeated for at least `min_time`.
#[inline(never)]
fn measure_layer(dispatch: &Dispatch, events: &[Event], min_time: Duration) -> f64 {
    tracing::dispatcher::with_default(dispatch, || {
        let start = Instant::now();
        let mut passes = 0;
        while passes == 0 || start.elapsed() < min_time {
            events.iter().for_each(emit);
            passes += 1;
        }
        start.elapsed().as_secs_f64() * 1e9 / (events.len() * passes) as f64
    })
}

fn main() {
    let mut wanted: Vec<String> = std::env::args().skip(1).collect();
    if wanted.iter().any(|w| w == "--list") {
        for name in ENGINE.iter().chain(&LAYER) {
            println!("{name}");
        }
        return;
    }
    let once = wanted.iter().any(|w| w == "--once");
    wanted.retain(|w| w != "--once");
    let min_time = if once { Duration::ZERO } else { MIN_TIME };
    let runs = |name: &str| wanted.is_empty() || wanted.iter().any(|w| w == name);
    let redactor = tracing_redact::Redactor::default();
    for name in ENGINE.into_iter().filter(|name| runs(name)) {
        let lines = engine_corpus(name);
        for line in &lines[..WARM_UP] {
            black_box(redactor.redact(line).len());
        }
        let speed = measure_engine(&redactor, &lines, min_time);
        println!("{name}\t{speed:.1}\tMiB/s");
    }
    // As the layer bench configures it: the defaults, to `io::sink`.
    let fmt = || tracing_subscriber::fmt::layer().with_writer(io::sink);
    for name in LAYER.into_iter().filter(|name| runs(name)) {
        let message = if name.starts_with("layer/secret/") {
            Message::Secret
        } else {
            Message::Clean
        };
        let data = events(message, 20_000, 0x2545_F491_4F6C_DD1D);
        let dispatch = if name.ends_with("/fmt") {
            Dispatch::new(tracing_subscriber::registry().with(fmt()))
        } else {
            Dispatch::new(tracing_subscriber::registry().with(tracing_redact::fmt::redact(fmt())))
        };
        tracing::dispatcher::with_default(&dispatch, || data[..WARM_UP].iter().for_each(emit));
        let nanos = measure_layer(&dispatch, &data, min_time);
        println!("{name}\t{nanos:.1}\tns");
    }
}
