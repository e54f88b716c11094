//! The matching engine: finds every enabled rule's matches in one keyword pass plus a few
//! hand-written scans, then merges them.
//!
//! # How a text is searched
//!
//! 1. **Keyword pass.** Every pattern rule's literal keywords and the key-name stems are
//!    found by aho-corasick's SIMD "Teddy" searcher, case-sensitively with explicit case
//!    variants, in as few passes as fit (see `keywords`: how literals are grouped and ordered,
//!    and how occurrences inside other occurrences are still reported). A hit either marks a
//!    pattern rule as *triggered* or hands a key stem to the key-value parser. A rule may give
//!    a cheap necessary condition checked at each hit first (`://` must have an `@` within
//!    reach), because a regex search costs tens of nanoseconds even when it fails at once.
//!    Keywords are chosen to lead somewhere: each hit also costs about 100 ns in the pass
//!    itself, which is why the presigned-URL rule looks for `X-Amz-Credential`, not `X-Amz-`.
//!    Keywords that another scan finds more cheaply stay out of the SIMD pass, whose cost
//!    grows with its literals (`rules::KeywordSearch`): Twilio's `SK` is looked for inside
//!    the long key runs of step 4, Azure's `Q~` at each `~` of the rare-byte pass.
//!    Known secret values' forms are not keywords: they are long, and a skipping search of
//!    their own (`long_literals`, Wu–Manber) reads one window end per about 20 bytes where
//!    they would add SIMD passes.
//! 2. **Rare bytes.** One `memchr2`/`memchr3` pass over the bytes that are rare in logs and
//!    start a check: `@` (e-mail) and the bytes of keywords searched at a byte. A pass costs
//!    a few nanoseconds a call even on short texts, so they share one.
//! 3. **Triggered regexes.** Only triggered rules run their regex. Where every match of a rule
//!    starts at one of its keywords, the regex runs anchored at each hit (up to 32 hits a text;
//!    beyond, over the whole text); otherwise over the whole text. Rules never triggered cost
//!    nothing. The rules that fire most in logs (AWS key ids, session tokens, SigV4 headers
//!    and signatures, presigned URLs, JWTs, GitHub and Slack tokens, URL passwords) carry
//!    hand-written equivalents of their anchored and capture searches
//!    (`rules::HandMatcher`), tested against the regex at every position of generated text:
//!    the regex engine costs 50–100 ns a search before it reads a byte.
//! 4. **Scanners.** Digit clusters (cards, SSNs, phones, IBANs, IPv4) and 40-character
//!    base64 runs (AWS secret keys) are found by hand-written scans that test checksums only
//!    on candidates. Both come from the 64-byte bit masks of one classifying pass
//!    (`classify::Classified`: number bytes and key bytes, computed with SIMD compares once
//!    for every scanner) and `validate::for_each_long_run_masked` (key runs from
//!    [`KEY_RUN_MIN`] bytes on when a rule's keywords are looked for there).
//! 5. **Token shapes.** The `vendor-tokens` rules are data (`rules::shape`): `shapes` finds
//!    the starts of long token runs from the classifying pass's masks and dispatches each
//!    through prefix and context tables, so their number does not add passes.
//! 6. **Merge.** Findings are filtered by the allowlist, sorted, and overlapping ones merged.
//!
//! No step allocates unless it finds something.

pub(crate) mod classify;
pub(crate) mod keyvalue;
mod keywords;
mod long_literals;
pub(crate) mod proximity;
pub(crate) mod shapes;
pub(crate) mod validate;

use crate::replacement::Replacement;
use crate::rules::aws_context;
use crate::rules::keys::{classify, KeyClass, KeyNames, KEY_STEMS};
use crate::rules::pii::DigitHit;
use crate::rules::{aws, http, network, pii, KeywordSearch};
use classify::Classified;
use keywords::Keywords;
use long_literals::LongLiterals;
use regex::bytes::{Regex, RegexSet};
use std::ops::Range;
use std::sync::Arc;
use zeroize::Zeroizing;

/// A user validator: gets the candidate secret, returns whether it is one.
pub(crate) type CustomValidator = Arc<dyn Fn(&str) -> bool + Send + Sync>;

pub(crate) enum Validator {
    None,
    Builtin(crate::rules::BuiltinValidator),
    Custom(CustomValidator),
}

pub(crate) struct CompiledRule {
    pub id: Box<str>,
    /// The token shape of a shape rule, found by the shape dispatch ([`shapes`]).
    pub shape: Option<&'static crate::rules::shape::TokenShape>,
    pub regex: Option<Regex>,
    /// The same pattern for anchored searches at keyword hits, when every match starts at a
    /// keyword and no hand matcher (`hand.match_at`) answers that search.
    pub anchored: Option<regex_automata::meta::Regex>,
    /// The same pattern again, for reading the `secret…` groups of a match already found: an
    /// anchored search over the match's span only (present when the rule has such groups).
    pub captures: Option<regex_automata::meta::Regex>,
    pub secret_groups: Vec<usize>,
    pub validator: Validator,
    pub replacement: Replacement,
    /// A necessary condition at each keyword hit, checked before the regex runs.
    pub hit_check: Option<crate::rules::HitCheck>,
    /// Where the rule's keywords are looked for.
    pub keyword_search: KeywordSearch,
    /// Hand-written equivalents of the anchored search and of the capture search.
    pub hand: crate::rules::HandMatcher,
    /// Reject matches with fewer than five distinct letters and digits: `AKIAXXXXXXXXXXXXXXXX`
    /// and `ghp_xxxx…` are documentation placeholders, not credentials.
    pub placeholder_guard: bool,
    /// What the rule's secrets look like, for masks that keep parts of them.
    pub form: crate::rules::SecretForm,
    /// Words that must, or must not, occur shortly before a match (custom rules).
    pub proximity: Option<proximity::Proximity>,
}

