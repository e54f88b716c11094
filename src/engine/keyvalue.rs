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
//! | escaped JSON inside a string, at any depth | `{\"password\":\"abc\"}`, `b'{"S": "{\\"password\\": \\"abc\\"}"}'` |
//! | Rust Debug struct | `password: "abc"`, `token: Some("abc")`, `HeaderValue { _private: H0("abc") }`, `b"abc"` |
//! | XML | `<SecretAccessKey>abc</SecretAccessKey>` |
//! | pairs in tuples, lists and calls | `("DB_PASSWORD", "abc")`, `setProperty("API_TOKEN", "abc")` |
//! | subscript assignment | `os.environ["API_TOKEN"] = "abc"` |
//! | typed declarations (quoted values only) | `let api_key: &str = "abc"`, `var apiToken string = "abc"` |
//! | value on the next line | `Signature:⏎<hex>` (botocore), `password:⏎  hunter2` (YAML) |
//!
//! # Where a value ends
//!
//! A value runs to the end of its syntax. Where the syntax is ambiguous, it runs further:
//! a lost word of context is cheap, a leaked credential is not.
//!
//! | context | recognised by | the value ends |
//! |---|---|---|
//! | quoted | `"`, `'` or `` ` `` after the separator, behind *n* backslashes (its escape depth); `"""`, `'''`, `@"` | at the next quote of the same kind behind exactly *n* backslashes that is followed by what follows a value (a blank, a separator then a blank or the next pair, a closer inside an open bracket, the line's end); a quote behind fewer backslashes closes an enclosing string, and the value with it; `""` inside `@"…"` is a quote; no close on the line: the line's end (after `key='` in logfmt: the next pair) |
//! | header line | the key first on a line of the text, `:` | the end of the line, quotes and all, except when a quoted value is all the line holds (`password: "x",`); an opener alone (`Some(`, pretty `Debug`) puts the value on the next line |
//! | next line | nothing after `key:` on its line | the next line, trimmed, unless it is a pair of its own (`user: bob`), a structure or a list item; `key=⏎` is empty |
//! | JSON scalar | a quoted key, an unquoted value | `,` `}` `]` `)` `;`, a blank, a quote |
//! | query | the key after `?` or `&`, then `=` | `&`, a blank, a quote, `<` `>` (a `#` is taken: it is more often part of an unencoded secret than a fragment after one) |
//! | pairs | anything else: logfmt, `Debug`, CLI flags, prose | before the blanks, `,`, `;` or `&` in front of the next `key=` or `key:` (`password=a b user=x`); else the line's end or an enclosing string's close; a closer after a blank (`Creds { password: x }`) and one `,`/`;` at the line's end stay outside |
//! | authentication scheme | the value starts with `Bearer`, `Basic`, `Token`, `Digest`, `Negotiate`, `AWS4-…`, `ApiKey`, … | the credential after the scheme is taken too, even where the key is in prose |
//! | XML | `<key>` | `</`; `<password>@host` in a URL is no element |
//!
//! Not values: a nested structure after `key:` or a quoted key (its own pairs are found on
//! their own), a list of names (`["authorization", "user-agent"]`: a quoted name is a pair
//! only when its value ends the tuple), a comparison (`token == ""`), a path (`token::Kind`),
//! a URL (`token://`).
//!
//! `tests/value_extents.rs` checks every context with values made of the bytes that end
//! values elsewhere, written by each syntax's own encoder.
//!
//! It never allocates and never panics: every index is checked.

use crate::replacement::Replacement;
use crate::util::text::ByteSet;
use std::ops::Range;

/// How far (in bytes) a quoted value may run before we stop looking for its closing quote and
/// redact to the end of the line instead (failing closed).
const MAX_QUOTED: usize = 64 * 1024;

/// The longest exempt value (`RedactorBuilder::exempt_field`): ids and digests are far
/// shorter, and the bound keeps the search linear.
const MAX_EXEMPT_VALUE: usize = 4096;

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
    /// The value is an authentication scheme and its credential (`Bearer abc123xyz`): a
    /// credential even in prose.
    pub scheme: bool,
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

/// The value after an exempt key (`request_id=abc`, `"trace_id": "abc"`, `span_id: 7`),
/// read the narrow way: where [`value_after`] reads on when unsure, so that a secret is
/// not cut in two, this stops, because what it returns is let through unredacted.
///
/// * A quoted value (`"`, `'`, or `\"` inside an escaped string) ends at the same quote on
///   the same line, which must be followed by what follows a value (a blank, `,` `;` `&`
///   `)` `]` `}`, a backslash, the line's end); otherwise there is no value: an unclosed
///   quote closed by another string's quote later on the line exempts nothing.
/// * A bare value ends at a blank, a quote, `,` `;` `&` `)` `]` `}` `<` `>` or a
///   backslash.
/// * Either is no value if it holds a pair of its own (`note: password=x`,
///   `note='{"password":"x"}'`): a `=`, or a `:` other than between digits (`12:00:00` is
///   fine); nor if it is longer than 4 KiB.
pub(crate) fn exempt_value_after(hay: &[u8], key: Range<usize>) -> Option<Range<usize>> {
    let quote_at = |i: usize| -> Option<&'static [u8]> {
        let rest = hay.get(i..)?;
        [&b"\\\""[..], b"\\'", b"\"", b"'"]
            .into_iter()
            .find(|q| rest.starts_with(q))
    };
    let mut i = key.end;
    if let Some(q) = quote_at(i) {
        i += q.len();
    }
    i = skip_blanks(hay, i);
    if !matches!(hay.get(i), Some(b'=' | b':')) {
        return None;
    }
    i = skip_blanks(hay, i + 1);
    // Ids are short: a value is looked for within a bound, so that a text of `note='`
    // repeated stays linear, and a longer one is no exempt value.
    let window = &hay[i..hay.len().min(i.saturating_add(MAX_EXEMPT_VALUE))];
    let value = if let Some(q) = quote_at(i) {
        let start = i + q.len();
        let close = start + memchr::memmem::find(window.get(q.len()..)?, q)?;
        let ends_value = hay.get(close + q.len()).map_or(true, |&b| {
            matches!(
                b,
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b';' | b'&' | b')' | b']' | b'}' | b'\\'
            )
        });
        if !ends_value || hay[start..close].contains(&b'\n') {
            return None;
        }
        start..close
    } else {
        let len = window
            .iter()
            .position(|&b| ends_scalar(b) || matches!(b, b'&' | b'<' | b'>'))
            .or((window.len() < MAX_EXEMPT_VALUE).then_some(window.len()))?;
        i..i + len
    };
    // A pair inside the value (`note: password=x`, `note='{"password":"x"}'`) is no id.
    let holds_pair = hay[value.clone()].iter().enumerate().any(|(j, &b)| {
        let at = value.start + j;
        let digit_at = |k: usize| hay.get(k).is_some_and(u8::is_ascii_digit);
        b == b'=' || (b == b':' && !(j > 0 && digit_at(at - 1) && digit_at(at + 1)))
    });
    (!value.is_empty() && !holds_pair).then_some(value)
}

