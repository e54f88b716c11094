//! OpenTelemetry: redacted trace and log layers (feature `opentelemetry`).
//!
//! When events leave the process through OpenTelemetry, the bridges between `tracing` and the
//! OpenTelemetry SDK are layers like any other, so [`RedactLayer`] wraps them:
//!
//! * [`traces`]: `tracing-opentelemetry`'s layer. Span fields become span attributes, events
//!   inside a span become span events (the message is the event's name), an `error` field
//!   becomes an `exception` event and the span's status. All of them are built from the
//!   scrubbed fields.
//! * [`logs`]: `opentelemetry-appender-tracing`'s bridge. The message becomes the log
//!   record's body, the other fields its attributes, again from the scrubbed fields.
//!
//! ```
//! use opentelemetry::trace::TracerProvider as _;
//! use tracing_subscriber::prelude::*;
//!
//! let tracer_provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
//! let logger_provider = opentelemetry_sdk::logs::SdkLoggerProvider::builder().build();
//! let subscriber = tracing_subscriber::registry()
//!     .with(tracing_redact::otel::traces(tracer_provider.tracer("app")))
//!     .with(tracing_redact::otel::logs(&logger_provider));
//! tracing::subscriber::with_default(subscriber, || {
//!     let span = tracing::info_span!("login", user = "jane@example.com");
//!     let _entered = span.enter();
//!     tracing::info!("password=hunter2 accepted"); // body: `password=[REDACTED:sensitive-key] accepted`
//! });
//! ```
//!
//! Versions: opentelemetry 0.33, tracing-opentelemetry 0.34, opentelemetry-appender-tracing
//! 0.33. `tests/opentelemetry.rs` exports through OTLP/HTTP to a receiver that decodes the
//! protobuf and checks span attributes, span events, exception events, statuses, log bodies
//! and log attributes for every planted secret.
//!
//! # What bypasses the layer
//!
//! Some APIs write into the OpenTelemetry span directly, not through `tracing`'s events and
//! fields, so no layer sees what they write:
//!
//! * `tracing_opentelemetry::OpenTelemetrySpanExt` on a `tracing::Span`: `set_attribute`,
//!   `add_event`, `add_event_with_timestamp`, `set_status`, `add_link_with_attributes`. They
//!   find the OpenTelemetry layer through `downcast_raw`, which [`RedactLayer`] forwards (it
//!   must: without it `context()` and `set_parent` break).
//! * The OpenTelemetry API itself: `opentelemetry::trace::get_active_span`,
//!   `Context::current().span()`, and any `Span` or `Logger` used directly.
//!
//! [`RedactedSpanExt`] is the safe replacement for the first group: the same calls (but
//! `set_parent`, `add_link` and `context`, which carry no text), with attribute values,
//! event names and status descriptions passed through the redactor of the layer [`traces`]
//! made (by field name, as the layer does for fields; the span's target picks the
//! [scope](crate::RedactorBuilder::scope)). With no such layer installed it uses the default
//! redactor: it never writes a value unscanned. For the second group there is no layer to
//! hook: scrub with [`Redactor::redact_field`] yourself.

use crate::layer::BridgeRedactor;
use crate::{RedactLayer, Redactor};
use opentelemetry::logs::{Logger, LoggerProvider};
use opentelemetry::trace::{SpanContext, Status};
use opentelemetry::{Array, Key, KeyValue, StringValue, Value};
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use std::borrow::Cow;
use std::time::SystemTime;
use tracing_opentelemetry::{OpenTelemetryLayer, OpenTelemetrySpanExt};
use tracing_subscriber::registry::LookupSpan;

/// `tracing-opentelemetry`'s layer for `tracer`, wrapped in a [`RedactLayer`] with the
/// default redactor. Configure the inner layer with [`RedactLayer::map_inner`] and the
/// redactor with [`RedactLayer::redacting_with`].
///
/// ```
/// use opentelemetry::trace::TracerProvider as _;
/// use tracing_subscriber::prelude::*;
///
/// let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
/// let redactor = tracing_redact::Redactor::builder().sensitive_key("employee_number").build()?;
/// let layer = tracing_redact::otel::traces(provider.tracer("app"))
///     .map_inner(|otel| otel.with_threads(false))
///     .redacting_with(redactor);
/// let _subscriber = tracing_subscriber::registry().with(layer);
/// # Ok::<(), tracing_redact::Error>(())
/// ```
pub fn traces<S, T>(tracer: T) -> RedactLayer<OpenTelemetryLayer<S, T>>
where
    S: tracing::Subscriber + for<'span> LookupSpan<'span>,
    T: opentelemetry::trace::Tracer + 'static,
    T::Span: Send + Sync,
{
    RedactLayer::new(tracing_opentelemetry::layer().with_tracer(tracer)).answering_for_bridge()
}