impl CompiledRule {
    /// A rule with only an id and a replacement: no pattern, checks or hand matchers. What a
    /// rule found by literals alone is (known secret values); custom rules add their regex.
    pub(crate) fn plain(id: &str, replacement: Replacement) -> CompiledRule {
        CompiledRule {
            id: id.into(),
            shape: None,
            regex: None,
            anchored: None,
            captures: None,
            secret_groups: Vec::new(),
            validator: Validator::None,
            replacement,
            hit_check: None,
            keyword_search: KeywordSearch::Everywhere,
            hand: crate::rules::HandMatcher::NONE,
            placeholder_guard: false,
            form: crate::rules::SecretForm::Opaque,
            proximity: None,
        }
    }

    /// Whether a keyword hit at `hit` passes the rule's necessary condition, if it has one.
    fn accepts_hit(&self, hay: &[u8], hit: Range<usize>) -> bool {
        self.hit_check.map_or(true, |check| check(hay, hit))
    }

    /// Whether the rule is searched at each keyword hit rather than over the whole text.
    fn searched_at_hits(&self) -> bool {
        self.anchored.is_some() || self.hand.match_at.is_some() || self.hand.secret_at.is_some()
    }
}

#[derive(Clone, Copy, Debug)]
enum Target {
    Rule(u16),
    KeyStem,
    /// `Bytes([65, 99, …])`: a byte buffer's `Debug`, decoded and scanned.
    ByteArray,
    /// `SecureString`: the SSM parameter values around it ([`aws_context`]).
    SecureParameter,
    /// A form of a known secret value (`crate::secret_values`), redacted by this rule.
    SecretValue(u16),
}

/// The `Debug` of `bytes::Bytes`-like buffers that print decimal bytes (aws-sigv4's
/// `SignableBody::Bytes`).
const BYTE_ARRAY_OPEN: &str = "Bytes([";

/// Indices of the enabled rules that scanners and the key-value parser report to.
#[derive(Default)]
pub(crate) struct Slots {
    pub aws_secret: Option<u16>,
    pub aws_secret_bare: Option<u16>,
    pub aws_session: Option<u16>,
    pub aws_access_key: Option<u16>,
    pub authorization: Option<u16>,
    pub cookie: Option<u16>,
    pub sensitive: Option<u16>,
    pub email: Option<u16>,
    pub card: Option<u16>,
    pub ssn: Option<u16>,
    pub phone: Option<u16>,
    pub iban: Option<u16>,
    pub ipv4: Option<u16>,
    pub ipv6: Option<u16>,
    pub secret_value: Option<u16>,
    pub aws_secure_parameter: Option<u16>,
    pub aws_signature: Option<u16>,
}

/// The rule id reported for values over the size limit.
pub(crate) const OVERSIZED: &str = "oversized";

pub(crate) struct Engine {
    /// Unique per engine built in this process (never reused, unlike an address), so caches
    /// keyed by it cannot mix up two configurations.
    pub serial: u64,
    pub rules: Vec<CompiledRule>,
    keywords: Option<Keywords>,
    keyword_targets: Vec<Vec<Target>>,
    /// The forms of known secret values ([`long_literals`]), with the rule they report for.
    secret_values: Option<(LongLiterals, u16)>,
    /// Keywords looked for inside long key runs only ([`KeywordSearch::InKeyRuns`]).
    run_keywords: Vec<(Box<[u8]>, u16)>,
    /// Keywords looked for around one byte ([`KeywordSearch::AtByte`]), by byte: each with
    /// the byte's offset in it.
    byte_keywords: Vec<(u8, Vec<ByteKeyword>)>,
    /// `@` (when e-mail is on) and the bytes of `byte_keywords`, for [`Engine::rare_bytes`].
    rare_needles: Vec<u8>,
    unconditional: Vec<u16>,
    /// The shape rules' dispatch tables, when any is enabled.
    shapes: Option<shapes::ShapeDispatch>,
    slots: Slots,
    extra_keys: KeyNames,
    /// Keys whose values are never redacted, and the searcher of their stems, when any.
    exempt: Option<(KeyNames, Keywords)>,
    allow_literals: Vec<Vec<u8>>,
    allow_patterns: Option<RegexSet>,
    /// Whether some rule's replacement writes text a rule may find again (a mask, a fixed
    /// text), which `finish` then drops.
    pub replacements_findable: bool,
    pub max_len: usize,
}

/// A keyword found around a byte: `literal[offset]` is the byte.
struct ByteKeyword {
    literal: Box<[u8]>,
    offset: usize,
    rule: u16,
}

/// The shortest run of `[A-Za-z0-9+/]` the key-run scan reports when a rule looks for its
/// keywords there ([`KeywordSearch::InKeyRuns`]); without such a rule, 40 (bare secret keys).
pub(crate) const KEY_RUN_MIN: usize = 34;

// The key-run scan is skipped in texts without a long token run (`run_scanners`).
const _: () = assert!(KEY_RUN_MIN >= classify::LONG_RUN);

/// What the keyword searches asked for, before any regex runs.
struct Triggers {
    /// Rules to search over the whole text, one bit each.
    whole: [u64; MAX_RULES / 64],
    /// Keyword hits of rules searched in place; past the buffer, a rule falls back to a search
    /// of the whole text.
    anchored: [(u16, usize); 32],
    anchored_count: usize,
}

impl Triggers {
    fn new() -> Triggers {
        Triggers {
            whole: [0; MAX_RULES / 64],
            anchored: [(0, 0); 32],
            anchored_count: 0,
        }
    }

    fn whole_text(&mut self, rule: u16) {
        self.whole[usize::from(rule) / 64] |= 1 << (rule % 64);
    }

    fn is_whole_text(&self, rule: u16) -> bool {
        self.whole[usize::from(rule) / 64] & (1 << (rule % 64)) != 0
    }

