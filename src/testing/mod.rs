//! Helpers for testing that your own subscriber stack leaks nothing.
//!
//! * [`Captured`]: a [`MakeWriter`] that keeps everything written, to read back in a test.
//! * [`find_leak`] and [`assert_no_leak`]: whether any part of a secret survived in output,
//!   by the window rule the crate's own tests use.
//! * [`context`]: a secret placed in one of the contexts logs put secrets in (JSON, escaped
//!   JSON, header lines, URLs, key=value, `Debug` structs), for fuzzers and property tests.
//! * [`strategies`] (with the `proptest` feature): secrets of every family in their real
//!   shapes, planted in the contexts logs put them in, for property tests of your own stack.
//!
//! ```
//! use tracing_redact::testing::{assert_no_leak, Captured};
//! use tracing_subscriber::prelude::*;
//!
//! let out = Captured::default();
//! let subscriber = tracing_subscriber::registry()
//!     .with(tracing_redact::fmt::json_layer().map_inner(|l| l.with_writer(out.clone())));
//! let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
//! tracing::subscriber::with_default(subscriber, || {
//!     tracing::debug!(body = %format!("<SecretAccessKey>{secret}</SecretAccessKey>"));
//! });
//! assert_no_leak(&out.text(), &[secret]);
//! ```

#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;

/// Runs the engine's hand-written matchers and the regexes they replace over `text`, and
/// describes the first place where they disagree, if any.
///
/// The engine answers the searches that run most often (AWS key ids, session tokens, SigV4
/// headers, signatures, presigned URLs, JWTs, GitHub and Slack tokens, URL passwords) with
/// hand-written code instead of the rule's regex; this is the check that they are the same.
/// The crate's unit tests run it on generated text, the `hand_matchers` fuzz target on
/// arbitrary bytes.
/// Costs one anchored regex search per position of `text` and rule: meant for tests.
///
/// ```
/// use tracing_redact::testing::hand_matcher_disagreement;
///
/// let text = b"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261124/us-east-1/s3/aws4_request, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";
/// assert_eq!(hand_matcher_disagreement(text), None);
/// ```
pub fn hand_matcher_disagreement(text: &[u8]) -> Option<String> {
    crate::rules::hand_check::CHECKS
        .iter()
        .find_map(|check| check.compare(text).err())
}

use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use tracing_subscriber::fmt::MakeWriter;

