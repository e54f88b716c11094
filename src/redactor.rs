//! [`Redactor`], its builder, and custom rules.

use crate::engine::{self, CompiledRule, Engine, EngineParts, Raw, Validator};
use crate::finding::{Finding, Findings};
use crate::replacement::Replacement;
use crate::rules::keys::KeyNames;
use crate::rules::{self, Detector, Family, HandMatcher, KeywordSearch, SecretForm};
use crate::secret_values::{MIN_SECRET_VALUE_LEN, SECRET_VALUE_RULE};
use crate::Error;
use once_cell::sync::Lazy;
use regex::bytes::{RegexBuilder, RegexSetBuilder};
use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The most passes [`Redactor::redact`] makes over a text that had something to replace. Two
/// suffice for every input known; more would mean replacements that keep exposing new
/// matches, which the fuzzers have never produced.
pub const MAX_PASSES: usize = 4;

/// The default size limit for one value: 1 MiB.
pub const DEFAULT_MAX_VALUE_LEN: usize = 1 << 20;

/// Finds and replaces secrets and personal data in text.
///
/// A `Redactor` is immutable once built, `Send + Sync`, and cheap to clone: clones share the
/// compiled rules. Build one at start-up and share it.
///
/// # Costs and guarantees
///
/// * [`redact`](Redactor::redact) returns [`Cow::Borrowed`] and does not allocate when nothing
///   matches. The work is one keyword pass (Aho-Corasick) plus the scanners for
///   keyword-less shapes, then the regex of each rule whose keyword occurred.
/// * Every regex is from the `regex` crate, so time is linear in the input whatever it holds.
/// * Values longer than the size limit ([`DEFAULT_MAX_VALUE_LEN`] unless
///   [`RedactorBuilder::max_value_len`] says otherwise) are not scanned: they are replaced
///   whole by `[REDACTED:oversized]`. Failing closed is the point.
/// * Nothing here panics on any input, UTF-8 or not.
///
/// ```
/// use tracing_redact::Redactor;
///
/// let redactor = Redactor::default();
/// let line = "GET /ok Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.sig user=alice";
/// assert_eq!(
///     redactor.redact(line),
///     "GET /ok Authorization: Bearer [REDACTED:http-authorization]"
/// );
/// // Clean text is returned as it came, without a copy.
/// assert!(matches!(redactor.redact("all good"), std::borrow::Cow::Borrowed(_)));
/// ```
#[derive(Clone)]
pub struct Redactor {
    engine: Arc<Engine>,
    /// The counters' rule ids, shared by a redactor and its scopes: every rule any of them
    /// has, then `oversized`.
    slot_ids: Arc<[Box<str>]>,
    /// The counter slot of each of this engine's rule indexes.
    slot_of: Arc<[usize]>,
    /// Redactors for targets configured apart ([`RedactorBuilder::scope`]).
    scopes: Arc<[Scope]>,
}

/// What a field's value gets, by the field's name and size ([`Redactor::redact_field`]).
enum FieldPolicy {
    /// Over the size limit: the oversized marker.
    Oversized,
    /// Under an exempt name: only known secret values are replaced.
    Exempt,
    /// Under a sensitive name: replaced whole by this rule.
    Whole(u16),
    /// Scanned as text.
    Scan,
}

/// The redactor for events whose target is `prefix` or below it.
#[derive(Clone)]
struct Scope {
    prefix: Box<str>,
    redactor: Redactor,
}

