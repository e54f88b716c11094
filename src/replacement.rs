//! What a redacted secret is replaced with.

use crate::rules::SecretForm;
use std::fmt;
use std::sync::Arc;

/// The text written in place of a secret.
///
/// | variant | output for an access key id | cost |
/// |---|---|---|
/// | [`Replacement::Label`] (default) | `[REDACTED:aws-access-key-id]` | a copy of the rule id |
/// | [`Replacement::fixed`] | whatever text you give | a copy |
/// | [`Replacement::mask`] | `AKIA****************` with `mask(4, 0)` | one pass over the secret |
/// | [`Replacement::Mask`] with a [`Mask`] | `AKIA############` with `Mask::keep(4, 0).fill('#').fixed_len(12)` | one pass over the secret |
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
    /// The secret with most of its characters replaced: see [`Mask`].
    Mask(Mask),
    /// `[REDACTED:<rule-id>:<12 hex digits of keyed BLAKE3>]`.
    KeyedHash(Arc<[u8; 32]>),
}

/// How a [`Replacement::Mask`] hides a secret: which characters it keeps, what it writes in
/// place of the others, and how many.
///
/// * **Kept characters.** [`keep`](Mask::keep) keeps some leading and trailing characters.
///   When they would be more than a quarter of the secret, everything is masked: a mask
///   must never reveal most of a short secret.
/// * **Payment cards** keep their last four digits and their separators, whatever the counts.
///   With [`keep_card_bin`](Mask::keep_card_bin) they also keep their first six digits (the
///   issuer's number), the most PCI DSS allows to be shown, when at least five digits stay
///   hidden (cards of 15 digits or more).
/// * **E-mail addresses** keep their domain with [`keep_email_domain`](Mask::keep_email_domain)
///   (`****@example.com`); the counts then apply to the local part.
/// * **The fill.** One [`fill`](Mask::fill) character (`*` by default) per hidden
///   character, or exactly [`fixed_len`](Mask::fixed_len) of them, which hides the secret's
///   length.
///
/// ```
/// use tracing_redact::{Mask, Redactor};
///
/// let redactor = Redactor::builder()
///     .replacement(Mask::keep(4, 0).fill('#').fixed_len(12))
///     .replacement_for("payment-card", Mask::keep(0, 4).keep_card_bin())
///     .replacement_for("email", Mask::all().fixed_len(4).keep_email_domain())
///     .build()?;
/// assert_eq!(redactor.redact("id AKIAIOSFODNN7EXAMPLE"), "id AKIA############");
/// assert_eq!(redactor.redact("card 4111 1111 1111 1111"), "card 4111 11** **** 1111");
/// assert_eq!(redactor.redact("to jane.doe@example.com"), "to ****@example.com");
/// # Ok::<(), tracing_redact::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mask {
    keep_leading: usize,
    keep_trailing: usize,
    fill: char,
    fixed_len: Option<usize>,
    card_bin: bool,
    email_domain: bool,
}

/// The longest [`Mask::fixed_len`]: a mask is a stand-in, not a padding.
pub const MAX_MASK_LEN: usize = 64;

impl Mask {
    /// Every character hidden, one `*` each.
    pub fn all() -> Self {
        Mask::keep(0, 0)
    }

    /// Keeps `leading` and `trailing` characters, hides the rest with one `*` each.
    pub fn keep(leading: usize, trailing: usize) -> Self {
        Mask {
            keep_leading: leading,
            keep_trailing: trailing,
            fill: '*',
            fixed_len: None,
            card_bin: false,
            email_domain: false,
        }
    }

    /// Writes `c` in place of hidden characters: one of [`MASK_FILLS`] (`*` by default, `#`,
    /// `•`, `█`, …). [`build`](crate::RedactorBuilder::build) refuses the rest: letters and
    /// digits and most punctuation are read by rules as parts of tokens and values (masked
    /// output would be found again), and blanks, control, format and invisible characters
    /// would change how the line reads.
    pub fn fill(mut self, c: char) -> Self {
        self.fill = c;
        self
    }

