//! The shared key-value parser.
//!
//! Given the position of a key stem found by the keyword pass, it recovers the whole key and the
//! value that follows it, in every syntax logs use:
//!
//! | form | example |
//! |---|---|
//! | `k=v`, `k="v"`, `k='v'` | `password=hunter2`, `token="abc def"` |
//! | header line `k: v` | `Authorization: Bearer abc` (to the end of the line) |
//! | JSON / Debug map | `"client_secret": "abc"`, `{"authorization": "Bearer abc"}` |
//! | escaped JSON inside a string | `{\"password\":\"abc\"}` |
//! | Rust Debug struct | `password: "abc"`, `token: Some("abc")`, `HeaderValue { _private: H0("abc") }`, `b"abc"` |
//! | XML | `<SecretAccessKey>abc</SecretAccessKey>` |
//! | pairs in tuples, lists and calls | `("DB_PASSWORD", "abc")`, `setProperty("API_TOKEN", "abc")` |
//! | subscript assignment | `os.environ["API_TOKEN"] = "abc"` |
//! | typed declarations (quoted values only) | `let api_key: &str = "abc"`, `var apiToken string = "abc"` |
//!
//! It never allocates and never panics: every index is checked.

use std::ops::Range;

/// How far (in bytes) a quoted value may run before we stop looking for its closing quote and
/// redact to the end of the line instead (failing closed).
const MAX_QUOTED: usize = 64 * 1024;

#[inline]
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// The value after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyValue {
    pub value: Range<usize>,
    /// The value was delimited by quotes or XML tags (not a bare word).
    pub delimited: bool,
    /// The key sits in running prose (`failed to refresh token: expired`): a word and a space
    /// come before it and the separator is `:`.
    pub prose: bool,
}

/// Expands the stem hit at `hit` to the whole key.
pub(crate) fn key_around(hay: &[u8], hit: Range<usize>) -> Range<usize> {
    let mut start = hit.start.min(hay.len());
    while start > 0 && is_key_byte(hay[start - 1]) && hit.start - start < 128 {
        start -= 1;
    }
    // A leading escape (`\nPassword`) or a CLI dash is not part of the key.
    while start < hit.start && matches!(hay[start], b'-' | b'.') {
        start += 1;
    }
    // `\npassword`: a Debug-escaped newline glued to the key; its letter is not key text.
    if start >= 1
        && hay[start - 1] == b'\\'
        && start < hit.start
        && matches!(hay[start], b'n' | b'r' | b't')
    {
        start += 1;
    }
    // A stem may end in its separator (`pin=`); the key is its leading key bytes.
    let hit_end = hit.start
        + hay[hit.start.min(hay.len())..hit.end.min(hay.len())]
            .iter()
            .take_while(|&&b| is_key_byte(b))
            .count();
    let hit = hit.start..hit_end;
    let mut end = hit.end.min(hay.len());
    while end < hay.len() && is_key_byte(hay[end]) && end - hit.end < 128 {
        end += 1;
    }
    while end > hit.end && matches!(hay[end - 1], b'-' | b'.') {
        end -= 1;
    }
    start..end
}

