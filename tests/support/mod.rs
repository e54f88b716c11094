//! Helpers shared by the integration tests: fmt output of a redacted stack, and the
//! strings of fmt JSON output.

use serde_json::Value;
use tracing_redact::testing::Captured;
use tracing_redact::{RedactLayer, Redactor};
use tracing_subscriber::prelude::*;

/// Runs `f` under a fmt text layer (no time, no colours) behind a `RedactLayer` with
/// `redactor`; returns what it wrote.
#[allow(dead_code)] // not every test file that shares this module logs
pub fn logged(redactor: Redactor, f: impl FnOnce()) -> String {
    let out = Captured::default();
    let layer = RedactLayer::with_redactor(
        tracing_subscriber::fmt::layer()
            .without_time()
            .with_ansi(false)
            .with_writer(out.clone()),
        redactor,
    );
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), f);
    out.text()
}

/// Appends every string in `value` to `out`, one per line, JSON escaping undone: what a
/// reader of the JSON output sees.
#[allow(dead_code)] // not every test file that shares this module reads JSON
pub fn collect_strings(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