/// Parses the separator and value after `key`. `until_eol` is for header-like keys whose
/// unquoted values contain spaces (`Authorization: Bearer x`).
///
/// `weak`: the key counts in prose only when its value is quoted or a scheme and credential
/// (`invalid token: expired` is prose); such prose is turned down before the value is read.
pub(crate) fn value_after(
    hay: &[u8],
    key: Range<usize>,
    until_eol: bool,
    weak: bool,
) -> Option<KeyValue> {
    let mut i = key.end;
    let key_quote = quote_at(hay, i).filter(|q| !q.triple && !q.at_sign);
    if let Some(q) = key_quote {
        i += q.len();
    }
    let xml = key.start >= 1 && hay[key.start - 1] == b'<' && hay.get(i) == Some(&b'>');
    if xml {
        let start = i + 1;
        let end = memchr::memchr(b'<', hay.get(start..)?).map_or(hay.len(), |e| start + e);
        // An element ends with its closing tag, or the text ends first (a cut line). In
        // `user:<password>@db` the tag is a URL's placeholder, not an element. A `<` inside
        // the value (`<password>s3cr<t</password>`) reads on to the closing tag, or else to
        // the line's end.
        let closed = end < hay.len() && hay.get(end + 1) == Some(&b'/');
        // Only blanks before a child element: a structure (`<Credentials>⏎ <AccessKeyId>`),
        // whose elements are found on their own.
        if !closed && (hay.get(start) == Some(&b'@') || is_blank_or_escaped_blank(&hay[start..end]))
        {
            return None;
        }
        let end = if closed || end == hay.len() {
            end
        } else {
            let limit = hay.len().min(start.saturating_add(MAX_QUOTED));
            let tag = &hay[key.clone()];
            let mut found = None;
            let mut from = start;
            while let Some(p) = memchr::memmem::find(&hay[from..limit], b"</") {
                let at = from + p;
                if hay[at + 2..].starts_with(tag) {
                    found = Some(at);
                    break;
                }
                from = at + 2;
            }
            found.unwrap_or_else(|| raw_line_end(hay, start))
        };
        return (end > start).then_some(KeyValue {
            value: start..end,
            delimited: true,
            prose: false,
            scheme: false,
        });
    }
    if let Some(q) = key_quote.filter(|q| q.escapes == 0) {
        let opened_by = key
            .start
            .checked_sub(2)
            .filter(|&open| hay[open + 1] == q.byte)
            .map(|open| hay[open]);
        // `("DB_PASSWORD", "hunter2")`: a pair in a tuple, a list or a call's arguments, the
        // value last in it. `["authorization", "user-agent", …]` is a list of names.
        if matches!(opened_by, Some(b'(' | b'[')) && hay.get(i) == Some(&b',') {
            let start = skip_blanks(hay, i + 1);
            if let Some(vq) = quote_at(hay, start).filter(|vq| vq.escapes == 0) {
                let start = start + vq.len();
                let end = closing_quote(hay, start, vq, true, hay.len())
                    .unwrap_or_else(|| line_end(hay, start));
                // A third string: a list of names. A third argument of another kind
                // (`setenv("DB_PASSWORD", "x", 1)`) leaves a pair.
                let after = skip_blanks(hay, (end + vq.len()).min(hay.len()));
                if hay.get(after) == Some(&b',')
                    && quote_at(hay, skip_blanks(hay, after + 1)).is_some()
                {
                    return None;
                }
                return Some(KeyValue {
                    value: start..end,
                    delimited: true,
                    prose: false,
                    scheme: false,
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
    // `http://…` is a URL, and `…:secret:prod/db` an ARN segment, not a key. An ARN has no
    // blank after a colon: `:Authorization: Bearer …` is a header behind a stray colon.
    let arn_segment =
        key.start >= 1 && hay[key.start - 1] == b':' && !matches!(hay.get(i), Some(b' ' | b'\t'));
    if sep_colon && (hay.get(i..i + 2) == Some(b"//") || arn_segment) {
        return None;
    }
    i = skip_blanks(hay, i);
    let header_line = sep_colon && key_quote.is_none() && starts_raw_line(hay, key.start);
    // `let api_key: &str = "…"`, `apiKey: string = '…'`: a type annotation before the value.
    // Not on a header line, whose value is the whole rest of it (`password: aaa =""`).
    if sep_colon && !until_eol && !header_line {
        if let Some(value) = typed_assignment(hay, i, true) {
            i = value;
        }
    }
    let prose = sep_colon
        && key_quote.is_none()
        && key.start >= 2
        && hay[key.start - 1] == b' '
        && (hay[key.start - 2].is_ascii_alphanumeric()
            || crate::util::text::ends_with_marker(&hay[..key.start - 1]));

    // Debug wrappers before a quoted value: `Some("…")`, `H0("…")`, `HeaderValue { _private: H0("…") }`, `b"…"`.
    let mut j = i;
    while j < hay.len()
        && j - i < 48
        && (hay[j].is_ascii_alphanumeric() || matches!(hay[j], b'_' | b' ' | b'{' | b'(' | b':'))
    {
        j += 1;
    }
    // The wrapper ends right at the quote with its `(` (or is a bytes literal's `b`):
    // `a(a{a'$a` is a value that happens to hold brackets.
    // And its string closes (or is a `"` one): `password=aaaaaa('` is a value.
    let wrapped = j > i
        && is_debug_wrapper(&hay[i..j])
        && quote_at(hay, j).is_some_and(|q| {
            // A `Debug` string that a cut line left open is still one (to the line's end).
            q.byte == b'"'
                || closing_quote(
                    hay,
                    j + q.len(),
                    q,
                    inside_brackets(hay, key.start),
                    hay.len(),
                )
                .is_some()
        });
    if wrapped {
        i = j;
    }
    // A weak key in prose, not quoted and not a scheme with its credential: prose, whatever
    // follows. Deciding here, from two words, keeps a line of ` token:y` repeated linear
    // without skipping the keys that follow.
    if weak && prose && quote_at(hay, i).is_none() {
        let word_end =
            |from: usize| stop_at(hay, from, |b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
        let first_end = word_end(i);
        let next = skip_blanks(hay, first_end);
        let credential = &hay[next..word_end(next)];
        if !(is_auth_scheme(&hay[i..first_end]) && looks_like_credential(credential)) {
            return None;
        }
    }
    let quoted = quote_at(hay, i).map(|q| {
        let start = i + q.len();
        // The closing sequence is the opening one without its `@`.
        let closer = q.len() - usize::from(q.at_sign);
        // After an unquoted key, a `'` or `` ` `` may be part of a bare value (logfmt quotes
        // with `"` only): its string must close before the next pair. That bound also keeps
        // a line of `password='a ` repeated linear.
        let bare_fallback = q.escapes == 0 && key_quote.is_none() && q.byte != b'"';
        let bound = if bare_fallback {
            before_next_key(hay, start, false)
        } else {
            hay.len()
        };
        match closing_quote(hay, start, q, inside_brackets(hay, key.start), bound) {
            Some(end) => (start..end, Some(end + closer)),
            // No closing quote: a bare value to the next pair; else a cut line, or a value
            // that ends in a backslash: to the line's end.
            None if bare_fallback => (start..trim_end(hay, start, bound), None),
            None => (start..raw_line_end(hay, start), None),
        }
    });
    // A header line (`Name: value` first on a line of the text) takes the rest of its line,
    // quotes and all (`password: ""'x` is one value), unless the value is quoted and only
    // closers follow it (`password: "abc",`, `token: Some("abc")` in pretty `Debug`).
    if header_line {
        let closed_whole = quoted.as_ref().is_some_and(|(value, after)| {
            !value.is_empty() && after.is_some_and(|after| only_closers_follow(hay, after))
        });
        if !closed_whole {
            if let Some(value) = header_line_value(hay, i) {
                return Some(KeyValue {
                    value,
                    delimited: true,
                    prose: false,
                    scheme: false,
                });
            }
        }
    }
    if let Some((value, _)) = quoted {
        return (value.end > value.start).then_some(KeyValue {
            value,
            delimited: true,
            prose,
            scheme: false,
        });
    }
    if let Some(next) = line_break_len(hay, i) {
        // `Signature:⏎<hex>`, `password:⏎  hunter2`: nothing after the colon on its line,
        // the value is the next line. After `=` (an env file's `API_KEY=⏎`) it is empty.
        if !sep_colon {
            return None;
        }
        let value = next_line_value(hay, i + next)?;
        return Some(KeyValue {
            value,
            delimited: false,
            prose,
            scheme: false,
        });
    }
    hay.get(i)?;
    // A nested structure, not a value: its own pairs are found on their own. After `=`
    // outside quotes (logfmt, CLI, kwargs) a bracket starts a value: `password=(x'`.
    if (sep_colon || key_quote.is_some()) && starts_structure(hay, i) {
        return None;
    }
    let extent = if until_eol || (sep_colon && starts_line(hay, key.start)) {
        Extent::Line
    } else if key_quote.is_some() {
        Extent::Scalar
    } else if !sep_colon && key.start > 0 && matches!(hay[key.start - 1], b'?' | b'&') {
        // Only `&key=`: a query parameter's separator is `=`. After `&key:` the text is not
        // a query, and a value such as `#*0A~` must not end at its first byte.
        Extent::Query
    } else {
        Extent::Pairs
    };
    let mut end = extent.end(hay, i);
    // `token: Bearer abc`: a scheme word always takes the credential after it, and makes the
    // pair a credential even in prose when what follows looks like one (not `token: token
    // expired`).
    let mut scheme = false;
    if is_auth_scheme(&hay[i..end]) {
        let credential = skip_blanks(hay, end);
        if credential > end && credential < hay.len() {
            let credential_end = extent.end(hay, credential);
            let first_word =
                stop_at(hay, credential, |b| matches!(b, b' ' | b'\t')).min(credential_end);
            scheme = looks_like_credential(&hay[credential..first_word]);
            end = credential_end.max(end);
        }
    }
    let end = extent.trim(hay, i, end);
    (end > i).then_some(KeyValue {
        value: i..end,
        delimited: false,
        prose,
        scheme,
    })
}

/// Whether a nested structure starts at `i` (its own pairs are found on their own), rather
/// than a value that happens to start with a bracket (`password: {&x`): an object whose
/// first key or string follows (`{"a"`, `{ a: `, `{}`), a list of strings, numbers or
/// structures, a tuple of strings, an XML element.
fn starts_structure(hay: &[u8], i: usize) -> bool {
    let Some(&open) = hay.get(i) else {
        return false;
    };
    let next = skip_blanks(hay, i + 1);
    let follows = hay.get(next).copied();
    match open {
        b'{' => {
            matches!(
                follows,
                None | Some(b'"' | b'\'' | b'}' | b'{' | b'[' | b'\n' | b'\r')
            ) || (follows == Some(b'\\') && quote_at(hay, next).is_some())
                || starts_pair(hay, next)
        }
        b'[' => matches!(
            follows,
            None | Some(b'"' | b'\'' | b'{' | b'[' | b'(' | b']' | b'\n' | b'\r' | b'0'..=b'9')
        ),
        b'(' => matches!(follows, Some(b'"' | b'\'' | b'(' | b'[' | b'{')),
        b'<' => follows.is_some_and(|b| b.is_ascii_alphabetic() || b == b'/' || b == b'!'),
        _ => false,
    }
}

/// Where an unquoted value ends, by the syntax around its key (the table in the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Extent {
    /// A header line (`Name: value`, the key first on its line) or a header-like key
    /// (`authorization`, `cookie`): the end of the line.
    Line,
    /// After a quoted key (`"pin": 1234`): a JSON or Python scalar, which ends at the
    /// structure's next delimiter.
    Scalar,
    /// After `?` or `&`, then `=`: a URL query or form parameter, percent-encoded, which ends
    /// at `&`, a blank or a quote.
    Query,
    /// Anywhere else (logfmt, `Debug`, CLI flags, prose): up to the blanks in front of the
    /// next `key=` or `key:` on the line, or the line's end.
    Pairs,
}

impl Extent {
    fn end(self, hay: &[u8], from: usize) -> usize {
        // One of our markers is one word, whatever its brackets: a second pass must read
        // the whole marker as the value (and keep it), not stop at its `]`.
        let from = match hay.get(from..) {
            Some(rest) if rest.starts_with(b"[REDACTED") => memchr::memchr(b']', rest)
                .filter(|&close| !rest[..close].contains(&b' '))
                .map_or(from, |close| from + close + 1),
            _ => from,
        };
        match self {
            Extent::Line => line_end(hay, from),
            Extent::Scalar => stop_at(hay, from, ends_scalar),
            // Not at `#`: a fragment after a secret is rare, an unencoded `#` inside one
            // (`&password=a#b` in a form body someone logged) is not.
            Extent::Query => stop_at(hay, from, |b| {
                matches!(
                    b,
                    b' ' | b'\t' | b'\r' | b'\n' | b'&' | b'"' | b'\'' | b'<' | b'>' | b'\\'
                )
            }),
            Extent::Pairs => before_next_key(hay, from, true),
        }
    }

    /// Gives back what follows the value and is not part of it: trailing blanks; at a
    /// line's end one `,` or `;` (`password: abc,⏎`); for pairs, closers after a blank
    /// (`Creds { password: abc }`).
    fn trim(self, hay: &[u8], start: usize, end: usize) -> usize {
        let mut end = trim_end(hay, start, end);
        if self == Extent::Pairs {
            while end >= start + 2
                && matches!(hay[end - 1], b'}' | b')' | b']')
                && matches!(hay[end - 2], b' ' | b'\t')
            {
                end = trim_end(hay, start, end - 1);
            }
        }
        let at_line_end = line_break_len(hay, end).is_some() || end == hay.len();
        if matches!(self, Extent::Line | Extent::Pairs)
            && at_line_end
            && end > start + 1
            && matches!(hay[end - 1], b',' | b';')
        {
            end -= 1;
        }
        end
    }
}

/// Whether `b` ends a scalar after a quoted key (`"pin": 1234,`): a blank, a delimiter of
/// the enclosing structure, a quote or a backslash.
fn ends_scalar(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\r' | b'\n' | b',' | b';' | b')' | b'}' | b']' | b'"' | b'\'' | b'\\'
    )
}

fn stop_at(hay: &[u8], from: usize, stop: impl Fn(u8) -> bool) -> usize {
    hay[from.min(hay.len())..]
        .iter()
        .position(|&b| stop(b))
        .map_or(hay.len(), |p| from + p)
}

/// Where a value sharing its line with other pairs ends (`password=a b user=bob`): before
/// the blanks, or the `,`, `;` or `&` (a form body), in front of the next pair; else where
/// [`line_end`] would.
///
/// `quotes_end`: a quote ends the value (it closes an enclosing string), as at a line's end,
/// and `&key=` starts the next pair (a form body); neither holds for a value that itself
/// opened with a quote it never closed.
fn before_next_key(hay: &[u8], from: usize, quotes_end: bool) -> usize {
    // One byte at a time, and only as far as the value goes: finding the line's end first
    // would read the rest of the line for every pair on it.
    // The bytes that neither end a line nor can stand before a pair, skipped by table.
    static PLAIN: ByteSet = ByteSet::all_but(b"\n\r\"\\ \t,;&");
    let mut in_param = false;
    let mut e = from;
    while e < hay.len() {
        e += PLAIN.leading(&hay[e..], usize::MAX);
        if e >= hay.len() {
            break;
        }
        let quote = matches!(hay[e], b'"') || (hay[e] == b'\\' && hay.get(e + 1) == Some(&b'"'));
        if (quotes_end || !quote) && ends_line(hay, from, e, &mut in_param) {
            return e;
        }
        if matches!(hay[e], b' ' | b'\t' | b',' | b';') || (quotes_end && hay[e] == b'&') {
            let mut k = e;
            if matches!(hay[k], b',' | b';' | b'&') {
                k += 1;
            }
            let separator_end = k;
            k = skip_blanks(hay, k);
            // After an unclosed quote only a blank separates pairs (`, "n":`): `;a=` is
            // more of the value.
            let blank = k > separator_end || matches!(hay[e], b' ' | b'\t');
            if k > e && (quotes_end || blank) && starts_pair(hay, k) {
                return e;
            }
            // The blanks up to `k` would find the same next word: a run of them is read once.
            if k > e + 1 {
                e = k;
                continue;
            }
        }
        e += 1;
    }
    hay.len()
}

/// Whether a key and its separator start at `at`: `user=`, `--user=`, `"user":`, `user: `,
/// `user:"`. Not a URL (`https://`), a path (`a::b`), a time (`10:30`) or a comparison.
fn starts_pair(hay: &[u8], at: usize) -> bool {
    pair_separator(hay, at).is_some()
}

/// The separator of the pair starting at `at` (`=` or `:`), if one does: see [`starts_pair`].
fn pair_separator(hay: &[u8], at: usize) -> Option<u8> {
    let mut i = at;
    while i < hay.len() && hay[i] == b'-' && i - at < 2 {
        i += 1;
    }
    let quoted = hay.get(i) == Some(&b'"');
    if quoted {
        i += 1;
    }
    match hay.get(i) {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {}
        _ => return None,
    }
    let name = i;
    while i < hay.len() && is_key_byte(hay[i]) && i - name < 64 {
        i += 1;
    }
    if quoted {
        if hay.get(i) != Some(&b'"') {
            return None;
        }
        i += 1;
    }
    let separated = match hay.get(i..) {
        Some([b'=', b'=', ..]) => false,
        Some([b'=', ..]) => true,
        Some([b':', b':', ..]) | Some([b':', b'/', b'/', ..]) => false,
        // A quoted key (`"n":1`) needs no blank after its colon.
        Some([b':', next, ..]) => {
            quoted || matches!(next, b' ' | b'\t' | b'"' | b'\'' | b'\r' | b'\n' | b'\\')
        }
        Some([b':']) => true,
        _ => false,
    };
    separated.then(|| hay[i])
}

/// Whether the text at `at`, right after a closing quote, lets the quote close a value: a
/// blank, another quote or an escape, a line break, the end of the text; or a separator or
/// closer (`,` `;` `}` `]` `)` `>`) followed by one of those or by the next pair
/// (`"a","n":1`). A closer or a `,` always closes when the key sits inside an open bracket
/// (`{"password":"x"}…`, `f(password='x');`).
fn closes_value(hay: &[u8], at: usize, quote: u8, enclosed: bool) -> bool {
    // Another quote of the same kind right after is a doubled quote (`''`), not an end.
    let ends = |b: Option<&u8>| match b {
        None => true,
        Some(&b) => {
            b != quote
                && matches!(
                    b,
                    b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'\\' | b'`'
                )
        }
    };
    match hay.get(at) {
        Some(b'}' | b']' | b')' | b',') if enclosed => true,
        Some(b'}' | b']' | b')' | b'>' | b',' | b';') => {
            ends(hay.get(at + 1)) || starts_pair(hay, at + 1)
        }
        other => ends(other),
    }
}

/// Whether a bracket opened before `key_start` on its line (within 1 KiB) is still open: the
/// key is inside a structure (`{"password": …`, `Creds(password=…`).
///
/// The line's start is found first, then only its brackets are visited, openers and closers
/// from the end in text order by two `memrchr3` searches: a key late in a long line would
/// otherwise cost a loop over the kilobyte before it.
fn inside_brackets(hay: &[u8], key_start: usize) -> bool {
    let from = key_start.saturating_sub(1024);
    let line = &hay[from..key_start];
    let line = match memchr::memrchr2(b'\n', b'\r', line) {
        Some(newline) => &line[newline + 1..],
        None => line,
    };
    let mut openers = memchr::memrchr3_iter(b'{', b'[', b'(', line).peekable();
    let mut closers = memchr::memrchr3_iter(b'}', b']', b')', line).peekable();
    let mut depth = 0i32;
    while let Some(&opener) = openers.peek() {
        // The nearer bracket first: a closer after the opener counts before it.
        if closers.next_if(|&closer| closer > opener).is_some() {
            depth -= 1;
            continue;
        }
        openers.next();
        depth += 1;
        if depth > 0 {
            return true;
        }
    }
    false
}

/// Whether the key starting at `key_start` is the first thing on its line (a header line,
/// `Name: value`).
fn starts_line(hay: &[u8], key_start: usize) -> bool {
    let mut p = key_start;
    while p > 0 && matches!(hay[p - 1], b' ' | b'\t') {
        p -= 1;
    }
    p == 0
        || matches!(hay[p - 1], b'\n' | b'\r')
        || (p >= 2 && hay[p - 2] == b'\\' && matches!(hay[p - 1], b'n' | b'r'))
}

/// The next line break of the text itself at or after `from` (not an escaped one), or the
/// text's end.
fn raw_line_end(hay: &[u8], from: usize) -> usize {
    let from = from.min(hay.len());
    memchr::memchr2(b'\n', b'\r', &hay[from..]).map_or(hay.len(), |p| from + p)
}

/// Whether `w` is what `Debug` writes before a string: `b` (bytes), `Some(`, `H0(`,
/// `HeaderValue { _private: H0(`: identifiers, each opening a tuple or a struct with one
/// named field, the last a tuple.
fn is_debug_wrapper(w: &[u8]) -> bool {
    if w == b"b" {
        return true;
    }
    let ident = |from: usize| {
        from + w[from..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
            .count()
    };
    let mut i = 0;
    loop {
        let end = ident(i);
        if end == i || !w[i].is_ascii_alphabetic() {
            return false;
        }
        i = end;
        if w.get(i) == Some(&b'(') {
            i += 1;
            if i == w.len() {
                return true;
            }
        } else if w[i..].starts_with(b" { ") {
            let field = ident(i + 3);
            if field == i + 3 || !w[field..].starts_with(b": ") {
                return false;
            }
            i = field + 2;
        } else {
            return false;
        }
    }
}

/// Whether only closers, separators and blanks follow `at` on its line (`")`, `"),`).
fn only_closers_follow(hay: &[u8], at: usize) -> bool {
    hay.get(at..).is_some_and(|rest| {
        rest.iter()
            .take_while(|&&b| !matches!(b, b'\n' | b'\r'))
            .all(|&b| matches!(b, b')' | b'}' | b']' | b',' | b';' | b' ' | b'\t'))
    })
}

/// The value of a header line whose value starts at `i`: the rest of the line, without
/// trailing blanks and one trailing `,` or `;`. When the rest is only an opener (`Some(`,
/// `Credentials {`, `[`: pretty `Debug`), the value is on the next line. `None` when the
/// line ends at once (the next-line rule applies). A structure on the line is taken whole:
/// the key says what it holds.
fn header_line_value(hay: &[u8], i: usize) -> Option<Range<usize>> {
    if line_break_len(hay, i).is_some() || i >= hay.len() {
        return None;
    }
    let end = raw_line_end(hay, i);
    let end = trim_end(hay, i, end);
    let rest = &hay[i..end];
    let opener = rest
        .last()
        .is_some_and(|&b| matches!(b, b'(' | b'{' | b'['))
        && rest[..rest.len() - 1]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b' ' | b':'));
    if opener {
        return next_line_value(hay, end + line_break_len(hay, end)?);
    }
    let end = if end > i + 1 && matches!(hay[end - 1], b',' | b';') {
        end - 1
    } else {
        end
    };
    Some(i..end)
}

