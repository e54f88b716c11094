//! Throughput at scale and memory: does the engine keep its speed over 100 MB of
//! secret-dense lines (no lazy-DFA cache cliff), and how much memory does a compiled
//! redactor take, and each thread that uses it?
//!
//! ```text
//! cargo run --release --example scale            # 100 MB
//! cargo run --release --example scale -- 20      # 20 MB
//! ```
//!
//! Memory is the process's resident set size read from `/proc/self/statm` (Linux); elsewhere
//! it is reported as unknown. Per thread, it is what eight threads that have each redacted
//! the first 20 MB add, divided by eight (thread stacks included).

#[path = "../benches/common/mod.rs"]
mod common;

use std::time::Instant;
use tracing_redact::Redactor;

fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(
        || "unknown".to_string(),
        |b| format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
    )
}

/// Redacts every line, returning MB/s (10^6 bytes a second).
fn throughput(redactor: &Redactor, lines: &[String]) -> f64 {
    let bytes: usize = lines.iter().map(String::len).sum();
    let start = Instant::now();
    let kept: usize = lines.iter().map(|l| redactor.redact(l).len()).sum();
    std::hint::black_box(kept);
    bytes as f64 / start.elapsed().as_secs_f64() / 1e6
}

fn main() {
    let megabytes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let mut lines = Vec::new();
    let mut total = 0;
    let mut rng_seed = 0x9E37_79B9_7F4A_7C15u64;
    while total < megabytes * 1_000_000 {
        // Batches of distinct lines, every one with a secret.
        for line in common::corpus(100_000, 1, rng_seed) {
            total += line.len();
            lines.push(line);
        }
        rng_seed = rng_seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
    }
    let before = resident_bytes();
    let redactor = Redactor::default();
    let built = resident_bytes();
    let prefix_len = lines
        .iter()
        .scan(0, |sum, l| {
            *sum += l.len();
            Some(*sum)
        })
        .take_while(|&sum| sum <= 20_000_000)
        .count();
    let prefix = throughput(&redactor, &lines[..prefix_len]);
    let warm = resident_bytes();
    let all = throughput(&redactor, &lines);
    println!(
        "dense lines: first 20 MB {prefix:.0} MB/s; all {:.0} MB {all:.0} MB/s ({:.2}x the prefix)",
        total as f64 / 1e6,
        all / prefix
    );
    let delta = |a: Option<u64>, b: Option<u64>| a.zip(b).map(|(a, b)| b.saturating_sub(a));
    println!(
        "memory of the compiled default redactor: {} after build, {} after 20 MB of dense lines",
        mib(delta(before, built)),
        mib(delta(before, warm))
    );
    // Per thread: what each new thread's regex caches and scanner buffers add once it has
    // redacted the 20 MB prefix (the lines and the redactor are shared).
    const THREADS: usize = 8;
    let shared = resident_bytes();
    // Each worker reports when it is done, then holds on until the measurement is taken. A
    // worker that panics drops its sender, so the main thread never waits for it; and the
    // main thread's write lock is released even if it panics, so no worker waits forever.
    let release = std::sync::RwLock::new(());
    let per_thread = std::thread::scope(|scope| {
        let hold = release.write();
        let (done, finished) = std::sync::mpsc::channel();
        for _ in 0..THREADS {
            let done = done.clone();
            let (redactor, prefix, release) = (&redactor, &lines[..prefix_len], &release);
            scope.spawn(move || {
                std::hint::black_box(throughput(redactor, prefix));
                let _ = done.send(());
                drop(done);
                let _alive = release.read();
            });
        }
        drop(done);
        let reported = finished.iter().count();
        let grown = delta(shared, resident_bytes());
        drop(hold);
        (reported == THREADS)
            .then_some(grown)
            .flatten()
            .map(|b| b / THREADS as u64)
    });
    println!(
        "memory per redacting thread ({THREADS} threads, each after the 20 MB prefix): {}",
        mib(per_thread)
    );
}
