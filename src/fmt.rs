//! `fmt` layers that cannot share span fields with an unredacted sibling.
//!
//! # The pitfall
//!
//! `tracing_subscriber::fmt::Layer` formats a span's fields once, when the span is created,
//! and stores the text in the span's extensions under the type
//! `FormattedFields<N>`, where `N` is the layer's field formatter. Two `fmt` layers with the
//! same `N` share that entry, and **whichever runs first writes it**
//! ([tokio-rs/tracing#1372](https://github.com/tokio-rs/tracing/issues/1372)). Put an
//! unredacted `fmt::layer()` (say, to a developer's terminal) beside a redacted one (to the
//! log shipper) and the redacted layer prints the *raw* span fields its sibling stored:
//!
//! ```text
//! registry
//!   ├─ fmt::layer()                       stores FormattedFields<DefaultFields>: raw
//!   └─ RedactLayer(fmt::layer())          finds FormattedFields<DefaultFields>: prints raw
//! ```
//!
//! # The fix
//!
//! Give the redacted layer a field formatter type of its own. [`RedactedFields`] formats
//! exactly as the formatter it wraps but is a different type, so its layer stores and reads
//! its own entry. [`layer()`] and [`json_layer()`] come with it set up:
//!
//! ```
//! use tracing_subscriber::prelude::*;
//! # let terminal = tracing_redact::testing::Captured::default();
//! # let shipper = tracing_redact::testing::Captured::default();
//!
//! let subscriber = tracing_subscriber::registry()
//!     .with(tracing_subscriber::fmt::layer().with_writer(terminal.clone()))
//!     .with(tracing_redact::fmt::layer().map_inner(|l| l.with_writer(shipper.clone())));
//! tracing::subscriber::with_default(subscriber, || {
//!     let span = tracing::info_span!("login", password = "hunter2");
//!     let _guard = span.enter();
//!     tracing::info!("signed in");
//! });
//! assert!(terminal.text().contains("hunter2")); // the unredacted sibling, as asked
//! assert!(!shipper.text().contains("hunter2"));
//! ```
//!
//! The same holds one level up: two *redacted* `fmt` layers with different redactors share
//! `RedactedFields`'s entry, and the span fields of the first (say, a lenient redactor) are
//! what the second prints. Give layers with different redactors different field formatter
//! types (for example `RedactedFields<Pretty>` for one and `RedactedFields` for the other), or
//! one redactor.
//!
//! For a `fmt` layer you configure yourself, [`redact`] swaps the field formatter and wraps
//! it in one step, text or JSON:
//!
//! ```
//! use tracing_subscriber::prelude::*;
//!
//! let json = tracing_subscriber::fmt::layer().json().with_span_list(true);
//! let _subscriber = tracing_subscriber::registry().with(tracing_redact::fmt::redact(json));
//! ```

use crate::layer::RedactLayer;
use std::fmt as stdfmt;
#[cfg(feature = "json")]
use tracing_core::span::Record;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::{DefaultFields, Writer};
#[cfg(feature = "json")]
use tracing_subscriber::fmt::format::{Format, Json, JsonFields};
use tracing_subscriber::fmt::FormatFields;
#[cfg(feature = "json")]
use tracing_subscriber::fmt::FormattedFields;

/// A field formatter that formats exactly like `N` but is its own type, so a `fmt` layer
/// using it keeps its span fields apart from other `fmt` layers (see the [module
/// docs](self)).
///
/// Fields recorded on a span after its creation are appended with a space, as
/// `DefaultFields` does (with `Pretty`, that space replaces Pretty's `, `); use
/// [`RedactedJsonFields`] for JSON.
#[derive(Debug, Clone, Default)]
pub struct RedactedFields<N = DefaultFields> {
    inner: N,
}

impl<N> RedactedFields<N> {
    /// Wraps a field formatter.
    pub fn new(inner: N) -> Self {
        RedactedFields { inner }
    }
}

impl<'w, N: FormatFields<'w>> FormatFields<'w> for RedactedFields<N> {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'w>, fields: R) -> stdfmt::Result {
        self.inner.format_fields(writer, fields)
    }
}

#[cfg(feature = "json")]
/// [`JsonFields`] as a type of its own (see the [module docs](self)): span fields stay
/// valid JSON objects when fields are recorded after creation.
#[derive(Debug, Default)]
pub struct RedactedJsonFields {
    inner: JsonFields,
}