/// Parses the separator and value after `key`. `until_eol` is for header-like keys whose
/// unquoted values contain spaces (`Authorization: Bearer x`).
pub(crate) fn value_after(hay: &[u8], key: Range<usize>, until_eol: bool) -> Option<KeyValue> {
    let mut i = key.end;
    let key_quote = quote_at(hay, i);
    if let Some(q) = key_quote {
        i += q.len();
    }
    let xml = key.start >= 1 && hay[key.start - 1] == b'<' && hay.get(i) == Some(&b'>');
    if xml {
        let start = i + 1;
        let end = memchr::memchr(b'<', hay.get(start..)?).map_or(hay.len(), |e| start + e);
        return (end > start).then_some(KeyValue {
            value: start..end,
            delimited: true,
            prose: false,
        });
    }
    if let Some(q) = key_quote.filter(|q| q.len() == 1) {
        let opened_by = key
            .start
            .checked_sub(2)
            .filter(|&open| hay[open + 1] == q[0])
            .map(|open| hay[open]);
        // `("DB_PASSWORD", "hunter2")`: a pair in a tuple, a list or a call's arguments.
        if matches!(opened_by, Some(b'(' | b'[')) && hay.get(i) == Some(&b',') {
            let start = skip_blanks(hay, i + 1);
            if let Some(vq) = quote_at(hay, start).filter(|vq| vq.len() == 1) {
                let start = start + 1;
                let end = closing_quote(hay, start, vq).unwrap_or_else(|| line_end(hay, start));
                return Some(KeyValue {
                    value: start..end,
                    delimited: true,
                    prose: false,
                });
            }
        }
        // `os.environ["API_TOKEN"] = "…"`: an assignment to a subscript.
        if opened_by == Some(b'[') && hay.get(i) == Some(&b']') {
            i += 1;
        }
    }
    i = skip_blanks(hay, i);
    // `var apiToken string = "…"` (Go): a string type between the key and `=`. Only string
    // types: `session timeout = "30s"` is prose, not a declaration.
    let go_string_type = [&b"string "[..], b"[]byte ", b"*string "]
        .iter()
        .any(|t| hay.get(i..).is_some_and(|rest| rest.starts_with(t)));
    let typed = if go_string_type {
        typed_assignment(hay, i, false)
    } else {
        None
    };
    let sep_colon = if let Some(value) = typed {
        i = value;
        false
    } else {
        match hay.get(i..) {
            Some([b':', b':', b':', b'=', ..]) => {
                i += 4;
                false
            }
            Some([b':', b':', b'=', ..]) => {
                i += 3;
                false
            }
            Some([b'=', b'>', ..])
            | Some([b':', b'=', ..])
            | Some([b'?' | b'.' | b'+', b'=', ..]) => {
                i += 2;
                false
            }
            Some([b'=', b'=', ..]) => return None, // a comparison, `token == ""`
            Some([b'=', ..]) => {
                i += 1;
                false
            }
            Some([b':', b':', ..]) => return None, // a Rust path, `token::Kind`
            Some([b':', ..]) => {
                i += 1;
                true
            }
            _ => return None,
        }
    };
    // `http://…` is a URL, and `…:secret:prod/db` an ARN segment, not a key.
    if sep_colon
        && (hay.get(i..i + 2) == Some(b"//") || (key.start >= 1 && hay[key.start - 1] == b':'))
    {
        return None;
    }
    i = skip_blanks(hay, i);
    // `let api_key: &str = "…"`, `apiKey: string = '…'`: a type annotation before the value.
    if sep_colon && !until_eol {
        if let Some(value) = typed_assignment(hay, i, true) {
            i = value;
        }
    }
    let prose = sep_colon
        && key_quote.is_none()
        && key.start >= 2
        && hay[key.start - 1] == b' '
        && (hay[key.start - 2].is_ascii_alphanumeric()
            || super::validate::ends_with_marker(&hay[..key.start - 1]));

    // Debug wrappers before a quoted value: `Some("…")`, `H0("…")`, `HeaderValue { _private: H0("…") }`, `b"…"`.
    let mut j = i;
    while j < hay.len()
        && j - i < 48
        && (hay[j].is_ascii_alphanumeric() || matches!(hay[j], b'_' | b' ' | b'{' | b'(' | b':'))
    {
        j += 1;
    }
    let wrapped = j > i
        && hay[i].is_ascii_alphabetic()
        && quote_at(hay, j).is_some()
        && (hay[i..j].contains(&b'(') || hay[i..j].contains(&b'{') || &hay[i..j] == b"b");
    if wrapped {
        i = j;
    }
    if let Some(q) = quote_at(hay, i) {
        let start = i + q.len();
        let end = closing_quote(hay, start, q).unwrap_or_else(|| line_end(hay, start));
        return Some(KeyValue {
            value: start..end,
            delimited: true,
            prose,
        });
    }
    match hay.get(i) {
        None | Some(b'{' | b'[' | b'\r' | b'\n' | b'<' | b'(') => return None,
        _ => {}
    }
    let end = if until_eol {
        line_end(hay, i)
    } else {
        let mut e = i;
        while e < hay.len()
            && !matches!(
                hay[e],
                b' ' | b'\t'
                    | b'\r'
                    | b'\n'
                    | b','
                    | b';'
                    | b'&'
                    | b')'
                    | b'}'
                    | b']'
                    | b'"'
                    | b'\''
                    | b'<'
                    | b'\\'
                    | b'|'
            )
        {
            e += 1;
        }
        e
    };
    let end = trim_end(hay, i, end);
    (end > i).then_some(KeyValue {
        value: i..end,
        delimited: false,
        prose,
    })
}

