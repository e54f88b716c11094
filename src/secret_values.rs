//! Known secret values: exact strings the program holds at run time (a database password from
//! the environment, an API key from a vault), redacted wherever they appear, in the encodings
//! they are logged in.
//!
//! # Forms
//!
//! [`RedactorBuilder::secret_value`](crate::RedactorBuilder::secret_value) turns each value
//! into the literals below, and the engine looks for them with a skipping search of their own
//! (Wu–Manber's block shift, `util::long_literals`): the forms are long, so it reads about
//! one window end per 20 bytes instead of adding passes to the SIMD keyword search.
//! Forms that come out the same are looked for once: an alphanumeric value has 6 to 9 (as
//! it is, hex twice, base64 three times, base64url where it differs), one with every kind of
//! byte up to 15.
//!
//! | form | of `p@ss/wörd` |
//! |---|---|
//! | as it is | `p@ss/wörd` |
//! | JSON-escaped as serde_json writes it (`\"`, `\\`, `\b` `\f` `\n` `\r` `\t`, `\u00xx`) | the same here |
//! | JSON-escaped with non-ASCII as `\uxxxx`, as Python's `json.dumps` writes it | `p@ss/w\u00f6rd` |
//! | percent-encoded (all but `A-Za-z0-9-._~`), hex digits upper and lower case | `p%40ss%2Fw%C3%B6rd` |
//! | percent-encoded keeping `/` (Python's `quote`), and with `+` for a space (form bodies) | `p%40ss/w%C3%B6rd` |
//! | hex, lower and upper case | `704073732f77…` |
//! | base64 and base64url, at each of the three byte offsets it can sit at inside a longer encoded text | the characters that encode the value's bytes alone |
//!
//! A base64 form leaves out the one or two characters at each end that also encode a
//! neighbour's bits, so it is found inside any base64 text that holds the value; those edge
//! characters carry at most 12 bits of the value between them.
//!
//! # Memory
//!
//! The builder and the engine hold values and forms in buffers that are overwritten with zeros
//! when dropped ([`zeroize`]), the searcher included. The process environment keeps its own
//! copy for [`secret_values_from_env`](crate::RedactorBuilder::secret_values_from_env). None of this
//! is printed: `Debug` of the builder and the redactor shows how many values there are,
//! errors name the environment variable, never its value.

use zeroize::Zeroizing;

/// The shortest value accepted: shorter ones would match ordinary text.
pub(crate) const MIN_SECRET_VALUE_LEN: usize = 6;

/// The rule id of findings of known values, and the name `replacement_for` takes.
pub(crate) const SECRET_VALUE_RULE: &str = "secret-value";

/// The literals to look for: every form of `value` (see the module docs), each at least
/// [`MIN_SECRET_VALUE_LEN`] bytes, without repeats.
pub(crate) fn forms(value: &str) -> Vec<Zeroizing<String>> {
    let bytes = value.as_bytes();
    let mut out: Vec<Zeroizing<String>> = Vec::new();
    let mut push = |form: Zeroizing<String>| {
        if form.len() >= MIN_SECRET_VALUE_LEN && !out.iter().any(|f| **f == *form) {
            out.push(form);
        }
    };
    push(Zeroizing::new(value.to_owned()));
    push(json_escaped(value, false));
    push(json_escaped(value, true));
    for (digits, keep_slash, space_plus) in [
        (HEX_UPPER, false, false),
        (HEX_LOWER, false, false),
        // Python's `quote` keeps `/`; form bodies (`quote_plus`, `URLSearchParams`) write
        // a space as `+`.
        (HEX_UPPER, true, false),
        (HEX_UPPER, false, true),
    ] {
        push(percent_encoded(bytes, digits, keep_slash, space_plus));
    }
    push(hex(bytes, HEX_LOWER));
    push(hex(bytes, HEX_UPPER));
    for alphabet in [STANDARD, URL_SAFE] {
        for offset in 0..3 {
            push(base64_core(bytes, offset, alphabet));
        }
    }
    out
}

/// JSON string contents as serde_json writes them (`\"`, `\\`, `\b` `\f` `\n` `\r` `\t`, other
/// control characters as `\u00xx`); with `ascii_only`, every non-ASCII character as `\uxxxx`
/// (UTF-16, lower-case hex) too, as Python's `json.dumps` writes it by default.
fn json_escaped(value: &str, ascii_only: bool) -> Zeroizing<String> {
    // Room for the longest escape of every character: a reallocation would leave a copy.
    let mut out = Zeroizing::new(String::with_capacity(value.len() * 12));
    let unit = |out: &mut String, code: u16| {
        out.push_str("\\u");
        for shift in [12, 8, 4, 0] {
            out.push(char::from(HEX_LOWER[usize::from(code >> shift & 15)]));
        }
    };
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 || (ascii_only && !c.is_ascii()) => {
                let mut units = [0u16; 2];
                for &code in c.encode_utf16(&mut units).iter() {
                    unit(&mut out, code);
                }
            }
            c => out.push(c),
        }
    }
    out
}

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