/// A [`MakeWriter`] writing into shared memory; clones share the buffer.
///
/// ```
/// use std::io::Write;
/// use tracing_subscriber::fmt::MakeWriter;
///
/// let out = tracing_redact::testing::Captured::default();
/// out.make_writer().write_all(b"one\ntwo\n")?;
/// assert_eq!(out.lines(), ["one", "two"]);
/// out.clear();
/// assert_eq!(out.text(), "");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Captured {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl Captured {
    /// Everything written so far, as text (invalid UTF-8 replaced by U+FFFD).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes()).into_owned()
    }

    /// Everything written so far, as bytes.
    pub fn bytes(&self) -> Vec<u8> {
        self.buffer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The written text split into lines.
    pub fn lines(&self) -> Vec<String> {
        self.text().lines().map(str::to_owned).collect()
    }

    /// Forgets everything written so far.
    pub fn clear(&self) {
        self.buffer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// The writer [`Captured`] hands out.
#[derive(Debug)]
pub struct CapturedWriter {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl io::Write for CapturedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = CapturedWriter;

    fn make_writer(&'a self) -> CapturedWriter {
        CapturedWriter {
            buffer: Arc::clone(&self.buffer),
        }
    }
}

/// The number of forms [`context`] knows.
pub const CONTEXT_FORMS: usize = 7;

/// Places `secret` in one of [`CONTEXT_FORMS`] contexts: in prose between `left` and
/// `right`, a JSON value, a header line, a URL query, key=value, a Rust `Debug` struct, and
/// JSON escaped inside a JSON string.
pub fn context(secret: &str, form: usize, left: &str, right: &str) -> String {
    match form % CONTEXT_FORMS {
        0 => format!("{left} {secret} {right}"),
        1 => format!(r#"{{"msg":{left:?},"value":"{secret}","n":1}}"#),
        2 => format!("{left}\r\nX-Debug-Value: {secret}\r\nHost: example.com"),
        3 => format!("GET https://example.com/p?a=1&v={secret}&b=2 {right}"),
        4 => format!("{left} value={secret} other=1"),
        5 => format!("Response {{ body: \"{secret}\", status: 200 }}"),
        _ => format!(r#"{{"log":"{{\"value\":\"{secret}\",\"n\":1}}"}}"#),
    }
}

/// Completes `body` (ASCII digits) with its Luhn check digit: `luhn_complete("411111111111111")`
/// is a valid test card number. Non-digits make it return `None`.
///
/// ```
/// assert_eq!(
///     tracing_redact::testing::luhn_complete("411111111111111").as_deref(),
///     Some("4111111111111111")
/// );
/// ```
pub fn luhn_complete(body: &str) -> Option<String> {
    if !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0');
            match (i % 2 == 0, v * 2) {
                (true, doubled) if doubled > 9 => doubled - 9,
                (true, doubled) => doubled,
                (false, _) => v,
            }
        })
        .sum();
    Some(format!("{body}{}", (10 - sum % 10) % 10))
}

/// Whether a 40-character string has the documented shape of a *bare* AWS secret access key,
/// the one the `aws-secret-access-key-bare` rule redacts without any key name around it:
/// base64 characters with upper case, lower case and digits, at most three `/` (none leading,
/// none doubled: those are paths), and at least 4.2 bits of entropy per character.
///
/// ```
/// use tracing_redact::testing::is_documented_bare_secret_key;
///
/// assert!(is_documented_bare_secret_key("q3Zr8Lx0Vt7Wn2Kb9Hs4Yd6Fg1Jm5Pc+Ra/Te8Uw"));
/// // The documentation example repeats too many letters to pass for random when bare.
/// assert!(!is_documented_bare_secret_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"));
/// assert!(!is_documented_bare_secret_key("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
/// ```
pub fn is_documented_bare_secret_key(key: &str) -> bool {
    let b = key.as_bytes();
    b.len() == 40
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/'))
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().filter(|&&c| c == b'/').count() <= 3
        && !key.contains("//")
        && !key.starts_with('/')
        && crate::util::checksum::shannon_entropy(b) >= 4.2
}

/// Standard base64 without padding, for generated tokens that embed an encoded value.
#[cfg(any(test, feature = "proptest"))]
pub(crate) fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(TABLE[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The window length of the leak rule: a secret leaks if any run of this many consecutive
/// bytes of it (all of it, if shorter) appears in the output.
///
/// Eight bytes is short enough to catch a partly masked or truncated secret and long enough
/// that noise rarely matches by chance (which would be a false alarm, not a missed leak).
pub const LEAK_WINDOW: usize = 8;

/// Returns the first window of a secret found in `output`, as `(secret, window)`.
///
/// Text inside this crate's markers (`[REDACTED…]`) does not count: a rule id may share
/// bytes with the prefix of the tokens it redacts (`rubygems-api-key` and `rubygems_…`).
///
/// ```
/// use tracing_redact::testing::find_leak;
///
/// assert_eq!(find_leak("key=[REDACTED]", &["hunter2hunter2"]), None);
/// assert_eq!(find_leak("[REDACTED:rubygems-api-key]", &["rubygems_0a1b2c3d"]), None);
/// assert_eq!(find_leak("name=山田太郎", &["山田太郎"]), Some(("山田太郎", "山田太")));
/// assert_eq!(
///     find_leak("key=hunter2h***", &["hunter2hunter2"]),
///     Some(("hunter2hunter2", "hunter2h"))
/// );
/// ```
pub fn find_leak<'s>(output: &str, secrets: &[&'s str]) -> Option<(&'s str, &'s str)> {
    // The output with each marker cut out (a NUL in its place, which no window holds).
    let mut unmarked = String::with_capacity(output.len());
    let mut rest = output;
    while let Some(at) = rest.find("[REDACTED") {
        unmarked.push_str(&rest[..at]);
        unmarked.push('\0');
        // An unclosed marker hides nothing after its opening.
        rest = match rest[at..].find(']') {
            Some(end) => &rest[at + end + 1..],
            None => &rest[at + "[REDACTED".len()..],
        };
    }
    unmarked.push_str(rest);
    let output = unmarked.as_str();
    secrets.iter().find_map(|secret| {
        if secret.is_empty() {
            return None;
        }
        // Windows of whole characters covering at least LEAK_WINDOW bytes (all of the secret
        // if it is shorter), so secrets in multi-byte scripts are checked too.
        let starts: Vec<usize> = secret.char_indices().map(|(i, _)| i).collect();
        starts
            .iter()
            .filter_map(|&from| {
                let end = secret[from..]
                    .char_indices()
                    .map(|(i, c)| from + i + c.len_utf8())
                    .find(|&end| end - from >= LEAK_WINDOW)?;
                Some(&secret[from..end])
            })
            .chain((secret.len() < LEAK_WINDOW).then_some(*secret))
            .find(|window| output.contains(window))
            .map(|window| (*secret, window))
    })
}

/// Panics with the leaked window and the output if any window of a secret appears in
/// `output` (see [`find_leak`]).
///
/// # Panics
///
/// When a secret leaks; that is its purpose.
#[track_caller]
pub fn assert_no_leak(output: &str, secrets: &[&str]) {
    if let Some((secret, window)) = find_leak(output, secrets) {
        panic!("secret {secret:?} leaked (window {window:?}) in output:\n{output}");
    }
}
