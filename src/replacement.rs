//! What a redacted secret is replaced with.

use std::fmt;
use std::sync::Arc;

/// The text written in place of a secret.
///
/// | variant | output for an access key id | cost |
/// |---|---|---|
/// | [`Replacement::Label`] (default) | `[REDACTED:aws-access-key-id]` | a copy of the rule id |
/// | [`Replacement::fixed`] | whatever text you give | a copy |
/// | [`Replacement::mask`] | `AKIA****************` with `mask(4, 0)` | one pass over the secret |
/// | [`Replacement::keyed_hash`] | `[REDACTED:aws-access-key-id:5c1f0e9a2b7d]` | one keyed BLAKE3 of the secret |
///
/// A keyed hash lets equal secrets correlate across lines ("the same token was used by both
/// requests") without being recoverable: without the key, the tag is a pseudorandom function
/// of the secret, so it cannot be brute-forced from a dictionary of likely passwords.
///
/// ```
/// use tracing_redact::{Redactor, Replacement};
///
/// let redactor = Redactor::builder()
///     .replacement(Replacement::keyed_hash([7u8; 32]))
///     .build()
///     .unwrap();
/// let a = redactor.redact("password=hunter2");
/// let b = redactor.redact("retry with password=hunter2");
/// let tag = &a[a.find('[').unwrap()..];
/// assert!(b.ends_with(tag));
/// assert!(!a.contains("hunter2"));
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Replacement {
    /// `[REDACTED:<rule-id>]`.
    #[default]
    Label,
    /// A fixed text for every secret.
    Fixed(Arc<str>),
    /// Keep some leading and trailing characters, replace the rest with `*` (one per character).
    ///
    /// Payment cards always keep exactly their last four digits (and separators), whatever the
    /// counts. When the kept characters would be more than a quarter of the secret, everything is
    /// masked: a mask must never reveal most of a short secret.
    Mask {
        /// Characters kept at the start.
        keep_leading: usize,
        /// Characters kept at the end.
        keep_trailing: usize,
    },
    /// `[REDACTED:<rule-id>:<12 hex digits of keyed BLAKE3>]`.
    KeyedHash(Arc<[u8; 32]>),
}

impl Replacement {
    /// A fixed replacement text.
    ///
    /// ```
    /// let r = tracing_redact::Redactor::builder()
    ///     .replacement(tracing_redact::Replacement::fixed("***"))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(r.redact("password=hunter2"), "password=***");
    /// ```
    pub fn fixed(text: impl Into<Arc<str>>) -> Self {
        Replacement::Fixed(text.into())
    }

    /// A partial mask keeping `leading` and `trailing` characters.
    ///
    /// ```
    /// let r = tracing_redact::Redactor::builder()
    ///     .replacement(tracing_redact::Replacement::mask(4, 0))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(r.redact("id AKIAIOSFODNN7EXAMPLE"), "id AKIA****************");
    /// assert_eq!(r.redact("card 4111 1111 1111 1111"), "card **** **** **** 1111");
    /// ```
    pub fn mask(leading: usize, trailing: usize) -> Self {
        Replacement::Mask {
            keep_leading: leading,
            keep_trailing: trailing,
        }
    }

    /// A keyed-hash tag with the given 32-byte key. Keep the key secret, and the same across
    /// processes whose logs you want to correlate.
    pub fn keyed_hash(key: [u8; 32]) -> Self {
        Replacement::KeyedHash(Arc::new(key))
    }

    /// A keyed-hash tag with a key drawn from the operating system's random source when this
    /// is called. Tags correlate within one process only.
    ///
    /// Fails only if the operating system has no random source.
    pub fn keyed_hash_random() -> Result<Self, crate::Error> {
        let mut key = [0u8; 32];
        getrandom::getrandom(&mut key).map_err(|e| crate::Error::InvalidRule {
            rule: "keyed-hash".into(),
            reason: format!("no random source for the hashing key: {e}"),
        })?;
        Ok(Replacement::keyed_hash(key))
    }

    pub(crate) fn fixed_text(&self) -> Option<&[u8]> {
        match self {
            Replacement::Fixed(t) => Some(t.as_bytes()),
            _ => None,
        }
    }

    /// Appends the replacement for `secret`, found by `rule`, to `out`.
    pub(crate) fn write(&self, rule: &str, secret: &[u8], out: &mut Vec<u8>) {
        match self {
            Replacement::Label => {
                out.extend_from_slice(b"[REDACTED:");
                out.extend_from_slice(rule.as_bytes());
                out.push(b']');
            }
            Replacement::Fixed(text) => out.extend_from_slice(text.as_bytes()),
            Replacement::Mask {
                keep_leading,
                keep_trailing,
            } => {
                if rule == "payment-card" {
                    mask_card(secret, out);
                } else {
                    mask(secret, *keep_leading, *keep_trailing, out);
                }
            }
            Replacement::KeyedHash(key) => {
                let hash = blake3::keyed_hash(key, secret);
                out.extend_from_slice(b"[REDACTED:");
                out.extend_from_slice(rule.as_bytes());
                out.push(b':');
                for byte in &hash.as_bytes()[..6] {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push(HEX[usize::from(byte >> 4)]);
                    out.push(HEX[usize::from(byte & 0xf)]);
                }
                out.push(b']');
            }
        }
    }
}

fn mask(secret: &[u8], leading: usize, trailing: usize, out: &mut Vec<u8>) {
    let text = String::from_utf8_lossy(secret);
    let chars = text.chars().count();
    let kept = leading.saturating_add(trailing);
    let (leading, trailing) = if kept.saturating_mul(4) > chars {
        (0, 0)
    } else {
        (leading, trailing)
    };
    for (i, c) in text.chars().enumerate() {
        if i < leading || i >= chars - trailing {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        } else {
            out.push(b'*');
        }
    }
}

fn mask_card(secret: &[u8], out: &mut Vec<u8>) {
    let digits = secret.iter().filter(|b| b.is_ascii_digit()).count();
    let mut seen = 0;
    for &b in secret {
        if b.is_ascii_digit() {
            seen += 1;
            out.push(if seen + 4 > digits { b } else { b'*' });
        } else {
            out.push(b);
        }
    }
}

impl fmt::Debug for Replacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Replacement::Label => f.write_str("Label"),
            Replacement::Fixed(t) => f.debug_tuple("Fixed").field(t).finish(),
            Replacement::Mask {
                keep_leading,
                keep_trailing,
            } => f
                .debug_struct("Mask")
                .field("keep_leading", keep_leading)
                .field("keep_trailing", keep_trailing)
                .finish(),
            // Never print the key.
            Replacement::KeyedHash(_) => f.write_str("KeyedHash(..)"),
        }
    }
}