/// Where the quoted value starts when `hay[at..]` is a type followed by `=` (or `:=`) and a
/// quoted value: `&str = "…"` (Rust), `string = '…'` (TypeScript, Go). A type is at most 40
/// bytes of identifier characters and `&'<>[]*:.`, with one space after a lifetime when
/// `spaced` (`&'static str`). The value must be quoted, so prose (`token expired = true`) is
/// left alone.
fn typed_assignment(hay: &[u8], at: usize, spaced: bool) -> Option<usize> {
    let is_type_byte = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'_' | b'&' | b'\'' | b'<' | b'>' | b'[' | b']' | b'*' | b':' | b'.'
            )
    };
    let first = *hay.get(at)?;
    if !(first.is_ascii_alphabetic() || first == b'&' || first == b'[' || first == b'*') {
        return None;
    }
    let run = |from: usize| {
        hay[from..]
            .iter()
            .take(41)
            .take_while(|&&b| is_type_byte(b))
            .count()
    };
    let mut len = run(at);
    // One space, after a lifetime only (`&'static str`): `Digest username="…"` is no type.
    if spaced && hay[at..].starts_with(b"&'") && hay.get(at + len) == Some(&b' ') {
        len += 1 + run(at + len + 1);
    }
    if len > 40 {
        return None;
    }
    let eq = skip_blanks(hay, at + len);
    let after = match hay.get(eq..) {
        Some([b'=', b'=' | b'>', ..]) => return None,
        Some([b'=', ..]) => eq + 1,
        Some([b':', b'=', ..]) => eq + 2,
        _ => return None,
    };
    let value = skip_blanks(hay, after);
    quote_at(hay, value).map(|_| value)
}

fn skip_blanks(hay: &[u8], mut i: usize) -> usize {
    while i < hay.len() && (hay[i] == b' ' || hay[i] == b'\t') {
        i += 1;
    }
    i
}