/// `opentelemetry-appender-tracing`'s bridge to `provider`'s loggers, wrapped in a
/// [`RedactLayer`] with the default redactor.
pub fn logs<P, L>(provider: &P) -> RedactLayer<OpenTelemetryTracingBridge<P, L>>
where
    P: LoggerProvider<Logger = L> + Send + Sync,
    L: Logger + Send + Sync,
{
    RedactLayer::new(OpenTelemetryTracingBridge::new(provider))
}

/// `OpenTelemetrySpanExt`'s writing calls, redacted: what they write goes through the redactor
/// first. See the [module docs](self#what-bypasses-the-layer).
///
/// The redactor is the one of the layer [`traces`] made in the current dispatch, else of any
/// [`RedactLayer`] in it, else the default one; the span's target picks its
/// [scope](crate::RedactorBuilder::scope). Values are treated as the layer treats fields:
///
/// * an event's name (its message) and its attributes are scanned together, as one event's
///   fields are, so a finding that needs its neighbour is found across attributes;
/// * under an exempt name only known secret values are replaced; under a sensitive name the
///   whole value (floats too; a stand-in such as `***` stays);
/// * strings and integers are scanned as text (an integer that holds a secret becomes the
///   string that replaces it); arrays item by item; booleans and other floats pass, as they
///   do in the layer.
///
/// ```
/// use opentelemetry::trace::TracerProvider as _;
/// use tracing_redact::otel::RedactedSpanExt;
/// use tracing_subscriber::prelude::*;
///
/// let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
/// let subscriber =
///     tracing_subscriber::registry().with(tracing_redact::otel::traces(provider.tracer("app")));
/// tracing::subscriber::with_default(subscriber, || {
///     let span = tracing::info_span!("charge");
///     span.set_attribute_redacted("card", "4111 1111 1111 1111"); // `[REDACTED:payment-card]`
///     span.set_attribute_redacted("api_key", "k-81aa0c"); // `[REDACTED:sensitive-key]`
///     span.add_event_redacted("retry with password=hunter2", vec![]);
/// });
/// ```
pub trait RedactedSpanExt {
    /// `OpenTelemetrySpanExt::set_attribute`, with the value redacted under the key's name.
    fn set_attribute_redacted(&self, key: impl Into<Key>, value: impl Into<Value>);
    /// `OpenTelemetrySpanExt::add_event`, with the name and the attributes redacted.
    fn add_event_redacted(&self, name: impl Into<Cow<'static, str>>, attributes: Vec<KeyValue>);
    /// `OpenTelemetrySpanExt::add_event_with_timestamp`, with the name and the attributes
    /// redacted.
    fn add_event_with_timestamp_redacted(
        &self,
        name: impl Into<Cow<'static, str>>,
        timestamp: SystemTime,
        attributes: Vec<KeyValue>,
    );
    /// `OpenTelemetrySpanExt::add_link_with_attributes`, with the attributes redacted.
    fn add_link_with_attributes_redacted(&self, cx: SpanContext, attributes: Vec<KeyValue>);
    /// `OpenTelemetrySpanExt::set_status`, with an error's description redacted.
    fn set_status_redacted(&self, status: Status);
}

impl RedactedSpanExt for tracing::Span {
    fn set_attribute_redacted(&self, key: impl Into<Key>, value: impl Into<Value>) {
        let (_, mut attributes) = with_redactor(self, |r| {
            redact_event(r, None, vec![KeyValue::new(key, value.into())])
        });
        if let Some(kv) = attributes.pop() {
            self.set_attribute(kv.key, kv.value);
        }
    }

    fn add_event_redacted(&self, name: impl Into<Cow<'static, str>>, attributes: Vec<KeyValue>) {
        let (name, attributes) =
            with_redactor(self, |r| redact_event(r, Some(name.into()), attributes));
        self.add_event(name.unwrap_or_default(), attributes);
    }

    fn add_event_with_timestamp_redacted(
        &self,
        name: impl Into<Cow<'static, str>>,
        timestamp: SystemTime,
        attributes: Vec<KeyValue>,
    ) {
        let (name, attributes) =
            with_redactor(self, |r| redact_event(r, Some(name.into()), attributes));
        self.add_event_with_timestamp(name.unwrap_or_default(), timestamp, attributes);
    }

    fn add_link_with_attributes_redacted(&self, cx: SpanContext, attributes: Vec<KeyValue>) {
        let (_, attributes) = with_redactor(self, |r| redact_event(r, None, attributes));
        self.add_link_with_attributes(cx, attributes);
    }