/// Whether the key starting at `key_start` is the first thing on a line of the text itself:
/// at its start or after a real line break, not an escaped one.
fn starts_raw_line(hay: &[u8], key_start: usize) -> bool {
    let p = key_start
        - hay[..key_start]
            .iter()
            .rev()
            .take_while(|&&b| matches!(b, b' ' | b'\t'))
            .count();
    p == 0 || matches!(hay[p - 1], b'\n' | b'\r')
}

/// The length of the line break at `i`: `\n`, `\r\n`, `\r`, or one written as an escape
/// (`\n` in `Debug` or JSON output); `None` if there is none.
fn line_break_len(hay: &[u8], i: usize) -> Option<usize> {
    match hay.get(i..)? {
        [b'\r', b'\n', ..] => Some(2),
        [b'\n' | b'\r', ..] => Some(1),
        [b'\\', b'r', b'\\', b'n', ..] => Some(4),
        [b'\\', b'n' | b'r', ..] => Some(2),
        _ => None,
    }
}

/// The value on the line starting at `from`, for a key whose own line ended after its
/// separator. Indentation and trailing blanks are not part of it; a line that is a pair of
/// its own (`user: bob`), a structure (`{`, `[`, `<`, `- item`) or empty is not a value.
fn next_line_value(hay: &[u8], from: usize) -> Option<Range<usize>> {
    let start = skip_blanks(hay, from);
    let first = *hay.get(start)?;
    let list_item = first == b'-' && matches!(hay.get(start + 1), Some(b' ' | b'\t'));
    // A pair of its own with `:` (YAML, a header); `a=b` is a plain scalar there.
    let pair = pair_separator(hay, start) == Some(b':');
    if matches!(first, b'{' | b'[' | b'<' | b'#') || list_item || pair {
        return None;
    }
    let raw = from > 0 && matches!(hay[from - 1], b'\n' | b'\r');
    let end = if raw {
        // After a real line break no string encloses the line: only a line break ends it.
        raw_line_end(hay, start)
    } else {
        line_end(hay, start)
    };
    let end = trim_end(hay, start, end);
    // A quoted scalar that is the whole line (but for closers); else the whole line, quotes
    // and all. No string encloses a raw line, so an escaped quote does not open one.
    if let Some(q) = quote_at(hay, start).filter(|q| !raw || q.escapes == 0) {
        let open = start + q.len();
        let closer = q.len() - usize::from(q.at_sign);
        if let Some(close) = closing_quote(hay, open, q, false, end)
            .filter(|&c| c < end && c > open && only_closers_follow(hay, c + closer))
        {
            return Some(open..close);
        }
    }
    (end > start).then_some(start..end)
}

