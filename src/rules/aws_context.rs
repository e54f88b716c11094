//! AWS secrets under generic key names, recognised by the structure around them.
//!
//! Most AWS secrets sit under names that say what they are (`SecretAccessKey`,
//! `SecretString`, `MasterUserPassword`, `Plaintext`), and the key classifier takes those. An
//! SSM parameter does not: its value is `"Value"` whether it is a region or a database
//! password. What makes it secret is a sibling, `"Type": "SecureString"`, in the same object.
//!
//! At each `SecureString` the scanner reads the text around it as a sequence of tokens
//! (strings at the escape depth of the `SecureString` quote, identifiers, braces), keeps one
//! frame per `{…}` object, and reports the `Value` of every object that holds a
//! `SecureString`, before or after it: `PutParameter` requests put `Value` first, responses
//! put `Type` first. `GetParameters` answers list several objects; a `String` parameter's
//! value beside a `SecureString` one stays.
//!
//! Forms: JSON (the wire body, as botocore and `LOG_SENSITIVE_BODIES` print it, at any escape
//! depth) and Rust `Debug` (`Parameter { r#type: Some(SecureString), value: Some("…") }`).
//! An object still open where the scan stops (the window or the text ends) is reported as if
//! closed: failing closed.
//!
//! Cost: nothing unless the keyword pass finds `SecureString`; then one forward pass over at
//! most [`WINDOW`] bytes either side, and hits inside a window already read are skipped, so
//! the scan stays linear however many hits a text holds.

use crate::engine::keyvalue;
use std::ops::Range;

/// The keyword that triggers the scan.
pub(crate) const SECURE_STRING: &str = "SecureString";

/// How far before and after a hit the scan reads.
const WINDOW: usize = 64 * 1024;

/// One `{…}` object: whether it holds a `SecureString`, and its `Value`s.
#[derive(Default)]
struct Frame {
    secure: bool,
    values: Vec<Range<usize>>,
}

