//! The audit side of the layer: what the audit hook receives ([`Redaction`]). How to roll
//! redaction out with it is in `RedactLayer::detect_only`'s docs.

use std::fmt;
use std::sync::Arc;
use tracing_core::Metadata;

/// One finding, as the audit hook sees it: which rule, in which field, at which callsite.
/// It never holds the value.
#[derive(Clone, Copy, Debug)]
pub struct Redaction<'a> {
    pub(crate) rule: &'a str,
    pub(crate) field: &'static str,
    pub(crate) metadata: &'static Metadata<'static>,
    pub(crate) applied: bool,
}

impl<'a> Redaction<'a> {
    /// The rule id (`email`, `sensitive-key`, …), or `oversized` / `unformattable` for a value
    /// that could not be read.
    pub fn rule(&self) -> &'a str {
        self.rule
    }

    /// The name of the field the finding is in (`message` for the message).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The metadata of the event's or span's callsite: level, target, module, file, line.
    pub fn metadata(&self) -> &'static Metadata<'static> {
        self.metadata
    }

    /// Whether the finding is in a span's fields (else an event's).
    pub fn is_span(&self) -> bool {
        self.metadata.is_span()
    }

    /// Whether the value was replaced: false in detect-only mode.
    pub fn applied(&self) -> bool {
        self.applied
    }
}

/// The user's audit callback.
#[derive(Clone)]
pub(crate) struct AuditHook(pub(crate) Arc<dyn Fn(&Redaction<'_>) + Send + Sync>);

impl fmt::Debug for AuditHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditHook")
    }
}