    fn set_status_redacted(&self, status: Status) {
        let status = match status {
            Status::Error { description } => {
                let (description, _) =
                    with_redactor(self, |r| redact_event(r, Some(description), Vec::new()));
                Status::Error {
                    description: description.unwrap_or_default(),
                }
            }
            other => other,
        };
        self.set_status(status);
    }
}

/// Runs `f` with the redactor for `span` (see [`RedactedSpanExt`] for which one).
fn with_redactor<R>(span: &tracing::Span, f: impl FnOnce(&Redactor) -> R) -> R {
    let target = span.metadata().map_or("", |m| m.target());
    let installed = tracing::dispatcher::get_default(|dispatch| {
        dispatch
            .downcast_ref::<BridgeRedactor>()
            .map(|bridge| &bridge.0)
            .or_else(|| dispatch.downcast_ref::<Redactor>())
            .map(|redactor| redactor.for_target(target).clone())
    });
    let redactor = installed.unwrap_or_else(|| Redactor::default().for_target(target).clone());
    f(&redactor)
}

/// Where a piece of text to scan came from: the name, or an attribute (and its array item).
enum Origin {
    Name,
    Attribute(usize, Option<usize>),
}

/// An event's name and attributes, as the layer would write an event with these fields.
fn redact_event(
    redactor: &Redactor,
    name: Option<Cow<'static, str>>,
    attributes: Vec<KeyValue>,
) -> (Option<Cow<'static, str>>, Vec<KeyValue>) {
    let sensitive = |key: &str| redactor.is_sensitive_name(key);
    // The text of every scanned piece, in field order: the message first.
    let mut pieces: Vec<(String, String, Origin)> = Vec::new();
    if let Some(name) = &name {
        pieces.push(("message".into(), name.to_string(), Origin::Name));
    }
    for (i, kv) in attributes.iter().enumerate() {
        let key = kv.key.as_str();
        let mut piece = |text: String, item: Option<usize>| {
            pieces.push((key.to_owned(), text, Origin::Attribute(i, item)));
        };
        match &kv.value {
            Value::String(s) => piece(s.as_str().to_owned(), None),
            Value::I64(n) => piece(n.to_string(), None),
            Value::F64(f) if sensitive(key) => piece(f.to_string(), None),
            Value::Bool(_) | Value::F64(_) => {}
            Value::Array(Array::String(items)) => {
                for (j, item) in items.iter().enumerate() {
                    piece(item.as_str().to_owned(), Some(j));
                }
            }
            Value::Array(Array::I64(items)) => {
                for (j, item) in items.iter().enumerate() {
                    piece(item.to_string(), Some(j));
                }
            }
            Value::Array(Array::F64(items)) if sensitive(key) => {
                for (j, item) in items.iter().enumerate() {
                    piece(item.to_string(), Some(j));
                }
            }
            Value::Array(Array::Bool(_)) | Value::Array(Array::F64(_)) => {}
            // Kinds added after this was written: scanned as their text.
            other => piece(other.to_string(), None),
        }
    }
    let fields: Vec<(&str, &str)> = pieces
        .iter()
        .map(|(k, t, _)| (k.as_str(), t.as_str()))
        .collect();
    let redacted = redactor.redact_fields(&fields);

    let mut name = name;
    let mut attributes = attributes;
    // Replaced array items, per attribute: an array is rebuilt as strings when any changed.
    let mut items: Vec<Vec<(usize, String)>> = vec![Vec::new(); attributes.len()];
    for ((_, _, origin), new) in pieces.iter().zip(redacted) {
        let Some(new) = new else { continue };
        match *origin {
            Origin::Name => name = Some(Cow::Owned(new)),
            Origin::Attribute(i, None) => attributes[i].value = Value::String(new.into()),
            Origin::Attribute(i, Some(j)) => items[i].push((j, new)),
        }
    }
    for (kv, changed) in attributes.iter_mut().zip(items) {
        if changed.is_empty() {
            continue;
        }
        let mut strings: Vec<StringValue> = match &kv.value {
            Value::Array(Array::String(v)) => v.clone(),
            Value::Array(Array::I64(v)) => v.iter().map(|n| n.to_string().into()).collect(),
            Value::Array(Array::F64(v)) => v.iter().map(|n| n.to_string().into()).collect(),
            _ => Vec::new(),
        };
        for (j, new) in changed {
            if let Some(slot) = strings.get_mut(j) {
                *slot = new.into();
            }
        }
        kv.value = Value::Array(Array::String(strings));
    }
    (name, attributes)
}
