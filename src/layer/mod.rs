//! [`RedactLayer`]: scrubs every event and span before the layers it wraps see them.
//!
//! # Where it sits
//!
//! A `tracing` subscriber is a stack of [`Layer`]s. Output layers (`fmt` text or JSON, an
//! OpenTelemetry exporter, your own) each turn events into bytes somewhere. `RedactLayer`
//! *wraps* such a layer, or a whole stack of them, and hands it a sanitized copy of every
//! event and span:
//!
//! ```text
//! registry ── RedactLayer ── fmt::layer()        (sees only scrubbed values)
//!          └─ other layers                        (see the original; wrap them too)
//! ```
//!
//! ```
//! use tracing_redact::RedactLayerExt;
//! use tracing_subscriber::prelude::*;
//! # let writer = tracing_redact::testing::Captured::default();
//! # let make_writer = writer.clone();
//!
//! let subscriber = tracing_subscriber::registry().with(
//!     tracing_subscriber::fmt::layer()
//!         .without_time()
//!         .with_ansi(false)
//!         .with_writer(make_writer)
//!         .redacted(),
//! );
//! tracing::subscriber::with_default(subscriber, || {
//!     tracing::warn!(
//!         authorization = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
//!         retries = 3,
//!         "upload to s3://bucket failed for bob@example.com"
//!     );
//! });
//! assert_eq!(
//!     writer.text().trim_end(),
//!     " WARN rust_out: upload to s3://bucket failed for [REDACTED:email] \
//!      authorization=\"[REDACTED:http-authorization]\" retries=3"
//! );
//! ```
//!
//! # What is scrubbed
//!
//! Every field value of events and spans, at creation ([`Layer::on_new_span`]) and when
//! recorded later ([`Layer::on_record`]), and the message, through the wrapped layer's whole
//! interface. Values of every kind: strings, `Display` (`%x`) and `Debug` (`?x`) values
//! (formatted once, scanned, re-emitted as the same text), errors with their whole `source()`
//! chain, bytes, and integers (a card number logged as a `u64` is a card number). A field
//! whose *name* is sensitive (`password`, `api_key`, `authorization`, `cookie`,
//! `aws_secret_access_key`, `x-amz-security-token`, and the names you add with
//! [`RedactorBuilder::sensitive_key`](crate::RedactorBuilder::sensitive_key)) has its value
//! replaced whatever it holds, except for stand-ins such as `""`, `***` or `${VAR}` and for
//! booleans (`has_token = true` carries no secret).
//!
//! Everything else reaches the inner layer exactly as it was: the same [`Metadata`] (level,
//! target, module, file and line, field names), the same parent span (explicit, root or
//! contextual), the same kind of value for every field, so JSON keeps numbers as numbers and
//! text formatters quote strings as before. Events from the `log` crate through `tracing-log`
//! keep their normalized metadata.
//!
//! # Costs
//!
//! A clean event costs one pass of the engine over its field values (the message and field
//! text, not the timestamp, level or target) and is then forwarded as it came: no copy, no
//! allocation once the per-thread buffers have grown, no write to shared memory. Only an
//! event with something to replace is rebuilt. Events disabled by a filter never reach the
//! layer. The README's benchmark table has the numbers against the plain `fmt` layer.
//!
//! # What it cannot see
//!
//! Static metadata (span names, targets, field *names*), layers that are not wrapped, and a
//! secret split across two fields. See `SECURITY.md` for the threat model, and
//! [`fmt`](crate::fmt) for the one way two `fmt` layers can leak span fields into each other.
//!
//! [`Metadata`]: tracing_core::Metadata

mod audit;
mod capture;
mod names;
mod rebuild;
mod stats;

pub use audit::Redaction;
pub use stats::RedactionStats;