    fn anchored(&self) -> &[(u16, usize)] {
        &self.anchored[..self.anchored_count]
    }

    /// A keyword of `rule` at `range`.
    fn hit(&mut self, rules: &[CompiledRule], hay: &[u8], rule: u16, range: Range<usize>) {
        let compiled = &rules[usize::from(rule)];
        if !compiled.accepts_hit(hay, range.clone()) {
            return;
        }
        if compiled.searched_at_hits() && self.anchored_count < self.anchored.len() {
            self.anchored[self.anchored_count] = (rule, range.start);
            self.anchored_count += 1;
        } else {
            self.whole_text(rule);
        }
    }
}

/// One raw finding: rule index and byte range.
pub(crate) type Raw = (u16, Range<usize>);

const MAX_RULES: usize = 512;

/// Marks, while a text is searched, a finding the allowlist does not apply to: a value found
/// because of the key name it is stored under, or a known secret value (see the precedence
/// table in `RedactorBuilder`'s docs). Cleared before findings leave the engine.
const OVERRIDES_ALLOWLIST: u16 = 0x8000;
const _: () = assert!(MAX_RULES < OVERRIDES_ALLOWLIST as usize);

pub(crate) struct EngineParts {
    pub rules: Vec<CompiledRule>,
    pub keywords: Vec<Vec<String>>,
    /// The user's sensitive key names and globs.
    pub extra_keys: KeyNames,
    /// Keys whose values are never redacted.
    pub exempt_keys: KeyNames,
    /// The forms of the known secret values (`crate::secret_values`).
    pub secret_forms: Vec<Zeroizing<String>>,
    pub allow_literals: Vec<Vec<u8>>,
    pub allow_patterns: Option<RegexSet>,
    pub max_len: usize,
}

