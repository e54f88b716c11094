//! Rules users add: a regex, keywords, a validator, proximity words.

use crate::engine;
use crate::Error;
use std::fmt;
use std::sync::Arc;

/// A rule of your own: a regular expression, optional keywords and an optional validator.
///
/// * Named capture groups whose names start with `secret` (`secret`, `secret2`, …) mark the
///   parts to redact; a match in which none of them took part is redacted whole.
/// * **Keywords** are literals that every match contains. With keywords, the regex runs only
///   on text holding one of them (the fast path). Without, it runs on every value.
/// * A **validator** gets each candidate and returns whether it is a secret (a checksum, a
///   lookup).
/// * **Proximity words** ([`near`](CustomRule::near), [`not_near`](CustomRule::not_near))
///   make a match count only with (or without) a word shortly before it.
///
/// ```
/// use tracing_redact::{CustomRule, Redactor};
///
/// let redactor = Redactor::builder()
///     .custom_rule(
///         CustomRule::new("acme-token", r"acme_(?P<secret>[a-z0-9]{16})")
///             .keywords(["acme_"])
///             .validator(|s| s.bytes().any(|b| b.is_ascii_digit()))
///             .description("ACME Corp API token"),
///     )
///     .build()?;
/// assert_eq!(redactor.redact("t=acme_abcdefgh12345678"), "t=acme_[REDACTED:acme-token]");
/// assert_eq!(redactor.redact("t=acme_abcdefghijklmnop"), "t=acme_abcdefghijklmnop");
/// # Ok::<(), tracing_redact::Error>(())
/// ```
#[derive(Clone)]
pub struct CustomRule {
    pub(super) id: String,
    pub(super) pattern: String,
    pub(super) keywords: Vec<String>,
    pub(super) validator: Option<engine::CustomValidator>,
    description: String,
    near: Option<(Vec<String>, usize)>,
    not_near: Option<(Vec<String>, usize)>,
}

impl fmt::Debug for CustomRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomRule")
            .field("id", &self.id)
            .field("pattern", &self.pattern)
            .field("keywords", &self.keywords)
            .field("validator", &self.validator.is_some())
            .field("near", &self.near)
            .field("not_near", &self.not_near)
            .finish()
    }
}

impl CustomRule {
    /// A rule with an id (used in labels and `enable`/`disable`: 1 to 48 lower-case letters,
    /// digits and dashes, checked by [`build`](crate::RedactorBuilder::build)) and a regex.
    pub fn new(id: impl Into<String>, pattern: impl Into<String>) -> Self {
        CustomRule {
            id: id.into(),
            pattern: pattern.into(),
            keywords: Vec::new(),
            validator: None,
            description: String::new(),
            near: None,
            not_near: None,
        }
    }

    /// Literals every match contains; the regex runs only where one occurs.
    pub fn keywords<I, S>(mut self, keywords: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.keywords.extend(keywords.into_iter().map(Into::into));
        self
    }

    /// A check each candidate must pass.
    pub fn validator(mut self, f: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        self.validator = Some(Arc::new(f));
        self
    }

    /// A one-line description, for tooling.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    /// Counts a match only if one of `words` begins a word in the `within` bytes before the
    /// match's start, on its line (the proximity keywords of Datadog's scanner). Words match
    /// regardless of ASCII case, at the start of a word or of a camelCase part: `card` is
    /// found in `Card:`, `card_number`, `creditCard`, `cards`, not in `discard`. Words inside
    /// our own markers do not count. Calling it again replaces the list.
    ///
    /// The words are looked for in the text being scanned: in an event, the field's own
    /// value (the layer scans fields as lines of one text). A field *name* is not part of
    /// it, so `info!(card = %n)` is matched by a rule with `near(["card"], …)` only if the
    /// value itself says so; for field names, use
    /// [`sensitive_key`](crate::RedactorBuilder::sensitive_key).
    ///
    /// A match is judged on the text as given. With a replacement shorter than what it
    /// replaces (a fixed text, a fixed-length mask), redacting the output again can bring a
    /// word within reach of a match that was out of it; labels, which are longer, cannot.
    ///
    /// `within` must be 1 to 4096 bytes and the list must hold a non-empty word:
    /// [`build`](crate::RedactorBuilder::build) checks.
    ///
    /// ```
    /// use tracing_redact::{CustomRule, Redactor};
    ///
    /// let redactor = Redactor::builder()
    ///     .custom_rule(
    ///         CustomRule::new("employee-id", r"\b\d{7}\b")
    ///             .near(["employee", "staff id"], 20)
    ///             .not_near(["order"], 30),
    ///     )
    ///     .build()?;
    /// assert_eq!(redactor.redact("employee #1234567"), "employee #[REDACTED:employee-id]");
    /// assert_eq!(redactor.redact("Staff ID: 1234567"), "Staff ID: [REDACTED:employee-id]");
    /// assert_eq!(redactor.redact("retry 1234567"), "retry 1234567");
    /// assert_eq!(redactor.redact("order for employee 1234567"), "order for employee 1234567");
    /// # Ok::<(), tracing_redact::Error>(())
    /// ```
    pub fn near<I, S>(mut self, words: I, within: usize) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.near = Some((words.into_iter().map(Into::into).collect(), within));
        self
    }

    /// Drops a match if one of `words` begins a word in the `within` bytes before it: for
    /// contexts that say a number is not a secret (`order`, `invoice`, `test`). Words are
    /// matched as in [`near`](CustomRule::near). Calling it again replaces the list.
    pub fn not_near<I, S>(mut self, words: I, within: usize) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.not_near = Some((words.into_iter().map(Into::into).collect(), within));
        self
    }

    pub(super) fn proximity(&self) -> Result<Option<engine::proximity::Proximity>, Error> {
        if self.near.is_none() && self.not_near.is_none() {
            return Ok(None);
        }
        let window = |list: &Option<(Vec<String>, usize)>| {
            list.as_ref()
                .map(|(words, within)| engine::proximity::WordWindow::new(words, *within))
                .transpose()
                .map_err(|reason| Error::InvalidRule {
                    rule: self.id.clone(),
                    reason,
                })
        };
        Ok(Some(engine::proximity::Proximity {
            near: window(&self.near)?,
            not_near: window(&self.not_near)?,
        }))
    }
}
