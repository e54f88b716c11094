//! Configuring a redactor, and compiling the configuration into an engine (one per scope).

use super::{covers, CustomRule, Redactor, Scope, DEFAULT_MAX_VALUE_LEN};
use crate::engine::{self, CompiledRule, Engine, EngineParts, MatchStart, Validator};
use crate::replacement::Replacement;
use crate::rules::keys::KeyNames;
use crate::rules::{self, Detector, Family, HandMatcher, Slot};
use crate::secret_values::{MIN_SECRET_VALUE_LEN, SECRET_VALUE_RULE};
use crate::Error;
use regex::bytes::{RegexBuilder, RegexSetBuilder};
use std::fmt;
use std::sync::Arc;
use zeroize::Zeroizing;

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

/// The longest custom rule id: markers of ours are recognised up to this length.
const MAX_RULE_ID_LEN: usize = 48;

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

    /// Builds with every keyword a literal of the SIMD keyword pass, wherever the engine
    /// would look for it otherwise: what the other keyword searches are compared with.
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
            // Labels must read as our markers (`[REDACTED:acme-token]`): the engine skips
            // markers by that shape, so their words are not taken for keys or context.
            if rule.id.is_empty()
                || rule.id.len() > MAX_RULE_ID_LEN
                || !rule
                    .id
                    .bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
            {
                return Err(Error::InvalidRule {
                    rule: rule.id.clone(),
                    reason: format!(
                        "rule ids are 1 to {MAX_RULE_ID_LEN} lower-case letters, digits and \
                         dashes (no spaces, brackets or other characters), as in `acme-token`"
                    ),
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
            let (regex, anchored, validator, words, hit_check, hand, guard, match_start) =
                match info.detector {
                    Detector::Pattern {
                        regex,
                        keywords,
                        validator,
                        hit_check,
                        hand,
                        placeholder_guard,
                        ..
                    } => {
                        let match_start = MatchStart::of(regex, false, keywords);
                        // A hand matcher of the anchored search serves only a rule whose
                        // matches all start at a keyword; without that, the regex searches
                        // the whole text (`rules_searched_at_keyword_hits` keeps it so).
                        let hand = HandMatcher {
                            match_at: hand.match_at.filter(|_| match_start.at_keyword),
                            ..hand
                        };
                        (
                            Some(compile(&c.id, regex, false)?),
                            // A hand matcher answers the anchored search; the regex is then
                            // compiled for it only if its capture groups are read.
                            if hand.match_at.is_none() && match_start.at_keyword {
                                Some(compile_anchored(&c.id, regex, false)?)
                            } else {
                                None
                            },
                            validator.map_or(Validator::None, Validator::Builtin),
                            keywords.iter().map(|k| k.to_string()).collect(),
                            hit_check,
                            hand,
                            placeholder_guard,
                            match_start,
                        )
                    }
                    Detector::KeyValue(_) | Detector::Scanner(_) | Detector::Shape(_) => (
                        None,
                        None,
                        Validator::None,
                        Vec::new(),
                        None,
                        HandMatcher::NONE,
                        true,
                        MatchStart::default(),
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
                match_start,
                hand,
                placeholder_guard: guard,
                form: info.form,
                slot: info.detector.slot(),
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
                match_start: MatchStart::of(&rule.pattern, true, &rule.keywords),
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
            compiled.push(CompiledRule {
                slot: Some(Slot::SecretValue),
                ..CompiledRule::plain(&c.id, replacement_of(c))
            });
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
            simd_keywords_only,
        })?;
        Ok(Redactor::unscoped(engine))
    }
}

pub(crate) fn compile(
    rule: &str,
    pattern: &str,
    unicode: bool,
) -> Result<regex::bytes::Regex, Error> {
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