use crate::Redactor;
use audit::AuditHook;
use capture::with_capture;
use std::any::TypeId;
use tracing_core::span::{Attributes, Id, Record};
use tracing_core::subscriber::Interest;
use tracing_core::{Dispatch, Event, LevelFilter, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// A [`Layer`] that hands the layer it wraps a scrubbed copy of every event and span.
///
/// Filters of the wrapped layer see two views: `enabled` and `register_callsite` see only
/// metadata; `event_enabled` is given the original event (it decides, it does not write);
/// span field filters inside the wrapper (`EnvFilter`'s `[{user=…}]`) see scrubbed span
/// values, so a filter on a value that gets redacted stops matching: put such filters
/// around the wrapper instead.
///
/// Build it around any layer: [`RedactLayer::new`] (default [`Redactor`]),
/// [`RedactLayer::with_redactor`], or [`RedactLayerExt::redacted`]. The wrapped layer keeps
/// its own filters: every [`Layer`] method not about field values (`enabled`,
/// `register_callsite`, `max_level_hint`, `on_layer`, `on_enter`, `on_close`, …) is forwarded
/// to it unchanged, so per-layer filters inside the wrapper, and filters around it, work as
/// they did.
///
/// ```
/// use tracing_redact::{RedactLayer, Redactor, Replacement};
/// use tracing_subscriber::prelude::*;
///
/// let redactor = Redactor::builder()
///     .sensitive_key("tenant_secret")
///     .replacement(Replacement::fixed("***"))
///     .build()?;
/// let layer = RedactLayer::with_redactor(tracing_subscriber::fmt::layer(), redactor);
/// let stats = layer.stats();
/// let _subscriber = tracing_subscriber::registry().with(layer);
/// assert_eq!(stats.total(), 0);
/// # Ok::<(), tracing_redact::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RedactLayer<L> {
    inner: L,
    redactor: Redactor,
    stats: RedactionStats,
    /// Count and audit findings, forward every value unchanged ([`RedactLayer::detect_only`]).
    detect_only: bool,
    audit: Option<AuditHook>,
    /// For a layer around an OpenTelemetry bridge: its redactor, which `downcast_raw` answers
    /// for so that writes around the layer (`otel::RedactedSpanExt`) find this one and not
    /// another `RedactLayer`'s.
    bridge: Option<BridgeRedactor>,
}

/// The redactor of a [`RedactLayer`] around an OpenTelemetry bridge (see `bridge`).
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "opentelemetry"), allow(dead_code))]
pub(crate) struct BridgeRedactor(pub(crate) Redactor);

/// What [`RedactLayer::scrub`] did with a value set.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scrubbed {
    /// Nothing to replace: the original goes on.
    Clean,
    /// Something to replace, but the layer only detects: the original goes on.
    Detected,
    /// The rebuilt value set went on.
    Rebuilt,
}

impl Scrubbed {
    /// Whether something was found (and counted as a rebuilt event or span).
    fn found(self) -> bool {
        self != Scrubbed::Clean
    }

    /// Whether the original value set goes on: only a clean or detect-only one. A rebuilt
    /// one went on inside `scrub`, and nothing else may (fail closed).
    fn forwards_original(self) -> bool {
        self != Scrubbed::Rebuilt
    }
}

impl<L> RedactLayer<L> {
    /// Wraps `inner` with the default [`Redactor`] (every default-on rule).
    pub fn new(inner: L) -> RedactLayer<L> {
        RedactLayer::with_redactor(inner, Redactor::default())
    }

    /// Wraps `inner` with a configured redactor.
    pub fn with_redactor(inner: L, redactor: Redactor) -> RedactLayer<L> {
        let stats = RedactionStats::new(&redactor);
        RedactLayer {
            inner,
            redactor,
            stats,
            detect_only: false,
            audit: None,
            bridge: None,
        }
    }

    /// Replaces the redactor, keeping the wrapped layer and every other setting: for layers
    /// that [`fmt::layer`](crate::fmt::layer) and [`fmt::redact`](crate::fmt::redact) made
    /// with the default one. The counters start afresh for the new redactor's rules, so call
    /// this before [`stats`](Self::stats).
    ///
    /// ```
    /// use tracing_redact::Redactor;
    /// use tracing_subscriber::prelude::*;
    ///
    /// let redactor = Redactor::builder().sensitive_key("employee_number").build()?;
    /// let layer = tracing_redact::fmt::layer().redacting_with(redactor);
    /// assert_eq!(
    ///     layer.redactor().redact("employee_number=42"),
    ///     "employee_number=[REDACTED:sensitive-key]"
    /// );
    /// let _subscriber = tracing_subscriber::registry().with(layer);
    /// # Ok::<(), tracing_redact::Error>(())
    /// ```
    pub fn redacting_with(mut self, redactor: Redactor) -> Self {
        self.stats = RedactionStats::new(&redactor);
        if self.bridge.is_some() {
            self.bridge = Some(BridgeRedactor(redactor.clone()));
        }
        self.redactor = redactor;
        self
    }

