//! Helpers shared by the integration tests that read fmt JSON output.

use serde_json::Value;

/// Appends every string in `value` to `out`, one per line, JSON escaping undone: what a
/// reader of the JSON output sees.
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
