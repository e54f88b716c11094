//! [`RedactingMakeWriter`]: a second line of defence on the formatted bytes.

use crate::Redactor;
use std::io;
use tracing_core::Metadata;
use tracing_subscriber::fmt::MakeWriter;

/// Wraps a [`MakeWriter`] so every write is scrubbed before it reaches the real writer.
///
/// `fmt` layers write each event with one `write_all` call, so this sees whole lines. It is a
/// **second line, not the main one**: by the time bytes reach a writer, field names are mixed
/// into the text, strings are quoted and escaped (in JSON, `"key": "value"` inside a message
/// has become `\"key\": \"value\"`), and bytes fields are already hex. [`RedactLayer`]
/// sees values before any of that and should do the real work; use this writer behind it for
/// output that does not come from `tracing` fields (a formatter's own additions, a writer
/// shared with other code).
///
/// A write is scanned on its own: a secret split across two `write` calls is not seen. The
/// size limit of the redactor applies to each write.
///
/// ```
/// use tracing_redact::RedactingMakeWriter;
/// # let out = tracing_redact::testing::Captured::default();
///
/// let subscriber = tracing_subscriber::fmt()
///     .without_time()
///     .with_writer(RedactingMakeWriter::new(out.clone()))
///     .finish();
/// tracing::subscriber::with_default(subscriber, || {
///     tracing::info!("key AKIAIOSFODNN7EXAMPLE");
/// });
/// assert!(out.text().contains("key [REDACTED:aws-access-key-id]"));
/// ```
///
/// [`RedactLayer`]: crate::RedactLayer
#[derive(Debug, Clone)]
pub struct RedactingMakeWriter<M> {
    inner: M,
    redactor: Redactor,
}

impl<M> RedactingMakeWriter<M> {
    /// Wraps `inner` with the default [`Redactor`].
    pub fn new(inner: M) -> Self {
        Self::with_redactor(inner, Redactor::default())
    }

    /// Wraps `inner` with `redactor`.
    pub fn with_redactor(inner: M, redactor: Redactor) -> Self {
        RedactingMakeWriter { inner, redactor }
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMakeWriter<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            inner: self.inner.make_writer(),
            redactor: self.redactor.clone(),
        }
    }

    /// A writer for one event: scrubs with the [scope](crate::RedactorBuilder::scope) of the
    /// event's target, as the layer does.
    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        RedactingWriter {
            inner: self.inner.make_writer_for(meta),
            redactor: self.redactor.for_target(meta.target()).clone(),
        }
    }
}

/// The writer [`RedactingMakeWriter`] hands out: scrubs each `write` and passes it on whole.
#[derive(Debug)]
pub struct RedactingWriter<W> {
    inner: W,
    redactor: Redactor,
}

impl<W: io::Write> io::Write for RedactingWriter<W> {
    /// Scrubs `buf` and writes all of it (the scrubbed text may differ in length, so a
    /// partial write could not be reported honestly): returns `buf.len()` or an error.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let scrubbed = self.redactor.redact_bytes(buf);
        self.inner.write_all(&scrubbed)?;
        // A line replaced whole (over the size limit) keeps its line break, so the next
        // line is not glued to the marker.
        if buf.ends_with(b"\n") && !scrubbed.ends_with(b"\n") {
            self.inner.write_all(b"\n")?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
