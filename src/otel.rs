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
//! [`RedactedSpanExt`] is the safe replacement for the first group: the same calls, with
//! attribute values, event names and status descriptions passed through the redactor of the
//! [`RedactLayer`] in the current dispatch (by field name, as the layer does for fields; the
//! span's target picks the [scope](crate::RedactorBuilder::scope)). With no `RedactLayer`
//! installed it uses the default redactor: it never writes a value unscanned. For the second
//! group there is no layer to hook: scrub with [`Redactor::redact_field`] yourself.

use crate::{RedactLayer, Redactor};
use opentelemetry::logs::{Logger, LoggerProvider};
use opentelemetry::trace::Status;
use opentelemetry::{Array, Key, KeyValue, StringValue, Value};
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use std::borrow::Cow;
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
    RedactLayer::new(tracing_opentelemetry::layer().with_tracer(tracer))
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

/// `OpenTelemetrySpanExt`'s writing calls, redacted: what `set_attribute`, `add_event` and
/// `set_status` write goes through the redactor of the [`RedactLayer`] in the current
/// dispatch first (the default redactor if there is none). See the [module
/// docs](self#what-bypasses-the-layer).
///
/// Strings are redacted by their attribute's name, as a field of that name would be
/// ([`Redactor::redact_field`]); integers are scanned as their decimal text and become strings
/// when something in them is replaced; arrays item by item. Event names and status
/// descriptions are redacted as text.
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
    /// `OpenTelemetrySpanExt::set_status`, with an error's description redacted.
    fn set_status_redacted(&self, status: Status);
}

impl RedactedSpanExt for tracing::Span {
    fn set_attribute_redacted(&self, key: impl Into<Key>, value: impl Into<Value>) {
        let key = key.into();
        let value = with_redactor(self, |r| redact_value(r, key.as_str(), value.into()));
        self.set_attribute(key, value);
    }

    fn add_event_redacted(&self, name: impl Into<Cow<'static, str>>, attributes: Vec<KeyValue>) {
        let name = name.into();
        let (name, attributes) = with_redactor(self, |r| {
            let name = match r.redact(&name) {
                Cow::Borrowed(_) => name.clone(),
                Cow::Owned(redacted) => Cow::Owned(redacted),
            };
            let attributes = attributes
                .into_iter()
                .map(|kv| {
                    let value = redact_value(r, kv.key.as_str(), kv.value);
                    KeyValue::new(kv.key, value)
                })
                .collect::<Vec<_>>();
            (name, attributes)
        });
        self.add_event(name, attributes);
    }

    fn set_status_redacted(&self, status: Status) {
        let status = match status {
            Status::Error { description } => Status::Error {
                description: with_redactor(self, |r| match r.redact(&description) {
                    Cow::Borrowed(_) => description.clone(),
                    Cow::Owned(redacted) => Cow::Owned(redacted),
                }),
            },
            other => other,
        };
        self.set_status(status);
    }
}

/// Runs `f` with the redactor for `span`: the current dispatch's [`RedactLayer`]'s, scoped by
/// the span's target; the default redactor without one.
fn with_redactor<R>(span: &tracing::Span, f: impl FnOnce(&Redactor) -> R) -> R {
    let target = span.metadata().map_or("", |m| m.target());
    let installed = tracing::dispatcher::get_default(|dispatch| {
        dispatch
            .downcast_ref::<Redactor>()
            .map(|redactor| redactor.for_target(target).clone())
    });
    let redactor = installed.unwrap_or_else(|| Redactor::default().for_target(target).clone());
    f(&redactor)
}

/// `value`, as the layer would write a field called `name` holding it.
fn redact_value(redactor: &Redactor, name: &str, value: Value) -> Value {
    let text = |s: &str| -> Option<String> {
        match redactor.redact_field(name, s) {
            Cow::Borrowed(_) => None,
            Cow::Owned(redacted) => Some(redacted),
        }
    };
    match value {
        Value::String(s) => match text(s.as_str()) {
            Some(redacted) => Value::String(redacted.into()),
            None => Value::String(s),
        },
        Value::I64(n) => match text(&n.to_string()) {
            Some(redacted) => Value::String(redacted.into()),
            None => Value::I64(n),
        },
        Value::Bool(_) | Value::F64(_) => value,
        Value::Array(Array::String(items)) => Value::Array(Array::String(
            items
                .into_iter()
                .map(|s| match text(s.as_str()) {
                    Some(redacted) => StringValue::from(redacted),
                    None => s,
                })
                .collect(),
        )),
        Value::Array(Array::I64(items)) => {
            let redacted: Vec<Option<String>> =
                items.iter().map(|n| text(&n.to_string())).collect();
            if redacted.iter().all(Option::is_none) {
                Value::Array(Array::I64(items))
            } else {
                Value::Array(Array::String(
                    items
                        .iter()
                        .zip(redacted)
                        .map(|(n, r)| StringValue::from(r.unwrap_or_else(|| n.to_string())))
                        .collect(),
                ))
            }
        }
        // Kinds added after this was written: scanned as their text, replaced by it when
        // something in it is a secret.
        other => match text(&other.to_string()) {
            Some(redacted) => Value::String(redacted.into()),
            None => other,
        },
    }
}