#[cfg(feature = "json")]
impl RedactedJsonFields {
    /// A JSON field formatter, the argument being the one `fmt::layer().json()` installed.
    pub fn new(inner: JsonFields) -> Self {
        RedactedJsonFields { inner }
    }
}

#[cfg(feature = "json")]
impl<'w> FormatFields<'w> for RedactedJsonFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'w>, fields: R) -> stdfmt::Result {
        self.inner.format_fields(writer, fields)
    }

    fn add_fields(
        &self,
        current: &'w mut FormattedFields<Self>,
        fields: &Record<'_>,
    ) -> stdfmt::Result {
        // JsonFields merges the new fields into the stored object; it works on its own entry
        // type, so lend it the text and take it back.
        let mut lent = FormattedFields::<JsonFields>::new(std::mem::take(&mut current.fields));
        let result = self.inner.add_fields(&mut lent, fields);
        current.fields = lent.fields;
        result
    }
}

/// A field formatter with a redaction-owned counterpart; [`redact`] swaps one for the other.
pub trait OwnFieldFormatter {
    /// The counterpart: formats the same, stores its span fields apart.
    type Owned;

    /// Converts to the counterpart.
    fn into_owned_formatter(self) -> Self::Owned;
}

impl OwnFieldFormatter for DefaultFields {
    type Owned = RedactedFields<DefaultFields>;

    fn into_owned_formatter(self) -> Self::Owned {
        RedactedFields::new(self)
    }
}

impl OwnFieldFormatter for tracing_subscriber::fmt::format::Pretty {
    type Owned = RedactedFields<tracing_subscriber::fmt::format::Pretty>;

    fn into_owned_formatter(self) -> Self::Owned {
        RedactedFields::new(self)
    }
}

#[cfg(feature = "json")]
impl OwnFieldFormatter for JsonFields {
    type Owned = RedactedJsonFields;

    fn into_owned_formatter(self) -> Self::Owned {
        RedactedJsonFields::new(self)
    }
}

/// Wraps a `fmt` layer you configured in a [`RedactLayer`], swapping its field formatter
/// for the redaction-owned one (see the [module docs](self) for why).
///
/// ```
/// use tracing_subscriber::prelude::*;
///
/// let text = tracing_subscriber::fmt::layer().pretty().with_writer(std::io::stderr);
/// let _subscriber = tracing_subscriber::registry().with(tracing_redact::fmt::redact(text));
/// ```
pub fn redact<S, N, E, W>(
    layer: tracing_subscriber::fmt::Layer<S, N, E, W>,
) -> RedactLayer<tracing_subscriber::fmt::Layer<S, N::Owned, E, W>>
where
    N: OwnFieldFormatter + for<'w> FormatFields<'w> + 'static,
    N::Owned: for<'w> FormatFields<'w> + 'static,
{
    RedactLayer::new(layer.map_fmt_fields(N::into_owned_formatter))
}

/// A text `fmt` layer wrapped in a [`RedactLayer`], with its own field formatter type.
///
/// Configure the `fmt` part with [`RedactLayer::map_inner`]:
///
/// ```
/// use tracing_subscriber::prelude::*;
///
/// let layer = tracing_redact::fmt::layer().map_inner(|fmt| fmt.with_ansi(false));
/// let _subscriber = tracing_subscriber::registry().with(layer);
/// ```
pub fn layer<S>() -> RedactLayer<tracing_subscriber::fmt::Layer<S, RedactedFields>> {
    RedactLayer::new(tracing_subscriber::fmt::layer().fmt_fields(RedactedFields::default()))
}

/// A JSON `fmt` layer wrapped in a [`RedactLayer`], with its own field formatter type.
///
/// ```
/// use tracing_subscriber::prelude::*;
/// # let out = tracing_redact::testing::Captured::default();
///
/// let layer = tracing_redact::fmt::json_layer().map_inner(|fmt| fmt.with_writer(out.clone()));
/// tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
///     tracing::info!(card = 4111_1111_1111_1111_u64, attempts = 2, "charged");
/// });
/// let line: serde_json::Value = serde_json::from_str(out.text().trim()).unwrap();
/// assert_eq!(line["fields"]["card"], "[REDACTED:payment-card]");
/// assert_eq!(line["fields"]["attempts"], 2);
/// ```
#[cfg(feature = "json")]
pub fn json_layer<S>(
) -> RedactLayer<tracing_subscriber::fmt::Layer<S, RedactedJsonFields, Format<Json>>> {
    RedactLayer::new(
        tracing_subscriber::fmt::layer()
            .json()
            .map_fmt_fields(RedactedJsonFields::new),
    )
}