impl Engine {
    pub(crate) fn new(parts: EngineParts) -> Result<Engine, crate::Error> {
        if parts.rules.len() > MAX_RULES {
            return Err(crate::Error::InvalidRule {
                rule: "custom".into(),
                reason: format!("at most {MAX_RULES} rules can be enabled at once"),
            });
        }
        let index = |id: &str| {
            parts
                .rules
                .iter()
                .position(|r| &*r.id == id)
                .map(|i| i as u16)
        };
        let slots = Slots {
            aws_secret: index("aws-secret-access-key"),
            aws_secret_bare: index("aws-secret-access-key-bare"),
            aws_secure_parameter: index("aws-ssm-secure-string"),
            aws_signature: index("aws-signature"),
            aws_session: index("aws-session-token"),
            aws_access_key: index("aws-access-key-id"),
            authorization: index("http-authorization"),
            cookie: index("http-cookie"),
            sensitive: index("sensitive-key"),
            email: index("email"),
            card: index("payment-card"),
            ssn: index("us-ssn"),
            phone: index("phone-number"),
            iban: index("iban"),
            ipv4: index("ipv4"),
            ipv6: index("ipv6"),
            secret_value: index(crate::secret_values::SECRET_VALUE_RULE),
        };
        let kv_enabled = slots.aws_secret.is_some()
            || slots.aws_session.is_some()
            || slots.authorization.is_some()
            || slots.cookie.is_some()
            || slots.sensitive.is_some()
            || !parts.extra_keys.is_empty();

        // Zeroed when dropped: known secret values are among the literals.
        let mut literals: Zeroizing<Vec<String>> = Zeroizing::new(Vec::new());
        let mut keyword_targets: Vec<Vec<Target>> = Vec::new();
        let mut add =
            |literal: &str, target: Target| match literals.iter().position(|l| l == literal) {
                Some(i) => keyword_targets[i].push(target),
                None => {
                    literals.push(literal.to_string());
                    keyword_targets.push(vec![target]);
                }
            };
        let mut unconditional = Vec::new();
        let mut run_keywords = Vec::new();
        let mut byte_keywords: Vec<(u8, Vec<ByteKeyword>)> = Vec::new();
        for (i, (rule, words)) in parts.rules.iter().zip(&parts.keywords).enumerate() {
            if rule.regex.is_none() {
                continue;
            }
            if words.is_empty() {
                unconditional.push(i as u16);
            }
            for w in words {
                let bytes = w.as_bytes();
                // A keyword that does not fit its search goes to the SIMD pass, which finds
                // everything (the catalogue's tests make sure this never happens).
                match rule.keyword_search {
                    KeywordSearch::InKeyRuns
                        if !bytes.is_empty()
                            && bytes.len() <= KEY_RUN_MIN
                            && bytes.iter().all(|&b| aws::KEY_BYTES.contains(b)) =>
                    {
                        run_keywords.push((bytes.into(), i as u16));
                    }
                    KeywordSearch::AtByte(byte) if bytes.contains(&byte) => {
                        let keyword = ByteKeyword {
                            literal: bytes.into(),
                            offset: bytes.iter().position(|&b| b == byte).unwrap_or(0),
                            rule: i as u16,
                        };
                        match byte_keywords.iter_mut().find(|(b, _)| *b == byte) {
                            Some((_, list)) => list.push(keyword),
                            None => byte_keywords.push((byte, vec![keyword])),
                        }
                    }
                    _ => add(w, Target::Rule(i as u16)),
                }
            }
        }
        if kv_enabled {
            for stem in KEY_STEMS {
                add(stem, Target::KeyStem);
            }
            // The first letters of a user key appear in one of three cases in every spelling
            // of it (snake, kebab, camel, Pascal, upper); the classifier checks the whole key.
            for stem in parts.extra_keys.stems() {
                add(&stem, Target::KeyStem);
            }
        }
        if !parts.rules.is_empty() {
            add(BYTE_ARRAY_OPEN, Target::ByteArray);
        }
        // Known values' forms are long: a skipping search of their own costs less than the
        // SIMD pass they would add to (see `long_literals`). A form too short for it (none:
        // forms have at least 6 bytes) would go to the keyword pass.
        let secret_values = match slots.secret_value {
            Some(rule) => {
                let searcher = LongLiterals::new(parts.secret_forms.iter().map(|f| f.as_bytes()));
                if searcher.is_none() {
                    for form in &parts.secret_forms {
                        add(form, Target::SecretValue(rule));
                    }
                }
                searcher.map(|s| (s, rule))
            }
            None => None,
        };
        if slots.aws_secure_parameter.is_some() {
            add(aws_context::SECURE_STRING, Target::SecureParameter);
        }
        let keywords = if literals.is_empty() {
            None
        } else {
            // Key stems first (see `Keywords::new`).
            let mut order: Vec<usize> = (0..literals.len()).collect();
            let is_stem = |i: &usize| {
                keyword_targets[*i]
                    .iter()
                    .any(|t| matches!(t, Target::KeyStem))
            };
            order.sort_by_key(|i| !is_stem(i));
            let stems = order.iter().filter(|i| is_stem(i)).count();
            literals = Zeroizing::new(
                order
                    .iter()
                    .map(|&i| std::mem::take(&mut literals[i]))
                    .collect(),
            );
            keyword_targets = order
                .iter()
                .map(|&i| std::mem::take(&mut keyword_targets[i]))
                .collect();
            Some(Keywords::new(&literals, stems)?)
        };
        let mut rare_needles = Vec::new();
        if slots.email.is_some() {
            rare_needles.push(b'@');
        }
        rare_needles.extend(byte_keywords.iter().map(|(b, _)| *b).filter(|&b| b != b'@'));
        let shape_rules: Vec<(u16, &'static crate::rules::shape::TokenShape)> = parts
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i as u16, r.shape?)))
            .collect();
        let exempt = if parts.exempt_keys.is_empty() {
            None
        } else {
            let stems = parts.exempt_keys.stems();
            let searcher = Keywords::new(&stems, stems.len())?;
            Some((parts.exempt_keys, searcher))
        };
        static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Ok(Engine {
            secret_values,
            replacements_findable: parts.rules.iter().any(|r| r.replacement.may_be_found()),
            shapes: shapes::ShapeDispatch::new(&shape_rules),
            serial: SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            rules: parts.rules,
            keywords,
            keyword_targets,
            run_keywords,
            rare_needles,
            byte_keywords,
            unconditional,
            slots,
            extra_keys: parts.extra_keys,
            exempt,
            allow_literals: parts.allow_literals,
            allow_patterns: parts.allow_patterns,
            max_len: parts.max_len,
        })
    }

    /// Finds all secrets in `hay`, merged and sorted. `out` is cleared first.
    pub(crate) fn find(&self, hay: &[u8], out: &mut Vec<Raw>) {
        out.clear();
        let mut triggers = Triggers::new();
        let mut byte_arrays = [0usize; 4];
        let mut byte_array_count = 0;
        for &i in &self.unconditional {
            triggers.whole_text(i);
        }
        if let Some((values, rule)) = &self.secret_values {
            values.for_each(hay, |_, range| {
                // Not inside one of our markers: a value that spells part of one (`REDACTED`)
                // would be replaced again on every pass.
                if !validate::inside_marker(hay, range.start) {
                    out.push((rule | OVERRIDES_ALLOWLIST, range));
                }
            });
        }
        if let Some(ac) = &self.keywords {
            let mut key_end = 0usize;
            let (mut secure_end, mut secure_resume) = (0usize, 0usize);
            ac.for_each(hay, |pattern, range| {
                for &target in &self.keyword_targets[pattern] {
                    match target {
                        Target::Rule(i) => triggers.hit(&self.rules, hay, i, range.clone()),
                        Target::KeyStem
                            if range.start >= key_end
                                && !validate::inside_marker(hay, range.start) =>
                        {
                            key_end = self.key_value_at(hay, range.clone(), out);
                        }
                        Target::KeyStem => {}
                        Target::SecureParameter if range.start >= secure_end => {
                            if let Some(rule) = self.slots.aws_secure_parameter {
                                (secure_end, secure_resume) = aws_context::secure_parameter_values(
                                    hay,
                                    range.start,
                                    secure_resume,
                                    &mut |r| out.push((rule, r)),
                                );
                            }
                        }
                        Target::SecureParameter => {}
                        // Not inside one of our markers: a value that spells part of one
                        // (`REDACTED`) would be replaced again on every pass.
                        Target::SecretValue(rule) if !validate::inside_marker(hay, range.start) => {
                            out.push((rule | OVERRIDES_ALLOWLIST, range.clone()));
                        }
                        Target::SecretValue(_) => {}
                        Target::ByteArray => {
                            if byte_array_count < byte_arrays.len() {
                                byte_arrays[byte_array_count] = range.end;
                                byte_array_count += 1;
                            }
                        }
                    }
                }
            });
        }
        self.rare_bytes(hay, &mut triggers, out);
        for &(i, at) in triggers.anchored() {
            // A rule already searched in full needs no anchored search.
            if !triggers.is_whole_text(i) {
                self.run_anchored(i, hay, at, out);
            }
        }
        for (word_index, word) in triggers.whole.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                self.run_pattern((word_index * 64 + bit) as u16, hay, out);
            }
        }
        // The classes of the text's blocks, computed once for the digit scanner, the key-run
        // scan and the shape dispatch.
        let classified = Classified::new(hay);
        self.run_scanners(&classified, &mut triggers, out);
        if let Some(dispatch) = &self.shapes {
            dispatch.scan(&classified, &mut |rule, r| {
                if !validate::contains_marker(&hay[r.clone()]) {
                    out.push((rule, r));
                }
            });
        }
        for &at in &byte_arrays[..byte_array_count] {
            self.scan_byte_array(hay, at, out);
        }
        self.finish(hay, out);
    }

    /// Decodes the decimal byte list starting at `at` (`65, 99, 116]`), scans the bytes, and
    /// reports each finding as the span of list elements that encode it.
    fn scan_byte_array(&self, hay: &[u8], at: usize, out: &mut Vec<Raw>) {
        let mut decoded = Vec::new();
        let mut elements: Vec<Range<usize>> = Vec::new();
        let mut i = at;
        while decoded.len() < self.max_len {
            let start = i;
            let mut value = 0u32;
            while i < hay.len() && hay[i].is_ascii_digit() && i - start < 3 {
                value = value * 10 + u32::from(hay[i] - b'0');
                i += 1;
            }
            let Ok(byte) = u8::try_from(value) else { break };
            if i == start {
                break;
            }
            decoded.push(byte);
            elements.push(start..i);
            match hay.get(i..i + 2) {
                Some(b", ") => i += 2,
                _ => break,
            }
        }
        if decoded.is_empty() {
            return;
        }
        let mut inner = Vec::new();
        self.find(&decoded, &mut inner);
        for (rule, r) in inner {
            if let (Some(first), Some(last)) =
                (elements.get(r.start), elements.get(r.end.saturating_sub(1)))
            {
                // The inner search applied the allowlist to the decoded bytes already; the
                // list's digits must not be matched against it again.
                out.push((rule | OVERRIDES_ALLOWLIST, first.start..last.end));
            }
        }
    }

    /// Parses the key around a stem hit and records its value. Returns the key's end, so later
    /// stems inside the same key are skipped.
    /// The rule that redacts a whole value because of the name it is stored under (a tracing
    /// field called `password`, `authorization`, `aws_secret_access_key`, …), if that rule is
    /// enabled.
    pub(crate) fn rule_for_key_name(&self, name: &[u8]) -> Option<u16> {
        match classify(name, &self.extra_keys)? {
            KeyClass::AwsSecretAccessKey => self.slots.aws_secret,
            KeyClass::AwsSessionToken => self.slots.aws_session,
            KeyClass::Authorization => self.slots.authorization,
            KeyClass::Cookie => self.slots.cookie,
            KeyClass::Sensitive { .. } => self.slots.sensitive,
        }
    }

    fn key_value_at(&self, hay: &[u8], hit: Range<usize>, out: &mut Vec<Raw>) -> usize {
        let key = keyvalue::key_around(hay, hit.clone());
        let key_end = key.end;
        // `Signature=<base64>` (SigV4, SigV2, `X-Amz-Signature`): the signature rule has it,
        // and ends it where the signature ends. Stems inside the signature are skipped, as
        // inside any value (a text of `Signature=Signature=…` stays linear).
        let name_at = key.end.saturating_sub(9);
        if self.slots.aws_signature.is_some()
            && hay[name_at..key.end].eq_ignore_ascii_case(b"signature")
        {
            // Only where the signature ends the value: a CloudFront signature goes on
            // with `~`, `-` and `_`, which the key parser takes and the signature rule not.
            if let Some(end) = aws::signature_at(hay, name_at) {
                let ends_value = hay.get(end).map_or(true, |&b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'~' | b'-' | b'_' | b'.'))
                });
                if ends_value {
                    return end.max(key_end);
                }
            }
        }
        let Some(class) = classify(&hay[key.clone()], &self.extra_keys) else {
            return key_end;
        };
        let (slot, strong, header_like) = match class {
            KeyClass::AwsSecretAccessKey => (self.slots.aws_secret, true, false),
            KeyClass::AwsSessionToken => (self.slots.aws_session, true, false),
            KeyClass::Authorization => (self.slots.authorization, true, true),
            KeyClass::Cookie => (self.slots.cookie, true, true),
            KeyClass::Sensitive { strong } => (self.slots.sensitive, strong, false),
        };
        let Some(rule) = slot else {
            return key_end;
        };
        let Some(kv) = keyvalue::value_after(hay, key, header_like, !strong) else {
            return key_end;
        };
        if kv.prose && !kv.delimited && !strong && !kv.scheme {
            // Prose, not data (mostly turned down inside `value_after`, before the read).
            return key_end;
        }
        let value = &hay[kv.value.clone()];
        let own = Some(&self.rules[usize::from(rule)].replacement);
        if aws::is_sigv4_credential(value) {
            // `Credential=AKID/date/region/service/aws4_request`: the access-key rule takes
            // the key id; the scope is not secret and stays readable.
            return key_end;
        }
        if aws::sigv4_credential_key_id(value).is_some_and(|key_id| {
            validate::contains_marker(key_id) || keyvalue::is_placeholder(key_id, own)
        }) {
            // The same, once the key id is redacted: the fixed point keeps the scope.
            return key_end;
        }
        if keyvalue::is_placeholder(value, own) {
            return key_end;
        }
        // Parts of a header value (a cookie's value, the credentials after the scheme) can be
        // placeholders of their own; a whole value was checked just above.
        let mut push_part = |r: Range<usize>| {
            if !keyvalue::is_placeholder(&hay[r.clone()], None) {
                out.push((rule | OVERRIDES_ALLOWLIST, r));
            }
        };
        match class {
            KeyClass::Authorization => {
                http::authorization_secret(value, kv.value.start, &mut push_part)
            }
            KeyClass::Cookie => http::cookie_secrets(value, kv.value.start, &mut push_part),
            _ => out.push((rule | OVERRIDES_ALLOWLIST, kv.value.clone())),
        }
        kv.value.end.max(key_end)
    }

    fn run_pattern(&self, index: u16, hay: &[u8], out: &mut Vec<Raw>) {
        let Some(rule) = self.rules.get(usize::from(index)) else {
            return;
        };
        let Some(regex) = &rule.regex else { return };
        // Proximity words are searched once per text, on its first match.
        let mut hits = None;
        for m in regex.find_iter(hay) {
            if let Some(proximity) = &rule.proximity {
                let hits = hits.get_or_insert_with(|| proximity.hits(hay));
                if !proximity.allows(hits, m.start()) {
                    continue;
                }
            }
            self.push_match(rule, index, hay, m.range(), out);
        }
    }

    fn run_anchored(&self, index: u16, hay: &[u8], at: usize, out: &mut Vec<Raw>) {
        let Some(rule) = self.rules.get(usize::from(index)) else {
            return;
        };
        if let Some(secret_at) = rule.hand.secret_at {
            if let Some(secret) = secret_at(hay, at) {
                self.validate_push(rule, index, hay, secret, out);
            }
            return;
        }
        if let Some(match_at) = rule.hand.match_at {
            if let Some(end) = match_at(hay, at) {
                self.push_match(rule, index, hay, at..end, out);
            }
            return;
        }
        let Some(anchored) = &rule.anchored else {
            return;
        };
        let input = regex_automata::Input::new(hay)
            .span(at..hay.len())
            .anchored(regex_automata::Anchored::Yes);
        if let Some(m) = anchored.search(&input) {
            self.push_match(rule, index, hay, m.range(), out);
        }
    }

    /// Records the secret parts of one match: its `secret…` groups, or the whole match when
    /// the rule has none or the matching alternation branch holds none.
    fn push_match(
        &self,
        rule: &CompiledRule,
        index: u16,
        hay: &[u8],
        m: Range<usize>,
        out: &mut Vec<Raw>,
    ) {
        if rule.secret_groups.is_empty() {
            self.validate_push(rule, index, hay, m, out);
            return;
        }
        if let Some(secret_in) = rule.hand.secret_in {
            let secret = secret_in(hay, m.clone()).unwrap_or(m);
            self.validate_push(rule, index, hay, secret, out);
            return;
        }
        let Some(captures) = &rule.captures else {
            // Built for every rule with secret groups; without it the whole match goes.
            self.validate_push(rule, index, hay, m, out);
            return;
        };
        // Anchored at the match and bounded by it, the capture search reads the match's bytes
        // once more, not the rest of the text (look-around still sees outside the span, and
        // the match found first is the preferred one within it too).
        let input = regex_automata::Input::new(hay)
            .span(m.clone())
            .anchored(regex_automata::Anchored::Yes);
        let mut caps = captures.create_captures();
        captures.search_captures(&input, &mut caps);
        if !caps.is_match() {
            // The same pattern over the same match cannot fail; if it ever did, fail closed.
            self.validate_push(rule, index, hay, m, out);
            return;
        }
        let mut any_group = false;
        for &g in &rule.secret_groups {
            if let Some(s) = caps.get_group(g) {
                any_group = true;
                self.validate_push(rule, index, hay, s.range(), out);
            }
        }
        if !any_group {
            self.validate_push(rule, index, hay, m, out);
        }
    }

    fn validate_push(
        &self,
        rule: &CompiledRule,
        index: u16,
        hay: &[u8],
        r: Range<usize>,
        out: &mut Vec<Raw>,
    ) {
        if r.is_empty()
            || (rule.placeholder_guard && validate::looks_like_placeholder(&hay[r.clone()]))
        {
            return;
        }
        // Our own marker in a secret's place (`Credential=[REDACTED:…]` on a second pass), or
        // inside a candidate that only matches because a replacement removed a delimiter, is
        // not a secret; redacting it would make redaction not idempotent.
        if validate::contains_marker(&hay[r.clone()]) {
            return;
        }
        let ok = match &rule.validator {
            Validator::None => true,
            Validator::Builtin(f) => f(hay, r.clone()),
            Validator::Custom(f) => f(&String::from_utf8_lossy(&hay[r.clone()])),
        };
        if ok {
            out.push((index, r));
        }
    }

    fn run_scanners(&self, text: &Classified, triggers: &mut Triggers, out: &mut Vec<Raw>) {
        let hay = text.hay();
        let s = &self.slots;
        if s.card.is_some()
            || s.ssn.is_some()
            || s.phone.is_some()
            || s.iban.is_some()
            || s.ipv4.is_some()
        {
            pii::scan_digits(text, s.ipv4.is_some(), &mut |hit, r| {
                let slot = match hit {
                    DigitHit::Card => s.card,
                    DigitHit::Ssn => s.ssn,
                    DigitHit::Phone => s.phone,
                    DigitHit::Iban => s.iban,
                    DigitHit::Ipv4 => s.ipv4,
                };
                if let Some(rule) = slot {
                    out.push((rule, r));
                }
            });
        }
        if let Some(rule) = s.ipv6 {
            network::scan_ipv6(hay, &mut |r| out.push((rule, r)));
        }
        let paired = s.aws_secret.is_some()
            && s.aws_access_key.is_some()
            && out.iter().any(|(rule, _)| Some(*rule) == s.aws_access_key);
        let bare_keys = s.aws_secret_bare.is_some() || paired;
        // A key run is a token run too, and longer than `classify::LONG_RUN`.
        if !bare_keys && self.run_keywords.is_empty() || !text.may_hold_long_token_runs() {
            return;
        }
        let mut each_run = |run: Range<usize>| {
            self.run_keywords_in(hay, run.clone(), triggers, out);
            let Some(c) = aws::secret_key_candidate(hay, run).filter(|_| bare_keys) else {
                return;
            };
            if paired && c.paired_ok {
                if let Some(rule) = s.aws_secret {
                    out.push((rule, c.range));
                    return;
                }
            }
            if c.bare_ok() {
                if let Some(rule) = s.aws_secret_bare {
                    out.push((rule, c.range));
                }
            }
        };
        let is_key_byte = |b| aws::KEY_BYTES.contains(b);
        let key_mask = |at| text.key(at);
        if self.run_keywords.is_empty() {
            validate::for_each_long_run_masked::<40>(hay, key_mask, is_key_byte, &mut each_run);
        } else {
            validate::for_each_long_run_masked::<KEY_RUN_MIN>(
                hay,
                key_mask,
                is_key_byte,
                &mut each_run,
            );
        }
    }

    /// One `memchr` pass for the bytes that start an e-mail check (`@`) or a keyword search
    /// ([`KeywordSearch::AtByte`]): each of these bytes is rare in logs, and a `memchr2` costs
    /// about what a `memchr` does, while each call has a fixed cost that matters on short
    /// texts.
    fn rare_bytes(&self, hay: &[u8], triggers: &mut Triggers, out: &mut Vec<Raw>) {
        let email = self.slots.email;
        let mut email_end = 0;
        let mut at_byte = |at: usize| {
            let byte = hay[at];
            if byte == b'@' && at >= email_end {
                if let Some(rule) = email {
                    if let Some(found) = pii::email_at(hay, at) {
                        email_end = found.end;
                        out.push((rule, found));
                    }
                }
            }
            for (_, keywords) in self.byte_keywords.iter().filter(|(b, _)| *b == byte) {
                for k in keywords {
                    let Some(start) = at.checked_sub(k.offset) else {
                        continue;
                    };
                    if hay[start..].starts_with(&k.literal) {
                        triggers.hit(&self.rules, hay, k.rule, start..start + k.literal.len());
                    }
                }
            }
        };
        for chunk in self.rare_needles.chunks(3) {
            match *chunk {
                [a] => memchr::memchr_iter(a, hay).for_each(&mut at_byte),
                [a, b] => memchr::memchr2_iter(a, b, hay).for_each(&mut at_byte),
                [a, b, c] => memchr::memchr3_iter(a, b, c, hay).for_each(&mut at_byte),
                _ => {}
            }
        }
    }

    /// Searches `run`, a maximal run of at least [`KEY_RUN_MIN`] key bytes, for the keywords
    /// of [`KeywordSearch::InKeyRuns`] rules, and searches each hit's rule (at the hit, or
    /// over the whole text once for a rule whose matches do not start at a keyword).
    fn run_keywords_in(
        &self,
        hay: &[u8],
        run: Range<usize>,
        triggers: &mut Triggers,
        out: &mut Vec<Raw>,
    ) {
        // A match starts at a keyword followed by KEY_RUN_MIN key bytes in all.
        let last_start = run.end - KEY_RUN_MIN.min(run.len());
        for (literal, rule) in &self.run_keywords {
            let Some(&first) = literal.first() else {
                continue;
            };
            for offset in memchr::memchr_iter(first, &hay[run.start..=last_start]) {
                let at = run.start + offset;
                if !hay[at..run.end].starts_with(literal) || triggers.is_whole_text(*rule) {
                    continue;
                }
                let compiled = &self.rules[usize::from(*rule)];
                if !compiled.accepts_hit(hay, at..at + literal.len()) {
                    continue;
                }
                if compiled.searched_at_hits() {
                    self.run_anchored(*rule, hay, at, out);
                } else {
                    triggers.whole_text(*rule);
                    self.run_pattern(*rule, hay, out);
                }
            }
        }
    }

    fn finish(&self, hay: &[u8], out: &mut Vec<Raw>) {
        if out.is_empty() {
            return;
        }
        if !self.allow_literals.is_empty() || self.allow_patterns.is_some() {
            out.retain(|(rule, r)| {
                rule & OVERRIDES_ALLOWLIST != 0 || !self.allowed(&hay[r.clone()])
            });
        }
        for (rule, _) in out.iter_mut() {
            *rule &= !OVERRIDES_ALLOWLIST;
        }
        if self.replacements_findable {
            // A replacement's own output met again (the next pass of the fixed point):
            // keeping it writes what replacing it would, and finding it again would count it
            // twice.
            out.retain(|(rule, r)| {
                !self
                    .rules
                    .get(usize::from(*rule))
                    .is_some_and(|c| c.replacement.produced(c.form, &hay[r.clone()]))
            });
        }
        // Ties go to the rule listed first in the catalogue, so labels are deterministic.
        out.sort_unstable_by(|a, b| {
            (a.1.start, std::cmp::Reverse(a.1.end), a.0).cmp(&(
                b.1.start,
                std::cmp::Reverse(b.1.end),
                b.0,
            ))
        });
        if let Some((names, stems)) = &self.exempt {
            drop_exempt_values(hay, names, stems, self.slots.secret_value, out);
        }
        let mut merged = 0;
        for i in 0..out.len() {
            if merged > 0 && out[i].1.start < out[merged - 1].1.end {
                let end = out[i].1.end.max(out[merged - 1].1.end);
                out[merged - 1].1.end = end;
                // A group that holds a known secret value is one: an exempt field lets only
                // known values' findings through its filter, so the label must say so.
                if Some(out[i].0) == self.slots.secret_value {
                    out[merged - 1].0 = out[i].0;
                }
            } else {
                out.swap(merged, i);
                merged += 1;
            }
        }
        out.truncate(merged);
    }

    /// Whether values stored under `name` (a tracing field's name) are never redacted
    /// ([`crate::RedactorBuilder::exempt_field`]).
    pub(crate) fn is_exempt_name(&self, name: &[u8]) -> bool {
        self.exempt
            .as_ref()
            .is_some_and(|(names, _)| names.matches(name))
    }

    /// Whether `index` is the rule of known secret values.
    pub(crate) fn is_secret_value_rule(&self, index: u16) -> bool {
        self.slots.secret_value == Some(index)
    }

    fn allowed(&self, secret: &[u8]) -> bool {
        self.allow_literals.iter().any(|l| l.as_slice() == secret)
            || self
                .allow_patterns
                .as_ref()
                .is_some_and(|set| set.is_match(secret))
    }
}