fn trim_end(hay: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && matches!(hay[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    end
}

/// The quote at `i`, if any: `"`, `'`, or an escaped `\"` (JSON inside a JSON string).
fn quote_at(hay: &[u8], i: usize) -> Option<&'static [u8]> {
    match hay.get(i..) {
        Some([b'"', ..]) => Some(b"\""),
        Some([b'\'', ..]) => Some(b"'"),
        Some([b'\\', b'"', ..]) => Some(b"\\\""),
        Some([b'\\', b'\\', b'\\', b'"', ..]) => Some(b"\\\\\\\""),
        _ => None,
    }
}

/// The end of a quoted value starting at `start`, honouring backslash escapes.
fn closing_quote(hay: &[u8], start: usize, quote: &[u8]) -> Option<usize> {
    let limit = hay.len().min(start.saturating_add(MAX_QUOTED));
    let mut i = start;
    if quote.len() == 1 {
        while i < limit {
            match hay[i] {
                b'\\' => i += 2,
                b if b == quote[0] => return Some(i),
                b'\n' => return None,
                _ => i += 1,
            }
        }
        None
    } else {
        // An escaped quote style ends at the next occurrence of the same escape sequence.
        let window = hay.get(start..limit)?;
        memchr::memmem::find(window, quote).map(|e| start + e)
    }
}

/// The end of the line at or after `i`: a newline, a Debug-escaped `\n`/`\r`, or a closing quote
/// of an enclosing string.
///
/// Quotes opened by `="` inside the value (Digest parameters: `username="bob"`) are part of it.
///
/// Values run long (a JWT, a session token), so the scan jumps between the bytes that can end
/// one with `memchr` instead of testing every byte.
fn line_end(hay: &[u8], i: usize) -> usize {
    // A bare `\r` ends the line too; it is looked for only before the next other stop.
    let carriage_return =
        |from: usize, to: usize| memchr::memchr(b'\r', &hay[from..to]).map(|o| from + o);
    let mut e = i;
    let mut in_param = false;
    while e < hay.len() {
        let Some(offset) = memchr::memchr3(b'"', b'\\', b'\n', &hay[e..]) else {
            return carriage_return(e, hay.len()).unwrap_or(hay.len());
        };
        let stop = e + offset;
        if let Some(cr) = carriage_return(e, stop) {
            return cr;
        }
        e = stop;
        match hay[e] {
            b'\n' => return e,
            b'"' if in_param => in_param = false,
            b'"' if e > i && hay[e - 1] == b'=' => in_param = true,
            b'"' => return e,
            b'\\' if matches!(hay.get(e + 1), Some(b'n' | b'r' | b'"')) => return e,
            _ => {}
        }
        e += 1;
    }
    e
}

fn trim_bytes(mut b: &[u8], strip: impl Fn(u8) -> bool) -> &[u8] {
    while let [first, rest @ ..] = b {
        if !strip(*first) {
            break;
        }
        b = rest;
    }
    while let [rest @ .., last] = b {
        if !strip(*last) {
            break;
        }
        b = rest;
    }
    b
}

/// Only blanks and escaped line breaks (`\n      ` between XML elements in `Debug` output).
fn is_blank_or_escaped_blank(mut value: &[u8]) -> bool {
    loop {
        match value {
            [] => return true,
            [b' ' | b'\t' | b'\r' | b'\n', rest @ ..] => value = rest,
            [b'\\', b'n' | b'r' | b't', rest @ ..] => value = rest,
            _ => return false,
        }
    }
}

/// Values that are not secrets but stand-ins for one: environment references, templates,
/// masks, other redactors' markers and our own (which keeps redaction idempotent).
///
/// The whole value must have the stand-in's shape: `$VAR` is a stand-in, `$uperS3cret!` and a
/// `$2b$12$…` bcrypt hash are not; `***` is, `***hunter2` is not.
pub(crate) fn is_placeholder(value: &[u8], fixed_replacement: Option<&[u8]>) -> bool {
    if value.is_empty() || is_blank_or_escaped_blank(value) {
        return true;
    }
    if fixed_replacement.is_some_and(|fixed| !fixed.is_empty() && value == fixed) {
        return true;
    }
    let name = |b: &[u8]| {
        b.first()
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
    };
    // `${NAME}`, `$NAME`, `${NAME` (the key-value parser ends a value before a `}`), and a
    // shell command substitution `$(gcloud auth print-access-token)`.
    let env_reference = match value {
        [b'$', b'{', inner @ .., b'}'] => name(inner),
        [b'$', b'{', inner @ ..] => name(inner),
        [b'$', b'(', inner @ .., b')'] => !inner.contains(&b')'),
        [b'$', inner @ ..] => name(inner),
        _ => false,
    };
    let format_slot =
        value == b"%s" || matches!(value, [b'%', b'(', inner @ .., b')', b's'] if name(inner));
    let template = matches!(value, [b'{', b'{', inner @ .., b'}', b'}']
        if name(trim_bytes(inner, |c| c == b' ').split(|&c| c == b'.').next().unwrap_or_default()));
    let angle = matches!(value, [b'<', inner @ .., b'>']
        if !inner.is_empty() && inner.len() <= 40
            && inner[0].is_ascii_alphabetic()
            && inner.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b' ' | b'.' | b'-')));
    let our_marker = matches!(value, [b'[', ..]
        if value.starts_with(b"[REDACTED")
            && value.ends_with(b"]")
            && !value[1..value.len() - 1].iter().any(|c| matches!(c, b'[' | b']' | b' ')));
    env_reference
        || format_slot
        || template
        || angle
        || our_marker
        || value.iter().all(|&b| b == b'*')
        || is_starred_marker(value)
        || [
            "null",
            "none",
            "nil",
            "true",
            "false",
            "undefined",
            "(null)",
            "redacted",
            "[redacted]",
            "[filtered]",
            "hidden",
            "sensitive",
        ]
        .iter()
        .any(|w| value.eq_ignore_ascii_case(w.as_bytes()))
}

