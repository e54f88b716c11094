//! `redact` must not allocate when nothing matches, nor `RedactLayer` on a clean event: they
//! sit on every log call.
//!
//! A counting global allocator (test-only; the library itself forbids `unsafe`) observes the
//! calls. The redactor is built and warmed up first, so one-time set-up is not counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::cell::Cell;

struct Counting;

thread_local! {
    // Per thread, so tests running in parallel do not see each other's allocations.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn clean_text_does_not_allocate() {
    let redactor = tracing_redact::Redactor::default();
    let lines = [
        "2026-11-24T10:28:05.123Z INFO served GET /api/v1/items in 12ms request_id=2f1d8e0a-6c1b-4b7e-9a55-0d3c7e6f9b21",
        r#"{"ts":1732443000123,"key":"cache-7f3a","region":"us-east-1","token_count":12,"author":"bob"}"#,
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "failed to refresh token: connection refused; secret_name=prod/db session_duration=3600",
    ];
    for line in lines {
        assert!(matches!(redactor.redact(line), Cow::Borrowed(_)));
    }
    let before = allocations();
    for _ in 0..100 {
        for line in lines {
            assert!(matches!(redactor.redact(line), Cow::Borrowed(_)));
        }
    }
    let after = allocations();
    assert_eq!(after - before, 0, "redact allocated on clean input");
}

#[test]
fn a_secret_allocates_only_the_output() {
    let redactor = tracing_redact::Redactor::default();
    let line = "password=hunter2";
    let _ = redactor.redact(line);
    let before = allocations();
    let out = redactor.redact(line);
    let after = allocations();
    assert_eq!(out, "password=[REDACTED:sensitive-key]");
    assert!(
        after - before <= 2,
        "{} allocations for one secret",
        after - before
    );
}

/// A layer that records nothing: whatever allocates below is `RedactLayer`'s.
struct Silent;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Silent {}

#[test]
fn clean_events_through_the_layer_do_not_allocate() {
    use tracing_subscriber::prelude::*;
    let layer = tracing_redact::RedactLayer::new(Silent);
    let stats = layer.stats();
    let subscriber = tracing_subscriber::registry().with(layer);
    tracing::subscriber::with_default(subscriber, || {
        let emit = |i: u64| {
            tracing::info!(
                request_id = "2f1d8e0a-6c1b-4b7e-9a55-0d3c7e6f9b21",
                status = 200u64,
                latency_ms = 12.5,
                attempt = i,
                route = %"/api/v1/items",
                "served GET /api/v1/items in {}ms",
                i
            );
        };
        // Warm-up: the per-thread buffers grow and the callsite's field names are classified.
        emit(0);
        let before = allocations();
        for i in 0..100 {
            emit(i);
        }
        let after = allocations();
        assert_eq!(after - before, 0, "the layer allocated on clean events");
    });
    assert_eq!(stats.total(), 0);
}