    /// Writes exactly `len` fill characters in place of the hidden ones, however many there
    /// are, so the mask does not reveal the secret's length. `len` must be 1 to
    /// [`MAX_MASK_LEN`], and at least three times the kept characters, so the output keeps
    /// at most a quarter ([`build`](crate::RedactorBuilder::build) checks).
    pub fn fixed_len(mut self, len: usize) -> Self {
        self.fixed_len = Some(len);
        self
    }

    /// Payment cards also keep their first six digits.
    pub fn keep_card_bin(mut self) -> Self {
        self.card_bin = true;
        self
    }

    /// E-mail addresses keep `@` and their domain.
    pub fn keep_email_domain(mut self) -> Self {
        self.email_domain = true;
        self
    }

    /// Whether masking `value` (a secret of `form`) gives `value` back: then keeping it shows
    /// exactly what masking it would, and it is our own output met again (on the fixed
    /// point's next pass, or logged twice).
    fn produced(&self, form: SecretForm, value: &[u8]) -> bool {
        let mut again = Vec::with_capacity(value.len());
        self.write(form, value, &mut again);
        again == value
    }

    /// Why this mask cannot be used, if it cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        if !fill_allowed(self.fill) {
            return Err(format!(
                "mask fill {:?} is not allowed: use one of {}",
                self.fill,
                MASK_FILLS.iter().collect::<String>()
            ));
        }
        let kept = self.keep_leading.saturating_add(self.keep_trailing);
        match self.fixed_len {
            Some(len) if len == 0 || len > MAX_MASK_LEN => Err(format!(
                "mask length {len} is not between 1 and {MAX_MASK_LEN}"
            )),
            // The output itself must keep at most a quarter: else masking it again (the
            // fixed point's next pass) would take the kept characters away.
            Some(len) if len < kept.saturating_mul(3) => Err(format!(
                "mask length {len} is shorter than three times the {kept} kept characters"
            )),
            _ => Ok(()),
        }
    }

    fn write(&self, form: SecretForm, secret: &[u8], out: &mut Vec<u8>) {
        let text = String::from_utf8_lossy(secret);
        match form {
            SecretForm::PaymentCard => self.write_card(&text, out),
            SecretForm::Email if self.email_domain => match text.rfind('@') {
                Some(at) => {
                    self.write_plain(&text[..at], out);
                    out.extend_from_slice(text[at..].as_bytes());
                }
                None => self.write_plain(&text, out),
            },
            _ => self.write_plain(&text, out),
        }
    }

    fn write_plain(&self, text: &str, out: &mut Vec<u8>) {
        let chars = text.chars().count();
        let kept = self.keep_leading.saturating_add(self.keep_trailing);
        let (leading, trailing) = if kept.saturating_mul(4) > chars {
            (0, 0)
        } else {
            (self.keep_leading, self.keep_trailing)
        };
        let head_end = text
            .char_indices()
            .nth(leading)
            .map_or(text.len(), |(i, _)| i);
        let tail_start = text
            .char_indices()
            .nth(chars - trailing)
            .map_or(text.len(), |(i, _)| i);
        self.write_around(text, head_end, tail_start, chars - leading - trailing, out);
    }

    fn write_card(&self, text: &str, out: &mut Vec<u8>) {
        let digits = text.bytes().filter(u8::is_ascii_digit).count();
        let leading = if self.card_bin && digits >= 6 + 4 + 5 {
            6
        } else {
            0
        };
        let trailing = digits.min(4);
        let mut seen = 0;
        let (mut head_end, mut tail_start) = (0, text.len());
        for (i, b) in text.bytes().enumerate() {
            if b.is_ascii_digit() {
                seen += 1;
                if seen == leading {
                    head_end = i + 1;
                }
                if seen + trailing == digits + 1 {
                    tail_start = i;
                }
            }
        }
        if self.fixed_len.is_some() {
            let hidden = digits - leading - trailing;
            self.write_around(text, head_end, tail_start, hidden, out);
            return;
        }
        // Separators stay where they are, so the card keeps its grouping.
        out.extend_from_slice(&text.as_bytes()[..head_end]);
        for c in text[head_end..tail_start].chars() {
            if c.is_ascii_digit() {
                self.push_fill(out);
            } else {
                push_char(c, out);
            }
        }
        out.extend_from_slice(&text.as_bytes()[tail_start..]);
    }

    /// `text[..head_end]`, the fill for `hidden` characters, then `text[tail_start..]`.
    fn write_around(
        &self,
        text: &str,
        head_end: usize,
        tail_start: usize,
        hidden: usize,
        out: &mut Vec<u8>,
    ) {
        out.extend_from_slice(&text.as_bytes()[..head_end]);
        for _ in 0..self.fixed_len.unwrap_or(hidden) {
            self.push_fill(out);
        }
        out.extend_from_slice(&text.as_bytes()[tail_start.max(head_end)..]);
    }

    fn push_fill(&self, out: &mut Vec<u8>) {
        push_char(self.fill, out);
    }
}

