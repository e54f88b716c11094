//! [`Redactor`], its builder, and custom rules.

//! The redactor: the compiled configuration ([`Redactor`]), how it is configured
//! ([`RedactorBuilder`], in `builder`) and the rules users add ([`CustomRule`], in `custom`).
//! Finding and rendering live here; compiling the configuration into an engine lives in
//! `builder`.

mod builder;
mod custom;

#[cfg(feature = "serde")]
pub(crate) use builder::compile;
pub use builder::RedactorBuilder;
pub use custom::CustomRule;

use crate::engine::{self, Engine, Raw};
use crate::finding::{Finding, Findings};
use crate::replacement::Replacement;
use crate::rules::SecretForm;
use once_cell::sync::Lazy;
use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

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

    /// The engine, for tests that look at how it was built.
    #[cfg(test)]
    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
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
                    // A known value replaced can expose more: settled as the layer does.
                    Some(changed) => Cow::Owned(self.redact(&changed).into_owned()),
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
        // One text of every field that can be read; an oversized one is an empty line in it,
        // as in the layer.
        let policies: Vec<FieldPolicy> = fields
            .iter()
            .map(|(name, value)| self.field_policy(name, value))
            .collect();
        let mut joined = String::new();
        let mut pieces = Vec::with_capacity(fields.len());
        for (i, ((_, value), policy)) in fields.iter().zip(&policies).enumerate() {
            if i > 0 {
                joined.push('\n');
            }
            let start = joined.len();
            if !matches!(policy, FieldPolicy::Oversized) {
                joined.push_str(value);
            }
            pieces.push(start..joined.len());
        }
        if joined.len() > self.engine.max_len {
            // Too long together: each field alone, as the layer does then.
            return fields
                .iter()
                .map(|(name, value)| match self.redact_field(name, value) {
                    Cow::Owned(s) => Some(s),
                    Cow::Borrowed(_) => None,
                })
                .collect();
        }
        let found: Vec<Raw> = self.scan(joined.as_bytes(), <[Raw]>::to_vec);
        fields
            .iter()
            .zip(policies)
            .zip(pieces)
            .map(|(((_, value), policy), piece)| match policy {
                FieldPolicy::Oversized => Some(self.replaced_whole(u16::MAX, value)),
                FieldPolicy::Whole(rule) => Some(self.replaced_whole(rule, value)),
                // Exempt fields keep only known values' findings. A replacement can expose
                // more: settle the field as the layer does.
                FieldPolicy::Exempt | FieldPolicy::Scan => self
                    .render_piece(
                        &joined,
                        piece,
                        &found,
                        matches!(policy, FieldPolicy::Exempt),
                    )
                    .map(|text| self.redact(&text).into_owned()),
            })
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
    pub(crate) fn render(
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

/// Applies `pass` to the output of a first pass until it replaces nothing more, at most
/// [`MAX_PASSES`] passes in all counting the first.
pub(crate) fn to_fixed_point<T>(mut out: T, mut pass: impl FnMut(&T) -> Option<T>) -> T {
    for _ in 1..MAX_PASSES {
        match pass(&out) {
            Some(next) => out = next,
            None => break,
        }
    }
    out
}
