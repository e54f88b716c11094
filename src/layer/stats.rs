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

    /// The counter index of `slot` (a redactor counter slot, or `None` for an unformattable
    /// value).
    fn index(&self, slot: Option<usize>) -> usize {
        let last = self.inner.counts.len() - 1;
        slot.map_or(last, |s| s.min(last))
    }

    /// Counts one redaction in `slot` (see [`index`](Self::index)).
    pub(crate) fn record(&self, slot: Option<usize>) {
        self.inner.counts[self.index(slot)].fetch_add(1, Ordering::Relaxed);
    }

    /// The rule id of `slot` (see [`index`](Self::index)).
    pub(crate) fn rule_id(&self, slot: Option<usize>) -> &str {
        &self.inner.ids[self.index(slot)]
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

    /// Every counter, zeros included: the rules in catalogue order (with scopes, the rules
    /// outside every scope first, then those only scopes have), then `oversized` and
    /// `unformattable`.
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

    /// The counters in the OpenMetrics text format, which Prometheus and the OpenTelemetry
    /// Collector's Prometheus receiver scrape as they are: serve it from your metrics
    /// endpoint. Three counters, named after `namespace` (anything but `[A-Za-z0-9_:]` becomes
    /// `_`; empty is `tracing_redact`): `<namespace>_redactions_total` with a `rule` label (every
    /// rule, zeros included), `<namespace>_redacted_events_total` and
    /// `<namespace>_redacted_spans_total`.
    ///
    /// ```
    /// use tracing_redact::RedactLayer;
    /// use tracing_subscriber::prelude::*;
    ///
    /// let layer = RedactLayer::new(tracing_subscriber::fmt::layer().with_writer(std::io::sink));
    /// let stats = layer.stats();
    /// tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
    ///     tracing::info!("mail ann@example.com");
    /// });
    /// let text = stats.openmetrics("app_logs");
    /// assert!(text.contains("app_logs_redactions_total{rule=\"email\"} 1\n"));
    /// assert!(text.contains("app_logs_redacted_events_total 1\n"));
    /// assert!(text.ends_with("# EOF\n"));
    /// ```
    pub fn openmetrics(&self, namespace: &str) -> String {
        let mut ns: String = namespace
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == ':' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if ns.is_empty() {
            ns.push_str("tracing_redact");
        }
        if ns.starts_with(|c: char| c.is_ascii_digit()) {
            ns.insert(0, '_');
        }
        let mut out = String::new();
        out.push_str(&format!(
            "# TYPE {ns}_redactions counter\n# HELP {ns}_redactions Values replaced, by rule.\n"
        ));
        for (id, n) in self.iter() {
            let mut label = String::with_capacity(id.len());
            for c in id.chars() {
                match c {
                    '\\' => label.push_str("\\\\"),
                    '"' => label.push_str("\\\""),
                    '\n' => label.push_str("\\n"),
                    c => label.push(c),
                }
            }
            out.push_str(&format!("{ns}_redactions_total{{rule=\"{label}\"}} {n}\n"));
        }
        for (name, help, n) in [
            (
                "redacted_events",
                "Events that had something replaced.",
                self.redacted_events(),
            ),
            (
                "redacted_spans",
                "Span creations and records that had something replaced.",
                self.redacted_spans(),
            ),
        ] {
            out.push_str(&format!(
                "# TYPE {ns}_{name} counter\n# HELP {ns}_{name} {help}\n{ns}_{name}_total {n}\n"
            ));
        }
        out.push_str("# EOF\n");
        out
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