/// Six bytes or more that are not one lowercase word: `abc123`, `dXNlcjpw`, `Credential=…`.
fn looks_like_credential(word: &[u8]) -> bool {
    word.len() >= 6 && !word.iter().all(u8::is_ascii_lowercase)
}

/// An HTTP authentication scheme word, which is followed by its credential
/// (`Bearer abc`, `Basic dXNlcjpw`, `AWS4-HMAC-SHA256 Credential=…`).
fn is_auth_scheme(word: &[u8]) -> bool {
    const SCHEMES: &[&str] = &[
        "bearer",
        "basic",
        "token",
        "digest",
        "negotiate",
        "ntlm",
        "apikey",
        "api-key",
        "hoba",
        "mutual",
        "dpop",
        "gnap",
        "oauth",
        "sso-key",
        "splunk",
        "klaviyo-api-key",
        // Okta's API tokens.
        "ssws",
    ];
    (word.len() > 4 && word[..5].eq_ignore_ascii_case(b"aws4-"))
        || word.eq_ignore_ascii_case(b"aws")
        || SCHEMES
            .iter()
            .any(|s| word.eq_ignore_ascii_case(s.as_bytes()))
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
    let ty = &hay[at..at + len.min(hay.len() - at)];
    let count = |b: u8| ty.iter().filter(|&&c| c == b).count();
    // A type's brackets are balanced (`Vec<u8>`, `[]byte`); `aaa[a =""` is a value.
    if len > 40 || count(b'[') != count(b']') || count(b'<') != count(b'>') {
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

/// A quote that opens a value, and so says what closes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Quote {
    /// `"`, `'` or `` ` ``.
    byte: u8,
    /// The backslashes in front of the quote byte: its escape depth. `"` is 0; `\"` (JSON
    /// inside a JSON string) 1; `\\"` (that inside a Python bytes repr) 2; and so on.
    escapes: usize,
    /// `"""` or `'''`: closed by the same three, across lines.
    triple: bool,
    /// `@"…"` (C#, Objective-C): a doubled `""` inside is a quote, not the end.
    at_sign: bool,
}

impl Quote {
    /// The length of the opening sequence.
    fn len(self) -> usize {
        usize::from(self.at_sign) + self.escapes + if self.triple { 3 } else { 1 }
    }
}

/// Deeper escaping than this is not read as a quote (it would be a run of backslashes).
const MAX_ESCAPES: usize = 15;

/// The quote at `i`, if any: `"`, `'` or `` ` `` behind any number of backslashes, a triple
/// `"""` or `'''`, and `@"`.
fn quote_at(hay: &[u8], i: usize) -> Option<Quote> {
    let rest = hay.get(i..)?;
    let at_sign = rest.starts_with(b"@\"");
    let from = usize::from(at_sign);
    let escapes = rest[from..]
        .iter()
        .take(MAX_ESCAPES + 1)
        .take_while(|&&b| b == b'\\')
        .count();
    if escapes > MAX_ESCAPES {
        return None;
    }
    let byte = *rest.get(from + escapes)?;
    if !matches!(byte, b'"' | b'\'' | b'`') {
        return None;
    }
    let triple =
        escapes == 0 && !at_sign && byte != b'`' && rest.get(1..3) == Some(&[byte, byte][..]);
    Some(Quote {
        byte,
        escapes,
        triple,
        at_sign,
    })
}

/// The backslashes right before `pos`, counted back no further than `from`.
fn backslashes_before(hay: &[u8], from: usize, pos: usize) -> usize {
    hay[from..pos]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
}

/// The end of a quoted value starting at `start`: the next quote of the same kind at the same
/// escape depth, behind exactly as many backslashes as the opening one. A quote behind more is
/// escaped deeper and part of the value; one behind fewer closes an enclosing string, which
/// the value cannot outlast. A single-line quote does not cross a line break.
///
/// A value ending in a backslash (`"C:\\"`) reads on to the next quote at its depth: its
/// closing quote is written as a bytes repr writes a quote one level deeper (`\\"`, JSON in
/// a JSON string), which must not end a `SecretString`. Ambiguous, so it redacts more.
fn closing_quote(
    hay: &[u8],
    start: usize,
    quote: Quote,
    enclosed: bool,
    bound: usize,
) -> Option<usize> {
    let limit = hay.len().min(bound).min(start.saturating_add(MAX_QUOTED));
    if start >= limit {
        return None;
    }
    if quote.triple {
        let needle = [quote.byte; 3];
        let mut from = start;
        while let Some(offset) = memchr::memmem::find(&hay[from..limit], &needle) {
            let pos = from + offset;
            if backslashes_before(hay, start, pos) == 0 {
                return Some(pos);
            }
            from = pos + 1;
        }
        return None;
    }
    let mut from = start;
    while let Some(offset) = memchr::memchr3(quote.byte, b'\n', b'\r', &hay[from..limit]) {
        let pos = from + offset;
        if hay[pos] != quote.byte {
            return None;
        }
        let run = backslashes_before(hay, start, pos);
        if run < quote.escapes {
            // An enclosing string ends here, and the value with it.
            return Some(pos - run);
        }
        if run == quote.escapes {
            if quote.at_sign && hay.get(pos + 1) == Some(&b'"') {
                from = pos + 2;
                continue;
            }
            // A quote with more value right after it (`password=''&a'&` in logfmt, which
            // does not quote `'`) closes nothing: read on.
            if closes_value(hay, pos + 1, quote.byte, enclosed) {
                return Some(pos - run);
            }
        }
        from = pos + 1;
    }
    None
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
        if ends_line(hay, i, e, &mut in_param) {
            return e;
        }
        e += 1;
    }
    e
}