/// Reports the values of the parameters around the `SecureString` at `hit`, and returns how
/// far the scan read: a later hit before that was covered.
pub(crate) fn secure_parameter_values(
    hay: &[u8],
    hit: usize,
    push: &mut dyn FnMut(Range<usize>),
) -> usize {
    // The escape depth of the quote around this `SecureString`: 0 in plain JSON, 1 in JSON
    // escaped into a string, 2 in that inside a bytes repr; 0 for a Debug identifier.
    let depth = match hit.checked_sub(1).map(|q| hay[q]) {
        Some(b'"') => hay[..hit - 1]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count(),
        _ => 0,
    };
    let line_start = memchr::memrchr(b'\n', &hay[..hit]).map_or(0, |p| p + 1);
    let start = line_start.max(hit.saturating_sub(WINDOW));
    let limit = hay.len().min(hit.saturating_add(WINDOW));
    let mut frames: Vec<Frame> = vec![Frame::default()];
    let flush = |frame: Frame, push: &mut dyn FnMut(Range<usize>)| {
        if frame.secure {
            frame.values.into_iter().for_each(&mut *push);
        }
    };
    let mut i = start;
    while i < limit {
        let b = hay[i];
        match b {
            b'{' => {
                frames.push(Frame::default());
                i += 1;
            }
            b'}' => {
                if frames.len() > 1 {
                    if let Some(frame) = frames.pop() {
                        flush(frame, push);
                    }
                }
                i += 1;
                // Past the hit and out of every object opened since the scan began.
                if i > hit && frames.len() == 1 {
                    break;
                }
            }
            b'"' | b'\\' => {
                let run = hay[i..limit].iter().take_while(|&&c| c == b'\\').count();
                if hay.get(i + run) != Some(&b'"') {
                    i += run.max(1);
                    continue;
                }
                if run < depth {
                    // An enclosing string closes: the structure ends here.
                    if i > hit {
                        break;
                    }
                    i += run + 1;
                    continue;
                }
                if run > depth {
                    i += run + 1;
                    continue;
                }
                let token = i + run + 1;
                let (end, after) = string_end(hay, token, depth, limit);
                i = after;
                on_token(hay, token..end, i, &mut frames);
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'_' => {
                let token = i;
                while i < limit && (hay[i].is_ascii_alphanumeric() || hay[i] == b'_') {
                    i += 1;
                }
                on_token(hay, token..i, i, &mut frames);
            }
            _ => i += 1,
        }
    }
    for frame in frames {
        flush(frame, push);
    }
    i
}

/// The end of a string whose body starts at `from`, and where the text after its closing
/// quote starts: the next `"` behind `depth` backslashes (or fewer: an enclosing string
/// closes), or `limit`.
fn string_end(hay: &[u8], from: usize, depth: usize, limit: usize) -> (usize, usize) {
    let mut at = from;
    while let Some(offset) = memchr::memchr(b'"', &hay[at.min(limit)..limit]) {
        let quote = at + offset;
        let run = hay[from..quote]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if run <= depth {
            return (quote - run, quote + 1);
        }
        at = quote + 1;
    }
    (limit, limit)
}

/// A string or identifier token at `token`, followed by the text at `after`.
fn on_token(hay: &[u8], token: Range<usize>, after: usize, frames: &mut [Frame]) {
    let Some(frame) = frames.last_mut() else {
        return;
    };
    let text = &hay[token.clone()];
    if text == SECURE_STRING.as_bytes() {
        frame.secure = true;
        return;
    }
    if !text.eq_ignore_ascii_case(b"value") {
        return;
    }
    let mut sep = after;
    while sep < hay.len() && matches!(hay[sep], b' ' | b'\t') {
        sep += 1;
    }
    let is_key = hay.get(sep) == Some(&b':') && hay.get(sep + 1) != Some(&b':');
    if !is_key {
        return;
    }
    if let Some(kv) = keyvalue::value_after(hay, token, false) {
        if !keyvalue::is_placeholder(&hay[kv.value.clone()], None) {
            frame.values.push(kv.value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(at) = text[from..].find(SECURE_STRING) {
            let hit = from + at;
            let mut found = Vec::new();
            secure_parameter_values(text.as_bytes(), hit, &mut |r| found.push(r));
            out.extend(found.into_iter().map(|r| &text[r]));
            from = hit + 1;
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    #[test]
    fn json_request_and_response_orders() {
        assert_eq!(
            values(r#"{"Name": "/app/db", "Value": "p{a}ss\"w", "Type": "SecureString"}"#),
            [r#"p{a}ss\"w"#]
        );
        assert_eq!(
            values(
                r#"{"Parameter": {"Name": "/a", "Type": "SecureString", "Value": "s3cr}t", "Version": 1}}"#
            ),
            ["s3cr}t"]
        );
    }

    #[test]
    fn only_the_secure_objects_of_a_list() {
        let text = r#"{"Parameters": [{"Name": "/r", "Type": "String", "Value": "eu-west-1"}, {"Name": "/p", "Type": "SecureString", "Value": "hunter2"}, {"Name": "/q", "Type": "StringList", "Value": "a,b"}]}"#;
        assert_eq!(values(text), ["hunter2"]);
    }

    #[test]
    fn escaped_json_and_bytes_repr() {
        let escaped =
            r#"body: "{\"Name\":\"/p\",\"Type\":\"SecureString\",\"Value\":\"a\\\"b}c\"}""#;
        assert_eq!(values(escaped), [r#"a\\\"b}c"#]);
        let repr = r#"b'{"Name": "/p", "Value": "it\'s \\"x\\"", "Type": "SecureString"}'"#;
        assert_eq!(values(repr), [r#"it\'s \\"x\\""#]);
    }

    #[test]
    fn rust_debug() {
        let text = r#"Parameter { name: Some("/p"), r#type: Some(SecureString), value: Some("hunter2"), version: 1 }"#;
        assert_eq!(values(text), ["hunter2"]);
    }

    #[test]
    fn an_unclosed_object_fails_closed() {
        assert_eq!(
            values(r#"{"Type": "SecureString", "Value": "hunter2", "Ver"#),
            ["hunter2"]
        );
    }

    #[test]
    fn no_secure_string_no_value() {
        assert!(values(r#"{"Type": "String", "Value": "SecureStringy"}"#).is_empty());
    }
}