/// Drops the findings that lie inside the value of an exempt key (`request_id=…`,
/// `"trace_id": "…"`), except known secret values (`secret_value`), which are never an id.
/// Runs only on texts with findings, so exemptions cost clean text nothing. A finding that
/// reaches past the value is kept whole: only what is certainly inside an exempt value is let
/// through. `out` is sorted by start, and the values come in text order: one merge.
fn drop_exempt_values(
    hay: &[u8],
    names: &KeyNames,
    stems: &Keywords,
    secret_value: Option<u16>,
    out: &mut Vec<Raw>,
) {
    let mut values: Vec<Range<usize>> = Vec::new();
    let mut key_end = 0;
    stems.for_each(hay, |_, hit| {
        if hit.start < key_end {
            return;
        }
        let key = keyvalue::key_around(hay, hit);
        key_end = key.end;
        if !names.matches(&hay[key.clone()]) {
            return;
        }
        if let Some(value) = keyvalue::exempt_value_after(hay, key) {
            values.push(value);
        }
    });
    if values.is_empty() {
        return;
    }
    let mut next = 0;
    out.retain(|(rule, r)| {
        // The values do not overlap (each key is read past the last one's key) and come in
        // text order: the first value not ending before this finding's start is the only one
        // that can hold it.
        while next < values.len() && values[next].end < r.start {
            next += 1;
        }
        let inside = values
            .get(next)
            .is_some_and(|value| value.start <= r.start && r.end <= value.end);
        !inside || Some(*rule) == secret_value
    });
}