/// Whether `target` is `prefix` or a module below it (`app::users` covers `app::users::db`,
/// not `app::users2`).
pub(crate) fn covers(prefix: &str, target: &str) -> bool {
    target
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

static DEFAULT: Lazy<Redactor> = Lazy::new(|| {
    RedactorBuilder::default()
        .build()
        .expect("the built-in rule catalogue compiles (checked by the test suite)")
});

impl Default for Redactor {
    /// Every default-on built-in rule, label replacement, 1 MiB size limit. The rules are
    /// compiled once per process; later calls clone a shared handle.
    fn default() -> Self {
        DEFAULT.clone()
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Redactor");
        d.field("rules", &self.rule_ids().collect::<Vec<_>>())
            .field("max_value_len", &self.engine.max_len);
        if !self.scopes.is_empty() {
            d.field(
                "scopes",
                &self
                    .scopes
                    .iter()
                    .map(|s| (&*s.prefix, &s.redactor))
                    .collect::<Vec<_>>(),
            );
        }
        d.finish()
    }
}

thread_local! {
    static SCRATCH: RefCell<Vec<Raw>> = const { RefCell::new(Vec::new()) };
}

impl Redactor {
    /// Starts a configuration from the default rule set.
    pub fn builder() -> RedactorBuilder {
        RedactorBuilder::default()
    }

    /// A redactor with one engine and no scopes; its counter slots are its rule indexes.
    fn unscoped(engine: Engine) -> Redactor {
        let slot_ids: Arc<[Box<str>]> = engine
            .rules
            .iter()
            .map(|r| r.id.clone())
            .chain(std::iter::once(Box::from(engine::OVERSIZED)))
            .collect();
        Redactor {
            slot_of: (0..engine.rules.len()).collect(),
            slot_ids,
            engine: Arc::new(engine),
            scopes: Arc::from([]),
        }
    }

    /// The redactor for events and spans of `target`: the one configured for the longest
    /// [scope](RedactorBuilder::scope) that covers it, else `self`. The layer calls this
    /// for every event and span; call it yourself when you redact text that comes from a
    /// known module.
    ///
    /// ```
    /// let redactor = tracing_redact::Redactor::builder()
    ///     .disable("pii")
    ///     .scope("app::users", |s| s.enable("pii"))
    ///     .build()?;
    /// let line = "signup from jane@example.com";
    /// assert_eq!(redactor.redact(line), line);
    /// assert_eq!(redactor.for_target("app::users").redact(line), "signup from [REDACTED:email]");
    /// assert_eq!(redactor.for_target("app::users::db").redact(line), "signup from [REDACTED:email]");
    /// assert_eq!(redactor.for_target("app::users2").redact(line), line);
    /// # Ok::<(), tracing_redact::Error>(())
    /// ```
    pub fn for_target(&self, target: &str) -> &Redactor {
        let mut best: Option<&Scope> = None;
        for scope in self.scopes.iter() {
            if covers(&scope.prefix, target)
                && best.map_or(true, |b| scope.prefix.len() > b.prefix.len())
            {
                best = Some(scope);
            }
        }
        best.map_or(self, |scope| &scope.redactor)
    }

    /// Whether values stored under `name` are redacted whole (a built-in or configured
    /// sensitive name).
    #[cfg_attr(not(feature = "opentelemetry"), allow(dead_code))]
    pub(crate) fn is_sensitive_name(&self, name: &str) -> bool {
        self.rule_for_key_name(name).is_some()
    }

    /// Whether some events are scanned with another configuration
    /// ([`RedactorBuilder::scope`]).
    pub(crate) fn has_scopes(&self) -> bool {
        !self.scopes.is_empty()
    }

    /// The ids of the enabled rules.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.engine.rules.iter().map(|r| &*r.id)
    }

    /// The size limit for one value, in bytes.
    pub fn max_value_len(&self) -> usize {
        self.engine.max_len
    }

    /// Runs the engine with a per-thread scratch buffer and hands the findings to `f`.
    fn with_findings<R>(&self, hay: &[u8], f: impl FnOnce(&[Raw]) -> R) -> R {
        if hay.len() > self.engine.max_len {
            return f(&[(u16::MAX, 0..hay.len())]);
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                self.engine.find(hay, &mut scratch);
                f(&scratch)
            }
            // Re-entrant use (a validator that redacts): use a fresh buffer.
            Err(_) => {
                let mut scratch = Vec::new();
                self.engine.find(hay, &mut scratch);
                f(&scratch)
            }
        })
    }

    /// Runs the engine over `hay` and hands the raw findings (rule index, byte range; sorted,
    /// not overlapping, not widened) to `f`. Values over the size limit come back as one
    /// finding with index [`u16::MAX`].
    pub(crate) fn scan<R>(&self, hay: &[u8], f: impl FnOnce(&[Raw]) -> R) -> R {
        self.with_findings(hay, f)
    }

    /// The number of counters a statistics table needs: one per enabled rule, plus one for
    /// oversized values.
    pub(crate) fn counter_slots(&self) -> usize {
        self.slot_ids.len()
    }

    /// The counter slot of a rule index from [`scan`](Self::scan); the slots are shared with
    /// this redactor's scopes.
    pub(crate) fn counter_slot(&self, index: u16) -> usize {
        self.slot_of
            .get(usize::from(index))
            .copied()
            .unwrap_or(self.slot_ids.len() - 1)
    }

    /// The rule id of a counter slot.
    pub(crate) fn slot_rule_id(&self, slot: usize) -> &str {
        self.slot_ids.get(slot).map_or(engine::OVERSIZED, |id| id)
    }

    /// Identifies this redactor's configuration for caches (shared by clones).
    pub(crate) fn serial(&self) -> u64 {
        self.engine.serial
    }

    /// The rule that redacts a whole value stored under `name`, if any.
    pub(crate) fn rule_for_key_name(&self, name: &str) -> Option<u16> {
        self.engine.rule_for_key_name(name.as_bytes())
    }

    /// Whether values stored under `name` are never redacted
    /// ([`RedactorBuilder::exempt_field`]).
    pub(crate) fn is_exempt_name(&self, name: &str) -> bool {
        self.engine.is_exempt_name(name.as_bytes())
    }

    /// Whether findings of rule `index` are known secret values, which even an exempt field
    /// does not let through.
    pub(crate) fn is_secret_value_rule(&self, index: u16) -> bool {
        self.engine.is_secret_value_rule(index)
    }

    /// Whether a value stored under a sensitive name is a stand-in rather than a secret (empty,
    /// `***`, `<redacted>`, `${VAR}`, our own markers).
    pub(crate) fn is_placeholder(&self, index: u16, value: &[u8]) -> bool {
        let own = self
            .engine
            .rules
            .get(usize::from(index))
            .map(|r| &r.replacement);
        engine::keyvalue::is_placeholder(value, own)
    }

    /// Appends the replacement for `matched`, found by rule `index`, to `out`.
    pub(crate) fn write_replacement(&self, index: u16, matched: &[u8], out: &mut Vec<u8>) {
        match self.engine.rules.get(usize::from(index)) {
            Some(rule) if index != u16::MAX => {
                rule.replacement.write(&rule.id, rule.form, matched, out)
            }
            _ => Replacement::Label.write(engine::OVERSIZED, SecretForm::Opaque, matched, out),
        }
    }

    fn rule_id(&self, index: u16) -> &str {
        self.engine
            .rules
            .get(usize::from(index))
            .map_or(engine::OVERSIZED, |r| &r.id)
    }

    /// What the layer writes for a field called `name` that holds `value`: the value whole
    /// replaced under a sensitive name (a stand-in such as `***` or `${VAR}` is scanned like
    /// any text instead), only known secret values replaced under an exempt name, and
    /// [`redact`](Self::redact) otherwise. A value over the size limit is
    /// `[REDACTED:oversized]` in every case. For writing attributes the layer does not see
    /// (`otel::RedactedSpanExt` with the `opentelemetry` feature) and for sinks of your own.
    ///
    /// ```
    /// let redactor = tracing_redact::Redactor::builder().exempt_field("request_id").build()?;
    /// assert_eq!(redactor.redact_field("password", "hunter2"), "[REDACTED:sensitive-key]");
    /// assert_eq!(redactor.redact_field("password", "${DB_PASSWORD}"), "${DB_PASSWORD}");
    /// assert_eq!(redactor.redact_field("request_id", "4111111111111111"), "4111111111111111");
    /// assert_eq!(redactor.redact_field("note", "4111111111111111"), "[REDACTED:payment-card]");
    /// # Ok::<(), tracing_redact::Error>(())
    /// ```
    pub fn redact_field<'t>(&self, name: &str, value: &'t str) -> Cow<'t, str> {
        match self.field_policy(name, value) {
            FieldPolicy::Oversized => Cow::Owned(self.replaced_whole(u16::MAX, value)),
            FieldPolicy::Whole(rule) => Cow::Owned(self.replaced_whole(rule, value)),
            FieldPolicy::Exempt => {
                match self.scan(value.as_bytes(), |raw| {
                    self.render_piece(value, 0..value.len(), raw, true)
                }) {
                    Some(changed) => Cow::Owned(changed),
                    None => Cow::Borrowed(value),
                }
            }
            FieldPolicy::Scan => self.redact(value),
        }
    }

    /// What a field's name and size call for, as the layer decides it.
    fn field_policy(&self, name: &str, value: &str) -> FieldPolicy {
        if value.len() > self.engine.max_len {
            return FieldPolicy::Oversized;
        }
        if self.is_exempt_name(name) {
            return FieldPolicy::Exempt;
        }
        match self.rule_for_key_name(name) {
            Some(rule) if !self.is_placeholder(rule, value.as_bytes()) => FieldPolicy::Whole(rule),
            _ => FieldPolicy::Scan,
        }
    }

    /// `value` replaced whole by rule `rule`'s replacement.
    fn replaced_whole(&self, rule: u16, value: &str) -> String {
        let mut out = Vec::new();
        self.write_replacement(rule, value.as_bytes(), &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// `text[piece]` with the findings `raw` (over all of `text`) that fall in it replaced,
    /// clipped to it; only known secret values' with `values_only`. `None` when none does.
    fn render_piece(
        &self,
        text: &str,
        piece: std::ops::Range<usize>,
        raw: &[Raw],
        values_only: bool,
    ) -> Option<String> {
        let mut buf: Option<Vec<u8>> = None;
        let mut at = piece.start;
        for (rule, r) in raw {
            if r.end <= piece.start || r.start >= piece.end {
                continue;
            }
            if values_only && !self.is_secret_value_rule(*rule) {
                continue;
            }
            let r = widen(text, r.start.max(piece.start)..r.end.min(piece.end));
            let start = r.start.max(at);
            let buf = buf.get_or_insert_with(Vec::new);
            buf.extend_from_slice(&text.as_bytes()[at..start]);
            self.write_replacement(*rule, &text.as_bytes()[start..r.end.max(start)], buf);
            at = r.end.max(at);
        }
        buf.map(|mut buf| {
            buf.extend_from_slice(&text.as_bytes()[at..piece.end]);
            String::from_utf8_lossy(&buf).into_owned()
        })
    }

    /// [`redact_field`](Self::redact_field) for several fields logged together, as the layer
    /// scans an event: one text of all the fields (lines joined), so a finding that needs its
    /// neighbour (a secret key next to its key id, which may sit under an exempt name) is
    /// found across them; each field then keeps what its name calls for. When the fields
    /// together exceed the size limit, each is scanned alone. Returns the new text of each
    /// field that changed.
    #[cfg_attr(not(feature = "opentelemetry"), allow(dead_code))]
    pub(crate) fn redact_fields(&self, fields: &[(&str, &str)]) -> Vec<Option<String>> {
        let changed = |c: Cow<'_, str>| match c {
            Cow::Owned(s) => Some(s),
            Cow::Borrowed(_) => None,
        };
        let total: usize = fields.iter().map(|(_, v)| v.len() + 1).sum();
        if total > self.engine.max_len {
            return fields
                .iter()
                .map(|(name, value)| changed(self.redact_field(name, value)))
                .collect();
        }
        let mut joined = String::with_capacity(total);
        let mut pieces = Vec::with_capacity(fields.len());
        for (_, value) in fields {
            if !joined.is_empty() || !pieces.is_empty() {
                joined.push('\n');
            }
            let start = joined.len();
            joined.push_str(value);
            pieces.push(start..joined.len());
        }
        let found: Vec<Raw> = self.scan(joined.as_bytes(), <[Raw]>::to_vec);
        fields
            .iter()
            .zip(pieces)
            .map(
                |((name, value), piece)| match self.field_policy(name, value) {
                    FieldPolicy::Oversized => Some(self.replaced_whole(u16::MAX, value)),
                    FieldPolicy::Whole(rule) => Some(self.replaced_whole(rule, value)),
                    FieldPolicy::Exempt => self.render_piece(&joined, piece, &found, true),
                    // A replacement can expose more: settle the field as the layer does.
                    FieldPolicy::Scan => self
                        .render_piece(&joined, piece, &found, false)
                        .map(|text| self.redact(&text).into_owned()),
                },
            )
            .collect()
    }

    /// Finds every secret in `text`.
    ///
    /// Findings are sorted, never overlap, and their ranges always fall on `char` boundaries
    /// (a match is widened outward if needed), so `&text[finding.range()]` is safe.
    ///
    /// ```
    /// let r = tracing_redact::Redactor::default();
    /// let rules: Vec<_> = r
    ///     .find("mail bob@example.com, password=hunter2")
    ///     .map(|f| f.rule())
    ///     .collect();
    /// assert_eq!(rules, ["email", "sensitive-key"]);
    /// ```
    pub fn find(&self, text: &str) -> Findings<'_> {
        let found = self.with_findings(text.as_bytes(), |raw| {
            raw.iter()
                .map(|(rule, r)| Finding {
                    rule: self.rule_id(*rule),
                    range: widen(text, r.clone()),
                })
                .collect::<Vec<_>>()
        });
        Findings {
            inner: found.into_iter(),
        }
    }

    /// Returns `text` with every secret replaced.
    ///
    /// Borrowed, without allocating, when nothing matches. The output is a fixed point:
    /// when something was replaced, the output is scanned again (and again, at most
    /// [`MAX_PASSES`] passes in all), because a replacement can change what surrounds its
    /// neighbours; so `find` on the output finds nothing and redacting it again changes
    /// nothing. Clean text pays for one pass only.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self.redact_str_once(text) {
            None => Cow::Borrowed(text),
            Some(out) => Cow::Owned(to_fixed_point(out, |t| self.redact_str_once(t))),
        }
    }

    fn redact_str_once(&self, text: &str) -> Option<String> {
        let bytes = self.with_findings(text.as_bytes(), |raw| {
            (!raw.is_empty()).then(|| self.render(text.as_bytes(), raw, |r| widen(text, r)))
        })?;
        Some(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// Returns `bytes` with every secret replaced. Invalid UTF-8 is scanned as it is (the rules
    /// work on bytes) and copied through unchanged where nothing matches. A fixed point, as
    /// [`redact`](Redactor::redact) is.
    ///
    /// ```
    /// let r = tracing_redact::Redactor::default();
    /// let out = r.redact_bytes(b"\xff\xfe token=abc123 n=\xff");
    /// assert_eq!(&*out, b"\xff\xfe token=[REDACTED:sensitive-key] n=\xff");
    /// ```
    pub fn redact_bytes<'t>(&self, bytes: &'t [u8]) -> Cow<'t, [u8]> {
        let once = |hay: &[u8]| {
            self.with_findings(hay, |raw| {
                (!raw.is_empty()).then(|| self.render(hay, raw, |r| r))
            })
        };
        match once(bytes) {
            None => Cow::Borrowed(bytes),
            Some(out) => Cow::Owned(to_fixed_point(out, |b: &Vec<u8>| once(b))),
        }
    }

    /// Whether `text` holds anything to redact. Same cost as [`find`](Redactor::find), without
    /// collecting.
    pub fn is_match(&self, text: &str) -> bool {
        self.with_findings(text.as_bytes(), |raw| !raw.is_empty())
    }

    /// Writes `hay` with each finding replaced; `adjust` may widen a range (to `char`
    /// boundaries for `&str` input).
    fn render(
        &self,
        hay: &[u8],
        raw: &[Raw],
        adjust: impl Fn(std::ops::Range<usize>) -> std::ops::Range<usize>,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(hay.len() + 16 * raw.len());
        let mut at = 0;
        for (index, range) in raw {
            let range = adjust(range.clone());
            let range = range.start.max(at)..range.end.max(at);
            out.extend_from_slice(&hay[at..range.start]);
            self.write_replacement(*index, &hay[range.clone()], &mut out);
            at = range.end;
        }
        out.extend_from_slice(&hay[at..]);
        out
    }
}