fn percent_encoded(
    bytes: &[u8],
    digits: &[u8; 16],
    keep_slash: bool,
    space_plus: bool,
) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(bytes.len() * 3));
    for &b in bytes {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(char::from(b));
        } else if space_plus && b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(digits[usize::from(b >> 4)]));
            out.push(char::from(digits[usize::from(b & 15)]));
        }
    }
    out
}

fn hex(bytes: &[u8], digits: &[u8; 16]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(bytes.len() * 2));
    for &b in bytes {
        out.push(char::from(digits[usize::from(b >> 4)]));
        out.push(char::from(digits[usize::from(b & 15)]));
    }
    out
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The base64 characters that encode only `bytes`, when they sit `offset` bytes (0–2) into a
/// group of three: the encoding of `offset` zero bytes then `bytes`, without the characters
/// whose six bits reach into the zero bytes or past the end.
fn base64_core(bytes: &[u8], offset: usize, alphabet: &[u8; 64]) -> Zeroizing<String> {
    let mut padded = Zeroizing::new(vec![0u8; offset]);
    padded.extend_from_slice(bytes);
    let bits = padded.len() * 8;
    // Character i holds bits 6i..6i+6: keep those from bit 8·offset to the end.
    let first = (8 * offset).div_ceil(6);
    let last = bits / 6;
    let mut out = Zeroizing::new(String::with_capacity(last.saturating_sub(first)));
    for i in first..last {
        let bit = 6 * i;
        let (byte, shift) = (bit / 8, bit % 8);
        let pair = u16::from(padded[byte]) << 8 | u16::from(*padded.get(byte + 1).unwrap_or(&0));
        let sextet = (pair >> (10 - shift)) & 0x3f;
        out.push(char::from(alphabet[usize::from(sextet)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain base64 of `bytes`, the reference for the cores.
    fn base64(bytes: &[u8], alphabet: &[u8; 64]) -> String {
        let standard = crate::testing::base64(bytes);
        if alphabet == URL_SAFE {
            standard.replace('+', "-").replace('/', "_")
        } else {
            standard
        }
    }

    /// Every core is inside the base64 of the value with any neighbours, at its offset.
    #[test]
    fn base64_cores_are_inside_every_encoding_that_holds_the_value() {
        let mut rng = crate::test_rng::XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2_000 {
            let len = 1 + (rng.next() % 40) as usize;
            let value: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            for before in 0..6 {
                let after = (rng.next() % 4) as usize;
                let mut text: Vec<u8> = (0..before).map(|_| rng.next() as u8).collect();
                text.extend_from_slice(&value);
                text.extend((0..after).map(|_| rng.next() as u8));
                for alphabet in [STANDARD, URL_SAFE] {
                    let core = base64_core(&value, before % 3, alphabet);
                    let core = core.as_str();
                    let encoded = base64(&text, alphabet);
                    assert!(encoded.contains(core), "{core} not in {encoded}");
                    // The core is all of the value's bits but at most 12.
                    assert!(
                        core.len() * 6 + 12 >= value.len() * 8,
                        "{core} for {len} bytes"
                    );
                }
            }
        }
    }

    #[test]
    fn forms_of_a_value() {
        let found: Vec<String> = forms("p@ss/w\u{f6}rd\"")
            .iter()
            .map(|f| f.as_str().to_owned())
            .collect();
        for want in [
            "p@ss/w\u{f6}rd\"",
            "p@ss/w\u{f6}rd\\\"",
            "p%40ss%2Fw%C3%B6rd%22",
            "p%40ss%2fw%c3%b6rd%22",
            "704073732f77c3b6726422",
            "704073732F77C3B6726422",
            "cEBzcy93w7ZyZC",
        ] {
            assert!(found.contains(&want.to_string()), "{want} not in {found:?}");
        }
        // Short forms (the cores of a short value) are left out; so are repeats.
        let short = forms("abcdef");
        assert!(short.iter().all(|f| f.len() >= MIN_SECRET_VALUE_LEN));
        let unique: std::collections::HashSet<&str> = short.iter().map(|f| f.as_str()).collect();
        assert_eq!(unique.len(), short.len());
    }
}