#[cfg(test)]
mod tests {
    use crate::test_rng::XorShift;
    use crate::Redactor;

    /// Text around the rules whose keywords are not in the SIMD pass (Twilio keys in key runs,
    /// Azure secrets at `~`) and around `@`, which shares their byte pass: tokens, tokens one
    /// byte short or long, and the bytes that end or continue a run next to them.
    fn text(rng: &mut XorShift) -> String {
        let mut next = || rng.next();
        const HEX: &[u8] = b"0123456789abcdefABCDEF";
        const AZURE: &[u8] = b"abcXYZ0189_~.-";
        const GLUE: &[&str] = &[
            " ",
            "/",
            "+",
            "_",
            "-",
            ".",
            "=",
            "\"",
            "~",
            "~/",
            "@",
            "a",
            "Z",
            "9",
            "SK",
            "Q~",
            "8Q~",
            "x@y.io ",
            "a@b.co@c.io",
            "@@",
            "key=",
            "\n",
            "",
            "",
            "",
        ];
        let mut out = String::new();
        for _ in 0..(next() % 6 + 1) {
            let pick = |set: &[u8], len: usize, next: &mut dyn FnMut() -> u64| {
                (0..len)
                    .map(|_| char::from(set[(next() % set.len() as u64) as usize]))
                    .collect::<String>()
            };
            match next() % 6 {
                0 | 1 => {
                    let len = [31, 32, 32, 33][(next() % 4) as usize];
                    out.push_str("SK");
                    out.push_str(&pick(HEX, len, &mut next));
                }
                2 | 3 => {
                    out.push_str(&pick(b"aZ0_.~", 3, &mut next));
                    out.push(char::from(b'0' + (next() % 10) as u8));
                    out.push_str("Q~");
                    let len = (next() % 6 + 29) as usize;
                    out.push_str(&pick(AZURE, len, &mut next));
                }
                4 => {
                    let len = (next() % 50) as usize;
                    out.push_str(&pick(b"abcXYZ0189+/", len, &mut next));
                }
                _ => out.push_str("mail bob@example.com or ~/notes"),
            }
            out.push_str(GLUE[(next() % GLUE.len() as u64) as usize]);
        }
        out
    }