/// Widens a byte range outward to `char` boundaries of `text`.
fn widen(text: &str, mut r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    r.end = r.end.min(text.len());
    r.start = r.start.min(r.end);
    while !text.is_char_boundary(r.start) {
        r.start -= 1;
    }
    while !text.is_char_boundary(r.end) {
        r.end += 1;
    }
    r
}

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
    id: String,
    pattern: String,
    keywords: Vec<String>,
    validator: Option<engine::CustomValidator>,
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
    /// A rule with an id (used in labels and `enable`/`disable`) and a regex.
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
    /// [`sensitive_key`](RedactorBuilder::sensitive_key).
    ///
    /// A match is judged on the text as given. With a replacement shorter than what it
    /// replaces (a fixed text, a fixed-length mask), redacting the output again can bring a
    /// word within reach of a match that was out of it; labels, which are longer, cannot.
    ///
    /// `within` must be 1 to 4096 bytes and the list must hold a non-empty word:
    /// [`build`](RedactorBuilder::build) checks.
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

    fn proximity(&self) -> Result<Option<engine::proximity::Proximity>, Error> {
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

/// Configures a [`Redactor`]. Every setting is checked by [`build`](RedactorBuilder::build).
///
/// # Precedence
///
/// When settings disagree about a value, the first row that applies decides. Each row is
/// pinned by a test in `tests/policy.rs`.
///
/// | the value is… | outcome |
/// |---|---|
/// | a [known secret value](RedactorBuilder::secret_value), in any of its forms | redacted, even in an exempt field, even if the allowlist lists it |
/// | stored under an [exempt](RedactorBuilder::exempt_field) name (a field, or `name=value` in text) | kept, whatever rules, key names or the allowlist say |
/// | stored under a sensitive name: a built-in one (`password`, `authorization`, …) or a [`sensitive_key`](RedactorBuilder::sensitive_key) | redacted whole, even if the allowlist lists it; stand-ins (`""`, `***`, `${VAR}`) are kept |
/// | found by a rule, and its text is [allowlisted](RedactorBuilder::allow_literal) | kept |
/// | found by a rule | redacted |
/// | none of these | kept |
///
/// A name both exempt and sensitive is a contradiction: [`build`](RedactorBuilder::build)
/// refuses it, and an exempt name that covers the message or a name that says secret. An allowlist never switches off a sensitive name, however wide its pattern.
/// A value that cannot be read (over the size limit, a failing `Debug`) is replaced in every
/// case: nothing is let through unread.
///
/// ```
/// use tracing_redact::{Redactor, Replacement};
///
/// let redactor = Redactor::builder()
///     .disable("pii")                 // a whole family
///     .enable("email")                // …but keep one of its rules
///     .enable("ipv4")                 // an off-by-default rule
///     .sensitive_key("employee_number")
///     .allow_literal("AKIAIOSFODNN7EXAMPLE")
///     .replacement_for("payment-card", Replacement::mask(0, 4))
///     .max_value_len(256 * 1024)
///     .build()?;
/// assert_eq!(redactor.redact("employeeNumber=12345"), "employeeNumber=[REDACTED:sensitive-key]");
/// assert_eq!(redactor.redact("from 10.1.2.3"), "from [REDACTED:ipv4]");
/// assert_eq!(redactor.redact("key AKIAIOSFODNN7EXAMPLE"), "key AKIAIOSFODNN7EXAMPLE");
/// # Ok::<(), tracing_redact::Error>(())
/// ```
#[derive(Clone)]
pub struct RedactorBuilder {
    toggles: Vec<(String, bool)>,
    custom: Vec<CustomRule>,
    keys: Vec<String>,
    exempt: Vec<String>,
    allow_literals: Vec<String>,
    allow_patterns: Vec<String>,
    replacement: Replacement,
    per_rule: Vec<(String, Replacement)>,
    max_len: usize,
    /// Known secret values, as given ([`RedactorBuilder::secret_value`]).
    secret_values: Vec<Zeroizing<String>>,
    /// Why environment variables named for secret values could not be read.
    secret_env_errors: Vec<String>,
    /// Targets configured apart: a prefix, and what changes there ([`RedactorBuilder::scope`]).
    scopes: Vec<(String, ScopeChange)>,
}

/// What a [scope](RedactorBuilder::scope) changes in the configuration it starts from.
type ScopeChange = Arc<dyn Fn(RedactorBuilder) -> RedactorBuilder + Send + Sync>;

impl fmt::Debug for RedactorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Known values are secrets: only their number is shown.
        f.debug_struct("RedactorBuilder")
            .field("toggles", &self.toggles)
            .field("custom", &self.custom)
            .field("sensitive_keys", &self.keys)
            .field("exempt_fields", &self.exempt)
            .field("allow_literals", &self.allow_literals)
            .field("allow_patterns", &self.allow_patterns)
            .field("replacement", &self.replacement)
            .field("per_rule", &self.per_rule)
            .field("max_len", &self.max_len)
            .field("secret_values", &self.secret_values.len())
            .field(
                "scopes",
                &self.scopes.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Default for RedactorBuilder {
    fn default() -> Self {
        RedactorBuilder {
            toggles: Vec::new(),
            custom: Vec::new(),
            keys: Vec::new(),
            exempt: Vec::new(),
            allow_literals: Vec::new(),
            allow_patterns: Vec::new(),
            replacement: Replacement::Label,
            per_rule: Vec::new(),
            max_len: DEFAULT_MAX_VALUE_LEN,
            secret_values: Vec::new(),
            secret_env_errors: Vec::new(),
            scopes: Vec::new(),
        }
    }
}

impl RedactorBuilder {
    /// Turns on a rule, or every rule of a family, by id or family name. Later calls win.
    pub fn enable(mut self, id: impl Into<String>) -> Self {
        self.toggles.push((id.into(), true));
        self
    }

    /// Turns off a rule, or every rule of a family, by id or family name. Later calls win.
    pub fn disable(mut self, id: impl Into<String>) -> Self {
        self.toggles.push((id.into(), false));
        self
    }

    /// Adds a rule of your own.
    pub fn custom_rule(mut self, rule: CustomRule) -> Self {
        self.custom.push(rule);
        self
    }

    /// Treats values of this key name as secret, like `password`: the value of a field, or
    /// of a `name=value` / `"name": value` pair in text, is redacted whole, whatever it holds
    /// and even if the allowlist lists it.
    ///
    /// A name is matched on whole key parts regardless of case and separators:
    /// `employee_number` also covers `employeeNumber`, `EMPLOYEE-NUMBER` and
    /// `hr.employee_number`. A name with `*` is a glob over the whole key (or the part after
    /// its last `.`): `*` stands for any characters, letters match regardless of case, and
    /// `-`, `_` and `.` match one another, so `x-*-token` covers `X-Goog-Token` and
    /// `x_api_token`. A glob needs two letters or digits in a row (`*_id`).
    ///
    /// In text, a key is found by the first four letters of the name (of a glob: of its
    /// longest run of letters and digits) in lower, Title or upper case; a key that writes
    /// them otherwise (`hrEmpNum` for `*empnum*`) is matched as a field name only.
    ///
    /// ```
    /// let redactor = tracing_redact::Redactor::builder()
    ///     .sensitive_key("employee_number")
    ///     .sensitive_key("*_pin")
    ///     .build()?;
    /// assert_eq!(redactor.redact("employeeNumber=12345"), "employeeNumber=[REDACTED:sensitive-key]");
    /// assert_eq!(redactor.redact("card_pin=0042"), "card_pin=[REDACTED:sensitive-key]");
    /// # Ok::<(), tracing_redact::Error>(())
    /// ```
    pub fn sensitive_key(mut self, name: impl Into<String>) -> Self {
        self.keys.push(name.into());
        self
    }

    /// Never redacts values stored under this name: tracing fields with this name (in events
    /// and spans), and the values of `name=value` / `"name": value` / `name: value` pairs in
    /// text. For ids and digests that rules would otherwise take for secrets
    /// (`trace_id`, `request_id`, `sha`). Names and globs are matched as in
    /// [`sensitive_key`](Self::sensitive_key). A key both exempt and sensitive is an error,
    /// and so is an exempt name that covers the message or a name that says secret
    /// (`password`, `api_key`, `*_token`, `authorization`, …): those would let through what
    /// the name promises to hide. Weak names that mark ids as often as secrets (`session_id`)
    /// may be exempted. A known secret value is redacted even in an exempt field.
    ///
    /// In text, an exempt value is read narrowly: a bare value ends at a blank or a
    /// delimiter, a quoted one at its quote on the same line. A finding that reaches past
    /// the value is redacted whole. An exempt field's value is still replaced when it cannot
    /// be read (over the size limit, a failing `Debug`).
    ///
    /// ```
    /// let redactor = tracing_redact::Redactor::builder()
    ///     .exempt_field("request_id")
    ///     .build()?;
    /// // A 16-digit id that passes the Luhn check would be taken for a card.
    /// assert_eq!(
    ///     redactor.redact("request_id=4111111111111111 card=4111111111111111"),
    ///     "request_id=4111111111111111 card=[REDACTED:payment-card]"
    /// );
    /// # Ok::<(), tracing_redact::Error>(())
    /// ```
    pub fn exempt_field(mut self, name: impl Into<String>) -> Self {
        self.exempt.push(name.into());
        self
    }

    /// Redacts this exact value wherever it appears, as it is and in the encodings it is
    /// logged in: JSON-escaped, percent-encoded, hex, base64 and base64url (also inside a
    /// longer base64 text). For secrets the program holds at run time: a database password,
    /// an API key read from a vault. Findings are labelled `secret-value`; the allowlist does
    /// not apply to them.
    ///
    /// A value needs at least 6 bytes (shorter ones would match ordinary text). Values are
    /// held in buffers that are zeroed when dropped, and never printed: the builder's `Debug`
    /// shows how many there are. Each value adds 6 to 15 forms (listed in
    /// [`secret_values`](crate::secret_values)), found by one skipping search of their own
    /// that reads about one window end per 20 bytes: on the layer benchmark's clean events,
    /// 20 values and 20 exempt names cost 0.6% more instructions per event. The values count
    /// as rules you added: `disable("custom")` turns them off with your custom rules,
    /// `disable("secret-value")` alone.
    ///
    /// ```
    /// let redactor = tracing_redact::Redactor::builder()
    ///     .secret_value("correct horse+battery")
    ///     .build()?;
    /// assert_eq!(
    ///     redactor.redact("retrying login with correct horse+battery"),
    ///     "retrying login with [REDACTED:secret-value]"
    /// );
    /// // Percent-encoded in a query, under a name no rule knows.
    /// assert_eq!(
    ///     redactor.redact("GET /login?u=app&p=correct%20horse%2Bbattery&next=/"),
    ///     "GET /login?u=app&p=[REDACTED:secret-value]&next=/"
    /// );
    /// // base64 of `user:correct horse+battery`, as in a Basic header a proxy logged.
    /// assert_eq!(
    ///     redactor.redact("auth dXNlcjpjb3JyZWN0IGhvcnNlK2JhdHRlcnk="),
    ///     "auth dXNlcjp[REDACTED:secret-value]k="
    /// );
    /// # Ok::<(), tracing_redact::Error>(())
    /// ```
    pub fn secret_value(mut self, value: impl Into<String>) -> Self {
        self.secret_values.push(Zeroizing::new(value.into()));
        self
    }

    /// [`secret_value`](Self::secret_value) for the value of each of these environment
    /// variables, read now. A variable that is not set, empty or not UTF-8 makes
    /// [`build`](Self::build) fail with an error that names it.
    ///
    /// ```
    /// # std::env::set_var("EXAMPLE_DB_PASSWORD", "s3cr3t-from-env");
    /// let redactor = tracing_redact::Redactor::builder()
    ///     .secret_values_from_env(["EXAMPLE_DB_PASSWORD"])
    ///     .build()?;
    /// assert_eq!(redactor.redact("pw s3cr3t-from-env"), "pw [REDACTED:secret-value]");
    /// assert!(tracing_redact::Redactor::builder()
    ///     .secret_values_from_env(["EXAMPLE_NOT_SET_ANYWHERE"])
    ///     .build()
    ///     .is_err());
    /// # Ok::<(), tracing_redact::Error>(())
    /// ```
    pub fn secret_values_from_env<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for name in names {
            let name = name.as_ref();
            match std::env::var(name) {
                Ok(value) if !value.is_empty() => {
                    self.secret_values.push(Zeroizing::new(value));
                }
                Ok(_) => self
                    .secret_env_errors
                    .push(format!("environment variable {name} is empty")),
                Err(std::env::VarError::NotPresent) => self
                    .secret_env_errors
                    .push(format!("environment variable {name} is not set")),
                Err(std::env::VarError::NotUnicode(_)) => self
                    .secret_env_errors
                    .push(format!("environment variable {name} is not UTF-8")),
            }
        }
        self
    }

    /// Never redacts a finding whose text is exactly `literal`.
    pub fn allow_literal(mut self, literal: impl Into<String>) -> Self {
        self.allow_literals.push(literal.into());
        self
    }

    /// Never redacts a finding whose whole text matches `pattern`.
    pub fn allow_pattern(mut self, pattern: impl Into<String>) -> Self {
        self.allow_patterns.push(pattern.into());
        self
    }

    /// The replacement for every rule without its own.
    pub fn replacement(mut self, replacement: impl Into<Replacement>) -> Self {
        self.replacement = replacement.into();
        self
    }

    /// The replacement for one rule (or every rule of a family).
    pub fn replacement_for(
        mut self,
        id: impl Into<String>,
        replacement: impl Into<Replacement>,
    ) -> Self {
        self.per_rule.push((id.into(), replacement.into()));
        self
    }

    /// Configures events and spans of `target` (a module path such as `app::users`, or an
    /// explicit `target:`) and the modules below it apart: `change` gets this builder, with
    /// every setting made before or after this call and the changes of the scopes around
    /// this one (outermost first), and returns what applies there. The
    /// layer picks, for each event and span, the scope with the longest prefix that covers
    /// its target ([`Redactor::for_target`]); a record of the `log` crate is scoped by its
    /// own target, and [`RedactingMakeWriter`](crate::RedactingMakeWriter) by the event's.
    /// Text redacted without a target ([`Redactor::redact`]) uses the configuration outside
    /// every scope.
    ///
    /// A prefix covers its target and the modules below it at `::` boundaries:
    /// `app::users` covers `app::users::db`, not `app::users2`. An inner scope inherits what
    /// the scopes around it added, custom rules included: add a custom rule once, in the
    /// outermost scope that needs it (twice is a duplicate id). Each scope is a redactor of
    /// its own, built with the others: a mistake in one is an error from
    /// [`build`](Self::build) naming the scope. Counters are shared: a rule counts the same
    /// wherever it fired.
    ///
    /// ```
    /// use tracing_redact::Redactor;
    ///
    /// let redactor = Redactor::builder()
    ///     .disable("pii")                           // no PII rules by default…
    ///     .scope("app::users", |s| s.enable("pii")) // …but where users are handled
    ///     .build()?;
    /// let line = "jane@example.com from 10.1.2.3";
    /// assert_eq!(redactor.for_target("app::users::signup").redact(line), "[REDACTED:email] from 10.1.2.3");
    /// assert_eq!(redactor.for_target("app::billing").redact(line), line);
    /// # Ok::<(), tracing_redact::Error>(())
    /// ```
    pub fn scope(
        mut self,
        target: impl Into<String>,
        change: impl Fn(RedactorBuilder) -> RedactorBuilder + Send + Sync + 'static,
    ) -> Self {
        self.scopes.push((target.into(), Arc::new(change)));
        self
    }

    /// Values longer than this many bytes are replaced whole by `[REDACTED:oversized]`
    /// without being scanned.
    pub fn max_value_len(mut self, bytes: usize) -> Self {
        self.max_len = bytes;
        self
    }

    /// Compiles the configuration.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPattern`] for a custom or allowlist regex that does not compile,
    /// [`Error::UnknownRule`] for an `enable`/`disable`/`replacement_for` name that is neither
    /// a rule nor a family, [`Error::DuplicateRule`] for a custom id already taken, and
    /// [`Error::InvalidRule`] for an empty id, keyword or key name.
    pub fn build(self) -> Result<Redactor, Error> {
        self.build_scoped(false)
    }

    /// Builds the redactor outside every scope and one per scope, with counter slots shared
    /// by all of them.
    fn build_scoped(mut self, simd_keywords_only: bool) -> Result<Redactor, Error> {
        let scopes = std::mem::take(&mut self.scopes);
        if scopes.is_empty() {
            return self.build_with(simd_keywords_only);
        }
        // The configuration outside every scope first: its mistakes are its own, not a
        // scope's.
        let mut base = self.clone().build_with(simd_keywords_only)?;
        let mut built: Vec<(String, Redactor)> = Vec::with_capacity(scopes.len());
        // Outer scopes first: a mistake in one is reported as its own, not an inner one's.
        let mut ordered: Vec<&(String, ScopeChange)> = scopes.iter().collect();
        ordered.sort_by_key(|(prefix, _)| prefix.len());
        for &(prefix, change) in &ordered {
            let in_scope = |error: Error| Error::Config {
                entry: format!("scope({prefix})"),
                error: Box::new(error),
            };
            let malformed = prefix.is_empty()
                || prefix.contains(|c: char| c.is_whitespace() || c == '*')
                || prefix.starts_with("::")
                || prefix.ends_with("::");
            if malformed {
                return Err(in_scope(Error::InvalidRule {
                    rule: prefix.clone(),
                    reason: "a scope is a target or module path such as `app::users`".into(),
                }));
            }
            if built.iter().any(|(p, _)| p == prefix) {
                return Err(in_scope(Error::InvalidRule {
                    rule: prefix.clone(),
                    reason: "this scope is configured twice".into(),
                }));
            }
            // The scopes around this one apply first, outermost first, then its own change:
            // `app::users::export` keeps what `app::users` turned on.
            let mut around: Vec<&(String, ScopeChange)> = scopes
                .iter()
                .filter(|(outer, _)| outer != prefix && covers(outer, prefix))
                .collect();
            around.sort_by_key(|(outer, _)| outer.len());
            let mut changed = self.clone();
            for (_, outer_change) in around {
                changed = outer_change(changed);
            }
            let changed = change(changed);
            if !changed.scopes.is_empty() {
                return Err(in_scope(Error::InvalidRule {
                    rule: prefix.clone(),
                    reason: "a scope cannot hold scopes of its own".into(),
                }));
            }
            built.push((
                prefix.clone(),
                changed.build_with(simd_keywords_only).map_err(in_scope)?,
            ));
        }
        // One counter per rule id, whichever redactors have it.
        let mut ids: Vec<Box<str>> = Vec::new();
        for redactor in std::iter::once(&base).chain(built.iter().map(|(_, r)| r)) {
            for rule in &redactor.engine.rules {
                if !ids.contains(&rule.id) {
                    ids.push(rule.id.clone());
                }
            }
        }
        let slot_of = |redactor: &Redactor| -> Arc<[usize]> {
            redactor
                .engine
                .rules
                .iter()
                .map(|rule| {
                    ids.iter()
                        .position(|id| *id == rule.id)
                        .unwrap_or(ids.len())
                })
                .collect()
        };
        base.slot_of = slot_of(&base);
        let scopes: Vec<Scope> = built
            .into_iter()
            .map(|(prefix, mut redactor)| {
                redactor.slot_of = slot_of(&redactor);
                Scope {
                    prefix: prefix.into_boxed_str(),
                    redactor,
                }
            })
            .collect();
        ids.push(Box::from(engine::OVERSIZED));
        let slot_ids: Arc<[Box<str>]> = ids.into();
        base.slot_ids = Arc::clone(&slot_ids);
        let scopes: Vec<Scope> = scopes
            .into_iter()
            .map(|mut scope| {
                scope.redactor.slot_ids = Arc::clone(&slot_ids);
                scope
            })
            .collect();
        base.scopes = scopes.into();
        Ok(base)
    }

    /// Builds with every keyword in the SIMD keyword pass, whatever the rule asks
    /// ([`KeywordSearch`]): what the other keyword searches are compared with.
    #[cfg(test)]
    pub(crate) fn build_simd_keywords_only(self) -> Result<Redactor, Error> {
        self.build_scoped(true)
    }

    fn build_with(self, simd_keywords_only: bool) -> Result<Redactor, Error> {
        struct Candidate {
            id: String,
            family: Family,
            enabled: bool,
        }
        let mut candidates: Vec<Candidate> = rules::rules()
            .map(|r| Candidate {
                id: r.id.to_string(),
                family: r.family,
                enabled: r.default_enabled,
            })
            .collect();
        for rule in &self.custom {
            if rule.id.is_empty()
                || rule
                    .id
                    .contains(|c: char| c.is_whitespace() || c == ']' || c == '[')
            {
                return Err(Error::InvalidRule {
                    rule: rule.id.clone(),
                    reason: "rule ids must be non-empty, without spaces or brackets".into(),
                });
            }
            // `oversized` and `unformattable` name the markers and their counters.
            let taken = candidates.iter().any(|c| c.id == rule.id)
                || Family::ALL.iter().any(|f| f.name() == rule.id)
                || ["oversized", "unformattable", SECRET_VALUE_RULE].contains(&rule.id.as_str());
            if taken {
                return Err(Error::DuplicateRule(rule.id.clone()));
            }
            if rule.keywords.iter().any(String::is_empty) {
                return Err(Error::InvalidRule {
                    rule: rule.id.clone(),
                    reason: "empty keyword".into(),
                });
            }
            candidates.push(Candidate {
                id: rule.id.clone(),
                family: Family::Custom,
                enabled: true,
            });
        }
        if let Some(reason) = self.secret_env_errors.first() {
            return Err(Error::InvalidRule {
                rule: SECRET_VALUE_RULE.into(),
                reason: reason.clone(),
            });
        }
        for (i, value) in self.secret_values.iter().enumerate() {
            if value.len() < MIN_SECRET_VALUE_LEN {
                return Err(Error::InvalidRule {
                    rule: SECRET_VALUE_RULE.into(),
                    reason: format!(
                        "known value #{} is shorter than {MIN_SECRET_VALUE_LEN} bytes and \
                         would match ordinary text",
                        i + 1
                    ),
                });
            }
        }
        candidates.push(Candidate {
            id: SECRET_VALUE_RULE.into(),
            family: Family::Custom,
            enabled: !self.secret_values.is_empty(),
        });
        let matches = |c: &Candidate, name: &str| c.id == name || c.family.name() == name;
        for (name, on) in &self.toggles {
            let mut any = false;
            for c in candidates.iter_mut().filter(|c| matches(c, name)) {
                c.enabled = *on;
                any = true;
            }
            if !any && !Family::ALL.iter().any(|f| f.name() == name) {
                return Err(Error::UnknownRule(name.clone()));
            }
        }
        self.replacement
            .check()
            .map_err(|reason| Error::InvalidRule {
                rule: "replacement".into(),
                reason,
            })?;
        for (name, replacement) in &self.per_rule {
            replacement.check().map_err(|reason| Error::InvalidRule {
                rule: name.clone(),
                reason,
            })?;
            if !candidates.iter().any(|c| matches(c, name))
                && !Family::ALL.iter().any(|f| f.name() == name)
            {
                return Err(Error::UnknownRule(name.clone()));
            }
        }
        let replacement_of = |c: &Candidate| {
            self.per_rule
                .iter()
                .rev()
                .find(|(name, _)| matches(c, name))
                .map_or_else(|| self.replacement.clone(), |(_, r)| r.clone())
        };

        let mut compiled = Vec::new();
        let mut keywords = Vec::new();
        for (c, info) in candidates.iter().zip(rules::rules()) {
            if !c.enabled {
                continue;
            }
            let (regex, anchored, validator, words, hit_check, hand, keyword_search) =
                match info.detector {
                    Detector::Pattern {
                        regex,
                        keywords,
                        validator,
                        keyword_starts_match,
                        hit_check,
                        keyword_search,
                        hand,
                    } => (
                        Some(compile(&c.id, regex, false)?),
                        // A hand matcher answers the anchored search; the regex is then compiled
                        // for it only if its capture groups are read.
                        if keyword_starts_match && hand.match_at.is_none() {
                            Some(compile_anchored(&c.id, regex, false)?)
                        } else {
                            None
                        },
                        validator.map_or(Validator::None, Validator::Builtin),
                        keywords.iter().map(|k| k.to_string()).collect(),
                        hit_check,
                        hand,
                        if simd_keywords_only {
                            KeywordSearch::Everywhere
                        } else {
                            keyword_search
                        },
                    ),
                    Detector::KeyValue | Detector::Scanner | Detector::Shape(_) => (
                        None,
                        None,
                        Validator::None,
                        Vec::new(),
                        None,
                        HandMatcher::NONE,
                        KeywordSearch::Everywhere,
                    ),
                };
            let secret_groups = secret_groups(regex.as_ref());
            let captures = match (&info.detector, &anchored) {
                _ if secret_groups.is_empty() => None,
                (_, Some(anchored)) => Some(anchored.clone()),
                (Detector::Pattern { regex, .. }, None) => {
                    Some(compile_anchored(&c.id, regex, false)?)
                }
                _ => None,
            };
            // Passwords and key ids after a parameter name may be short and plain.
            let placeholder_guard = !matches!(
                info.id,
                "url-credentials" | "curl-user" | "aws-presigned-url" | "aws-sigv4-authorization"
            );
            let shape = match info.detector {
                Detector::Shape(rule) => Some(&rule.shape),
                _ => None,
            };
            compiled.push(CompiledRule {
                id: c.id.clone().into_boxed_str(),
                shape,
                regex,
                anchored,
                captures,
                secret_groups,
                validator,
                replacement: replacement_of(c),
                hit_check,
                keyword_search,
                hand,
                placeholder_guard,
                form: info.form,
                proximity: None,
            });
            keywords.push(words);
        }
        let builtin_count = rules::rules().count();
        for (c, rule) in candidates[builtin_count..].iter().zip(&self.custom) {
            if !c.enabled {
                continue;
            }
            let regex = compile(&rule.id, &rule.pattern, true)?;
            let secret_groups = secret_groups(Some(&regex));
            let captures = if secret_groups.is_empty() {
                None
            } else {
                Some(compile_anchored(&rule.id, &rule.pattern, true)?)
            };
            compiled.push(CompiledRule {
                secret_groups,
                regex: Some(regex),
                captures,
                validator: rule
                    .validator
                    .clone()
                    .map_or(Validator::None, Validator::Custom),
                proximity: rule.proximity()?,
                ..CompiledRule::plain(&rule.id, replacement_of(c))
            });
            keywords.push(rule.keywords.clone());
        }
        // Known values: a rule without a regex; the engine looks for their forms as literals.
        let mut secret_forms = Vec::new();
        if let Some(c) = candidates.last().filter(|c| c.enabled) {
            compiled.push(CompiledRule::plain(&c.id, replacement_of(c)));
            keywords.push(Vec::new());
            for value in &self.secret_values {
                secret_forms.extend(crate::secret_values::forms(value));
            }
        }
        let names = |specs: &[String], what: &str| {
            let mut names = KeyNames::default();
            for spec in specs {
                names.add(spec).map_err(|reason| Error::InvalidRule {
                    rule: spec.clone(),
                    reason: format!("{what}: {reason}"),
                })?;
            }
            Ok::<_, Error>(names)
        };
        let extra_keys = names(&self.keys, "sensitive key")?;
        let exempt_keys = names(&self.exempt, "exempt field")?;
        if let Some(name) = exempt_keys.covers_a_secret_name() {
            return Err(Error::InvalidRule {
                rule: name,
                reason: "an exempt field may not cover the message or a name that says secret"
                    .into(),
            });
        }
        if let Some(both) = exempt_keys.overlaps(&extra_keys) {
            return Err(Error::InvalidRule {
                rule: both,
                reason: "a key cannot be both exempt and sensitive".into(),
            });
        }
        let allow_patterns = if self.allow_patterns.is_empty() {
            None
        } else {
            let anchored: Vec<String> = self
                .allow_patterns
                .iter()
                .map(|p| format!("^(?:{p})$"))
                .collect();
            for p in &self.allow_patterns {
                compile("allowlist", p, true)?;
            }
            Some(
                RegexSetBuilder::new(anchored)
                    .build()
                    .map_err(|e| Error::InvalidPattern {
                        rule: "allowlist".into(),
                        message: e.to_string(),
                    })?,
            )
        };
        let engine = Engine::new(EngineParts {
            rules: compiled,
            keywords,
            extra_keys,
            exempt_keys,
            secret_forms,
            allow_literals: self
                .allow_literals
                .into_iter()
                .map(String::into_bytes)
                .collect(),
            allow_patterns,
            max_len: self.max_len,
        })?;
        Ok(Redactor::unscoped(engine))
    }
}

/// Applies `pass` to the output of a first pass until it replaces nothing more, at most
/// [`MAX_PASSES`] passes in all counting the first.
fn to_fixed_point<T>(mut out: T, pass: impl Fn(&T) -> Option<T>) -> T {
    for _ in 1..MAX_PASSES {
        match pass(&out) {
            Some(next) => out = next,
            None => break,
        }
    }
    out
}

fn compile(rule: &str, pattern: &str, unicode: bool) -> Result<regex::bytes::Regex, Error> {
    RegexBuilder::new(pattern)
        .unicode(unicode)
        .size_limit(16 << 20)
        .build()
        .map_err(|e| Error::InvalidPattern {
            rule: rule.to_string(),
            message: e.to_string(),
        })
}

/// The pattern for searches anchored at a known start: keyword hits, and the capture groups of
/// a match already found. Same syntax and size limit as [`compile`], so group numbers agree
/// and a pattern that compiles there compiles here.
fn compile_anchored(
    rule: &str,
    pattern: &str,
    unicode: bool,
) -> Result<regex_automata::meta::Regex, Error> {
    regex_automata::meta::Regex::builder()
        .configure(regex_automata::meta::Regex::config().nfa_size_limit(Some(16 << 20)))
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(unicode)
                .utf8(false),
        )
        .build(pattern)
        .map_err(|e| Error::InvalidPattern {
            rule: rule.to_string(),
            message: e.to_string(),
        })
}

fn secret_groups(regex: Option<&regex::bytes::Regex>) -> Vec<usize> {
    regex.map_or_else(Vec::new, |re| {
        re.capture_names()
            .enumerate()
            .filter(|(_, name)| name.is_some_and(|n| n.starts_with("secret")))
            .map(|(i, _)| i)
            .collect()
    })
}