/// The characters a mask may be filled with: `*`, `#`, and symbols no rule reads as part of
/// a token, a value's syntax or a line, and that every terminal shows.
pub const MASK_FILLS: &[char] = &[
    '*', '#', '•', '●', '○', '■', '□', '▪', '█', '▓', '▒', '░', '×', '·', '∗', '★', '☆',
];

fn fill_allowed(c: char) -> bool {
    MASK_FILLS.contains(&c)
}

fn push_char(c: char, out: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

impl From<Mask> for Replacement {
    fn from(mask: Mask) -> Self {
        Replacement::Mask(mask)
    }
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

    /// A partial mask keeping `leading` and `trailing` characters: [`Mask::keep`].
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
        Replacement::Mask(Mask::keep(leading, trailing))
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

    /// Whether `value`, a secret of `form`, is what this replacement writes for it: a fixed
    /// text, or a mask's output that masking again leaves as it is. Such a value met again
    /// (on the fixed point's next pass, or logged twice) is a stand-in; keeping it writes
    /// exactly what replacing it would.
    pub(crate) fn produced(&self, form: SecretForm, value: &[u8]) -> bool {
        match self {
            Replacement::Fixed(text) => !text.is_empty() && value == text.as_bytes(),
            Replacement::Mask(mask) => mask.produced(form, value),
            Replacement::Label | Replacement::KeyedHash(_) => false,
        }
    }

    /// Whether this replacement may write text a rule finds again: a mask's output, or a
    /// non-empty fixed text (labels and tags are our markers, which rules skip).
    pub(crate) fn may_be_found(&self) -> bool {
        match self {
            Replacement::Mask(_) => true,
            Replacement::Fixed(text) => !text.is_empty(),
            Replacement::Label | Replacement::KeyedHash(_) => false,
        }
    }

    /// Why this replacement cannot be used, if it cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        match self {
            Replacement::Mask(mask) => mask.check(),
            _ => Ok(()),
        }
    }

    /// Appends the replacement for `secret`, found by `rule` (whose secrets look like
    /// `form`), to `out`.
    pub(crate) fn write(&self, rule: &str, form: SecretForm, secret: &[u8], out: &mut Vec<u8>) {
        match self {
            Replacement::Label => {
                out.extend_from_slice(b"[REDACTED:");
                out.extend_from_slice(rule.as_bytes());
                out.push(b']');
            }
            Replacement::Fixed(text) => out.extend_from_slice(text.as_bytes()),
            Replacement::Mask(mask) => mask.write(form, secret, out),
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

impl fmt::Debug for Replacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Replacement::Label => f.write_str("Label"),
            Replacement::Fixed(t) => f.debug_tuple("Fixed").field(t).finish(),
            Replacement::Mask(mask) => f.debug_tuple("Mask").field(mask).finish(),
            // Never print the key.
            Replacement::KeyedHash(_) => f.write_str("KeyedHash(..)"),
        }
    }
}
