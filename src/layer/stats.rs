//! Counters of what a [`RedactLayer`](super::RedactLayer) replaced.

use crate::Redactor;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A handle on a layer's redaction counters: how many values each rule replaced, and how many
/// events and spans were rebuilt.
///
/// Cheap to clone (one `Arc`) and to keep: take it from
/// [`RedactLayer::stats`](super::RedactLayer::stats) before installing the layer and read it
/// whenever you like. Counters are relaxed atomics touched only when something is redacted,
/// so clean events never write to memory shared between threads.
///
/// Counts are per finding: a line with two e-mail addresses counts two for `email`. Two
/// markers that are not rules have counters too: `oversized` (a value over the size limit)
/// and `unformattable` (a `Debug` implementation that returned an error).
///
/// ```
/// use tracing_redact::RedactLayer;
/// use tracing_subscriber::prelude::*;
///
/// let layer = RedactLayer::new(tracing_subscriber::fmt::layer().with_writer(std::io::sink));
/// let stats = layer.stats();
/// let subscriber = tracing_subscriber::registry().with(layer);
/// tracing::subscriber::with_default(subscriber, || {
///     tracing::info!(user = "bob@example.com", "signed in with password=hunter2");
/// });
/// assert_eq!(stats.count("email"), 1);
/// assert_eq!(stats.count("sensitive-key"), 1);
/// assert_eq!(stats.total(), 2);
/// assert_eq!(stats.redacted_events(), 1);
/// assert_eq!(stats.to_string(), "sensitive-key=1 email=1");
/// ```
#[derive(Clone)]
pub struct RedactionStats {
    inner: Arc<Counters>,
}

struct Counters {
    ids: Box<[Box<str>]>,
    counts: Box<[AtomicU64]>,
    events: AtomicU64,
    spans: AtomicU64,
}

/// The counter slot after the redactor's own ones: values whose formatting failed.
const UNFORMATTABLE: &str = "unformattable";

impl RedactionStats {
    pub(crate) fn new(redactor: &Redactor) -> RedactionStats {
        let slots = redactor.counter_slots();
        let ids = (0..slots)
            .map(|slot| Box::from(redactor.slot_rule_id(slot)))
            .chain(std::iter::once(Box::from(UNFORMATTABLE)))
            .collect();
        let counts = (0..=slots).map(|_| AtomicU64::new(0)).collect();
        RedactionStats {
            inner: Arc::new(Counters {
                ids,
                counts,
                events: AtomicU64::new(0),
                spans: AtomicU64::new(0),
            }),
        }
    }

    /// Counts one redaction in `slot` (a redactor counter slot, or `None` for an
    /// unformattable value).
    pub(crate) fn record(&self, slot: Option<usize>) {
        let last = self.inner.counts.len() - 1;
        let slot = slot.map_or(last, |s| s.min(last));
        self.inner.counts[slot].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn record_event(&self) {
        self.inner.events.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn record_span(&self) {
        self.inner.spans.fetch_add(1, Ordering::Relaxed);
    }

    /// How many values rule `rule_id` replaced (0 for an unknown id).
    pub fn count(&self, rule_id: &str) -> u64 {
        self.iter()
            .find(|(id, _)| *id == rule_id)
            .map_or(0, |(_, n)| n)
    }

    /// Every counter, in catalogue order, zeros included.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        self.inner
            .ids
            .iter()
            .zip(self.inner.counts.iter())
            .map(|(id, n)| (&**id, n.load(Ordering::Relaxed)))
    }

    /// All redactions, summed over rules.
    pub fn total(&self) -> u64 {
        self.iter().map(|(_, n)| n).sum()
    }

    /// Events that had something replaced (and were rebuilt).
    pub fn redacted_events(&self) -> u64 {
        self.inner.events.load(Ordering::Relaxed)
    }

    /// Span creations and span `record` calls that had something replaced.
    pub fn redacted_spans(&self) -> u64 {
        self.inner.spans.load(Ordering::Relaxed)
    }

    /// Sets every counter back to zero.
    pub fn reset(&self) {
        for n in self.inner.counts.iter() {
            n.store(0, Ordering::Relaxed);
        }
        self.inner.events.store(0, Ordering::Relaxed);
        self.inner.spans.store(0, Ordering::Relaxed);
    }
}

impl fmt::Display for RedactionStats {
    /// The non-zero counters as `rule=count` separated by spaces, or `nothing redacted`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut any = false;
        for (id, n) in self.iter().filter(|(_, n)| *n > 0) {
            if any {
                f.write_str(" ")?;
            }
            write!(f, "{id}={n}")?;
            any = true;
        }
        if !any {
            f.write_str("nothing redacted")?;
        }
        Ok(())
    }
}

impl fmt::Debug for RedactionStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedactionStats")
            .field("redacted_events", &self.redacted_events())
            .field("redacted_spans", &self.redacted_spans())
            .field("by_rule", &format_args!("{self}"))
            .finish()
    }
}