/// Other redactors' markers, whole: the AWS SDK's `** redacted **` and
/// `** redacted (length=224) **`, `*** Sensitive Data Redacted ***`, `**masked**`.
fn is_starred_marker(value: &[u8]) -> bool {
    let value = trim_bytes(value, |b| b == b',' || b == b';');
    if !(value.starts_with(b"*") && value.ends_with(b"*")) {
        return false;
    }
    let mut core = trim_bytes(value, |b| b == b'*' || b == b' ');
    // `(length=224)` after the word.
    if let Some(open) = core.iter().position(|&b| b == b'(') {
        let tail = &core[open..];
        let digits_ok = tail
            .strip_prefix(b"(length=")
            .and_then(|t| t.strip_suffix(b")"))
            .is_some_and(|d| !d.is_empty() && d.iter().all(u8::is_ascii_digit));
        if !digits_ok {
            return false;
        }
        core = trim_bytes(&core[..open], |b| b == b' ');
    }
    [
        "redacted",
        "sensitive data redacted",
        "hidden",
        "masked",
        "filtered",
    ]
    .iter()
    .any(|w| core.eq_ignore_ascii_case(w.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, key: &str) -> Option<(String, bool)> {
        let at = text.find(key)?;
        let k = key_around(text.as_bytes(), at..at + key.len());
        let eol = key.eq_ignore_ascii_case("authorization");
        value_after(text.as_bytes(), k, eol).map(|kv| (text[kv.value].to_string(), kv.prose))
    }

    fn value(text: &str, key: &str) -> Option<String> {
        parse(text, key).map(|(v, _)| v)
    }

    #[test]
    fn forms() {
        assert_eq!(
            value("password=hunter2 user=bob", "password").as_deref(),
            Some("hunter2")
        );
        assert_eq!(
            value("password = 'a b'", "password").as_deref(),
            Some("a b")
        );
        assert_eq!(
            value(r#"{"password":"p\"q","x":1}"#, "password").as_deref(),
            Some(r#"p\"q"#)
        );
        assert_eq!(
            value(r#"{\"password\":\"abc\"}"#, "password").as_deref(),
            Some("abc")
        );
        assert_eq!(
            value(r#"Creds { password: "abc", user: "u" }"#, "password").as_deref(),
            Some("abc")
        );
        assert_eq!(
            value(r#"password: Some("abc")"#, "password").as_deref(),
            Some("abc")
        );
        assert_eq!(
            value(
                r#""authorization": HeaderValue { _private: H0("Bearer x") }"#,
                "authorization"
            )
            .as_deref(),
            Some("Bearer x")
        );
        assert_eq!(
            value(r#"password: b"abc""#, "password").as_deref(),
            Some("abc")
        );
        assert_eq!(
            value("<Password>abc</Password>", "Password").as_deref(),
            Some("abc")
        );
        assert_eq!(
            value("Authorization: Bearer a b\r\nHost: x", "Authorization").as_deref(),
            Some("Bearer a b")
        );
        assert_eq!(value("password=>'x'", "password").as_deref(), Some("x"));
        assert_eq!(value("token :::= 'x'", "token").as_deref(), Some("x"));
        assert_eq!(value("$token .= 'x'", "token").as_deref(), Some("x"));
        assert_eq!(value(r#""pin": 1234}"#, "pin").as_deref(), Some("1234"));
    }

    #[test]
    fn not_values() {
        assert_eq!(value("the password is long", "password"), None);
        assert_eq!(value("token::Kind", "token"), None);
        assert_eq!(value(r#""credentials": {"a": 1}"#, "credentials"), None);
        assert_eq!(value("token:", "token"), None);
    }

    #[test]
    fn prose_is_flagged() {
        assert_eq!(
            parse("failed to refresh token: expired", "token"),
            Some(("expired".into(), true))
        );
        assert_eq!(parse("token: abc", "token"), Some(("abc".into(), false)));
    }

    #[test]
    fn unterminated_quote_runs_to_line_end() {
        assert_eq!(
            value("password=\"abc def\nnext", "password").as_deref(),
            Some("abc def")
        );
    }

    #[test]
    fn placeholders() {
        for p in [
            "${DB_PASS}",
            "$PASS",
            "****",
            "[REDACTED:sensitive-key]",
            "null",
            "<password>",
            "{{ secret }}",
        ] {
            assert!(is_placeholder(p.as_bytes(), None), "{p}");
        }
        assert!(!is_placeholder(b"hunter2", None));
        assert!(is_placeholder(b"###", Some(b"###")));
        for secret in [
            "$uperS3cret!",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "***hunter2",
            "{{hunter2}}x",
            "<<hunter2>>",
            "[REDACTED] hunter2",
            "** redacted ** hunter2",
        ] {
            assert!(!is_placeholder(secret.as_bytes(), None), "{secret}");
        }
        assert!(
            !is_placeholder(b"x", Some(b"")),
            "an empty fixed text stands for nothing"
        );
        assert!(!is_placeholder(b"***hunter2", Some(b"***")));
        for marker in [
            "** redacted **",
            "** redacted (length=224) **,",
            "*** Sensitive Data Redacted ***",
        ] {
            assert!(is_placeholder(marker.as_bytes(), None), "{marker}");
        }
    }
}