    /// Keywords found in key runs or at a byte ([`super::KeywordSearch`]) lead to the same
    /// findings as the same keywords in the SIMD pass, over text built to sit on every edge
    /// of those searches.
    #[test]
    fn keyword_searches_find_what_the_simd_pass_finds() {
        let fast = Redactor::default();
        let simd = Redactor::builder()
            .build_simd_keywords_only()
            .expect("the default rules build");
        // E-mail alone, against the scanner's own `@` loop: the byte pass shares it.
        let mut email_only = Redactor::builder();
        for family in crate::Family::ALL {
            email_only = email_only.disable(family.name());
        }
        let email_only = email_only
            .enable("email")
            .build()
            .expect("e-mail alone builds");
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let mut seen = std::collections::HashMap::new();
        for _ in 0..20_000 {
            let t = text(&mut rng);
            let got: Vec<_> = fast.find(&t).map(|f| (f.rule(), f.range())).collect();
            let want: Vec<_> = simd.find(&t).map(|f| (f.rule(), f.range())).collect();
            assert_eq!(got, want, "{t:?}");
            let emails: Vec<_> = email_only.find(&t).map(|f| f.range()).collect();
            let mut scanned: Vec<std::ops::Range<usize>> = Vec::new();
            crate::rules::pii::scan_emails(t.as_bytes(), &mut |r| match scanned.last_mut() {
                // Overlapping addresses (`a@b.co@c.io`) come out merged.
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => scanned.push(r),
            });
            assert_eq!(emails, scanned, "{t:?}");
            for (rule, _) in got {
                *seen.entry(rule).or_insert(0) += 1;
            }
        }
        // The text must reach every path compared, or the comparison proves nothing.
        for rule in ["twilio-api-key", "azure-ad-client-secret", "email"] {
            let n = seen.get(rule).copied().unwrap_or(0);
            assert!(n >= 1_000, "only {n} findings of {rule}: {seen:?}");
        }
    }
}