    /// Marks this layer as the one around an OpenTelemetry bridge (`otel::traces`).
    #[cfg_attr(not(feature = "opentelemetry"), allow(dead_code))]
    pub(crate) fn answering_for_bridge(mut self) -> Self {
        self.bridge = Some(BridgeRedactor(self.redactor.clone()));
        self
    }

    /// Detect-only mode: every finding is counted ([`stats`](Self::stats)) and reported to
    /// the [audit hook](Self::on_redaction), and every event and span reaches the wrapped
    /// layer unchanged.
    ///
    /// Teams switch a redactor on in two steps. First they watch what it *would* replace, on
    /// the logs they already have, and keep every byte; then they turn redaction on.
    ///
    /// Counts are those of the first scan: a neighbour that a replacement would have exposed
    /// (which only a rebuilt value is scanned again for) is not counted. Values the layer
    /// could not read (over the size limit, a failing `Debug`) pass too, and are counted as
    /// `oversized` and `unformattable`.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    /// use tracing_redact::RedactLayer;
    /// use tracing_subscriber::prelude::*;
    ///
    /// let passwords = Arc::new(AtomicU64::new(0));
    /// let seen = Arc::clone(&passwords);
    /// let out = tracing_redact::testing::Captured::default();
    /// let layer = RedactLayer::new(
    ///     tracing_subscriber::fmt::layer().without_time().with_ansi(false).with_writer(out.clone()),
    /// )
    /// .detect_only()
    /// .on_redaction(move |r| {
    ///     if r.rule() == "sensitive-key" && r.field() == "message" {
    ///         seen.fetch_add(1, Ordering::Relaxed);
    ///     }
    /// });
    /// let stats = layer.stats();
    /// tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
    ///     tracing::info!("login with password=hunter22");
    /// });
    /// assert!(out.text().contains("password=hunter22")); // detect-only: left as it was
    /// assert_eq!(passwords.load(Ordering::Relaxed), 1);
    /// assert_eq!(stats.count("sensitive-key"), 1);
    /// ```
    pub fn detect_only(mut self) -> Self {
        self.detect_only = true;
        self
    }

    /// Whether the layer only detects ([`detect_only`](Self::detect_only)).
    pub fn is_detect_only(&self) -> bool {
        self.detect_only
    }