/// Whether the byte at `e` ends the line of a value that starts at `i`, for [`line_end`] and
/// [`before_next_key`]. `in_param` tracks a `="…"` parameter inside the value.
fn ends_line(hay: &[u8], i: usize, e: usize, in_param: &mut bool) -> bool {
    match hay[e] {
        b'\n' | b'\r' => true,
        b'"' if *in_param => {
            *in_param = false;
            false
        }
        b'"' if e > i && hay[e - 1] == b'=' => {
            *in_param = true;
            false
        }
        b'"' => true,
        b'\\' => matches!(hay.get(e + 1), Some(b'n' | b'r' | b'"')),
        _ => false,
    }
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

/// Only blanks and escaped line breaks (`\n      ` between XML elements in `Debug` output,
/// `\\n` in that written as JSON).
fn is_blank_or_escaped_blank(mut value: &[u8]) -> bool {
    loop {
        match value {
            [] => return true,
            [b' ' | b'\t' | b'\r' | b'\n', rest @ ..] => value = rest,
            // An escaped line break at any depth (`\\n`, `\\\\n` in JSON of `Debug`).
            [b'\\', ..] => {
                let run = value.iter().take_while(|&&b| b == b'\\').count();
                match value.get(run) {
                    Some(b'n' | b'r' | b't') => value = &value[run + 1..],
                    _ => return false,
                }
            }
            _ => return false,
        }
    }
}

/// Values that are not secrets but stand-ins for one: environment references, templates,
/// masks, other redactors' markers and our own (which keeps redaction idempotent).
///
/// The whole value must have the stand-in's shape: `$VAR` is a stand-in, `$uperS3cret!` and a
/// `$2b$12$…` bcrypt hash are not; `***` is, `***hunter2` is not.
pub(crate) fn is_placeholder(value: &[u8], own: Option<&Replacement>) -> bool {
    if value.is_empty() || is_blank_or_escaped_blank(value) {
        return true;
    }
    if own.is_some_and(|r| r.produced(crate::rules::SecretForm::Opaque, value)) {
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
        || only_markers(value)
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

/// Our markers and punctuation between them, nothing else (`[REDACTED:aws-signature]/[REDACTED]`
/// on a second pass): what is left of a value already redacted.
fn only_markers(value: &[u8]) -> bool {
    let mut rest = value;
    let mut markers = 0;
    while let Some(&b) = rest.first() {
        if b == b'[' && rest.starts_with(b"[REDACTED") {
            let Some(close) = rest.iter().position(|&c| c == b']') else {
                return false;
            };
            if rest[1..close].iter().any(|c| matches!(c, b'[' | b' ')) {
                return false;
            }
            markers += 1;
            rest = &rest[close + 1..];
        } else if b.is_ascii_punctuation() {
            rest = &rest[1..];
        } else {
            return false;
        }
    }
    markers > 0
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

    /// `inside_brackets` one byte at a time from the key back: the reference.
    fn inside_brackets_by_hand(hay: &[u8], key_start: usize) -> bool {
        let mut depth = 0i32;
        for &b in hay[key_start.saturating_sub(1024)..key_start].iter().rev() {
            match b {
                b'\n' | b'\r' => break,
                b'}' | b']' | b')' => depth -= 1,
                b'{' | b'[' | b'(' => {
                    depth += 1;
                    if depth > 0 {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }

    #[test]
    fn inside_brackets_agrees_with_a_byte_by_byte_walk() {
        let mut rng = crate::test_rng::XorShift(0x6A09_E667_F3BC_C908);
        let alphabet = b"{}[]()aaaaaaaa  \n\r";
        let (mut inside, mut outside) = (0, 0);
        for round in 0..3_000 {
            let len = if round % 10 == 0 {
                900 + (rng.next() % 400) as usize
            } else {
                (rng.next() % 80) as usize
            };
            // Brackets are rare in some texts and everywhere in others; one text in three
            // is one line, so the walk can run its whole kilobyte.
            let sparse = rng.next() % 2 == 0;
            let kinds = if rng.next() % 3 == 0 {
                alphabet.len() - 2
            } else {
                alphabet.len()
            };
            let hay: Vec<u8> = (0..len)
                .map(|_| {
                    let pick = (rng.next() >> 8) as usize;
                    if sparse && pick % 8 != 0 {
                        b'a'
                    } else {
                        alphabet[pick % kinds]
                    }
                })
                .collect();
            for key_start in 0..=hay.len() {
                let want = inside_brackets_by_hand(&hay, key_start);
                assert_eq!(
                    inside_brackets(&hay, key_start),
                    want,
                    "{:?} at {key_start}",
                    String::from_utf8_lossy(&hay)
                );
                if want {
                    inside += 1;
                } else {
                    outside += 1;
                }
            }
        }
        assert!(inside > 10_000 && outside > 10_000, "{inside} {outside}");
        // The walk reads a kilobyte back, no more and no less.
        let far = [b"{".as_slice(), &[b'a'; 1024]].concat();
        assert!(
            inside_brackets(&far, 1024),
            "an opener 1,024 bytes back counts"
        );
        assert!(
            !inside_brackets(&far, 1025),
            "one 1,025 bytes back does not"
        );
    }

    fn parse(text: &str, key: &str) -> Option<(String, bool)> {
        let at = text.find(key)?;
        let k = key_around(text.as_bytes(), at..at + key.len());
        let eol = key.eq_ignore_ascii_case("authorization");
        value_after(text.as_bytes(), k, eol, false).map(|kv| (text[kv.value].to_string(), kv.prose))
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
        assert!(is_placeholder(b"[REDACTED:aws-signature]/[REDACTED]", None));
        assert!(is_placeholder(b"###", Some(&Replacement::fixed("###"))));
        for secret in [
            "$uperS3cret!",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "***hunter2",
            "{{hunter2}}x",
            "<<hunter2>>",
            "[REDACTED] hunter2",
            "** redacted ** hunter2",
            "[REDACTED:jwt]/hunter2",
        ] {
            assert!(!is_placeholder(secret.as_bytes(), None), "{secret}");
        }
        assert!(
            !is_placeholder(b"x", Some(&Replacement::fixed(""))),
            "an empty fixed text stands for nothing"
        );
        assert!(!is_placeholder(
            b"***hunter2",
            Some(&Replacement::fixed("***"))
        ));
        for marker in [
            "** redacted **",
            "** redacted (length=224) **,",
            "*** Sensitive Data Redacted ***",
        ] {
            assert!(is_placeholder(marker.as_bytes(), None), "{marker}");
        }
    }
}
