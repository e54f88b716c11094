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

use super::keyvalue;
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

/// Reports the values of the parameters around the `SecureString` at `hit`. Returns how far
/// the scan read (a later hit before that was covered), and where a later scan of the same
/// text may start instead of reading the same bytes again: a point outside any string, where
/// the objects read were all closed (0 if the scan stopped elsewhere). `resume` is that
/// point from the previous scan.
pub(crate) fn secure_parameter_values(
    hay: &[u8],
    hit: usize,
    resume: usize,
    push: &mut dyn FnMut(Range<usize>),
) -> (usize, usize) {
    // The escape depth of the quote around this `SecureString`: 0 in plain JSON, 1 in JSON
    // escaped into a string, 2 in that inside a bytes repr; 0 for a Debug identifier.
    let depth = match hit.checked_sub(1).map(|q| hay[q]) {
        Some(b'"') => hay[hit.saturating_sub(1 + 16)..hit - 1]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count(),
        _ => 0,
    };
    // Start at a line start within the window (no string crosses a line break, so that is
    // outside any string; pretty-printed JSON puts `"Value"` lines above the `Type`), or
    // where the previous scan stopped.
    let floor = hit.saturating_sub(WINDOW);
    let line_start = if floor == 0 {
        0
    } else {
        memchr::memchr(b'\n', &hay[floor..hit]).map_or(hit, |p| floor + p + 1)
    };
    let start = line_start.max(resume).min(hit);
    let limit = hay.len().min(hit.saturating_add(WINDOW));
    let mut frames: Vec<Frame> = vec![Frame::default()];
    let flush = |frame: Frame, push: &mut dyn FnMut(Range<usize>)| {
        if frame.secure {
            frame.values.into_iter().for_each(&mut *push);
        }
    };
    let mut i = start;
    let mut clean_stop = 0;
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
                    clean_stop = i;
                    break;
                }
            }
            b'"' | b'\\' => {
                let run = hay[i..limit].iter().take_while(|&&c| c == b'\\').count();
                if i + run >= limit || hay[i + run] != b'"' {
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
                let (end, after) = string_end(hay, token, b'"', depth, limit);
                i = on_token(hay, token..end, after, &mut frames);
            }
            // A Python string (`{'Type': 'SecureString', 'Value': '…'}`, a logged boto3
            // response). Not the `'` of a bytes literal, whose body is read as it is.
            b'\'' if depth == 0 && !(i > 0 && hay[i - 1] == b'b') => {
                let token = i + 1;
                let (end, after) = string_end(hay, token, b'\'', 0, limit);
                i = on_token(hay, token..end, after, &mut frames);
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'_' => {
                let token = i;
                while i < limit && (hay[i].is_ascii_alphanumeric() || hay[i] == b'_') {
                    i += 1;
                }
                i = on_token(hay, token..i, i, &mut frames);
            }
            _ => i += 1,
        }
    }
    for frame in frames {
        flush(frame, push);
    }
    (i.max(hit + 1), clean_stop)
}

/// The end of a string whose body starts at `from`, and where the text after its closing
/// quote starts: the next `quote` behind `depth` backslashes (or fewer: an enclosing string
/// closes), or `limit`. A `'` string ends at a `'` behind an even number of backslashes.
fn string_end(hay: &[u8], from: usize, quote: u8, depth: usize, limit: usize) -> (usize, usize) {
    let mut at = from;
    while let Some(offset) = memchr::memchr(quote, &hay[at.min(limit)..limit]) {
        let pos = at + offset;
        let run = hay[from..pos]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        let closes = if quote == b'"' {
            run <= depth
        } else {
            run % 2 == 0
        };
        if closes {
            let end = if quote == b'"' { pos - run } else { pos };
            return (end, pos + 1);
        }
        at = pos + 1;
    }
    (limit, limit)
}

/// A string or identifier token at `token`, followed by the text at `after`; returns where
/// the scan goes on (past a `Value`'s value: its bytes are the secret, not structure).
fn on_token(hay: &[u8], token: Range<usize>, after: usize, frames: &mut [Frame]) -> usize {
    let Some(frame) = frames.last_mut() else {
        return after;
    };
    let text = &hay[token.clone()];
    if text == SECURE_STRING.as_bytes() {
        frame.secure = true;
        return after;
    }
    if !text.eq_ignore_ascii_case(b"value") {
        return after;
    }
    let mut sep = after;
    while sep < hay.len() && matches!(hay[sep], b' ' | b'\t') {
        sep += 1;
    }
    // `"Value": …`, `value: Some(…)`, and the keyword argument `Value='…'`.
    let is_key = match hay.get(sep..) {
        Some([b':', b':', ..]) | Some([b'=', b'=', ..]) => false,
        Some([b':' | b'=', ..]) => true,
        _ => false,
    };
    if !is_key {
        return after;
    }
    match keyvalue::value_after(hay, token, false, false) {
        Some(kv) => {
            if !keyvalue::is_placeholder(&hay[kv.value.clone()], None) {
                frame.values.push(kv.value.clone());
            }
            // Past the value and its closing quote, if it has one (else the tokens would
            // flip in and out of strings).
            let end = kv.value.end;
            let run = hay[end..].iter().take_while(|&&b| b == b'\\').count();
            let closer = match hay.get(end + run) {
                Some(b'"' | b'\'') if kv.delimited => run + 1,
                _ => 0,
            };
            after.max(end + closer)
        }
        None => after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<&str> {
        // As the engine calls it: hits inside what a scan read are skipped.
        let mut out = Vec::new();
        let mut from = 0;
        let (mut skip, mut resume) = (0, 0);
        while let Some(at) = text[from..].find(SECURE_STRING) {
            let hit = from + at;
            from = hit + 1;
            if hit < skip {
                continue;
            }
            let mut found = Vec::new();
            let (covered, clean) =
                secure_parameter_values(text.as_bytes(), hit, resume, &mut |r| found.push(r));
            (skip, resume) = (covered, clean);
            out.extend(found.into_iter().map(|r| &text[r]));
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
    fn python_repr_and_keyword_arguments() {
        assert_eq!(
            values("{'Name': '/p', 'Type': 'SecureString', 'Value': 'hunter2'}"),
            ["hunter2"]
        );
        assert_eq!(
            values("put_parameter(Name='/p', Value='hunter2', Type='SecureString')"),
            ["hunter2"]
        );
        // A bytes literal's body is JSON, read as it is.
        assert_eq!(
            values(r#"b'{"Type": "SecureString", "Value": "it's"}'"#),
            [r#"it's"#]
        );
    }

    #[test]
    fn pretty_printed_over_lines() {
        let text =
            "{\n  \"Name\": \"/p\",\n  \"Value\": \"hunter2\",\n  \"Type\": \"SecureString\"\n}";
        assert_eq!(values(text), ["hunter2"]);
    }

    #[test]
    fn an_escaped_quote_across_the_window_edge_does_not_panic() {
        let mut text = String::from(r#"\"SecureString\""#);
        text.push_str(&" ".repeat(WINDOW - 15));
        text.push_str(r#"\"}"#);
        let _ = values(&text);
        let repeated = r#"{"Type":"SecureString"}"#.repeat(5_000);
        assert!(values(&repeated).is_empty());
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