    /// Calls `hook` once per finding, on the thread that logged, with the rule, the field's
    /// name and the callsite's metadata ([`Redaction`]); never with the value. Feed a
    /// metrics crate or a sampled audit log from it. Keep it short, and do not log from it
    /// anything the layer would redact again.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use tracing_redact::RedactLayer;
    /// use tracing_subscriber::prelude::*;
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// let layer = RedactLayer::new(tracing_subscriber::fmt::layer().with_writer(std::io::sink))
    ///     .on_redaction(move |r| {
    ///         let entry = format!("{} in {} at {}", r.rule(), r.field(), r.metadata().target());
    ///         log.lock().unwrap().push(entry);
    ///     });
    /// tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
    ///     tracing::info!(target: "billing", contact = "ann@example.com", "invoice sent");
    /// });
    /// assert_eq!(*seen.lock().unwrap(), ["email in contact at billing"]);
    /// ```
    pub fn on_redaction(mut self, hook: impl Fn(&Redaction<'_>) + Send + Sync + 'static) -> Self {
        self.audit = Some(AuditHook(std::sync::Arc::new(hook)));
        self
    }

    /// A handle on this layer's redaction counters (shared with clones of the layer).
    pub fn stats(&self) -> RedactionStats {
        self.stats.clone()
    }

    /// The redactor in use.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The wrapped layer.
    pub fn inner(&self) -> &L {
        &self.inner
    }

    /// The wrapped layer, mutably (to reconfigure it before the subscriber is built).
    pub fn inner_mut(&mut self) -> &mut L {
        &mut self.inner
    }

    /// Replaces the wrapped layer with `f(inner)`, keeping the redactor and the counters.
    ///
    /// ```
    /// use tracing_subscriber::prelude::*;
    ///
    /// let layer = tracing_redact::fmt::layer().map_inner(|fmt| fmt.with_target(false));
    /// let _subscriber = tracing_subscriber::registry().with(layer);
    /// ```
    pub fn map_inner<L2>(self, f: impl FnOnce(L) -> L2) -> RedactLayer<L2> {
        RedactLayer {
            inner: f(self.inner),
            redactor: self.redactor,
            stats: self.stats,
            detect_only: self.detect_only,
            audit: self.audit,
            bridge: self.bridge,
        }
    }

    /// Counts a finding and tells the audit hook.
    fn found(
        &self,
        slot: Option<usize>,
        field: &'static str,
        metadata: &'static Metadata<'static>,
    ) {
        self.stats.record(slot);
        if let Some(AuditHook(hook)) = &self.audit {
            hook(&Redaction {
                rule: self.stats.rule_id(slot),
                field,
                metadata,
                applied: !self.detect_only,
            });
        }
    }

    /// Scans the fields `record` visits; if something is to be replaced (and the layer does
    /// not only detect), calls `forward` with the rebuilt value set.
    fn scrub(
        &self,
        metadata: &'static Metadata<'static>,
        record: impl Fn(&mut dyn tracing_core::field::Visit),
        forward: impl FnOnce(&tracing_core::field::ValueSet<'_>),
    ) -> Scrubbed {
        // Scopes are chosen by target; without scopes this is `self.redactor`.
        let redactor = if self.redactor.has_scopes() {
            match log_target(metadata, &record) {
                Some(target) => self.redactor.for_target(&target),
                None => self.redactor.for_target(metadata.target()),
            }
        } else {
            &self.redactor
        };
        with_capture(|capture| {
            let dirty = capture.scan(redactor, metadata, &record, |slot, field| {
                self.found(slot, field, metadata)
            });
            if !dirty {
                return Scrubbed::Clean;
            }
            if self.detect_only {
                return Scrubbed::Detected;
            }
            capture.rebuild(redactor, metadata.fields(), forward);
            for &(slot, field) in capture.settled_slots() {
                self.found(Some(slot), field, metadata);
            }
            Scrubbed::Rebuilt
        })
    }
}

/// The target of a record the `log` crate made, which tracing-log's callsites carry in the
/// `log.target` field (their own target is `log`): what scopes are chosen by.
fn log_target(
    metadata: &Metadata<'_>,
    record: &impl Fn(&mut dyn tracing_core::field::Visit),
) -> Option<String> {
    struct LogTarget(Option<String>);
    impl tracing_core::field::Visit for LogTarget {
        fn record_str(&mut self, field: &tracing_core::Field, value: &str) {
            if field.name() == "log.target" {
                self.0 = Some(value.to_owned());
            }
        }
        fn record_debug(&mut self, _: &tracing_core::Field, _: &dyn std::fmt::Debug) {}
    }
    if metadata.target() != "log" || metadata.fields().field("log.target").is_none() {
        return None;
    }
    let mut visitor = LogTarget(None);
    record(&mut visitor);
    visitor.0
}

impl<S, L> Layer<S> for RedactLayer<L>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    L: Layer<S>,
{
    fn on_register_dispatch(&self, subscriber: &Dispatch) {
        self.inner.on_register_dispatch(subscriber);
    }

    fn on_layer(&mut self, subscriber: &mut S) {
        self.inner.on_layer(subscriber);
    }

    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        self.inner.register_callsite(metadata)
    }

    fn enabled(&self, metadata: &Metadata<'_>, ctx: Context<'_, S>) -> bool {
        self.inner.enabled(metadata, ctx)
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let metadata = attrs.metadata();
        let mut ctx = Some(ctx);
        let rebuilt = self.scrub(
            metadata,
            |visitor| attrs.record(visitor),
            |values| {
                let scrubbed = if attrs.is_root() {
                    Attributes::new_root(metadata, values)
                } else if let Some(parent) = attrs.parent() {
                    Attributes::child_of(parent.clone(), metadata, values)
                } else {
                    Attributes::new(metadata, values)
                };
                if let Some(ctx) = ctx.take() {
                    self.inner.on_new_span(&scrubbed, id, ctx);
                }
            },
        );
        if rebuilt.found() {
            self.stats.record_span();
        }
        if let (true, Some(ctx)) = (rebuilt.forwards_original(), ctx) {
            self.inner.on_new_span(attrs, id, ctx);
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        self.inner.max_level_hint()
    }

    fn on_record(&self, span: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(metadata) = ctx.metadata(span) else {
            // Without the span's field set a scrubbed record cannot be built, so the record
            // is dropped. Unknown spans do not occur with a registry: defence, not a path.
            return;
        };
        let mut ctx = Some(ctx);
        let rebuilt = self.scrub(
            metadata,
            |visitor| values.record(visitor),
            |scrubbed| {
                if let Some(ctx) = ctx.take() {
                    self.inner.on_record(span, &Record::new(scrubbed), ctx);
                }
            },
        );
        if rebuilt.found() {
            self.stats.record_span();
        }
        if let (true, Some(ctx)) = (rebuilt.forwards_original(), ctx) {
            self.inner.on_record(span, values, ctx);
        }
    }

    fn on_follows_from(&self, span: &Id, follows: &Id, ctx: Context<'_, S>) {
        self.inner.on_follows_from(span, follows, ctx);
    }

    fn event_enabled(&self, event: &Event<'_>, ctx: Context<'_, S>) -> bool {
        self.inner.event_enabled(event, ctx)
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let mut ctx = Some(ctx);
        let rebuilt = self.scrub(
            metadata,
            |visitor| event.record(visitor),
            |values| {
                let scrubbed = if event.is_root() {
                    Event::new_child_of(None, metadata, values)
                } else if let Some(parent) = event.parent() {
                    Event::new_child_of(parent.clone(), metadata, values)
                } else {
                    Event::new(metadata, values)
                };
                if let Some(ctx) = ctx.take() {
                    self.inner.on_event(&scrubbed, ctx);
                }
            },
        );
        if rebuilt.found() {
            self.stats.record_event();
        }
        if let (true, Some(ctx)) = (rebuilt.forwards_original(), ctx) {
            self.inner.on_event(event, ctx);
        }
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        self.inner.on_enter(id, ctx);
    }

    fn on_exit(&self, id: &Id, ctx: Context<'_, S>) {
        self.inner.on_exit(id, ctx);
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        self.inner.on_close(id, ctx);
    }

    fn on_id_change(&self, old: &Id, new: &Id, ctx: Context<'_, S>) {
        self.inner.on_id_change(old, new, ctx);
    }

    // tracing-subscriber asks layers, through this method, whether they hold a per-layer
    // filter (and finds `WithContext` hooks such as tracing-error's and tracing-opentelemetry's).
    // Not forwarding it would make an inner per-layer filter's level the global maximum. The
    // trait declares it `unsafe fn`, so forwarding needs the crate's one `unsafe` block.
    // The layer answers for itself, for its `Redactor` and, around an OpenTelemetry bridge, for
    // its `BridgeRedactor`, which `otel::RedactedSpanExt` looks up with `Dispatch::downcast_ref`
    // (every pointer is into `self`).
    #[allow(unsafe_code)]
    unsafe fn downcast_raw(&self, id: TypeId) -> Option<*const ()> {
        if id == TypeId::of::<Self>() {
            return Some(self as *const Self as *const ());
        }
        if id == TypeId::of::<Redactor>() {
            return Some(&self.redactor as *const Redactor as *const ());
        }
        if id == TypeId::of::<BridgeRedactor>() {
            if let Some(bridge) = &self.bridge {
                return Some(bridge as *const BridgeRedactor as *const ());
            }
        }
        // SAFETY: forwarding the caller's request unchanged; the inner layer upholds the
        // contract for the pointer it returns, which points into `self.inner` and so lives
        // as long as `self`.
        unsafe { self.inner.downcast_raw(id) }
    }
}

/// `.redacted()` on any layer: wraps it in a [`RedactLayer`].
///
/// Implemented for every type (a layer's subscriber type is often only known later, which a
/// bound on `Layer<S>` here would make ambiguous); the result is a layer wherever `self` is.
///
/// ```
/// use tracing_redact::RedactLayerExt;
/// use tracing_subscriber::prelude::*;
///
/// let _subscriber = tracing_subscriber::registry()
///     .with(tracing_subscriber::fmt::layer().json().redacted());
/// ```
pub trait RedactLayerExt: Sized {
    /// Wraps `self` with the default [`Redactor`].
    fn redacted(self) -> RedactLayer<Self> {
        RedactLayer::new(self)
    }

    /// Wraps `self` with `redactor`.
    fn redacted_with(self, redactor: Redactor) -> RedactLayer<Self> {
        RedactLayer::with_redactor(self, redactor)
    }
}

impl<L> RedactLayerExt for L {}
